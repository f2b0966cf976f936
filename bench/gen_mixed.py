#!/usr/bin/env python3
"""Deterministic generator of the benchmark's mixed Ethernet capture.

Writes a classic pcap file (microsecond magic, little endian, version 2.4,
DLT_EN10MB, snaplen 262144) of N packets whose mix resembles an access link:
IPv4 and IPv6 carrying TCP (pure ACKs, full-size segments, everything in
between), UDP (DNS-sized queries, QUIC-sized datagrams), ICMP/ICMPv6 echo and
neighbour solicitations, and ARP.  Frames are 60..1514 bytes (padded to the
Ethernet minimum, no FCS); caplen always equals the wire length.

The stream comes from our own xorshift64* generator with a fixed seed, so the
same N gives the same bytes on every Python version, and the first K packets of
an N-packet file equal a K-packet file.  IPv4 header checksums are correct;
TCP/UDP checksums are left zero (readers under test do not verify them).

The file lands in a cache directory (``$LIBPCAP_BENCH_CACHE``, else
``$XDG_CACHE_HOME/libpcap-bench``, else ``~/.cache/libpcap-bench``) under a
name that carries the generator version and N; it is written to a temporary
name and renamed, so an interrupted run never leaves a short file behind.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from typing import Callable, List, Optional

__all__ = ["GEN_VERSION", "cache_dir", "ensure", "generate"]

GEN_VERSION = 2
SEED = 0x5EED_0F_BE_AC_4E5
MASK64 = (1 << 64) - 1
LINKTYPE_ETHERNET = 1
SNAPLEN = 262144
START_US = 1_700_000_000 * 1_000_000


def cache_dir() -> str:
    """Where generated captures are kept."""
    env = os.environ.get("LIBPCAP_BENCH_CACHE")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "libpcap-bench")


def _rng(seed: int) -> Callable[[int], int]:
    """xorshift64*: returns a function giving an integer in [0, n)."""
    state = [seed & MASK64 or 1]

    def below(n: int) -> int:
        x = state[0]
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        state[0] = x
        return (((x * 0x2545F4914F6CDD1D) & MASK64) >> 11) % n

    return below


def _ip4_checksum(hdr: bytes) -> int:
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class _Mix:
    """Builds one packet at a time from the shared random stream."""

    def __init__(self) -> None:
        r = self.r = _rng(SEED)
        # Payload bytes are slices of one pseudo-random pool.
        self.pool = bytes(r(256) for _ in range(1 << 16)) * 2
        self.letters = self.pool.translate(bytes(97 + i % 26 for i in range(256)))
        self.ip_id = 0
        # A few hundred hosts and flows, so addresses and ports repeat as on a real link.
        self.macs = [bytes([0x02, 0x00, r(256), r(256), r(256), r(256)]) for _ in range(64)]
        self.v4 = [bytes([10, r(256), r(256), 1 + r(254)]) for _ in range(256)]
        self.v6 = [bytes([0x20, 0x01, 0x0D, 0xB8] + [r(256) for _ in range(12)]) for _ in range(128)]
        self.flows = [
            (r(64), r(64), r(256), r(256), r(128), r(128), 1024 + r(64000),
             (80, 443, 443, 443, 22, 8080, 53, 993)[r(8)], r(1 << 32))
            for _ in range(2048)
        ]

    def payload(self, n: int) -> bytes:
        off = self.r(1 << 16)
        return self.pool[off:off + n]

    def eth(self, f: tuple, ethertype: int) -> bytes:
        return self.macs[f[0]] + self.macs[f[1]] + struct.pack("!H", ethertype)

    def ip4(self, f: tuple, proto: int, l4len: int) -> bytes:
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + l4len, self.ip_id, 0x4000, 64, proto, 0,
                        self.v4[f[2]], self.v4[f[3]])
        return h[:10] + struct.pack("!H", _ip4_checksum(h)) + h[12:]

    def ip6(self, f: tuple, nxt: int, l4len: int) -> bytes:
        return struct.pack("!IHBB16s16s", 0x60000000 | (f[8] & 0xFFFFF), l4len, nxt, 64,
                           self.v6[f[4]], self.v6[f[5]])

    def tcp_len(self, minimum: int) -> int:
        """TCP payload length for a frame whose headers take `minimum` bytes."""
        k = self.r(100)
        if k < 40:
            return 0                                        # pure ACK
        if k < 75:
            return 1514 - minimum                           # full-size segment
        return self.r(1515 - minimum)                       # anything in between

    def tcp(self, f: tuple, plen: int) -> bytes:
        flags = 0x18 if plen else 0x10
        dport = 443 if f[7] == 53 else f[7]                 # port 53 is for the UDP queries
        hdr = struct.pack("!HHIIBBHHH", f[6], dport, (f[8] + self.r(1 << 20)) & 0xFFFFFFFF,
                          self.r(1 << 32), 5 << 4, flags, 501 + self.r(64000), 0, 0)
        return hdr + self.payload(plen)

    def udp(self, f: tuple, plen: int) -> bytes:
        if f[7] == 53:
            body = self.dns_query()
        else:
            body = self.payload(plen)
        return struct.pack("!HHHH", f[6], f[7], 8 + len(body), 0) + body

    def dns_query(self) -> bytes:
        """A well-formed DNS query for an A/AAAA record of a made-up name."""
        r = self.r
        rem = 12 + r(230)                                   # name bytes before the root label
        labels = []
        while rem >= 2:
            k = min(rem - 1, 1 + r(20))
            if rem - 1 - k == 1:                            # never leave a single byte
                k += 1 if k < 63 else -1
            off = r(1 << 16)
            labels.append(bytes([k]) + self.letters[off:off + k])
            rem -= 1 + k
        return (struct.pack("!HHHHHH", r(1 << 16), 0x0100, 1, 0, 0, 0) + b"".join(labels)
                + b"\x00" + struct.pack("!HH", (1, 28)[r(2)], 1))

    def udp_len(self, headers: int) -> int:
        k = self.r(100)
        if k < 50:
            return 30 + self.r(270)                         # small datagram
        if k < 80:
            return min(1200 + self.r(160), 1514 - headers)  # QUIC-sized
        return self.r(1515 - headers)

    def arp(self) -> bytes:
        r = self.r
        a, b = self.macs[r(64)], self.macs[r(64)]
        op = 1 + r(2)
        dst = b"\xff" * 6 if op == 1 else b
        return (dst + a + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, op)
                + a + self.v4[r(256)] + (b"\x00" * 6 if op == 1 else b) + self.v4[r(256)])

    def packet(self) -> bytes:
        r = self.r
        f = self.flows[r(len(self.flows))]
        k = r(100)
        if k < 60:                                          # IPv4 / TCP
            body = self.tcp(f, self.tcp_len(54))
            frame = self.eth(f, 0x0800) + self.ip4(f, 6, len(body)) + body
        elif k < 77:                                        # IPv4 / UDP
            body = self.udp(f, self.udp_len(42))
            frame = self.eth(f, 0x0800) + self.ip4(f, 17, len(body)) + body
        elif k < 87:                                        # IPv6 / TCP
            body = self.tcp(f, self.tcp_len(74))
            frame = self.eth(f, 0x86DD) + self.ip6(f, 6, len(body)) + body
        elif k < 93:                                        # IPv6 / UDP
            body = self.udp(f, self.udp_len(62))
            frame = self.eth(f, 0x86DD) + self.ip6(f, 17, len(body)) + body
        elif k < 96:                                        # ICMP echo, ping-sized
            body = struct.pack("!BBHHH", 8 - 8 * r(2), 0, 0, f[8] & 0xFFFF, r(1 << 16)) + self.payload(56)
            frame = self.eth(f, 0x0800) + self.ip4(f, 1, len(body)) + body
        elif k < 97:                                        # ICMPv6 echo or neighbour solicitation
            if r(2):
                body = struct.pack("!BBHHH", 128, 0, 0, f[8] & 0xFFFF, r(1 << 16)) + self.payload(56)
            else:
                body = struct.pack("!BBHI", 135, 0, 0, 0) + self.v6[f[5]] + b"\x01\x01" + self.macs[f[1]]
            frame = self.eth(f, 0x86DD) + self.ip6(f, 58, len(body)) + body
        else:                                               # ARP
            frame = self.arp()
        if len(frame) < 60:
            frame += bytes(60 - len(frame))
        return frame


def generate(path: str, count: int, progress: Optional[Callable[[int], None]] = None) -> None:
    """Write `count` packets to `path` (atomically, via a temporary name)."""
    mix = _Mix()
    tmp = f"{path}.tmp{os.getpid()}"
    ts = START_US
    rec = struct.Struct("<IIII")
    try:
        with open(tmp, "wb") as out:
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAPLEN, LINKTYPE_ETHERNET))
            chunk: List[bytes] = []
            for i in range(count):
                frame = mix.packet()
                ts += 1 + mix.r(2000)                       # about 1 ms apart on average
                n = len(frame)
                chunk.append(rec.pack(ts // 1_000_000, ts % 1_000_000, n, n))
                chunk.append(frame)
                if len(chunk) >= 20000:
                    out.write(b"".join(chunk))
                    chunk.clear()
                    if progress:
                        progress(i + 1)
            out.write(b"".join(chunk))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ensure(count: int = 1_000_000, directory: Optional[str] = None, quiet: bool = False) -> str:
    """Return the path of the cached `count`-packet capture, generating it if missing."""
    directory = directory or cache_dir()
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"mixed-v{GEN_VERSION}-{count}.pcap")
    if not os.path.exists(path):
        if not quiet:
            print(f"gen_mixed: writing {count} packets to {path} ...", file=sys.stderr, flush=True)
        generate(path, count)
    return path


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--count", type=int, default=1_000_000, help="packets (default 1000000)")
    ap.add_argument("-o", "--out", help="write here instead of the cache (always regenerates)")
    ap.add_argument("--cache", help="cache directory (default: %(default)s)", default=None)
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("count must be >= 0")
    if args.out:
        generate(args.out, args.count)
        print(args.out)
    else:
        print(ensure(args.count, args.cache))
    return 0


if __name__ == "__main__":
    sys.exit(main())
