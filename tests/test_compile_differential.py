"""Differential test of the filter compiler against the system libpcap.

Thousands of generated filter expressions (hosts, nets, ports, port ranges,
protocols, protochain, vlan/mpls/pppoe/geneve, accessors and arithmetic,
less/greater, broadcast/multicast, nested and/or/not) are compiled for the
part-1 link types, optimized and not, by our library and by the system
libpcap 1.10.3 (tests/oracle/compile_oracle.c built twice; the oracle is a
separate process that never meets our library).  Each program runs over a
few thousand generated packets of that link type (Ethernet, 802.1Q/QinQ,
MPLS, PPPoE, Geneve, VXLAN, ARP, IPv4 with options and fragments, IPv6 with
extension headers, TCP, UDP, SCTP, ICMP, ICMPv6, IGMP, ..., some truncated
or damaged), our program in our VM and libpcap's in libpcap's bpf_filter.

Required:
  * the same compile/refuse verdict as libpcap 1.10.3;
  * the same return value on every packet;
  * our optimized and unoptimized programs agree on every packet (and when
    the optimizer refuses with "expression rejects all packets", the
    unoptimized program does reject every packet);
  * every program we emit passes our bpf_validate;
except where libpcap master deliberately differs from 1.10.3: the rules in
DIFFERENCES below, one per entry of docs/differences.md ("The filter
compiler"), each matching a class of expressions and of outcomes, never a
listed example.

COMPILE_DIFF_SEED and COMPILE_DIFF_EXPRS (default 3000 expressions, each on
two link types, both optimize settings) change the run; the million-case
run is ``COMPILE_DIFF_EXPRS=250000 python tests/test_compile_differential.py``
(the script form prints progress and the counts; see --help).
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
ORACLE_SRC = ROOT / "tests" / "oracle" / "compile_oracle.c"
SEED = int(os.environ.get("COMPILE_DIFF_SEED", "20250707"))
EXPRS = int(os.environ.get("COMPILE_DIFF_EXPRS", "3000"))
NETMASK_UNKNOWN = 0xFFFFFFFF

# The part-1 link types: name -> DLT value (Linux).
DLTS: Dict[str, int] = {
    "EN10MB": 1, "RAW": 12, "IPV4": 228, "IPV6": 229, "NULL": 0, "LOOP": 108,
    "LINUX_SLL": 113, "LINUX_SLL2": 276, "PPP": 9, "PPP_SERIAL": 50, "PPP_BSDOS": 16,
    "PPP_PPPD": 166, "PPP_ETHER": 51, "C_HDLC": 104, "SLIP": 8,
}
DLT_NAMES = {v: k for k, v in DLTS.items()}

# ==========================================================================
# Packets
#
# Layer-3 payloads are built first (with a few feature tags the difference
# rules use), then framed for each link type.  About a tenth are truncated
# or get a byte changed, some are random bytes: the code must also reject
# well (loads past the end, wrong versions, odd header lengths).
# ==========================================================================

ETH_ADDRS = [bytes.fromhex(h) for h in (
    "ffffffffffff", "01005e000001", "01005e7ffffa", "333300000001", "0180c2000000",
    "001122334455", "0a0b0c0d0e0f", "020000000001", "00000c07ac01", "aabbccddeeff")]
V4_ADDRS = ["10.0.0.1", "10.0.0.2", "10.1.2.3", "192.168.1.1", "192.168.1.255",
            "192.168.2.7", "172.16.5.4", "1.2.3.4", "127.0.0.1", "224.0.0.1",
            "239.255.255.250", "240.0.0.1", "250.1.2.3", "255.255.255.255", "0.0.0.0",
            "8.8.8.8"]
V6_ADDRS = ["::1", "fe80::1", "fe80::2:3", "2001:db8::1", "2001:db8:1::5", "ff02::1",
            "ff05::1:3", "::ffff:10.0.0.1", "2002:c0a8:101::1", "::"]
PORTS = [0, 7, 20, 21, 22, 23, 25, 53, 67, 68, 80, 123, 443, 1023, 1024, 4789, 5672,
         6081, 8080, 65535]
IP_PROTOS = [1, 2, 4, 6, 9, 17, 41, 47, 50, 51, 58, 88, 103, 112, 132, 255, 0, 43, 44, 60]


def v4(a: str) -> bytes:
    return bytes(int(x) for x in a.split("."))


def v6(a: str) -> bytes:
    import ipaddress
    return ipaddress.IPv6Address(a).packed


@dataclass
class L3:
    """A network-layer payload and what kind it is."""
    kind: str            # "ip", "ip6", "arp", "rarp", "other:<ethertype>", "llc"
    data: bytes
    tags: frozenset = frozenset()


class PacketGen:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    # ---- transport ----------------------------------------------------
    def port(self) -> int:
        r = self.r
        return r.choice(PORTS) if r.random() < 0.8 else r.randrange(65536)

    def transport(self, proto: int, depth: int) -> Tuple[bytes, frozenset]:
        r = self.r
        tags: frozenset = frozenset()
        if proto == 6:
            flags = r.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x01, 0x29, 0xC2, r.randrange(256)])
            doff = r.choice([5, 5, 5, 6, 8, 15, 4])
            hdr = struct.pack("!HHIIBBHHH", self.port(), self.port(), r.randrange(1 << 32),
                              r.randrange(1 << 32), doff << 4, flags, 8192, 0, 0)
            return hdr + bytes(r.randrange(256) for _ in range(r.randrange(0, 24))), tags
        if proto == 17:
            sport, dport = self.port(), self.port()
            body = bytes(r.randrange(256) for _ in range(r.randrange(0, 16)))
            if depth < 1 and r.random() < 0.15:
                dport = 6081
                inner, tags = self.ethernet_frame(depth + 1)
                opt_len = r.choice([0, 0, 1, 2])
                body = (struct.pack("!BBH", opt_len, 0, r.choice([0x6558, 0x0800, 0x86DD]))
                        + struct.pack("!I", (r.choice([0, 7, 100, 0xFFFFFF]) << 8))
                        + bytes(4 * opt_len) + inner)
            elif depth < 1 and r.random() < 0.1:
                dport = 4789
                inner, tags = self.ethernet_frame(depth + 1)
                body = (struct.pack("!II", 0x08000000, r.choice([0, 7, 12345, 0xFFFFFF]) << 8)
                        + inner)
            return struct.pack("!HHHH", sport, dport, 8 + len(body), 0) + body, tags
        if proto == 132:
            return struct.pack("!HHII", self.port(), self.port(), r.randrange(1 << 32), 0) \
                + bytes(r.randrange(256) for _ in range(r.randrange(0, 20))), tags
        if proto in (1, 58):
            t = r.choice([0, 3, 8, 11, 128, 129, 133, 135, 136, 1, 2, r.randrange(256)])
            return bytes([t, r.choice([0, 1, 3])]) + bytes(r.randrange(256) for _ in range(10)), tags
        return bytes(r.randrange(256) for _ in range(r.randrange(0, 32))), tags

    # ---- network layer ------------------------------------------------
    def ipv4(self, depth: int = 0) -> L3:
        r = self.r
        proto = r.choice(IP_PROTOS) if r.random() < 0.4 else r.choice([6, 6, 17, 17, 1, 132])
        ihl = r.choice([5] * 8 + [6, 7, 15])
        frag = r.choice([0, 0, 0, 0x4000, 0x2000, 0x2000 | 185, 185, 1])
        src = v4(r.choice(V4_ADDRS)) if r.random() < 0.85 else bytes(r.randrange(256) for _ in range(4))
        dst = v4(r.choice(V4_ADDRS)) if r.random() < 0.85 else bytes(r.randrange(256) for _ in range(4))
        payload, tags = self.transport(proto, depth)
        opts = bytes([1] * (4 * (ihl - 5)))
        total = 4 * ihl + len(payload)
        if r.random() < 0.05:
            total = r.randrange(65536)
        ver = 4 if r.random() < 0.97 else r.choice([0, 6, 15])
        hdr = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, total & 0xFFFF, r.randrange(65536),
                          frag, r.choice([1, 64, 255]), proto, 0, src, dst)
        tags = tags | ({"v4_class_e"} if dst[0] >= 240 else frozenset())
        return L3("ip", hdr + opts + payload, tags)

    def ipv6(self, depth: int = 0) -> L3:
        r = self.r
        final = r.choice([6, 6, 17, 17, 58, 132, 1, 2, 4, 41, 59, 103, 255])
        chain = []
        for _ in range(r.choice([0, 0, 0, 1, 1, 2, 3])):
            chain.append(r.choice([0, 43, 44, 60, 51]))
        body, tags = self.transport(final, depth)
        nxt = final
        for h in reversed(chain):
            if h == 44:
                ext = struct.pack("!BBHI", nxt, 0, r.choice([0, 1, 8, 0x10, 0x11]), r.randrange(1 << 32))
            elif h == 51:
                ext = struct.pack("!BBH", nxt, 1, 0) + bytes(8)
            else:
                n = r.choice([0, 0, 1])
                ext = struct.pack("!BB", nxt, n) + bytes(6 + 8 * n)
            body = ext + body
            nxt = h
        src = v6(r.choice(V6_ADDRS)) if r.random() < 0.85 else bytes(r.randrange(256) for _ in range(16))
        dst = v6(r.choice(V6_ADDRS)) if r.random() < 0.85 else bytes(r.randrange(256) for _ in range(16))
        ver = 6 if r.random() < 0.97 else r.choice([4, 0])
        hdr = struct.pack("!IHBB16s16s", ver << 28, len(body), nxt, 64, src, dst)
        return L3("ip6", hdr + body, tags)

    def arp(self, kind: str) -> L3:
        r = self.r
        hdr = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, r.choice([1, 2, 3, 4]),
                          r.choice(ETH_ADDRS), v4(r.choice(V4_ADDRS)), r.choice(ETH_ADDRS),
                          v4(r.choice(V4_ADDRS)))
        return L3(kind, hdr)

    def llc(self) -> L3:
        r = self.r
        sap = r.choice([(0xFE, 0xFE, 0x03), (0x42, 0x42, 0x03), (0xF0, 0xF0, 0x03),
                        (0xE0, 0xE0, 0x03), (0xFF, 0xFF, 0xFF), (0xAA, 0xAA, 0x03),
                        (0x06, 0x06, 0x03), (0xFE, 0xFE, r.randrange(256)),
                        (r.randrange(256), r.randrange(256), r.randrange(256))])
        data = bytes(sap)
        if sap[0] == 0xAA:
            data += bytes([0, 0, 0]) + struct.pack("!H", r.choice([0x0800, 0x809B, 0x80F3, 0x8137]))
        elif sap[0] == 0xFE:
            data += bytes([r.choice([0x81, 0x82, 0x83, 0x8F]), 27, 1, 0, r.choice([15, 16, 17, 18, 20, 24, 25, 26, 27])])
        return L3("llc", data + bytes(r.randrange(256) for _ in range(r.randrange(0, 40))))

    def l3(self, depth: int = 0) -> L3:
        r = self.r
        x = r.random()
        if x < 0.42:
            return self.ipv4(depth)
        if x < 0.72:
            return self.ipv6(depth)
        if x < 0.78:
            return self.arp("arp")
        if x < 0.80:
            return self.arp("rarp")
        et = r.choice([0x809B, 0x80F3, 0x6003, 0x8137, 0x6004, 0x6001, 0x6002, 0x6007,
                       0x9000, 0x88CC, 0x8809, 0x0805, r.randrange(0x600, 0x10000)])
        return L3(f"other:{et:04x}", bytes(r.randrange(256) for _ in range(r.randrange(20, 60))))

    ETHERTYPE = {"ip": 0x0800, "ip6": 0x86DD, "arp": 0x0806, "rarp": 0x8035}

    def ethertype(self, p: L3) -> int:
        if p.kind.startswith("other:"):
            return int(p.kind[6:], 16)
        return self.ETHERTYPE[p.kind]

    def ppp_proto(self, p: L3) -> int:
        return {"ip": 0x0021, "ip6": 0x0057}.get(p.kind, self.r.choice(
            [0x002B, 0x0029, 0x0027, 0x0023, 0xC021, 0x8021, 0x002D, 0x002F, 0x003D]))

    def ethernet_frame(self, depth: int = 0) -> Tuple[bytes, frozenset]:
        r = self.r
        dst, src = r.choice(ETH_ADDRS), r.choice(ETH_ADDRS)
        enc = b""
        x = r.random()
        payload = self.l3(depth)
        if x < 0.12:
            # 802.3 length field + LLC
            body = self.llc().data
            return dst + src + struct.pack("!H", min(len(body), 1500)) + body, frozenset()
        if x < 0.30:  # VLAN / QinQ
            for _ in range(r.choice([1, 1, 2, 3])):
                tpid = r.choice([0x8100, 0x8100, 0x88A8, 0x9100])
                enc += struct.pack("!HH", tpid, r.choice([1, 2, 100, 4095, 0]) | r.choice([0, 0xE000]))
        if x < 0.40 and r.random() < 0.5 or 0.30 <= x < 0.40:  # MPLS
            et = r.choice([0x8847, 0x8847, 0x8848])
            labels = r.choice([1, 1, 2, 3])
            stack = b""
            for i in range(labels):
                label = r.choice([0, 3, 16, 100, 1048575, r.randrange(1 << 20)])
                bos = 1 if i == labels - 1 else 0
                if r.random() < 0.05:
                    bos ^= 1
                stack += struct.pack("!I", label << 12 | bos << 8 | 64)
            return dst + src + enc + struct.pack("!H", et) + stack + payload.data, payload.tags
        if 0.40 <= x < 0.50:  # PPPoE
            if r.random() < 0.3:
                code = r.choice([0x09, 0x07, 0x19, 0x65, 0xA7])
                return dst + src + enc + struct.pack("!HBBHH", 0x8863, 0x11, code, 0, 0) \
                    + bytes(r.randrange(256) for _ in range(r.randrange(0, 20))), frozenset()
            sess = r.choice([0, 1, 0x1234, 0xFFFF])
            body = struct.pack("!H", self.ppp_proto(payload)) + payload.data
            return (dst + src + enc + struct.pack("!HBBHH", 0x8864, 0x11, 0, sess, len(body)) + body,
                    payload.tags)
        return dst + src + enc + struct.pack("!H", self.ethertype(payload)) + payload.data, payload.tags

    # ---- framing per link type ----------------------------------------
    def frame(self, dlt: int) -> Tuple[bytes, frozenset]:
        r = self.r
        if dlt == 1:
            return self.ethernet_frame()
        p = self.l3()
        if dlt in (12, 228, 229):
            if p.kind not in ("ip", "ip6"):
                p = self.ipv4() if dlt != 229 else self.ipv6()
            if dlt == 228 and r.random() < 0.8 and p.kind != "ip":
                p = self.ipv4()
            if dlt == 229 and r.random() < 0.8 and p.kind != "ip6":
                p = self.ipv6()
            return p.data, p.tags
        if dlt in (0, 108):
            if p.kind == "ip":
                af = 2
            elif p.kind == "ip6":
                af = r.choice([10, 24, 28, 30])
            else:
                af = r.choice([7, 17, 0, r.randrange(1 << 32)])
            order = "<" if dlt == 0 else ">"
            if r.random() < 0.1:
                order = ">" if order == "<" else "<"
            return struct.pack(order + "I", af) + p.data, p.tags
        if dlt == 113:
            proto = self.ethertype(p) if r.random() < 0.85 else r.choice([1, 4, 0x0C, 0x0D])
            if proto == 4:
                p = self.llc()
            hdr = struct.pack("!HHH8sH", r.choice([0, 1, 2, 3, 4]), 1, 6,
                              r.choice(ETH_ADDRS) + b"\0\0", proto)
            return hdr + p.data, p.tags
        if dlt == 276:
            proto = self.ethertype(p) if r.random() < 0.85 else r.choice([1, 4])
            if proto == 4:
                p = self.llc()
            hdr = struct.pack("!HHIHBB8s", proto, 0, r.choice([1, 2, 3, 0x10002]), 1,
                              r.choice([0, 1, 2, 3, 4]), 6, r.choice(ETH_ADDRS) + b"\0\0")
            return hdr + p.data, p.tags
        if dlt in (9, 166, 50):
            if dlt == 50 and r.random() < 0.3:  # Cisco HDLC framing
                return struct.pack("!BBH", r.choice([0x0F, 0x8F]), 0, self.ethertype(p)) + p.data, p.tags
            addr = b"\xff\x03" if r.random() < 0.9 else b""
            return addr + struct.pack("!H", self.ppp_proto(p)) + p.data, p.tags
        if dlt == 16:
            hdr = bytearray(r.randrange(256) for _ in range(24))
            struct.pack_into("!H", hdr, 5, self.ppp_proto(p))
            return bytes(hdr) + p.data, p.tags
        if dlt == 51:
            body = struct.pack("!H", self.ppp_proto(p)) + p.data
            return struct.pack("!BBHH", 0x11, 0, r.choice([0, 0x1234]), len(body)) + body, p.tags
        if dlt == 104:
            return struct.pack("!BBH", r.choice([0x0F, 0x8F]), 0, self.ethertype(p)) + p.data, p.tags
        if dlt == 8:
            if p.kind not in ("ip",):
                p = self.ipv4()
            hdr = bytes([r.choice([0, 1, 2]), r.choice([0x40, 0x70, 0x80])]) + bytes(14)
            return hdr + p.data, p.tags
        raise ValueError(dlt)

    @staticmethod
    def _class_e(data: bytes) -> bool:
        # For damaged and random packets, where no header is known: any
        # IPv4-looking byte with a destination byte >= 240 sixteen bytes on
        # (an over-approximation; the tag only ever excuses).
        for i in range(0, max(0, len(data) - 16)):
            if data[i] >> 4 == 4 and data[i + 16] >= 240:
                return True
        return False

    def packet(self, dlt: int) -> Tuple[bytes, int, frozenset]:
        r = self.r
        if r.random() < 0.03:
            data = bytes(r.randrange(256) for _ in range(r.randrange(0, 80)))
            return data, len(data), frozenset({"v4_class_e"}) if self._class_e(data) else frozenset()
        data, tags = self.frame(dlt)
        wire = len(data)
        x = r.random()
        if x < 0.06 and data:
            data = data[:r.randrange(len(data))]          # truncated capture
        elif x < 0.10 and data:
            b = bytearray(data)
            b[r.randrange(len(b))] = r.randrange(256)      # one damaged byte
            data = bytes(b)
            if self._class_e(data):
                tags = tags | {"v4_class_e"}
        if r.random() < 0.05:
            wire += r.randrange(1, 2000)
        return data, wire, tags


def make_packets(seed: int, per_dlt: Dict[int, int]) -> Dict[int, List[Tuple[bytes, int, frozenset]]]:
    rng = random.Random(seed)
    gen = PacketGen(rng)
    return {dlt: [gen.packet(dlt) for _ in range(n)] for dlt, n in per_dlt.items()}


def write_packets(path: Path, packets: Dict[int, List[Tuple[bytes, int, frozenset]]]) -> None:
    with open(path, "wb") as f:
        for dlt, pkts in packets.items():
            for data, wire, _ in pkts:
                f.write(struct.pack("<III", dlt, len(data), wire) + data)


# ==========================================================================
# Expressions
# ==========================================================================

NETS4 = ["10.0.0.0/8", "10", "10.0", "10.0.0", "192.168.1.0/24", "192.168.1", "192.168",
         "172.16.0.0/12", "224.0.0.0/4", "0.0.0.0/0", "1.2.3.4/32", "192.168.1.128/25",
         "192.168.0.0 mask 255.255.0.0", "10.0.0.0 mask 255.0.0.0", "127/8", "240.0.0.0/4"]
NETS6 = ["2001:db8::/32", "fe80::/10", "ff00::/8", "::1/128", "::/0", "2001:db8:1::/48",
         "::ffff:0:0/96"]
PROTO_WORDS = ["tcp", "udp", "sctp", "icmp", "icmp6", "igmp", "igrp", "pim", "ah", "esp",
               "vrrp", "carp"]
LINK_WORDS = ["ip", "ip6", "arp", "rarp", "atalk", "aarp", "decnet", "iso", "stp", "ipx",
              "netbeui", "lat", "mopdl", "moprc", "sca"]
ETHER_PROTOS = ["ip", "ip6", "arp", "rarp", "atalk", "aarp", "decnet", "iso", "ipx", "lat",
                "loopback", "mopdl", "moprc", "netbeui", "sca", "stp", "0x800", "0x86dd",
                "2048", "0x88cc", "0x8100", "1500", "0x6558"]
ACC_PROTOS = ["ether", "link", "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp", "icmp",
              "icmp6", "igmp", "pim", "vrrp", "ppp", "slip"]
SERVICES = ["http", "domain", "ssh", "smtp", "ftp", "ftp-data", "ntp", "https", "bootps"]


class ExprGen:
    """Random filter expressions over the part-1 families."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def num(self, lo: int = 0, hi: int = 65535) -> str:
        r = self.r
        v = r.randrange(lo, hi + 1)
        return r.choice([str(v), hex(v), str(v), f"0{v:o}" if v else "0"])

    def host4(self) -> str:
        r = self.r
        return r.choice(V4_ADDRS) if r.random() < 0.9 else r.choice(
            ["10.0.0", "10.1", "167772161", "0xa000001", "127.1"])

    def port(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.15:
            return r.choice(SERVICES)
        return str(r.choice(PORTS) if x < 0.9 else r.randrange(65536))

    def host(self) -> str:
        r = self.r
        d = r.choice(["", "", "src ", "dst ", "src or dst ", "src and dst "])
        x = r.random()
        if x < 0.45:
            return f"{r.choice(['', 'ip ', 'arp ', 'rarp '])}{d}host {self.host4()}" \
                if r.random() < 0.7 else f"{d}{self.host4()}"
        if x < 0.7:
            return f"{r.choice(['', 'ip6 '])}{d}host {r.choice(V6_ADDRS)}"
        if x < 0.9:
            return f"ether {r.choice(['host', 'src', 'dst', 'src host', 'dst host'])} " \
                   f"{r.choice(ETH_ADDRS).hex(':')}"
        return f"{d}host {self.host4()} or {self.host4()}"

    def net(self) -> str:
        r = self.r
        d = r.choice(["", "src ", "dst ", "src or dst "])
        if r.random() < 0.75:
            return f"{r.choice(['', 'ip ', 'arp ', 'rarp '])}{d}net {r.choice(NETS4)}"
        return f"{r.choice(['', 'ip6 '])}{d}net {r.choice(NETS6)}"

    def ports(self) -> str:
        r = self.r
        pre = r.choice(["", "tcp ", "udp ", "sctp ", "ip ", "ip6 ", "ip and tcp ", "ip6 and udp "])
        d = r.choice(["", "", "src ", "dst ", "src or dst ", "src and dst "])
        if r.random() < 0.6:
            tail = f" or {self.port()}" if r.random() < 0.2 else ""
            return f"{pre}{d}port {self.port()}{tail}"
        a, b = self.port(), self.port()
        if r.random() < 0.2:
            return f"{pre}{d}portrange {a}"
        return f"{pre}{d}portrange {a}-{b}"

    def protos(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.3:
            return r.choice(PROTO_WORDS)
        if x < 0.5:
            return r.choice(LINK_WORDS)
        if x < 0.7:
            q = r.choice(["ip ", "ip6 ", ""])
            p = r.choice(["6", "17", "1", "58", "132", "0", "255", "\\tcp", "\\udp", "tcp",
                          "udp", "icmp", "igmp", "ipv6-frag", "gre", self.num(0, 255)])
            return f"{q}proto {p}"
        if x < 0.85:
            return f"ether proto {r.choice(ETHER_PROTOS)}" if r.random() < 0.7 else \
                f"link proto {r.choice(ETHER_PROTOS)}"
        return r.choice(["llc", "llc u", "llc i", "llc s", "llc ui", "llc rr", "llc xid",
                         "llc test"])

    def protochain(self) -> str:
        r = self.r
        q = r.choice(["", "ip ", "ip6 "])
        return f"{q}protochain {r.choice(['6', '17', '58', '0', '44', '60', '51', '132', 'tcp', 'udp', self.num(0, 255)])}"

    def encap(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.35:
            return r.choice(["vlan", f"vlan {r.choice([1, 2, 100, 4095, 0])}"])
        if x < 0.6:
            return r.choice(["mpls", f"mpls {r.choice([0, 3, 16, 100, 1048575])}"])
        if x < 0.8:
            return r.choice(["pppoed", "pppoes", f"pppoes {r.choice([0, 1, 0x1234, 65535])}"])
        return r.choice(["geneve", f"geneve {r.choice([0, 7, 100, 16777215])}"])

    def arith(self, depth: int = 0) -> str:
        r = self.r
        x = r.random()
        if depth > 2 or x < 0.3:
            return self.num(0, r.choice([15, 255, 65535, 1 << 32 - 1]))
        if x < 0.6:
            p = r.choice(ACC_PROTOS)
            idx = self.num(0, 60) if r.random() < 0.8 else self.arith(depth + 1)
            size = r.choice(["", "", ":1", ":2", ":4"])
            return f"{p}[{idx}{size}]"
        if x < 0.7:
            return r.choice(["len", "length"])
        if x < 0.75:
            return "-" + self.arith(depth + 1)
        op = r.choice(["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"])
        return f"({self.arith(depth + 1)} {op} {self.arith(depth + 1)})" if r.random() < 0.5 \
            else f"{self.arith(depth + 1)} {op} {self.arith(depth + 1)}"

    def relation(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.2:
            return r.choice(["tcp[tcpflags] & tcp-syn != 0", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn",
                             "icmp[icmptype] = icmp-echo", "icmp[icmptype] != icmp-echoreply",
                             "icmp6[icmp6type] = icmp6-echo", "ip[0] & 0xf > 5", "ip[6:2] & 0x1fff = 0",
                             "ether[0] & 1 != 0", "ip6[6] = 58", "udp[2:2] = 53"])
        return f"{self.arith()} {r.choice(['>', '<', '>=', '<=', '=', '==', '!='])} {self.arith()}"

    def lengths(self) -> str:
        r = self.r
        return r.choice([f"less {self.num(0, 200)}", f"greater {self.num(0, 200)}",
                         f"len <= {self.num(0, 200)}", f"len > {self.num(0, 200)}"])

    def cast(self) -> str:
        return self.r.choice(["broadcast", "multicast", "ether broadcast", "ether multicast",
                              "ip broadcast", "ip multicast", "ip6 multicast"])

    def primitive(self) -> str:
        r = self.r
        fam = r.choices(
            [self.host, self.net, self.ports, self.protos, self.protochain, self.encap,
             self.relation, self.lengths, self.cast],
            weights=[14, 8, 14, 14, 4, 8, 12, 4, 5])[0]
        return fam()

    def expr(self, depth: int = 0) -> str:
        r = self.r
        x = r.random()
        if depth >= 4 or x < 0.35:
            p = self.primitive()
            return p
        if x < 0.45:
            return f"{r.choice(['not ', '!', 'not '])}{self.expr(depth + 1)}" if r.random() < 0.5 \
                else f"not ({self.expr(depth + 1)})"
        if x < 0.5:
            # an encapsulation followed by what it shifts
            return f"{self.encap()} and {self.expr(depth + 1)}"
        op = r.choice([" and ", " or ", " && ", " || "])
        a, b = self.expr(depth + 1), self.expr(depth + 1)
        if r.random() < 0.4:
            return f"({a}){op}({b})"
        return f"{a}{op}{b}"


@dataclass
class Job:
    dlt: int
    optimize: int
    netmask: int
    expr: str
    snaplen: int = 262144

    def line(self, flags: str = "-") -> str:
        hexexpr = self.expr.encode("utf-8", "surrogateescape").hex() or "-"
        return f"{self.dlt} {self.optimize} {self.netmask:x} {self.snaplen} {flags} {hexexpr}\n"


def make_jobs(seed: int, count: int) -> List[Job]:
    """count expressions, each on two link types (EN10MB half of the time),
    both optimize settings, jobs of one expression adjacent (opt 0 then 1)."""
    rng = random.Random(seed)
    gen = ExprGen(rng)
    names = sorted(DLTS)
    jobs = []
    for _ in range(count):
        expr = gen.expr()
        first = DLTS["EN10MB"] if rng.random() < 0.5 else DLTS[rng.choice(names)]
        second = DLTS[rng.choice(names)]
        mask = rng.choice([NETMASK_UNKNOWN, NETMASK_UNKNOWN, 0xFFFFFF00, 0xFFFF0000])
        for dlt in sorted({first, second}):
            for opt in (0, 1):
                jobs.append(Job(dlt, opt, mask, expr))
    return jobs
