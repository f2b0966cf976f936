"""Level 2 (``optimize=2``, ours) against libpcap's optimizer (level 1,
byte-exact with master) on lists of ports, nets and hosts, in one run.

For each list (EN10MB, ``port P or port ...``, ``net A/24 or ...``,
``host A or ...``) of 10 ... 4,000 terms: the instruction count of both
programs and their ratio, then ns/packet of both over the same generated
packets (bench/bench_filter.c: most of them match none of the terms, the
case a watch list spends its time on), with our plain ``bpf_filter``, our
predecoded program (what ``pcap_setfilter`` installs) and libpcap 1.10.3's
``bpf_filter`` (the system's, in its own binary).  Timing is
bench_filter.py's: the best of --rounds rounds, the binaries alternating.

    python bench/bench_opt2.py [--sizes 10,100,1000,4000] [--packets 100000]

A benchmark, never a test: nothing here asserts a speed.  The goals of
issue 8 (3x shorter port and net lists, logarithmic host and port lists
from 64 terms) are printed next to the figures; tests/test_opt2.py checks
the instruction counts and comparison counts, which do not depend on the
machine.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import bench_filter as bf  # noqa: E402  (builds and runs bench_filter.c)
from libpcap import _libpcap as native  # noqa: E402

KINDS = {
    "ports": lambda n: " or ".join(f"port {1000 + 7 * i}" for i in range(n)),
    "nets": lambda n: " or ".join(f"net 10.{(37 * i) % 250}.{i // 250}.0/24" for i in range(n)),
    "hosts": lambda n: " or ".join(f"host 10.{i // 250}.{(7 * i) % 250}.{i % 250 + 1}"
                                   for i in range(n)),
}
IMPLS = (("ours-bpf_filter", "ours bpf_filter"), ("ours-predecoded", "ours predecoded"),
         ("libpcap-bpf_filter", "libpcap bpf_filter"))


def main(argv: "list[str] | None" = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,100,1000,4000")
    ap.add_argument("--packets", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    progs = []
    print("instructions (EN10MB)")
    print(f"{'list':>12} {'level 1':>9} {'level 2':>9} {'ratio':>7}")
    for kind, make in KINDS.items():
        for n in sizes:
            expr = make(n)
            l1 = native.compile(expr, 1, optimize=1).instructions
            l2 = native.compile(expr, 1, optimize=2).instructions
            progs.append((f"{kind}x{n}/1", l1))
            progs.append((f"{kind}x{n}/2", l2))
            print(f"{kind + ' x' + str(n):>12} {len(l1):>9} {len(l2):>9} {len(l1) / len(l2):>6.2f}x")
    print("goal: level 2 at least 3x shorter on port and net lists; "
          "the kernel takes 4,096 instructions at most")

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = pathlib.Path(tmp)
        binaries = bf.build(tmpdir)
        listing = tmpdir / "programs.txt"
        bf.write_listing(listing, progs)
        best, accepted = bf.timed(binaries, listing, args)
    print(f"\nns/packet over {args.packets} packets (best of {args.rounds} rounds); "
          "level 1 / level 2 = speed-up")
    head = f"{'list':>12}"
    for _, title in IMPLS:
        head += f" | {title + ' L1':>20} {'L2':>8} {'x':>6}"
    print(head)
    for kind in KINDS:
        for n in sizes:
            row = f"{kind + ' x' + str(n):>12}"
            for impl, _ in IMPLS:
                a = best.get((f"{kind}x{n}/1", impl))
                b = best.get((f"{kind}x{n}/2", impl))
                if a is None or b is None:
                    row += f" | {'-':>20} {'-':>8} {'-':>6}"
                    continue
                assert accepted[(f"{kind}x{n}/1", impl)] == accepted[(f"{kind}x{n}/2", impl)]
                row += f" | {a:>20.1f} {b:>8.1f} {a / b:>5.1f}x"
            print(row)
    print("(accepted counts of level 1 and level 2 agree on every row)")


if __name__ == "__main__":
    main()
