"""Filter benchmark: libpcap's bpf_filter against ours, in one run.

Takes a set of real compiled filters (the optimized EN10MB listings of
shared/conformance/filter/accept.jsonl, assembled back into instructions),
builds bench/bench_filter.c twice - against the system libpcap and against
our src/_libpcap/bpf sources, with the flags setup.py uses - and runs both
over the same 1,000,000 generated packets (snaplen 128), alternating the two
binaries over ROUNDS rounds and keeping the best time of each (see
bench_filter.c for how blocks of packets are timed).  Prints
ns/packet per filter and implementation and the throughput ratio to
libpcap (higher is better), plus the geometric mean.

    python bench/bench_filter.py [--packets N] [--repeat R] [--rounds K]

A benchmark, never a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import json
import math
import pathlib
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
IMPLS = ["libpcap-bpf_filter", "ours-bpf_filter", "ours-predecoded"]


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
    bpf = ROOT / "src" / "_libpcap" / "bpf"
    subprocess.run(["gcc", *flags, "-fvisibility=hidden", "-DBENCH_OURS",
                    "-I", str(ROOT / "src/_libpcap/include"), "-I", str(ROOT / "src/_libpcap/core"),
                    "-I", str(bpf), str(src), *sorted(str(p) for p in bpf.glob("*.c")),
                    "-o", str(ours)], check=True, env=clean_env())
    return system, ours


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5, help="passes per binary run (best kept)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating runs of the two binaries")
    args = ap.parse_args()

    progs = programs()
    best: dict[tuple[str, str], float] = {}
    accepted: dict[tuple[str, str], int] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = pathlib.Path(tmpdir)
        listing = tmp / "programs.txt"
        with open(listing, "w") as fh:
            for name, insns in progs:
                fh.write(f"# {name}\n{len(insns)}\n")
                fh.writelines(f"{c} {t} {f} {k}\n" for c, t, f, k in insns)
        binaries = build(tmp)
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

    print(f"{args.packets} packets (snaplen 128), each block of 1024 timed warm, best of"
          f" {args.rounds} runs x {args.repeat} passes; ns/packet; ratio = libpcap time / ours"
          " (higher is faster)")
    head = f"{'filter':<50} {'insns':>5} {'libpcap':>8} {'ours raw':>9} {'ratio':>6}" \
           f" {'ours predecoded':>16} {'ratio':>6} {'accepted':>9}"
    print(head)
    print("-" * len(head))
    logs = {"ours-bpf_filter": [], "ours-predecoded": []}
    for name, insns in progs:
        base = best[(name, IMPLS[0])]
        raw, pre = best[(name, IMPLS[1])], best[(name, IMPLS[2])]
        counts = {accepted[(name, impl)] for impl in IMPLS}
        if len(counts) != 1:
            sys.exit(f"{name}: implementations accept different packets: {counts}")
        logs["ours-bpf_filter"].append(math.log(base / raw))
        logs["ours-predecoded"].append(math.log(base / pre))
        print(f"{name:<50} {len(insns):>5} {base:>8.2f} {raw:>9.2f} {base / raw:>5.2f}x"
              f" {pre:>16.2f} {base / pre:>5.2f}x {counts.pop():>9}")
    print("-" * len(head))
    gm = {k: math.exp(sum(v) / len(v)) for k, v in logs.items()}
    print(f"{'geometric mean of ratios':<50} {'':>5} {'':>8} {'':>9} {gm['ours-bpf_filter']:>5.2f}x"
          f" {'':>16} {gm['ours-predecoded']:>5.2f}x")


if __name__ == "__main__":
    main()
