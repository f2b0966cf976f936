"""A stand-in for netns.Netns over the replay capture source, so that the
parts of the live tests that do not need the kernel run as any user.

``ReplayNet`` has the two device names ``a`` and ``b`` and ``send()`` of a
Netns.  A device name is ``replay,ts=now:DIR/<dev>``, a FIFO: every time a
capture is about to be opened (``_livetools.inside``), a fresh FIFO is made
at that path with a pcap file header already in it, so each handle reads a
stream of its own.  ``send(dev, frames)`` writes each frame as one pcap
record (one write(2) of less than PIPE_BUF bytes, so a reader never sees
half a record) into every FIFO made so far, of either device: as on the
veth pair, a frame reaches the captures on both ends.  Records are due as
they arrive and stamped with the delivery time (ts=now), like packets.

What it cannot show (kernel filters, drops, direction, injection, fanout,
the datalink list of a real interface) stays with the namespace tests.
"""
from __future__ import annotations

import os
import shutil
import stat
import struct
import tempfile
import time
from typing import Dict, List, Optional, Sequence

__all__ = ["ReplayNet"]

_PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)


class ReplayNet:
    """Two replay devices over FIFOs; see the module's text."""

    replay = True

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="lpt-replay-")
        self.name = os.path.basename(self.dir)
        self._paths = {dev: os.path.join(self.dir, dev) for dev in ("va0", "vb0")}
        self.a = f"replay,ts=now:{self._paths['va0']}"
        self.b = f"replay,ts=now:{self._paths['vb0']}"
        self._writers: List[int] = []

    # the interface _livetools.inside() calls
    def prepare_open(self) -> None:
        """Give every device a fresh FIFO with a file header in it."""
        for path in self._paths.values():
            if os.path.exists(path):
                os.unlink(path)
            os.mkfifo(path, 0o600)
            # read-write: the opener never blocks and never sees an end
            fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
            os.write(fd, _PCAP_HEADER)
            self._writers.append(fd)

    def argv(self, argv: List[str]) -> List[str]:
        """A command that opens a device itself (Netns.argv runs it in the
        namespace): fresh FIFOs for it, nothing else to do."""
        self.prepare_open()
        return list(argv)

    def send(self, iface: str, frames: Sequence[bytes],
             gaps: Optional[Sequence[float]] = None) -> int:
        """Write the frames to every reader; returns how many were sent."""
        for i, f in enumerate(frames):
            if gaps is not None and gaps[i]:
                time.sleep(gaps[i])
            now = time.time_ns()
            rec = struct.pack("<IIII", now // 10**9, now % 10**9 // 1000,
                              len(f), len(f)) + f
            assert len(rec) <= 4096, "a record must fit in one atomic write"
            for fd in self._writers:
                try:
                    os.write(fd, rec)
                except BlockingIOError:
                    pass    # nobody reads this one: the pipe is full
        return len(frames)

    def close(self) -> None:
        for fd in self._writers:
            os.close(fd)
        self._writers = []
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "ReplayNet":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
