"""Immediate mode: how many small frames a capture keeps while its reader
is not reading, when they come in a burst and when they are paced.

For each case a native Capture in immediate mode (default buffer, and then
the buffer sizes given) is opened on a quiet veth pair in a namespace of
its own; N frames of 60 bytes are sent with the given gap between them
while the reader does not read; then the reader reads everything and the
count is printed next to the capture's drop counter.  In immediate mode a
ring block is handed over after 1 ms or when full, so paced frames (one
per block) are kept up to the number of blocks, and a burst fills blocks
with many frames each.  libpcap's immediate mode (TPACKET_V2, one 64 KiB
frame per packet) keeps 32 with its default 2 MiB buffer in both cases.

    python bench/live/bench_immediate.py [--count 1000] [--buffers 0,8388608]

Needs root (ip netns).  A benchmark, never a test.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import netns  # noqa: E402
from _livetools import collect, frames, inside  # noqa: E402
from libpcap import Capture  # noqa: E402


def run(count: int, gap: float, buffer: int) -> tuple:
    with netns.Netns() as ns:
        with inside(ns):
            opts = {"immediate": True}
            if buffer:
                opts["buffer_size"] = buffer
            cap = Capture(ns.b, **opts)
        with cap:
            sent = ns.send(ns.a, frames(count, sizes=(60,)), [gap] * count)
            time.sleep(0.05)
            got = collect(lambda t: cap.read(timeout=t), count, timeout=2.0)
            stats = cap.stats()
    return sent, len(got), stats.drop


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--buffers", default="0,8388608,67108864")
    args = ap.parse_args()
    reason = netns.skip_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    print(f"{'buffer':>12} {'traffic':>14} {'sent':>6} {'kept':>6} {'dropped':>8}")
    for buffer in (int(b) for b in args.buffers.split(",")):
        for name, gap in (("burst", 0.0), ("1 ms apart", 0.001)):
            sent, kept, drop = run(args.count, gap, buffer)
            label = "default" if buffer == 0 else f"{buffer // 1024} KiB"
            print(f"{label:>12} {name:>14} {sent:>6} {kept:>6} {drop:>8}")


if __name__ == "__main__":
    main()
