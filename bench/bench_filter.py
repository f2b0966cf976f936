"""Filter benchmark: libpcap's bpf_filter against ours, in one run.

Takes a set of real compiled filters (the optimized EN10MB listings of
shared/conformance/filter/accept.jsonl, assembled back into instructions),
builds bench/bench_filter.c twice - against the system libpcap and against
our core sources, with the flags setup.py uses - and runs both over the
same 1,000,000 generated packets (snaplen 128), alternating the two
binaries over ROUNDS rounds and keeping the best time of each (see
bench_filter.c for how blocks of packets are timed).  Prints ns/packet per
filter for bpf_filter, pcap_offline_filter and our predecoded programs
(what pcap_setfilter installs), each with its throughput ratio to
libpcap's counterpart (higher is better; the predecoded column is compared
with libpcap's bpf_filter), plus the geometric means.

    python bench/bench_filter.py [--packets N] [--repeat R] [--rounds K]
    python bench/bench_filter.py --callgrind [--packets N]

--callgrind counts instructions instead of timing them: each binary runs
once under valgrind's callgrind (default 100,000 packets), and the table
gives instructions per packet inside the filter functions and simulated
mispredicted branches per packet.  The counts do not depend on the load of
the machine, so they are the stable figure for comparing two versions of
the engine; the times are the real one.

A benchmark, never a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from _bpf_tools import assemble, clean_env, conformance_dir  # noqa: E402

CONFORMANCE = conformance_dir()
# (expression, optimized) pairs on EN10MB, from simple to long.
FILTERS = [
    ("ip", True),
    ("icmp", True),
    ("vlan 4095", True),
    ("ip6 proto \\tcp", True),
    ("tcp port 25", True),
    ("udp port 53", True),
    ("src host noeth-ipv4-ipv6.host123.libpcap.test", True),
    ("portrange 1-1023", True),
    ("portrange 1-1023", False),
]
# Table columns: (label, our implementation, libpcap's to compare it with).
COLUMNS = [
    ("bpf_filter", "ours-bpf_filter", "libpcap-bpf_filter"),
    ("offline_filter", "ours-offline_filter", "libpcap-offline_filter"),
    ("predecoded", "ours-predecoded", "libpcap-bpf_filter"),
]
# The functions callgrind counts (everything they call included).
COUNTED = ["bpf_filter", "pcap_offline_filter", "vm_prog_run"]


def programs() -> list[tuple[str, list]]:
    wanted = {f: None for f in FILTERS}
    with open(CONFORMANCE / "filter" / "accept.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            key = (rec["expr"], rec["optimize"])
            if (key in wanted and wanted[key] is None and rec["dlt"] == "EN10MB"
                    and not rec["linuxext"] and rec.get("expected")):
                wanted[key] = assemble(rec["expected"])
    missing = [k for k, v in wanted.items() if v is None]
    if missing:
        sys.exit(f"filters not found in accept.jsonl: {missing}")
    return [(f"{expr}{'' if opt else ' (unopt)'}", wanted[(expr, opt)])
            for expr, opt in FILTERS]


def build(tmp: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    src = ROOT / "bench" / "bench_filter.c"
    flags = ["-std=c11", "-O2", "-fPIC", "-D_GNU_SOURCE"]
    system = tmp / "bench_filter_libpcap"
    subprocess.run(["gcc", *flags, str(src), "-lpcap", "-o", str(system)], check=True,
                   env=clean_env())
    ours = tmp / "bench_filter_ours"
    lib = ROOT / "src" / "_libpcap"
    # pcap_offline_filter lives in the core: build all of it, as setup.py does.
    sys.path.insert(0, str(ROOT / "tools"))
    import build_sources
    sources = [str(ROOT / f) for f in build_sources.core_sources(str(ROOT))]
    subprocess.run(["gcc", *flags, "-fvisibility=hidden", "-DBENCH_OURS",
                    "-I", str(lib / "include"), "-I", str(lib / "core"), "-I", str(lib / "bpf"),
                    str(src), *sources, "-pthread", "-o", str(ours)], check=True, env=clean_env())
    return system, ours


def write_listing(path: pathlib.Path, progs: list[tuple[str, list]]) -> None:
    with open(path, "w") as fh:
        for name, insns in progs:
            fh.write(f"# {name}\n{len(insns)}\n")
            fh.writelines(f"{c} {t} {f} {k}\n" for c, t, f, k in insns)


Binaries = tuple[pathlib.Path, pathlib.Path]


def timed(binaries: Binaries, listing: pathlib.Path,
          args: argparse.Namespace) -> tuple[dict, dict]:
    """Best ns/packet and accepted count per (program, implementation)."""
    best: dict[tuple[str, str], float] = {}
    accepted: dict[tuple[str, str], int] = {}
    for _ in range(args.rounds):
        for exe in binaries:
            out = subprocess.run([str(exe), str(listing), str(args.packets), str(args.repeat)],
                                 check=True, capture_output=True, text=True,
                                 env=clean_env()).stdout
            for line in out.splitlines():
                name, impl, ns, acc = line.split("\t")
                key = (name, impl)
                best[key] = min(best.get(key, math.inf), float(ns))
                accepted[key] = int(acc)
    return best, accepted


def counted(binaries: Binaries, listing: pathlib.Path, args: argparse.Namespace,
            tmp: pathlib.Path) -> tuple[dict, dict, dict]:
    """Instructions and simulated mispredictions per packet, and accepted counts."""
    if shutil.which("valgrind") is None:
        sys.exit("--callgrind needs valgrind")
    ir: dict[tuple[str, str], float] = {}
    miss: dict[tuple[str, str], float] = {}
    accepted: dict[tuple[str, str], int] = {}
    for exe in binaries:
        out_base = tmp / f"cg.{exe.name}"
        out = subprocess.run(["valgrind", "--tool=callgrind", "--branch-sim=yes",
                              "--collect-atstart=no",
                              *(f"--toggle-collect={fn}" for fn in COUNTED),
                              f"--callgrind-out-file={out_base}",
                              str(exe), str(listing), str(args.packets), "1", "count"],
                             check=True, capture_output=True, text=True, env=clean_env()).stdout
        for line in out.splitlines():
            name, impl, _, acc = line.split("\t")
            accepted[(name, impl)] = int(acc)
        for dump in tmp.glob(f"cg.{exe.name}*"):
            text = dump.read_text(errors="replace")
            desc = re.search(r"^desc: Trigger: Client Request: (.*)$", text, re.M)
            events = re.search(r"^events: (.*)$", text, re.M)
            totals = re.search(r"^(?:totals|summary): (.*)$", text, re.M)
            if not (desc and events and totals):
                continue
            name, impl = desc.group(1).split("\t")
            got = dict(zip(events.group(1).split(), map(int, totals.group(1).split())))
            ir[(name, impl)] = got.get("Ir", 0) / args.packets
            miss[(name, impl)] = (got.get("Bcm", 0) + got.get("Bim", 0)) / args.packets
    return ir, miss, accepted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=None,
                    help="packets (default 1,000,000; 100,000 with --callgrind)")
    ap.add_argument("--repeat", type=int, default=5, help="passes per binary run (best kept)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating runs of the two binaries")
    ap.add_argument("--callgrind", action="store_true",
                    help="count instructions under valgrind instead of timing")
    args = ap.parse_args()
    if args.packets is None:
        args.packets = 100_000 if args.callgrind else 1_000_000

    progs = programs()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = pathlib.Path(tmpdir)
        listing = tmp / "programs.txt"
        write_listing(listing, progs)
        binaries = build(tmp)
        if args.callgrind:
            best, miss, accepted = counted(binaries, listing, args, tmp)
        else:
            best, accepted = timed(binaries, listing, args)
            miss = {}

    if args.callgrind:
        print(f"{args.packets} packets (snaplen 128), one pass under callgrind; instructions per"
              " packet inside the filter call; ratio = libpcap count / ours (higher is fewer);"
              " miss = simulated mispredicted branches per packet")
    else:
        print(f"{args.packets} packets (snaplen 128), each block of 1024 timed warm, best of"
              f" {args.rounds} runs x {args.repeat} passes; ns/packet; ratio = libpcap time /"
              f" ours (higher is faster); load average {load_start:.2f} at start,"
              f" {os.getloadavg()[0]:.2f} at end")
    unit = "Ir" if args.callgrind else "ns"
    head = f"{'filter':<42} {'insns':>5}"
    for label, _, theirs in COLUMNS:
        if label != "predecoded":
            head += f" | {'libpcap':>8} {'ours':>8} {'ratio':>6}"
        else:
            head += f" | {'ours':>8} {'ratio':>6}"
    head += f" | {'accepted':>8}"
    print(f"{'':<48} | {'bpf_filter (' + unit + ')':^24} | {'pcap_offline_filter (' + unit + ')':^24}"
          f" | {'predecoded (' + unit + ')':^15} |")
    print(head)
    print("-" * len(head))
    logs: dict[str, list[float]] = {label: [] for label, _, _ in COLUMNS}
    for name, insns in progs:
        counts = {acc for (n, _), acc in accepted.items() if n == name}
        if len(counts) != 1:
            sys.exit(f"{name}: implementations accept different packets: {counts}")
        row = f"{name:<42} {len(insns):>5}"
        for label, ours, theirs in COLUMNS:
            base, mine = best[(name, theirs)], best[(name, ours)]
            logs[label].append(math.log(base / mine))
            if label != "predecoded":
                row += f" | {base:>8.2f}"
            row += f" | {mine:>8.2f} {base / mine:>5.2f}x" if label == "predecoded" \
                else f" {mine:>8.2f} {base / mine:>5.2f}x"
        row += f" | {counts.pop():>8}"
        print(row)
    print("-" * len(head))
    gm = {k: math.exp(sum(v) / len(v)) for k, v in logs.items()}
    print(f"{'geometric mean of ratios':<48} | {'':>17} {gm['bpf_filter']:>5.2f}x"
          f" | {'':>17} {gm['offline_filter']:>5.2f}x | {'':>8} {gm['predecoded']:>5.2f}x |")
    if miss:
        print()
        print("simulated mispredicted branches per packet (callgrind's simple predictor)")
        impls = sorted({impl for _, impl in miss})
        print(f"{'filter':<42} " + " ".join(f"{i:>22}" for i in impls))
        for name, _ in progs:
            print(f"{name:<42} " + " ".join(f"{miss[(name, i)]:>22.3f}" for i in impls))


if __name__ == "__main__":
    main()
