#!/usr/bin/env python3
"""Run libpcap master's filter-compiler conformance records through our core.

The records are shared/conformance/filter/accept.jsonl (expected ``bpf_dump``
listings, optimized and not, plus optimizer refusals) and reject.jsonl
(expected error substrings); see shared/conformance/README.md.  Each record
is compiled by tests/c/cc_runner.c (built with every core object), which
takes the same internal switches as libpcap's filtertest: Linux BPF
extensions (``linuxext``) and the savefile byte-order source
(``offline_af``).

Records that need the host fixtures (hosts/ethers/networks lines) run in a
private mount namespace where /etc is an overlay holding the fixture lines,
so the machine's own files are never touched.  Without root (no unshare)
those records are skipped and counted as such.

Usage: tools/filter_conformance.py [--dlt EN10MB ...] [--all-dlts]
       [--match REGEX] [--kind accept|reject] [--show N] [--fork]

Importable: ``load_records``, ``run_records`` and ``summarize`` serve the
pytest wrapper (tests/test_filter_conformance.py).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Iterable

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Link types of issue 7 ("part 1").
PART1_DLTS = (
    "EN10MB", "RAW", "IPV4", "IPV6", "NULL", "LOOP", "LINUX_SLL", "LINUX_SLL2",
    "PPP", "PPP_SERIAL", "PPP_BSDOS", "PPP_PPPD", "PPP_ETHER", "C_HDLC", "SLIP",
)

BPF_SPECIAL_VLAN_HANDLING = 0x1
BPF_SPECIAL_BASIC_HANDLING = 0x2
SOURCE = {None: 0, "unswapped": 1, "swapped": 2}
NETMASK_UNKNOWN = 0xFFFFFFFF


def shared_dir() -> pathlib.Path:
    env = os.environ.get("LIBPCAP_SHARED")
    return pathlib.Path(env) if env else ROOT.parent / "shared"


@dataclass
class Record:
    kind: str                   # "accept" or "reject"
    rec: dict
    skip: str | None = None     # reason this host does not run it

    @property
    def id(self) -> str:
        return self.rec["id"]


@dataclass
class Result:
    record: Record
    status: str                 # OK / ERR / CRASH / MISSING
    text: str                   # listing or error message
    passed: bool = False
    detail: str = ""


@dataclass
class Summary:
    counts: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)

    def add(self, key: str, ok: bool) -> None:
        c = self.counts.setdefault(key, [0, 0])
        c[0 if ok else 1] += 1


def skip_reason(rec: dict) -> str | None:
    """Why TESTrun would skip rec on Linux/glibc/x86-64 little-endian with
    the fixtures installed and protochain and the VLAN extension built in."""
    if rec.get("special"):
        return "special record (bpf_image enumeration, tested elsewhere)"
    if "savefile" in rec:
        return "savefile record (tested by the savefile suites)"
    sk = rec.get("skip_if") or {}
    if "linux" in sk.get("skip_on_os", []):
        return "skipped on linux"
    only = sk.get("run_only_on_os")
    if only and "linux" not in only:
        return "runs only on " + ",".join(only)
    if sk.get("little_endian") and sys.byteorder == "little":
        return "skipped on little-endian hosts"
    if sk.get("big_endian") and sys.byteorder == "big":
        return "skipped on big-endian hosts"
    for cond in sk.get("config", []):
        if cond == "NO_PROTOCHAIN!=1":
            return "needs a build without protochain"
    return None


def load_records(kinds: Iterable[str] = ("accept", "reject"),
                 dlts: Iterable[str] | None = PART1_DLTS,
                 match: str | None = None) -> list[Record]:
    fdir = shared_dir() / "conformance" / "filter"
    pat = re.compile(match) if match else None
    wanted = set(dlts) if dlts is not None else None
    out = []
    for kind in kinds:
        with open(fdir / f"{kind}.jsonl", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                if wanted is not None and rec.get("dlt") not in wanted:
                    continue
                if pat and not (pat.search(rec["id"]) or pat.search(rec.get("expr", ""))):
                    continue
                out.append(Record(kind, rec, skip_reason(rec)))
    return out


def build_runner(build: pathlib.Path | None = None) -> pathlib.Path:
    build = build or ROOT / "build" / "ctests"
    target = build / "cc_runner"
    env = dict(os.environ)
    proc = subprocess.run(
        ["make", "-s", "-j", str(os.cpu_count() or 1), "-C", str(ROOT / "tests" / "c"),
         f"BUILD={build}", str(target)],
        capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError("building cc_runner failed:\n" + proc.stdout + proc.stderr)
    return target


def _netmask(s: str | None) -> int:
    if s is None:
        return NETMASK_UNKNOWN
    return struct.unpack("!I", socket.inet_aton(s))[0]


def _line(r: Record) -> str:
    rec = r.rec
    flags = BPF_SPECIAL_VLAN_HANDLING | BPF_SPECIAL_BASIC_HANDLING if rec.get("linuxext") else 0
    return "\t".join([
        rec["id"], str(rec["dlt_value"]), str(rec.get("snaplen") or 262144),
        str(_netmask(rec.get("netmask"))), "1" if rec.get("optimize", True) else "0",
        str(flags), str(SOURCE[rec.get("offline_af")]), rec.get("expr", "").encode().hex(),
    ]) + "\n"


def _fixture_overlay(tmp: pathlib.Path) -> list[str]:
    """Prefix that runs a command with /etc overlaid by copies of hosts,
    ethers and networks that hold the fixture lines."""
    fx = shared_dir() / "conformance" / "filter" / "fixtures"
    upper, work = tmp / "upper", tmp / "work"
    upper.mkdir()
    work.mkdir()
    for name in ("hosts", "ethers", "networks"):
        orig = pathlib.Path("/etc") / name
        text = orig.read_text() if orig.exists() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        (upper / name).write_text(text + (fx / name).read_text())
    mount = (f"mount -t overlay overlay -o lowerdir=/etc,upperdir={upper},workdir={work} /etc"
             " && exec \"$0\" \"$@\"")
    return ["unshare", "--mount", "sh", "-c", mount]


def fixtures_available() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    with tempfile.TemporaryDirectory() as t:
        cmd = _fixture_overlay(pathlib.Path(t)) + ["true"]
        return subprocess.run(cmd, capture_output=True).returncode == 0


def _run_batch(runner: pathlib.Path, recs: list[Record], prefix: list[str],
               fork: bool) -> dict[str, tuple[str, str]]:
    if not recs:
        return {}
    cmd = prefix + [str(runner)] + (["-f"] if fork else [])
    proc = subprocess.run(cmd, input="".join(_line(r) for r in recs),
                          capture_output=True, text=True, timeout=3600)
    out = {}
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            data = bytes.fromhex(parts[2]).decode("utf-8", "replace") if len(parts) > 2 and parts[2] else ""
            out[parts[0]] = (parts[1], data)
    if proc.returncode != 0 and not fork:
        # A crash ends the batch: the rest are reported as missing.
        out.setdefault("__crash__", ("CRASH", proc.stderr[-2000:]))
    return out


def judge(r: Record, status: str, text: str) -> Result:
    rec = r.rec
    res = Result(r, status, text)
    if r.kind == "accept" and rec.get("expected") is not None:
        res.passed = status == "OK" and text == rec["expected"]
        if not res.passed:
            res.detail = ("expected:\n" + rec["expected"] + "got " + status + ":\n" + text)
    else:
        want = rec.get("expected_error") or rec.get("expected_error_substring") or ""
        res.passed = status == "ERR" and want in text
        if not res.passed:
            res.detail = f"expected an error containing {want!r}; got {status}: {text}"
    return res


def run_records(records: list[Record], fork: bool = False,
                runner: pathlib.Path | None = None) -> tuple[list[Result], dict[str, int]]:
    """Compile every runnable record; returns results and skip counts."""
    runner = runner or build_runner()
    skipped: dict[str, int] = {}
    plain, needy = [], []
    have_fx = None
    for r in records:
        if r.skip:
            skipped[r.skip] = skipped.get(r.skip, 0) + 1
            continue
        if r.rec.get("needs"):
            if have_fx is None:
                have_fx = fixtures_available()
            if not have_fx:
                key = "needs host fixtures (no root/unshare here)"
                skipped[key] = skipped.get(key, 0) + 1
                continue
            needy.append(r)
        else:
            plain.append(r)
    outputs = _run_batch(runner, plain, [], fork)
    if needy:
        with tempfile.TemporaryDirectory() as t:
            outputs.update(_run_batch(runner, needy, _fixture_overlay(pathlib.Path(t)), fork))
    results = []
    for r in plain + needy:
        status, text = outputs.get(r.id, ("MISSING", outputs.get("__crash__", ("", ""))[1]))
        results.append(judge(r, status, text))
    return results, skipped


def category(res: Result) -> str:
    rec = res.record.rec
    if res.record.kind == "reject":
        return "reject"
    if rec.get("expected") is None:
        return "accept-refusal"
    return "accept-opt" if rec.get("optimize") else "accept-unopt"


def summarize(results: list[Result], skipped: dict[str, int]) -> Summary:
    s = Summary()
    for res in results:
        s.add(category(res), res.passed)
        if not res.passed:
            s.failures.append(res)
    s.counts["skipped"] = [sum(skipped.values()), 0]
    return s


def format_summary(s: Summary, skipped: dict[str, int]) -> str:
    lines = []
    for key in ("accept-unopt", "accept-opt", "accept-refusal", "reject"):
        if key in s.counts:
            ok, bad = s.counts[key]
            lines.append(f"{key:15s} {ok:6d} passed {bad:6d} failed  of {ok + bad}")
    for why, n in sorted(skipped.items()):
        lines.append(f"skipped {n:6d}: {why}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dlt", action="append", help="link type name (repeatable); default: part 1")
    ap.add_argument("--all-dlts", action="store_true", help="every link type")
    ap.add_argument("--match", help="regex on record id or expression")
    ap.add_argument("--kind", choices=("accept", "reject"), help="only this file")
    ap.add_argument("--show", type=int, default=5, help="failures to print (default 5)")
    ap.add_argument("--fork", action="store_true", help="one process per record (crash-safe)")
    ap.add_argument("--failures", help="write the ids of failing records to this file")
    ap.add_argument("--by-dlt", action="store_true", help="counts per link type too")
    args = ap.parse_args(argv)

    dlts = None if args.all_dlts else (args.dlt or PART1_DLTS)
    kinds = (args.kind,) if args.kind else ("accept", "reject")
    records = load_records(kinds, dlts, args.match)
    results, skipped = run_records(records, fork=args.fork)
    s = summarize(results, skipped)
    for res in s.failures[: args.show]:
        rec = res.record.rec
        print(f"--- {res.record.id} [{rec.get('dlt')}] opt={rec.get('optimize')} "
              f"linuxext={rec.get('linuxext')} offline={rec.get('offline_af')}\n"
              f"expr: {rec.get('expr')!r}\n{res.detail}")
    if args.by_dlt:
        per: dict[str, list[int]] = {}
        for res in results:
            c = per.setdefault(res.record.rec.get("dlt"), [0, 0])
            c[0 if res.passed else 1] += 1
        for d, (ok, bad) in sorted(per.items()):
            print(f"{d:24s} {ok:6d} passed {bad:6d} failed")
    print(format_summary(s, skipped))
    if args.failures:
        pathlib.Path(args.failures).write_text("".join(r.record.id + "\n" for r in s.failures))
    return 0 if not s.failures else 1


if __name__ == "__main__":
    sys.exit(main())
