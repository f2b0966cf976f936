#!/usr/bin/env python3
"""Generate libpcap/data/sample.pcap, the small capture the package ships.

The capture is built packet by packet with struct.pack: Ethernet frames that
carry ARP, IPv4 (one datagram in two fragments) and IPv6 with TCP, UDP, ICMP
and ICMPv6, one 802.1Q-tagged frame, and fixed timestamps, so running the script twice gives the same
bytes.  Checksums are computed, so other tools find nothing wrong with it.

The packet builders are plain functions that the tests import too (they load
this file by path), to craft their own packets and captures:

    python tools/make_sample.py                # rewrites libpcap/data/sample.pcap
    python tools/make_sample.py -o /tmp/x.pcap
"""
from __future__ import annotations

import argparse
import os
import socket
import struct
import sys
from typing import Iterable, List, Optional, Sequence, Tuple

# (timestamp in integer nanoseconds, captured bytes, wire length or None)
Record = Tuple[int, bytes, Optional[int]]

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
ETH_VLAN = 0x8100
ETH_IPV6 = 0x86DD

PROTO_ICMP = 1
PROTO_TCP = 6
PROTO_UDP = 17
PROTO_ICMPV6 = 58

FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80

IP_DF = 0x4000
IP_MF = 0x2000


def mac(text: str) -> bytes:
    """'02:00:00:00:00:01' -> 6 bytes."""
    return bytes(int(part, 16) for part in text.split(":"))


def ip_addr(text: str) -> bytes:
    """An IPv4 or IPv6 address in text form -> its 4 or 16 bytes."""
    family = socket.AF_INET6 if ":" in text else socket.AF_INET
    return socket.inet_pton(family, text)


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _pseudo_header(src: bytes, dst: bytes, proto: int, length: int) -> bytes:
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IxxxB", length, proto)


def ethernet(dst: str, src: str, ethertype: int, payload: bytes, pad: bool = True) -> bytes:
    """An Ethernet II frame without FCS, padded to the 60-byte minimum."""
    frame = mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload
    if pad and len(frame) < 60:
        frame += b"\0" * (60 - len(frame))
    return frame


def vlan_tag(vid: int, ethertype: int, pcp: int = 0) -> bytes:
    """The 4 bytes after an 802.1Q TPID: TCI then the inner ethertype."""
    return struct.pack("!HH", (pcp << 13) | vid, ethertype)


def ipv4(src: str, dst: str, proto: int, payload: bytes, ttl: int = 64, ident: int = 0,
         frag: int = IP_DF, options: bytes = b"", total_length: Optional[int] = None) -> bytes:
    """An IPv4 header (with a correct checksum) followed by payload.

    frag is the 16-bit flags+fragment-offset field (offset in 8-byte units).
    """
    ihl = 5 + len(options) // 4
    length = ihl * 4 + len(payload) if total_length is None else total_length
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, length, ident, frag, ttl, proto, 0,
                         ip_addr(src), ip_addr(dst)) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ipv6(src: str, dst: str, next_header: int, payload: bytes, hop_limit: int = 64,
         flow: int = 0, payload_length: Optional[int] = None) -> bytes:
    """An IPv6 header followed by payload (which may start with extension headers)."""
    length = len(payload) if payload_length is None else payload_length
    return struct.pack("!IHBB16s16s", (6 << 28) | flow, length, next_header, hop_limit,
                       ip_addr(src), ip_addr(dst)) + payload


def ipv6_ext(next_header: int, body: bytes = b"\0" * 6) -> bytes:
    """A generic IPv6 extension header (hop-by-hop, routing, destination options).

    body is everything after the first two bytes; it is padded to a multiple of 8.
    """
    body += b"\0" * (-(len(body) + 2) % 8)
    return struct.pack("!BB", next_header, (len(body) + 2) // 8 - 1) + body


def ipv6_frag(next_header: int, offset: int, more: bool, ident: int) -> bytes:
    """An IPv6 fragment header; offset in 8-byte units."""
    return struct.pack("!BBHI", next_header, 0, (offset << 3) | int(more), ident)


def tcp(src: str, dst: str, sport: int, dport: int, seq: int, ack: int, flags: int,
        win: int = 65535, options: bytes = b"", payload: bytes = b"", urg: int = 0) -> bytes:
    """A TCP segment with its checksum over the IPv4 or IPv6 pseudo-header."""
    options += b"\0" * (-len(options) % 4)
    offset = (20 + len(options)) // 4
    segment = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, win, 0, urg)
    segment += options + payload
    csum = checksum(_pseudo_header(ip_addr(src), ip_addr(dst), PROTO_TCP, len(segment)) + segment)
    return segment[:16] + struct.pack("!H", csum) + segment[18:]


