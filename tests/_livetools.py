"""Helpers of the Python-level live-capture tests (test_native_live.py,
test_compat_live.py).

The captures of those tests run in the test process itself, in a namespace
built by tests/netns.py: ``inside(ns)`` moves the calling thread into the
namespace with setns(2) and back.  A network namespace is a property of the
thread, and a socket stays in the namespace it was made in, so a capture
opened inside keeps capturing there after the thread came back; other
threads never change namespace.  (/sys still shows the test's own
namespace: nothing here needs it.)

Frames are numbered Ethernet frames with a recognisable payload, sent with
``Netns.send`` from a helper process in the namespace.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import time
from typing import Any, Callable, Iterator, List, Sequence

import netns

__all__ = ["inside", "frame", "frames", "collect", "ether_dlts", "MAC_A", "MAC_B", "ETYPE"]

CLONE_NEWNET = 0x40000000
MAC_A = bytes.fromhex("02000000000a")
MAC_B = bytes.fromhex("02000000000b")
ETYPE = 0x88B5          # "local experimental": nothing else sends it

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


@contextlib.contextmanager
def inside(space: netns.Netns) -> Iterator[None]:
    """Run the body with the calling thread in the namespace (for a
    replaynet.ReplayNet: with fresh FIFOs for the devices)."""
    if hasattr(space, "prepare_open"):
        space.prepare_open()
        yield
        return
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        target = os.open(f"/run/netns/{space.name}", os.O_RDONLY | os.O_CLOEXEC)
        try:
            _setns(target)
        finally:
            os.close(target)
        try:
            yield
        finally:
            _setns(home)
    finally:
        os.close(home)


def ether_dlts(space: Any) -> List[int]:
    """The link types an Ethernet device of the space offers: EN10MB and
    DOCSIS on a veth; a replay device offers its file's only."""
    return [1] if getattr(space, "replay", False) else [1, 143]


def frame(i: int, size: int = 64, etype: int = ETYPE, dst: bytes = MAC_B,
          src: bytes = MAC_A) -> bytes:
    """Frame number i, ``size`` bytes long (at least 18)."""
    body = i.to_bytes(4, "big") + bytes((i * 7 + k) & 0xFF for k in range(max(size - 18, 0)))
    return dst + src + etype.to_bytes(2, "big") + body


def frames(n: int, sizes: Sequence[int] = (60, 64, 100, 333, 1000, 1514),
           start: int = 0, **kw: Any) -> List[bytes]:
    return [frame(start + i, sizes[i % len(sizes)], **kw) for i in range(n)]


def collect(read: Callable[[float], list], n: int, timeout: float = 10.0) -> list:
    """Call read(remaining_seconds) until n packets came or time is up."""
    out: list = []
    end = time.monotonic() + timeout
    while len(out) < n:
        left = end - time.monotonic()
        if left <= 0:
            break
        out.extend(read(left))
    return out
