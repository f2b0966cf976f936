#!/usr/bin/env python3
"""Savefile writing benchmark: converting the benchmark capture to pcap and to pcapng, ours against libpcap's pcap_dump and the peers.

One run prints one table.  Every row converts the same deterministic capture
(bench/gen_mixed.py, classic pcap, 1,000,000 packets by default) start to
finish: open the input, read every packet, write it to a new file, close both.
Each row runs in a process of its own, `--passes` times (best pass, by the
process's CPU time unless --clock wall), in rounds over all rows.  The output
of every row is read back afterwards (untimed, with our Reader) and its packet
count must equal the input's, or the row is marked.

Rows (the first is the reference of the ratio column):
  libpcap C pcap_dump       bench/write_loop.c against the system libpcap: pcap_next_ex + pcap_dump -> pcap
  ours C pcap_dump          the same source against our core
  ours write_many pcap      Writer(out.pcap).write_many(Reader(src))
  ours write_many pcapng    Writer(out.pcapng).write_many(Reader(src))
  ours loop pcap / pcapng   for p in Reader(src): w.write(p)
  scapy pcapng              scapy.utils.PcapNgWriter over PcapReader (on a prefix, --scapy-count)
  dpkt pcapng               dpkt.pcapng.Writer over dpkt.pcap.Reader

The goal of issue 12: "ours write_many pcapng" >= 1.0x "libpcap C pcap_dump".
Outputs go to a temporary directory (--outdir, default on /dev/shm when it
exists, so that the disk is not what is measured).  Peers that are not
installed are skipped with a note (bench/setup_peers.sh installs dpkt and
scapy).  Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_mixed  # noqa: E402  (sibling module)
from bench_read import base_env, our_flags, ours_env, run, CC, C_FLAGS  # noqa: E402

__all__ = ["main"]

WRITE_LOOP = os.path.join(HERE, "write_loop.c")
ROW_TIMEOUT = 1800
GOAL = ("ours write_many pcapng", "libpcap C pcap_dump", 1.0)


@dataclass
class Row:
    name: str
    kind: str                 # "c" or a python row key
    fmt: str                  # "pcap" | "pcapng"
    src: str
    note: str = ""
    skip: str = ""
    exe: str = ""
    env: Dict[str, str] = field(default_factory=dict)
    packets: int = 0
    bytes: int = 0
    best_ns: int = 0
    best_wall: int = 0
    best_cpu: int = 0
    passes: List[Tuple[int, int]] = field(default_factory=list)
    out_size: int = 0
    problem: str = ""

    @property
    def pps(self) -> float:
        return self.packets * 1e9 / self.best_ns if self.best_ns else 0.0


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the Python rows
# Run as `bench_write.py --row KEY SRC DST`: one pass, one line like the C loop's.


def _row_main(key: str, src: str, dst: str) -> int:
    # Imports before the clock starts (the C loop has its library loaded too).
    if key.startswith("ours_"):
        import libpcap  # noqa: F401
    elif key == "scapy_pcapng":
        import scapy.utils  # type: ignore[import-not-found]  # noqa: F401
    elif key == "dpkt_pcapng":
        import dpkt  # type: ignore[import-not-found]  # noqa: F401
    t0, c0 = time.monotonic_ns(), time.process_time_ns()
    packets = nbytes = 0
    if key.startswith("ours_"):
        import libpcap
        fmt = "pcapng" if key.endswith("pcapng") else "pcap"
        with libpcap.Reader(src) as r, libpcap.Writer(dst, linktype=r.linktype, snaplen=r.snaplen,
                                                      format=fmt) as w:
            if "_many_" in key:
                w.write_many(r)
            else:
                for p in r:
                    w.write(p)
        # counted outside the timed part (below)
    elif key == "scapy_pcapng":
        from scapy.utils import PcapNgWriter, PcapReader  # type: ignore[import-not-found]
        # As scapy users write pcapng: its packets, read by PcapReader (the
        # raw write_packet path writes no section header in scapy 2.8).
        w = PcapNgWriter(dst)
        for pkt in PcapReader(src):
            w.write(pkt)
            packets += 1
            nbytes += len(pkt.original)
        w.close()
    elif key == "dpkt_pcapng":
        import dpkt  # type: ignore[import-not-found]
        with open(src, "rb") as f, open(dst, "wb") as g:
            r = dpkt.pcap.Reader(f)
            w = dpkt.pcapng.Writer(g, snaplen=r.snaplen, linktype=r.datalink())
            for ts, buf in r:
                w.writepkt(buf, ts=ts)
                packets += 1
                nbytes += len(buf)
    else:
        raise SystemExit(f"unknown row {key}")
    t1, c1 = time.monotonic_ns(), time.process_time_ns()
    if key.startswith("ours_"):
        import libpcap
        with libpcap.Reader(src) as r:
            for p in r:
                packets += 1
                nbytes += p.caplen
    print(f"pass=1 ns={t1 - t0} cpu_ns={c1 - c0} packets={packets} bytes={nbytes}", flush=True)
    return 0


# --------------------------------------------------------------------------- running


def build(outdir: str, oenv: Dict[str, str]) -> Tuple[Optional[str], str, Optional[str], str]:
    sys_exe = os.path.join(outdir, "write_loop-system")
    r = run([CC, *C_FLAGS, WRITE_LOOP, "-lpcap", "-o", sys_exe])
    sys_how = f"{CC} {' '.join(C_FLAGS)} write_loop.c -lpcap"
    if r.returncode != 0:
        sys_exe, sys_how = None, f"build against the system libpcap failed: {r.stderr.strip()[:300]}"
    cflags, libs, how = our_flags(oenv)
    our_exe: Optional[str] = os.path.join(outdir, "write_loop-ours")
    if cflags is None or libs is None:
        return sys_exe, sys_how, None, how
    r = run([CC, *C_FLAGS, *cflags, WRITE_LOOP, *libs, "-o", our_exe])
    if r.returncode != 0:
        return sys_exe, sys_how, None, f"build against our core failed: {r.stderr.strip()[:300]}"
    return sys_exe, sys_how, our_exe, f"{CC} {' '.join(C_FLAGS)} {' '.join(cflags)} write_loop.c {' '.join(libs)}"


def run_row(row: Row, dst: str, clock: str) -> None:
    if row.kind == "c":
        argv = [row.exe, row.src, dst]
    else:
        argv = [sys.executable, os.path.abspath(__file__), "--row", row.kind, row.src, dst]
    try:
        r = run(argv, env=row.env, timeout=ROW_TIMEOUT)
    except subprocess.TimeoutExpired:
        row.skip = f"timed out after {ROW_TIMEOUT} s"
        return
    got = False
    for line in r.stdout.splitlines():
        if not line.startswith("pass="):
            continue
        kv = dict(x.split("=", 1) for x in line.split())
        ns, cpu = int(kv["ns"]), int(kv["cpu_ns"])
        row.passes.append((cpu, ns))
        t = cpu if clock == "cpu" else ns
        if not row.best_ns or t < row.best_ns:
            row.best_ns, row.best_wall, row.best_cpu = t, ns, cpu
        row.packets, row.bytes = int(kv["packets"]), int(kv["bytes"])
        got = True
    if r.returncode != 0 or not got:
        tail = (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
        row.skip = f"failed: {tail[:200]}"
        return
    row.out_size = os.path.getsize(dst)


CHECK = r"""
import json, sys, libpcap
with libpcap.Reader(sys.argv[1]) as r:
    n = sum(1 for _ in r)
    print(json.dumps({"packets": n, "format": getattr(r, "format", "?")}))
