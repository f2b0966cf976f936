"""Network namespaces and veth pairs for the live-capture tests.

The tests build their own network: a throw-away namespace (``ip netns``)
holding a veth pair, with IPv6 and everything else that would chatter turned
off, so the only frames on the wire are the ones a test sends.  Frames are
sent with an AF_PACKET socket from a helper process that runs inside the
namespace (``ip netns exec``); capture programs run there the same way.

Every call has a timeout.  ``skip_reason()`` says why none of this can work
here (not root, no ``ip``, no namespaces), for ``pytest.skip``.
"""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from typing import IO, Any, Dict, List, Optional, Sequence

__all__ = ["Netns", "skip_reason", "SEND_TIMEOUT"]

SEND_TIMEOUT = 30
_COUNTER = itertools.count()
_IP_TIMEOUT = 20

# The sender runs in the namespace: frames come as hex lines on stdin; an
# optional float after a blank is a pause in seconds before that frame.
_SENDER = r"""
import socket, sys, time
iface = sys.argv[1]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
n = 0
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    if len(parts) > 1:
        time.sleep(float(parts[1]))
    s.send(bytes.fromhex(parts[0]))
    n += 1
print(n)
"""

_probe_result: Optional[str] = None
_probed = False


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True,
                          timeout=_IP_TIMEOUT, check=check)


def skip_reason() -> Optional[str]:
    """Why namespaces cannot be used here, or None when they can."""
    global _probe_result, _probed
    if _probed:
        return _probe_result
    _probed = True
    if os.geteuid() != 0:
        _probe_result = "live-capture tests need root (network namespaces, packet sockets)"
    elif shutil.which("ip") is None:
        _probe_result = "the 'ip' command (iproute2) is not installed"
    else:
        name = f"lpt-probe-{os.getpid()}"
        try:
            proc = _ip("netns", "add", name, check=False)
            if proc.returncode != 0:
                _probe_result = f"'ip netns add' failed: {proc.stderr.strip()}"
            else:
                veth = _ip("netns", "exec", name, "ip", "link", "add", "pa",
                           "type", "veth", "peer", "name", "pb", check=False)
                if veth.returncode != 0:
                    _probe_result = f"cannot create a veth pair: {veth.stderr.strip()}"
        except (OSError, subprocess.TimeoutExpired) as exc:
            _probe_result = f"'ip netns' is unusable: {exc}"
        finally:
            _ip("netns", "del", name, check=False)
    return _probe_result


class Netns:
    """A namespace with a quiet veth pair ``a`` <-> ``b`` (both up)."""

    def __init__(self, veth: bool = True) -> None:
        self.name = f"lpt-{os.getpid()}-{next(_COUNTER)}"
        self.a = "va0"
        self.b = "vb0"
        _ip("netns", "add", self.name)
        try:
            for key in ("all", "default"):
                self.run(["sysctl", "-q", "-w",
                          f"net.ipv6.conf.{key}.disable_ipv6=1"], check=False)
            if veth:
                self.run(["ip", "link", "add", self.a, "address",
                          "02:00:00:00:00:0a", "type", "veth", "peer", "name",
                          self.b, "address", "02:00:00:00:00:0b"])
                for dev in (self.a, self.b):
                    self.run(["ip", "link", "set", dev, "arp", "off",
                              "multicast", "off"])
                    self.run(["ip", "link", "set", dev, "up"])
        except BaseException:
            self.close()
            raise

    # Context manager --------------------------------------------------

    def __enter__(self) -> "Netns":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        _ip("netns", "del", self.name, check=False)

    # Running things inside --------------------------------------------

    def argv(self, argv: Sequence[str]) -> List[str]:
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, argv: Sequence[str], check: bool = True, timeout: float = _IP_TIMEOUT,
            input: Optional[str] = None) -> subprocess.CompletedProcess:
        proc = subprocess.run(self.argv(argv), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=timeout,
                              input=input)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} in {self.name} failed: "
                               f"{proc.stderr.strip()}")
        return proc

    def popen(self, argv: Sequence[str], **kw: Any) -> "subprocess.Popen[str]":
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        kw.setdefault("text", True)
        return subprocess.Popen(self.argv(argv), **kw)

    def link(self, dev: str, *settings: str) -> None:
        self.run(["ip", "link", "set", dev, *settings])

    def add_address(self, dev: str, cidr: str, peer: Optional[str] = None) -> None:
        argv = ["ip", "addr", "add", cidr, "dev", dev]
        if peer is not None:
            argv[4:4] = ["peer", peer]
        self.run(argv)

    # Traffic ----------------------------------------------------------

    def send(self, iface: str, frames: Sequence[bytes],
             gaps: Optional[Sequence[float]] = None) -> int:
        """Send raw frames out of ``iface``; returns how many were sent."""
        lines = []
        for i, frame in enumerate(frames):
            gap = gaps[i] if gaps is not None else 0.0
            lines.append(frame.hex() + (f" {gap}" if gap else ""))
        proc = self.run([sys.executable, "-c", _SENDER, iface], timeout=SEND_TIMEOUT,
                        input="\n".join(lines) + "\n")
        return int(proc.stdout.strip() or 0)


def read_json_lines(stream: IO[str], until: str, limit: int = 10000) -> List[Dict[str, Any]]:
    """Read JSON lines from a process until one holding key ``until``."""
    import json
    out = []
    for _ in range(limit):
        line = stream.readline()
        if not line:
            break
        rec = json.loads(line)
        out.append(rec)
        if until in rec:
            break
    return out