def tcp_options(mss: Optional[int] = None, sack_ok: bool = False,
                ts: Optional[Tuple[int, int]] = None, wscale: Optional[int] = None) -> bytes:
    """The usual SYN options, laid out as Linux does."""
    out = b""
    if mss is not None:
        out += struct.pack("!BBH", 2, 4, mss)
    if sack_ok:
        out += b"\x04\x02"
    if ts is not None:
        out += struct.pack("!BBII", 8, 10, ts[0], ts[1])
    if wscale is not None:
        out += b"\x01" + struct.pack("!BBB", 3, 3, wscale)
    return out


def udp(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    """A UDP datagram with its checksum."""
    datagram = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    csum = checksum(_pseudo_header(ip_addr(src), ip_addr(dst), PROTO_UDP, len(datagram)) + datagram)
    return datagram[:6] + struct.pack("!H", csum or 0xFFFF) + datagram[8:]


def icmp(icmp_type: int, code: int, rest: bytes = b"\0" * 4, payload: bytes = b"") -> bytes:
    """An ICMPv4 message; rest is the 4 bytes after the checksum (id/seq for echo)."""
    message = struct.pack("!BBH", icmp_type, code, 0) + rest + payload
    return message[:2] + struct.pack("!H", checksum(message)) + message[4:]


def icmp6(src: str, dst: str, icmp_type: int, code: int, body: bytes) -> bytes:
    """An ICMPv6 message; body is everything after the checksum."""
    message = struct.pack("!BBH", icmp_type, code, 0) + body
    csum = checksum(_pseudo_header(ip_addr(src), ip_addr(dst), PROTO_ICMPV6, len(message)) + message)
    return message[:2] + struct.pack("!H", csum) + message[4:]


def echo(ident: int, seq: int) -> bytes:
    """The id/seq word of an ICMP or ICMPv6 echo."""
    return struct.pack("!HH", ident, seq)


def arp(op: int, sha: str, spa: str, tha: str, tpa: str) -> bytes:
    """An Ethernet/IPv4 ARP packet (op 1 request, 2 reply)."""
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_IPV4, 6, 4, op, mac(sha), ip_addr(spa),
                       mac(tha), ip_addr(tpa))


def dns_query(ident: int, name: str, qtype: int = 1) -> bytes:
    """A minimal DNS query message."""
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + struct.pack("!HH", qtype, 1)


def dns_answer_a(ident: int, name: str, address: str) -> bytes:
    """A DNS response with one A record for name."""
    question = dns_query(ident, name)[12:]
    answer = struct.pack("!HHHIH", 0xC00C, 1, 1, 300, 4) + ip_addr(address)
    return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer


def pcap_file(records: Iterable[Record], linktype: int = 1, snaplen: int = 262144,
              nanosecond: bool = False, byteorder: str = "<") -> bytes:
    """A classic pcap savefile (version 2.4) holding records."""
    magic = 0xA1B23C4D if nanosecond else 0xA1B2C3D4
    out = [struct.pack(byteorder + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)]
    divisor = 1 if nanosecond else 1000
    for ts_ns, data, wirelen in records:
        sec, frac = divmod(ts_ns, 1_000_000_000)
        out.append(struct.pack(byteorder + "IIII", sec, frac // divisor, len(data),
                               len(data) if wirelen is None else wirelen))
        out.append(data)
    return b"".join(out)


def _pcapng_block(block_type: int, body: bytes, byteorder: str) -> bytes:
    body += b"\0" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack(byteorder + "II", block_type, length) + body + struct.pack(byteorder + "I", length)


def pcapng_file(records: Iterable[Record], linktype: int = 1, snaplen: int = 0,
                tsresol: Optional[int] = None, byteorder: str = "<") -> bytes:
    """A one-section, one-interface pcapng file with an EPB per record.

    tsresol is the raw if_tsresol option byte (None: the default, microseconds);
    only power-of-ten resolutions are supported here.
    """
    shb = _pcapng_block(0x0A0D0D0A, struct.pack(byteorder + "IHHq", 0x1A2B3C4D, 1, 0, -1), byteorder)
    options = b""
    if tsresol is not None:
        options = struct.pack(byteorder + "HHB3x", 9, 1, tsresol) + struct.pack(byteorder + "HH", 0, 0)
    idb = _pcapng_block(1, struct.pack(byteorder + "HHI", linktype, 0, snaplen) + options, byteorder)
    units = 10 ** (6 if tsresol is None else tsresol)
    blocks = [shb, idb]
    for ts_ns, data, wirelen in records:
        ticks = ts_ns * units // 1_000_000_000
        body = struct.pack(byteorder + "IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(data),
                           len(data) if wirelen is None else wirelen) + data
        blocks.append(_pcapng_block(6, body, byteorder))
    return b"".join(blocks)


