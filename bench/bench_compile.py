"""Filter compiler benchmark: our pcap_compile against the system libpcap's,
side by side in one run.

tests/oracle/compile_oracle.c is built twice (against the system libpcap
1.10.3, no include directory of ours, and against our package with
``python -m libpcap --cflags --libs``); its ``bench`` mode compiles one
expression read from a file, timing pcap_compile alone.  Every cell runs in
a process of its own, so the two libraries never share a process and each
figure is one compile's.  Peak memory is the child's own VmHWM (peak
resident set of the process image, read by the child after the compile);
wait4()'s ru_maxrss is printed too but is not usable here: Linux keeps the
maximum across exec, so it is never below the forking Python's size.

Table 1: N in (100, 300, 500, 1000, 2000, 3000, 4000) terms of
``host 10.a.b.1 or host ...`` and of ``port P or port ...`` (EN10MB),
{ours, libpcap} x {optimized, unoptimized}: compile time, instruction
count, peak memory.  A libpcap cell that would take more than --cap seconds
is skipped and says so: after a cell that timed out, or when the cell's
time extrapolated from the previous N (cubic when optimizing, quadratic
otherwise: libpcap's complexity) is over the cap.  Our cells are never
skipped by prediction; a timeout is shown as such.

Table 2: the whole accept corpus, every expression of
shared/conformance/filter/accept.jsonl that runs on Linux (records that
need the host fixtures compile to their lookup error without them, on both
sides; ``linuxext`` records need a live handle and are left out), each
optimize setting as recorded: total time of one process per library
compiling all of them, best of --rounds.

Table 3: level 2 (optimize=2, ours) against libpcap's optimizer on port,
net and host lists of 10 ... 4,000 terms: instructions, and ns/packet with
our bpf_filter, our predecoded program and libpcap's bpf_filter (see
bench_opt2.py; ``--level2`` runs only this table).

    python bench/bench_compile.py [--sizes 100,300,...] [--cap 60] [--quick]
    python bench/bench_compile.py --level2

A benchmark, never a test: nothing here asserts a speed.  The goals of
issue 7 are printed next to the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import test_compile_differential as cd  # noqa: E402  (builders of the runner)

SIZES = (100, 300, 500, 1000, 2000, 3000, 4000)


def expression(kind: str, n: int) -> str:
    if kind == "hosts":
        return " or ".join(f"host 10.{i // 250 % 250}.{i % 250 + 1}.1" for i in range(n))
    return " or ".join(f"port {1 + i % 65535}" for i in range(n))


def run_cell(exe: Path, expr_file: Path, optimize: int, cap: float,
             env: Optional[Dict[str, str]]) -> Dict[str, object]:
    """One compile in its own process: time, length, peak RSS (MB)."""
    proc = subprocess.Popen([str(exe), "bench", "1", str(optimize), str(expr_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + cap
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"state": "timeout"}
        time.sleep(0.005)
    out = proc.stdout.read().decode() if proc.stdout else ""
    proc.stdout and proc.stdout.close()
    proc.stderr and proc.stderr.close()
    fields = out.split()
    rusage_mb = usage.ru_maxrss / 1024.0
    if os.WIFSIGNALED(status) or not fields:
        return {"state": f"died (status {status})", "mem": rusage_mb}
    if fields[0] == "OK":
        return {"state": "ok", "len": int(fields[1]), "time": float(fields[2]),
                "mem": int(fields[3]) / 1024.0, "rusage": rusage_mb}
    return {"state": "error", "time": float(fields[1]), "mem": int(fields[2]) / 1024.0,
            "error": " ".join(fields[3:])}


def fmt(cell: Dict[str, object]) -> str:
    st = cell["state"]
    if st == "ok":
        return f"{cell['time']:9.3f} s {cell['len']:7d} {cell['mem']:7.1f} MB"
    if st == "timeout":
        return f"{'> cap':>9}   {'':7} {'':10}"
    if st == "skipped":
        return f"{'skipped':>9}   {'':7} {'':10}"
    if st == "error":
        return f"{'error':>9}   {str(cell.get('error', ''))[:18]:18}"
    return f"{st:>30}"


def table1(exes: Dict[str, Path], envs: Dict[str, Optional[Dict[str, str]]], sizes: List[int],
           cap: float, work: Path) -> List[str]:
    notes: List[str] = []
    for kind in ("hosts", "ports"):
        print(f"\n{kind}: `{expression(kind, 2)} or ...` on EN10MB "
              f"(time of pcap_compile, instructions, peak memory of the process)")
        header = f"{'N':>6} | " + " | ".join(f"{impl + (' -O' if opt else ' unopt'):^30}"
                                            for opt in (1, 0) for impl in ("ours", "libpcap"))
        print(header)
        print("-" * len(header))
        last: Dict[Tuple[str, int], Tuple[int, Dict[str, object]]] = {}
        for n in sizes:
            path = work / f"{kind}-{n}.txt"
            path.write_text(expression(kind, n))
            cells = []
            for opt in (1, 0):
                for impl in ("ours", "libpcap"):
                    prev = last.get((impl, opt))
                    cell: Dict[str, object]
                    if impl == "libpcap" and prev is not None:
                        pn, pc = prev
                        if pc["state"] in ("timeout", "skipped"):
                            cell = {"state": "skipped"}
                        elif pc["state"] == "ok":
                            guess = float(pc["time"]) * (n / pn) ** (3 if opt else 2)  # type: ignore[arg-type]
                            cell = {"state": "skipped"} if guess > cap else {}
                            if cell:
                                notes.append(f"libpcap {kind} N={n} {'-O' if opt else 'unopt'}: "
                                             f"skipped, about {guess:.0f} s predicted (cap {cap:.0f} s)")
                        else:
                            cell = {}
                    else:
                        cell = {}
                    if not cell:
                        cell = run_cell(exes[impl], path, opt, cap, envs[impl])
                        if cell["state"] == "timeout":
                            notes.append(f"{impl} {kind} N={n} {'-O' if opt else 'unopt'}: "
                                         f"stopped after the {cap:.0f} s cap")
                    last[(impl, opt)] = (n, cell)
                    cells.append(cell)
            # The same program on both sides, wherever both finished.
            for a, b in ((cells[0], cells[1]), (cells[2], cells[3])):
                if a["state"] == b["state"] == "ok" and a["len"] != b["len"]:
                    notes.append(f"{kind} N={n}: instruction counts differ "
                                 f"(ours {a['len']}, libpcap {b['len']})")
            print(f"{n:>6} | " + " | ".join(fmt(c) for c in cells), flush=True)
    return notes


def corpus_jobs(shared: Path) -> List[cd.Job]:
    jobs = []
    for line in open(shared / "conformance" / "filter" / "accept.jsonl", encoding="utf-8"):
        r = json.loads(line)
        if r.get("special") or r.get("linuxext"):
            continue
        skip = r.get("skip_if", {})
        if "linux" in skip.get("skip_on_os", []) or skip.get("little_endian"):
            continue
        if skip.get("run_only_on_os") and "linux" not in skip["run_only_on_os"]:
            continue
        mask = cd.NETMASK_UNKNOWN
        if r.get("netmask"):
            a = [int(x) for x in r["netmask"].split(".")]
            mask = a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]
        jobs.append(cd.Job(r["dlt_value"], int(r["optimize"]), mask, r["expr"],
                           r.get("snaplen") or 262144))
    return jobs


def private_etc(work: Path) -> Tuple[List[str], str]:
    """A command prefix that runs in a new network namespace (no DNS
    round trips) with the host fixtures overlaid on /etc, the way
    tools/filter_conformance.py runs the records; ([], why) without root."""
    try:
        fc = cd_load_tool()
        tmp = Path(tempfile.mkdtemp(dir=work))
        prefix = fc._fixture_overlay(tmp)
        prefix.insert(1, "--net")
        if subprocess.run(prefix + ["true"], capture_output=True).returncode == 0:
            return prefix, "fixtures installed, no network"
    except Exception as exc:  # a benchmark: say why and go on
        return [], f"fixtures not installed ({exc})"
    return [], "fixtures not installed (needs root and unshare): name lookups hit the resolver"


def cd_load_tool():  # type: ignore[no-untyped-def]
    import importlib.util
    spec = importlib.util.spec_from_file_location("_filter_conformance",
                                                  ROOT / "tools" / "filter_conformance.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod        # its dataclasses look themselves up
    spec.loader.exec_module(mod)
    return mod


def time_corpus(exes: Dict[str, Path], envs: Dict[str, Optional[Dict[str, str]]],
                jobs: List[cd.Job], prefix: List[str], empty: Path,
                rounds: int) -> Tuple[Dict[str, float], Dict[str, List[str]]]:
    text = "".join(j.line() for j in jobs)
    best: Dict[str, float] = {}
    best_in: Dict[str, float] = {}
    heads: Dict[str, List[str]] = {}
    for _ in range(rounds):
        for impl in ("ours", "libpcap"):
            t0 = time.monotonic()
            proc = subprocess.run(prefix + [str(exes[impl]), "run", str(empty)], input=text,
                                  capture_output=True, text=True, env=envs[impl])
            took = time.monotonic() - t0
            best[impl] = min(best.get(impl, took), took)
            heads[impl] = [x.split(" ", 1)[0] for x in proc.stdout.splitlines()
                           if x.startswith(("OK", "ERR"))]
            end = [x for x in proc.stdout.splitlines() if x.startswith("END ")]
            inside = float(end[-1].split()[-1]) if end else float("nan")
            best_in[impl] = min(best_in.get(impl, inside), inside)
    return best_in, heads


def table2(exes: Dict[str, Path], envs: Dict[str, Optional[Dict[str, str]]], shared: Path,
           rounds: int, work: Path) -> None:
    jobs = corpus_jobs(shared)
    prefix, how = private_etc(work)
    empty = work / "nopackets.bin"
    empty.write_bytes(b"")
    best, heads = time_corpus(exes, envs, jobs, prefix, empty, rounds)
    print(f"\nthe accept corpus: {len(jobs)} compiles (every Linux-runnable record of "
          f"accept.jsonl but the linuxext ones), one process per library, best of {rounds}; "
          f"{how}; the time spent inside pcap_compile")
    for impl in ("ours", "libpcap"):
        print(f"  {impl:8} {best[impl]:8.3f} s   ({heads[impl].count('OK')} programs, "
              f"{heads[impl].count('ERR')} errors)")
    print(f"  goal: ours <= libpcap  ->  {'met' if best['ours'] <= best['libpcap'] else 'NOT met'}"
          f" ({best['ours'] / best['libpcap']:.2f}x)")
    # 1.10.3 refuses what only master knows, and a refusal is cheap: the
    # same comparison on the records both compile.
    both = [j for j, a, b in zip(jobs, heads["ours"], heads["libpcap"]) if a == b == "OK"]
    best2, _ = time_corpus(exes, envs, both, prefix, empty, rounds)
    print(f"  the {len(both)} records both compile: ours {best2['ours']:.3f} s, "
          f"libpcap {best2['libpcap']:.3f} s ({best2['ours'] / best2['libpcap']:.2f}x)")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--cap", type=float, default=60.0, help="seconds per cell")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the corpus table")
    ap.add_argument("--quick", action="store_true", help="sizes up to 1000, a 10 s cap")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--package", type=Path, default=None,
                    help="our libpcap package directory (default: the importable one)")
    ap.add_argument("--level2", action="store_true",
                    help="only table 3: level 2 against libpcap's level 1 (bench_opt2.py)")
    ap.add_argument("--no-level2", action="store_true", help="leave table 3 out")
    args = ap.parse_args(argv)
    if args.level2:
        import bench_opt2
        bench_opt2.main([])
        return 0
    sizes = [int(x) for x in args.sizes.split(",")]
    if args.quick:
        sizes = [n for n in sizes if n <= 1000]
        args.cap = min(args.cap, 10.0)
    work = Path(tempfile.mkdtemp(prefix="bench_compile."))
    pkg = args.package
    if pkg is None:
        import importlib.util
        spec = importlib.util.find_spec("libpcap")
        if spec is None or not spec.submodule_search_locations:
            print("the libpcap package is not importable: build it first", file=sys.stderr)
            return 2
        pkg = Path(list(spec.submodule_search_locations)[0])
    exes = {"ours": cd.build_ours(work, pkg.resolve()), "libpcap": cd.build_oracle(work)}
    clean = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    envs: Dict[str, Optional[Dict[str, str]]] = {"ours": None, "libpcap": clean}
    load = os.getloadavg()
    print(f"bench_compile: {os.cpu_count()} CPUs, load {load[0]:.2f} at start; "
          f"cap {args.cap:.0f} s per cell; ours = {pkg.resolve()}")
    notes = table1(exes, envs, sizes, args.cap, work)
    for note in notes:
        print("  " + note)
    print("\ngoals (issue 7): 1,000 hosts -O < 0.2 s; 4,000 hosts unopt < 0.5 s; "
          "< 50 MB for 3,000-term lists of hosts or ports")
    shared = Path(os.environ.get("LIBPCAP_SHARED", ROOT.parent / "shared"))
    if not args.no_corpus and (shared / "conformance" / "filter" / "accept.jsonl").is_file():
        table2(exes, envs, shared, args.rounds, work)
    if not args.no_level2:
        import bench_opt2
        print("\nTable 3: level 2 (optimize=2, ours) against libpcap's level 1 "
              "(bench/bench_opt2.py)")
        bench_opt2.main(["--packets", "50000"])
    print(f"\nload {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