"""


def check_output(row: Row, dst: str, want: int, oenv: Dict[str, str]) -> None:
    r = run([sys.executable, "-c", CHECK, dst], env=oenv, timeout=ROW_TIMEOUT)
    if r.returncode != 0:
        row.problem = f"output unreadable: {(r.stderr.strip().splitlines() or ['?'])[-1][:150]}"
        return
    info = json.loads(r.stdout)
    if info["packets"] != want:
        row.problem = f"output holds {info['packets']} packets, input {want}"
    elif info["format"] not in (row.fmt, "?"):
        row.problem = f"output is {info['format']}, not {row.fmt}"


def probe(env: Dict[str, str]) -> Dict[str, bool]:
    code = ("import importlib.util, json; print(json.dumps({m: importlib.util.find_spec(m) is not None "
            "for m in ('dpkt', 'scapy')}))")
    r = run([sys.executable, "-c", code], env=env)
    return json.loads(r.stdout) if r.returncode == 0 else {}


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--row", nargs=3, metavar=("KEY", "SRC", "DST"), help=argparse.SUPPRESS)
    ap.add_argument("-n", "--count", type=int, default=1_000_000, help="packets in the capture (default 1000000)")
    ap.add_argument("-p", "--passes", type=int, default=3, help="passes per row, best one counts (default 3)")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    ap.add_argument("--scapy-count", type=int, default=100_000,
                    help="scapy converts only this prefix of the capture (default 100000; 0 = whole file)")
    ap.add_argument("--rows", help="comma-separated substrings: only the rows whose name holds one (the first "
                    "row always runs)")
    ap.add_argument("--outdir", help="where the outputs go (default: a new directory on /dev/shm, else /tmp)")
    ap.add_argument("--installed", action="store_true", help="the installed package, not this checkout's")
    args = ap.parse_args(argv)
    if args.row:
        return _row_main(*args.row)

    capture = gen_mixed.ensure(args.count)
    scapy_n = args.scapy_count if 0 < args.scapy_count < args.count else args.count
    base = args.outdir or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    tmp = tempfile.mkdtemp(prefix="libpcap-bench-write-", dir=base)
    load0 = os.getloadavg()
    try:
        penv, oenv = base_env(), ours_env(args.installed)
        sys_exe, sys_how, our_exe, our_how = build(tmp, oenv)
        peers = probe(penv)
        rows = [
            Row("libpcap C pcap_dump", "c", "pcap", capture, "system libpcap, pcap_next_ex + pcap_dump",
                "" if sys_exe else sys_how, sys_exe or "", penv),
            Row("ours C pcap_dump", "c", "pcap", capture, "same C source, our core",
                "" if our_exe else our_how, our_exe or "", penv),
            Row("ours write_many pcap", "ours_many_pcap", "pcap", capture, "Writer.write_many(Reader)", env=oenv),
            Row("ours write_many pcapng", "ours_many_pcapng", "pcapng", capture, "Writer.write_many(Reader)",
                env=oenv),
            Row("ours loop pcap", "ours_loop_pcap", "pcap", capture, "for p in Reader: w.write(p)", env=oenv),
            Row("ours loop pcapng", "ours_loop_pcapng", "pcapng", capture, "for p in Reader: w.write(p)",
                env=oenv),
            Row("scapy pcapng", "scapy_pcapng", "pcapng", capture, "PcapNgWriter over PcapReader",
                "" if peers.get("scapy") else "scapy not installed (bench/setup_peers.sh)", env=penv),
            Row("dpkt pcapng", "dpkt_pcapng", "pcapng", capture, "dpkt.pcapng.Writer over dpkt.pcap.Reader",
                "" if peers.get("dpkt") else "dpkt not installed (bench/setup_peers.sh)", env=penv),
        ]
        if peers.get("scapy") and scapy_n != args.count:
            rows[6].src = gen_mixed.ensure(scapy_n)
            rows[6].note += f", first {scapy_n:,} packets"
        if args.rows:
            wanted = [w.strip() for w in args.rows.split(",") if w.strip()]
            rows = [r for r in rows if r is rows[0] or any(w in r.name for w in wanted)]
        counts: Dict[str, int] = {}
        for rnd in range(1, max(1, args.passes) + 1):
            log(f"bench_write: round {rnd}/{max(1, args.passes)}")
            for i, row in enumerate(rows):
                if row.skip:
                    continue
                log(f"bench_write:   {row.name}")
                dst = os.path.join(tmp, f"row{i}.{row.fmt}")
                run_row(row, dst, args.clock)
                if rnd == 1 and not row.skip:
                    if row.src not in counts:
                        r = run([sys.executable, "-c", CHECK, row.src], env=oenv, timeout=ROW_TIMEOUT)
                        counts[row.src] = json.loads(r.stdout)["packets"] if r.returncode == 0 else -1
                    check_output(row, dst, counts[row.src], oenv)
                if os.path.exists(dst):
                    os.unlink(dst)
        report(args, capture, rows, sys_how, our_how, load0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def report(args: argparse.Namespace, capture: str, rows: List[Row], sys_how: str, our_how: str,
           load0: Tuple[float, float, float]) -> None:
    load = os.getloadavg()
    print(f"capture: {capture} ({os.path.getsize(capture) / 1e6:.1f} MB)")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{load0[0]:.2f} at start, {load[0]:.2f} at end; Python {platform.python_version()}")
    print(f"each pass: a process of its own converting the capture (read + write, open to close); best of "
          f"{max(1, args.passes)} passes by {'CPU' if args.clock == 'cpu' else 'wall'} time")
    print(f"C loops: system: {sys_how}")
    print(f"         ours:   {our_how}")
    print()
    ref = rows[0].pps if rows and not rows[0].skip else 0.0
    other = "wall" if args.clock == "cpu" else "cpu"
    head = (f"{'row':<24} {'format':<7} {'packets':>10} {'seconds':>8} {'packets/s':>12} {'ratio':>6} "
            f"{other + ' s':>7} {'out MB':>7}  notes")
    print(head)
    print("-" * len(head))
    for row in rows:
        if row.skip:
            print(f"{row.name:<24} {row.fmt:<7} {'-':>10} {'-':>8} {'-':>12} {'-':>6} {'-':>7} {'-':>7}  "
                  f"skipped: {row.skip}")
            continue
        ratio = f"{row.pps / ref:.2f}x" if ref else "-"
        alt = row.best_wall if args.clock == "cpu" else row.best_cpu
        notes = row.note + (f"  !! {row.problem}" if row.problem else "")
        print(f"{row.name:<24} {row.fmt:<7} {row.packets:>10,} {row.best_ns / 1e9:>8.3f} {row.pps:>12,.0f} "
              f"{ratio:>6} {alt / 1e9:>7.3f} {row.out_size / 1e6:>7.1f}  {notes}")
    print()
    print("all passes, CPU/wall seconds:")
    for row in rows:
        if not row.skip:
            print(f"  {row.name:<22} " + "  ".join(f"{c / 1e9:.3f}/{w / 1e9:.3f}" for c, w in row.passes))
    print()
    mine, other_row, need = GOAL
    by = {r.name: r for r in rows}
    a, b = by.get(mine), by.get(other_row)
    if not a or not b or a.skip or b.skip:
        print(f"goal: {mine} >= {need}x {other_row}: not measured")
    else:
        got = a.pps / b.pps if b.pps else 0.0
        print(f"goal: {mine} >= {need}x {other_row}: {got:.2f}x  {'met' if got >= need else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