# ---------------------------------------------------------------------------
# The sample capture: a little session of a host on a LAN.

BASE_NS = 1_704_110_400 * 1_000_000_000  # 2024-01-01 12:00:00 UTC

HOST_MAC, ROUTER_MAC, PEER_MAC = "02:00:00:00:00:0a", "02:00:00:00:00:01", "02:00:00:00:00:14"
BROADCAST = "ff:ff:ff:ff:ff:ff"
HOST, ROUTER, PEER, SERVER, RESOLVER = "192.0.2.10", "192.0.2.1", "192.0.2.20", "198.51.100.80", "192.0.2.53"
HOST6, ROUTER6, SERVER6 = "2001:db8::a", "fe80::1", "2001:db8:1::80"
HOST6_LL = "fe80::a"


def _sample_frames() -> List[bytes]:
    frames: List[bytes] = []

    def eth4(src_mac: str, dst_mac: str, packet: bytes) -> None:
        frames.append(ethernet(dst_mac, src_mac, ETH_IPV4, packet))

    def eth6(src_mac: str, dst_mac: str, packet: bytes) -> None:
        frames.append(ethernet(dst_mac, src_mac, ETH_IPV6, packet))

    # ARP for the router, then for a peer.
    frames.append(ethernet(BROADCAST, HOST_MAC, ETH_ARP, arp(1, HOST_MAC, HOST, "00:00:00:00:00:00", ROUTER)))
    frames.append(ethernet(HOST_MAC, ROUTER_MAC, ETH_ARP, arp(2, ROUTER_MAC, ROUTER, HOST_MAC, HOST)))

    # DNS lookup over UDP.
    eth4(HOST_MAC, ROUTER_MAC, ipv4(HOST, RESOLVER, PROTO_UDP,
                                    udp(HOST, RESOLVER, 40000, 53, dns_query(0x1234, "www.example.com")),
                                    ident=0x1001, frag=0))
    eth4(ROUTER_MAC, HOST_MAC, ipv4(RESOLVER, HOST, PROTO_UDP,
                                    udp(RESOLVER, HOST, 53, 40000,
                                        dns_answer_a(0x1234, "www.example.com", SERVER)),
                                    ident=0x2001, frag=0))

    # A ping to the server and its reply.
    payload = bytes(range(56))
    eth4(HOST_MAC, ROUTER_MAC, ipv4(HOST, SERVER, PROTO_ICMP, icmp(8, 0, echo(0x0BAD, 1), payload),
                                    ident=0x1002))
    eth4(ROUTER_MAC, HOST_MAC, ipv4(SERVER, HOST, PROTO_ICMP, icmp(0, 0, echo(0x0BAD, 1), payload),
                                    ttl=57, ident=0x3001, frag=0))

    # An HTTP exchange over TCP: handshake, request, response, close.
    c_isn, s_isn = 1_000_000, 3_000_000_000
    request = b"GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    cport, sport = 51000, 80

    def c2s(seq: int, ack: int, flags: int, data: bytes = b"", options: bytes = b"") -> None:
        eth4(HOST_MAC, ROUTER_MAC, ipv4(HOST, SERVER, PROTO_TCP,
                                        tcp(HOST, SERVER, cport, sport, seq, ack, flags, 502,
                                            options, data), ident=0x1003 + len(frames)))

    def s2c(seq: int, ack: int, flags: int, data: bytes = b"", options: bytes = b"") -> None:
        eth4(ROUTER_MAC, HOST_MAC, ipv4(SERVER, HOST, PROTO_TCP,
                                        tcp(SERVER, HOST, sport, cport, seq, ack, flags, 509,
                                            options, data), ttl=57, ident=0x3003 + len(frames)))

    c2s(c_isn, 0, SYN, options=tcp_options(mss=1460, sack_ok=True, ts=(100, 0), wscale=7))
    s2c(s_isn, c_isn + 1, SYN | ACK, options=tcp_options(mss=1400, sack_ok=True, ts=(900, 100), wscale=9))
    c2s(c_isn + 1, s_isn + 1, ACK)
    c2s(c_isn + 1, s_isn + 1, PSH | ACK, request)
    s2c(s_isn + 1, c_isn + 1 + len(request), ACK)
    s2c(s_isn + 1, c_isn + 1 + len(request), PSH | ACK, response)
    c2s(c_isn + 1 + len(request), s_isn + 1 + len(response), ACK)
    c2s(c_isn + 1 + len(request), s_isn + 1 + len(response), FIN | ACK)
    s2c(s_isn + 1 + len(response), c_isn + 2 + len(request), FIN | ACK)
    c2s(c_isn + 2 + len(request), s_isn + 2 + len(response), ACK)

    # A probe to a closed UDP port answered by ICMP port unreachable.
    probe = ipv4(HOST, PEER, PROTO_UDP, udp(HOST, PEER, 33434, 33434, b"probe"), ident=0x1010, frag=0)
    eth4(HOST_MAC, PEER_MAC, probe)
    eth4(PEER_MAC, HOST_MAC, ipv4(PEER, HOST, PROTO_ICMP, icmp(3, 3, b"\0" * 4, probe), ident=0x4001, frag=0))

    # A UDP datagram too big for one frame, in two IPv4 fragments.
    big = udp(HOST, PEER, 40002, 9000, bytes(i % 251 for i in range(1600)))
    eth4(HOST_MAC, PEER_MAC, ipv4(HOST, PEER, PROTO_UDP, big[:1480], ident=0x1011, frag=IP_MF))
    eth4(HOST_MAC, PEER_MAC, ipv4(HOST, PEER, PROTO_UDP, big[1480:], ident=0x1011, frag=1480 // 8))

    # IPv6: neighbor discovery, a ping, a DNS query over UDP and a refused TCP connection.
    sol_node = "ff02::1:ff00:1"
    eth6(HOST_MAC, "33:33:ff:00:00:01",
         ipv6(HOST6_LL, sol_node, PROTO_ICMPV6,
              icmp6(HOST6_LL, sol_node, 135, 0, b"\0" * 4 + ip_addr(ROUTER6) + b"\x01\x01" + mac(HOST_MAC)),
              hop_limit=255))
    eth6(ROUTER_MAC, HOST_MAC,
         ipv6(ROUTER6, HOST6_LL, PROTO_ICMPV6,
              icmp6(ROUTER6, HOST6_LL, 136, 0, b"\xe0\0\0\0" + ip_addr(ROUTER6) + b"\x02\x01" + mac(ROUTER_MAC)),
              hop_limit=255))
    eth6(HOST_MAC, ROUTER_MAC,
         ipv6(HOST6, SERVER6, PROTO_ICMPV6, icmp6(HOST6, SERVER6, 128, 0, echo(0x0BEE, 1) + payload), flow=0x12345))
    eth6(ROUTER_MAC, HOST_MAC,
         ipv6(SERVER6, HOST6, PROTO_ICMPV6, icmp6(SERVER6, HOST6, 129, 0, echo(0x0BEE, 1) + payload), hop_limit=57))
    eth6(HOST_MAC, ROUTER_MAC,
         ipv6(HOST6, "2001:db8::35", PROTO_UDP, udp(HOST6, "2001:db8::35", 40001, 53,
                                                    dns_query(0x5678, "www.example.com", 28))))
    eth6(HOST_MAC, ROUTER_MAC,
         ipv6(HOST6, SERVER6, PROTO_TCP, tcp(HOST6, SERVER6, 51001, 443, 7_000_000, 0, SYN, 64800,
                                             tcp_options(mss=1440, sack_ok=True, ts=(200, 0), wscale=7))))
    eth6(ROUTER_MAC, HOST_MAC,
         ipv6(SERVER6, HOST6, PROTO_TCP, tcp(SERVER6, HOST6, 443, 51001, 0, 7_000_001, RST | ACK, 0),
              hop_limit=57))

    # A frame on VLAN 10 and a multicast listener report with a hop-by-hop header.
    frames.append(ethernet(ROUTER_MAC, PEER_MAC, ETH_VLAN,
                           vlan_tag(10, ETH_IPV4) + ipv4(PEER, ROUTER, PROTO_ICMP,
                                                         icmp(8, 0, echo(7, 1), b"vlan"), ident=0x4002)))
    report = icmp6(HOST6_LL, "ff02::16", 143, 0, b"\0\0\0\x01" + b"\x04\0\0\0" + ip_addr("ff02::fb"))
    router_alert = b"\x05\x02\0\0\x01\0"
    eth6(HOST_MAC, "33:33:00:00:00:16",
         ipv6(HOST6_LL, "ff02::16", 0, ipv6_ext(PROTO_ICMPV6, router_alert) + report, hop_limit=1))
    return frames


def sample_records() -> List[Record]:
    """The sample capture's packets with their timestamps."""
    records: List[Record] = []
    ts = BASE_NS + 123_456_000
    for frame in _sample_frames():
        records.append((ts, frame, None))
        ts += 1_234_567_000 if len(records) % 5 == 0 else 2_345_000
    return records


def main(argv: Optional[Sequence[str]] = None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, os.pardir, "libpcap", "data", "sample.pcap")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=os.path.normpath(default),
                        help="where to write the capture (default: %(default)s)")
    args = parser.parse_args(argv)
    data = pcap_file(sample_records())
    with open(args.output, "wb") as f:
        f.write(data)
    print("wrote %d packets, %d bytes to %s" % (len(sample_records()), len(data), args.output),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
