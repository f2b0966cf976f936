"""Tests of libpcap._dissect, the one-line packet summaries of the CLI.

Packets are built here with the builders of tools/make_sample.py, and every
expected line is composed from the values the test put into the packet
(addresses, ports, flags, lengths), never pasted from a run.  Robustness:
every truncation of several packets, random garbage for every link type,
random corruption of valid packets and, when the native reader is built,
every packet of the conformance corpus must give a line without an
exception.
"""
from __future__ import annotations

import ipaddress
import random
import struct
from pathlib import Path
from types import ModuleType
from typing import List

import pytest

from conftest import REPO, load_source, make_sample


def _load_dissect() -> ModuleType:
    try:
        from libpcap import _dissect
        return _dissect
    except (ImportError, OSError):
        # The package needs its C core; the dissector alone does not.
        return load_source("_libpcap_dissect_under_test", REPO / "libpcap" / "_dissect.py")


d = _load_dissect()
m = make_sample()
summarize = d.summarize

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
IP_A, IP_B = "10.1.2.3", "172.16.254.9"
IP6_A, IP6_B = "2001:db8::1:2", "2001:db8:ff::9"

FLAG_CHARS = [(m.FIN, "F"), (m.SYN, "S"), (m.RST, "R"), (m.PSH, "P"), (m.ACK, "."), (m.URG, "U"),
              (m.ECE, "E"), (m.CWR, "W")]


def eth_head(frame: bytes, etype_text: str) -> str:
    return "%s > %s, ethertype %s, length %d: " % (MAC_A, MAC_B, etype_text, len(frame))


def eth(etype: int, payload: bytes) -> bytes:
    return m.ethernet(MAC_B, MAC_A, etype, payload)


def flags_text(flags: int) -> str:
    return "".join(ch for bit, ch in FLAG_CHARS if flags & bit) or "none"


# ---------------------------------------------------------------------------
# Ethernet, IPv4, IPv6 and the transports

def test_tcp_syn_with_options() -> None:
    seq, win, mss, tsval, wscale = 123456789, 29200, 1460, 4242, 7
    seg = m.tcp(IP_A, IP_B, 40000, 443, seq, 0, m.SYN, win,
                m.tcp_options(mss=mss, sack_ok=True, ts=(tsval, 0), wscale=wscale))
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    expected = (eth_head(frame, "IPv4 (0x0800)")
                + "%s.40000 > %s.443: Flags [S], seq %d, win %d, options [mss %d,sackOK,TS val %d ecr 0,nop,"
                  "wscale %d], length 0" % (IP_A, IP_B, seq, win, mss, tsval, wscale))
    assert summarize(frame, len(frame), 1) == expected


def test_tcp_data_sequence_range_and_ack() -> None:
    data = b"x" * 100
    seq, ack = 0xFFFFFFF0, 77  # the range wraps around 2**32
    seg = m.tcp(IP_A, IP_B, 1234, 80, seq, ack, m.PSH | m.ACK, 501, payload=data)
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    expected = (eth_head(frame, "IPv4 (0x0800)") + "%s.1234 > %s.80: Flags [P.], seq %d:%d, ack %d, win 501, "
                "length %d" % (IP_A, IP_B, seq, (seq + len(data)) % 2 ** 32, ack, len(data)))
    assert summarize(frame, len(frame), 1) == expected


@pytest.mark.parametrize("flags", [0, m.ACK, m.SYN | m.ACK, m.FIN | m.ACK, m.RST, m.FIN | m.PSH | m.ACK,
                                   m.SYN | m.ECE | m.CWR, m.URG | m.ACK, 0xFF])
def test_tcp_flags(flags: int) -> None:
    seg = m.tcp(IP_A, IP_B, 1, 2, 1000, 2000, flags, 10, urg=5)
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    text = "Flags [%s]" % flags_text(flags)
    if flags & (m.SYN | m.FIN | m.RST):
        text += ", seq 1000"
    if flags & m.ACK:
        text += ", ack 2000"
    text += ", win 10"
    if flags & m.URG:
        text += ", urg 5"
    expected = eth_head(frame, "IPv4 (0x0800)") + "%s.1 > %s.2: %s, length 0" % (IP_A, IP_B, text)
    assert summarize(frame, len(frame), 1) == expected


def test_tcp_over_ipv6() -> None:
    seg = m.tcp(IP6_A, IP6_B, 5555, 22, 9, 10, m.ACK, 1000, payload=b"abc")
    frame = eth(m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_TCP, seg))
    a, b = ipaddress.IPv6Address(IP6_A).compressed, ipaddress.IPv6Address(IP6_B).compressed
    expected = (eth_head(frame, "IPv6 (0x86dd)")
                + "%s.5555 > %s.22: Flags [.], seq 9:12, ack 10, win 1000, length 3" % (a, b))
    assert summarize(frame, len(frame), 1) == expected


@pytest.mark.parametrize("v6", [False, True])
def test_udp(v6: bool) -> None:
    payload = bytes(range(37))
    if v6:
        src, dst = IP6_A, IP6_B
        frame = eth(m.ETH_IPV6, m.ipv6(src, dst, m.PROTO_UDP, m.udp(src, dst, 5353, 5354, payload)))
        head = eth_head(frame, "IPv6 (0x86dd)")
    else:
        src, dst = IP_A, IP_B
        frame = eth(m.ETH_IPV4, m.ipv4(src, dst, m.PROTO_UDP, m.udp(src, dst, 5353, 5354, payload)))
        head = eth_head(frame, "IPv4 (0x0800)")
    assert summarize(frame, len(frame), 1) == head + "%s.5353 > %s.5354: UDP, length %d" % (src, dst, len(payload))


def test_udp_length_larger_than_ip_payload() -> None:
    datagram = bytearray(m.udp(IP_A, IP_B, 1, 2, b"abcd"))
    struct.pack_into("!H", datagram, 4, 100)
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, bytes(datagram)))
    assert summarize(frame, len(frame), 1).endswith("%s.1 > %s.2: UDP, bad length 100 > 12" % (IP_A, IP_B))


@pytest.mark.parametrize("icmp_type,word", [(8, "request"), (0, "reply")])
def test_icmp_echo(icmp_type: int, word: str) -> None:
    payload = b"p" * 56
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, m.icmp(icmp_type, 0, m.echo(513, 7), payload)))
    expected = eth_head(frame, "IPv4 (0x0800)") + "%s > %s: ICMP echo %s, id 513, seq 7, length %d" % (
        IP_A, IP_B, word, 8 + len(payload))
    assert summarize(frame, len(frame), 1) == expected


def test_icmp_errors_quote_the_packet() -> None:
    inner = m.ipv4(IP_B, "192.0.2.77", m.PROTO_UDP, m.udp(IP_B, "192.0.2.77", 999, 33434, b""))
    port = m.icmp(3, 3, b"\0" * 4, inner)
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, port))
    assert summarize(frame, len(frame), 1).endswith(
        "%s > %s: ICMP 192.0.2.77 udp port 33434 unreachable, length %d" % (IP_A, IP_B, len(port)))
    host = m.icmp(3, 1, b"\0" * 4, inner)
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, host))
    assert summarize(frame, len(frame), 1).endswith("ICMP host 192.0.2.77 unreachable, length %d" % len(host))
    exceeded = m.icmp(11, 0, b"\0" * 4, inner)
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, exceeded))
    assert summarize(frame, len(frame), 1).endswith("ICMP time exceeded in-transit, length %d" % len(exceeded))
    unknown = m.icmp(77, 0)
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, unknown))
    assert summarize(frame, len(frame), 1).endswith("ICMP type-#77, length 8")


def test_icmp6_echo_and_neighbor_discovery() -> None:
    body = m.echo(3, 4) + b"z" * 10
    frame = eth(m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_ICMPV6, m.icmp6(IP6_A, IP6_B, 128, 0, body)))
    assert summarize(frame, len(frame), 1) == eth_head(frame, "IPv6 (0x86dd)") + (
        "%s > %s: ICMP6, echo request, id 3, seq 4, length %d" % (IP6_A, IP6_B, 4 + len(body)))
    target = "fe80::1234"
    ns = m.icmp6("fe80::1", "ff02::1:ff00:1234", 135, 0, b"\0" * 4 + m.ip_addr(target))
    frame = eth(m.ETH_IPV6, m.ipv6("fe80::1", "ff02::1:ff00:1234", m.PROTO_ICMPV6, ns))
    assert summarize(frame, len(frame), 1).endswith(
        "fe80::1 > ff02::1:ff00:1234: ICMP6, neighbor solicitation, who has %s, length %d" % (target, len(ns)))
    na = m.icmp6("fe80::1", "fe80::2", 136, 0, b"\x60\0\0\0" + m.ip_addr(target))
    frame = eth(m.ETH_IPV6, m.ipv6("fe80::1", "fe80::2", m.PROTO_ICMPV6, na))
    assert summarize(frame, len(frame), 1).endswith(
        "ICMP6, neighbor advertisement, tgt is %s, length %d" % (target, len(na)))


def test_unknown_icmp_types() -> None:
    frame = eth(m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_ICMPV6, m.icmp6(IP6_A, IP6_B, 160, 0, b"")))
    assert summarize(frame, len(frame), 1).endswith("ICMP6, unknown icmp6 type (160), length 4")
    # Type and code are enough for a type without a body.
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, b"\x31\0\0"))
    assert summarize(frame, len(frame), 1).endswith("%s > %s: ICMP type-#49, length 3" % (IP_A, IP_B))


def test_ipv6_extension_headers_and_fragments() -> None:
    report = m.icmp6(IP6_A, "ff02::16", 143, 0, b"\0\0\0\x02")
    packet = m.ipv6(IP6_A, "ff02::16", 0, m.ipv6_ext(m.PROTO_ICMPV6, b"\x05\x02\0\0\x01\0") + report)
    frame = eth(m.ETH_IPV6, packet)
    assert summarize(frame, len(frame), 1).endswith(
        "%s > ff02::16: HBH ICMP6, multicast listener report v2, 2 group record(s), length %d"
        % (IP6_A, len(report)))
    datagram = m.udp(IP6_A, IP6_B, 7, 9, bytes(100))
    first = m.ipv6(IP6_A, IP6_B, 44, m.ipv6_frag(m.PROTO_UDP, 0, True, 1) + datagram[:56])
    frame = eth(m.ETH_IPV6, first)
    assert summarize(frame, len(frame), 1).endswith(
        "%s > %s: frag (0|56) 7 > 9: UDP, length 100" % (IP6_A, IP6_B))
    later = m.ipv6(IP6_A, IP6_B, 44, m.ipv6_frag(m.PROTO_UDP, 7, False, 1) + datagram[56:])
    frame = eth(m.ETH_IPV6, later)
    assert summarize(frame, len(frame), 1).endswith("%s > %s: frag (56|%d)" % (IP6_A, IP6_B, len(datagram) - 56))


def test_ipv4_fragments() -> None:
    datagram = m.udp(IP_A, IP_B, 7, 9, bytes(100))
    first = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, datagram[:64], frag=m.IP_MF))
    assert summarize(first, len(first), 1).endswith("%s.7 > %s.9: UDP, length 100" % (IP_A, IP_B))
    later = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, datagram[64:], frag=8))
    assert summarize(later, len(later), 1).endswith(
        "%s > %s: udp fragment, offset 64, length %d" % (IP_A, IP_B, len(datagram) - 64))


def test_ipv4_header_errors() -> None:
    seg = m.tcp(IP_A, IP_B, 1, 2, 0, 0, m.ACK)
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg, total_length=1000))
    text = summarize(frame, len(frame), 1)
    assert ": truncated-ip - %d bytes missing! %s.1 > %s.2: " % (1000 - (len(frame) - 14), IP_A, IP_B) in text
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg, total_length=12))
    assert summarize(frame, len(frame), 1).endswith(": bad-len 12")
    bad_hlen = bytearray(m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    bad_hlen[0] = 0x43
    frame = eth(m.ETH_IPV4, bytes(bad_hlen))
    assert summarize(frame, len(frame), 1).endswith(": bad-hlen 12")
    frame = eth(m.ETH_IPV4, m.ipv6(IP6_A, IP6_B, 59, b""))
    assert summarize(frame, len(frame), 1).endswith(": bad IP version 6")


def test_other_ip_protocol() -> None:
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, 99, b"12345"))
    assert summarize(frame, len(frame), 1).endswith("%s > %s: ip-proto-99, length 5" % (IP_A, IP_B))
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, 47, b"\0\0\x08\0"))
    assert summarize(frame, len(frame), 1).endswith("%s > %s: GRE, length 4" % (IP_A, IP_B))


def test_arp() -> None:
    request = eth(m.ETH_ARP, m.arp(1, MAC_A, IP_A, "00:00:00:00:00:00", IP_B))
    assert summarize(request, len(request), 1) == (
        eth_head(request, "ARP (0x0806)") + "Request who-has %s tell %s, length %d" % (IP_B, IP_A, len(request) - 14))
    unicast = eth(m.ETH_ARP, m.arp(1, MAC_A, IP_A, MAC_B, IP_B))
    assert summarize(unicast, len(unicast), 1).endswith(
        "Request who-has %s (%s) tell %s, length %d" % (IP_B, MAC_B, IP_A, len(unicast) - 14))
    reply = eth(m.ETH_ARP, m.arp(2, MAC_A, IP_A, MAC_B, IP_B))
    assert summarize(reply, len(reply), 1).endswith("Reply %s is-at %s, length %d" % (IP_A, MAC_A, len(reply) - 14))


def test_arp_of_other_protocols() -> None:
    body = struct.pack("!HHBBH", 6, 0x9000, 6, 2, 1) + bytes(6 + 2 + 6 + 2)
    frame = eth(m.ETH_ARP, body)
    assert summarize(frame, len(frame), 1).endswith(
        ": hardware type 6 (len 6), protocol 0x9000 (len 2), opcode 1, length %d" % (len(frame) - 14))
    # An unknown hardware type with IPv4 addresses is still ARP for IPv4.
    body = bytearray(m.arp(2, MAC_A, IP_A, MAC_B, IP_B))
    struct.pack_into("!H", body, 0, 513)
    frame = eth(m.ETH_ARP, bytes(body))
    assert summarize(frame, len(frame), 1).endswith("Reply %s is-at %s, length %d" % (IP_A, MAC_A, len(frame) - 14))


def test_vlan_tags() -> None:
    inner = m.ipv4(IP_A, IP_B, m.PROTO_ICMP, m.icmp(8, 0, m.echo(1, 2)))
    frame = eth(m.ETH_VLAN, m.vlan_tag(100, m.ETH_IPV4, pcp=5) + inner)
    assert summarize(frame, len(frame), 1) == eth_head(frame, "802.1Q (0x8100)") + (
        "vlan 100, p 5, ethertype IPv4 (0x0800), %s > %s: ICMP echo request, id 1, seq 2, length 8" % (IP_A, IP_B))
    frame = eth(0x88A8, m.vlan_tag(7, m.ETH_VLAN) + m.vlan_tag(8, 0x1234))
    assert summarize(frame, len(frame), 1).endswith(
        "vlan 7, p 0, ethertype 802.1Q (0x8100), vlan 8, p 0, ethertype Unknown (0x1234)")


def test_vlan_carrying_802_3() -> None:
    frame = eth(m.ETH_VLAN, m.vlan_tag(3, 38) + b"\x42\x42\x03" + bytes(35))
    assert summarize(frame, len(frame), 1).endswith(
        "length %d: vlan 3, p 0, 802.3, LLC, dsap 0x42, ssap 0x42, ctrl 0x03" % len(frame))


def test_snap_and_vlan_nesting_is_bounded() -> None:
    # SNAP -> 802.1Q -> 802.3/LLC -> SNAP -> ... as deep as 200 kB allows.
    layer = b"\xaa\xaa\x03\0\0\0\x81\x00" + m.vlan_tag(1, 100)
    frame = m.ethernet(MAC_B, MAC_A, 100, layer * 20000, pad=False)
    text = summarize(frame, len(frame), 1)
    assert text.count("LLC/SNAP") == 2, text


def test_unknown_ethertype_and_802_3() -> None:
    frame = eth(0x88B5, b"abc")
    assert summarize(frame, len(frame), 1) == "%s > %s, ethertype Unknown (0x88b5), length %d" % (
        MAC_A, MAC_B, len(frame))
    frame = m.ethernet(MAC_B, MAC_A, 38, b"\x42\x42\x03" + bytes(35))
    assert summarize(frame, len(frame), 1) == "%s > %s, 802.3, length %d: LLC, dsap 0x42, ssap 0x42, ctrl 0x03" % (
        MAC_A, MAC_B, len(frame))
    snap = b"\xaa\xaa\x03\0\0\0\x08\x00" + m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 1, 2, b""))
    frame = m.ethernet(MAC_B, MAC_A, len(snap), snap)
    assert summarize(frame, len(frame), 1).endswith(
        "802.3, length %d: LLC/SNAP, ethertype IPv4 (0x0800): %s.1 > %s.2: UDP, length 0" % (len(frame), IP_A, IP_B))


def test_caplen_shown_when_it_differs() -> None:
    seg = m.tcp(IP_A, IP_B, 1, 2, 10, 0, m.ACK, 5, payload=bytes(1000))
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    cut = frame[:68]
    assert summarize(cut, len(frame), 1) == (
        "%s > %s, ethertype IPv4 (0x0800), length %d (caplen 68): %s.1 > %s.2: Flags [.], seq 10:1010, ack 0, "
        "win 5, length 1000" % (MAC_A, MAC_B, len(frame), IP_A, IP_B))


def test_ethernet_padding_is_not_payload() -> None:
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 1, 2, b"a")))
    assert len(frame) == 60  # padded by the builder
    assert summarize(frame, len(frame), 1).endswith("UDP, length 1")


# ---------------------------------------------------------------------------
# Other link types

IP_PACKET = m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 10, 20, b"hello"))
IP_SUMMARY = "%s.10 > %s.20: UDP, length 5" % (IP_A, IP_B)
IP6_PACKET = m.ipv6(IP6_A, IP6_B, m.PROTO_UDP, m.udp(IP6_A, IP6_B, 10, 20, b"hello"))
IP6_SUMMARY = "%s.10 > %s.20: UDP, length 5" % (IP6_A, IP6_B)


@pytest.mark.parametrize("pkttype,word", [(0, " In"), (1, "  B"), (2, "  M"), (3, "  P"), (4, "Out")])
def test_linux_sll(pkttype: int, word: str) -> None:
    packet = struct.pack("!HHH8sH", pkttype, 1, 6, m.mac(MAC_A) + b"\0\0", m.ETH_IPV4) + IP_PACKET
    assert summarize(packet, len(packet), 113) == "%s %s ethertype IPv4 (0x0800), length %d: %s" % (
        word, MAC_A, len(packet), IP_SUMMARY)


def test_linux_sll2() -> None:
    packet = struct.pack("!HHIHBB8s", m.ETH_IPV6, 0, 42, 1, 4, 6, m.mac(MAC_B) + b"\0\0") + IP6_PACKET
    assert summarize(packet, len(packet), 276) == "Out ifindex 42 %s ethertype IPv6 (0x86dd), length %d: %s" % (
        MAC_B, len(packet), IP6_SUMMARY)


@pytest.mark.parametrize("order", ["<", ">"])
def test_null_in_either_byte_order(order: str) -> None:
    packet = struct.pack(order + "I", 2) + IP_PACKET
    assert summarize(packet, len(packet), 0) == "AF IPv4 (2), length %d: %s" % (len(packet), IP_SUMMARY)
    for family in (24, 28, 30):
        packet = struct.pack(order + "I", family) + IP6_PACKET
        assert summarize(packet, len(packet), 0) == "AF IPv6 (%d), length %d: %s" % (family, len(packet), IP6_SUMMARY)


def test_loop_is_big_endian() -> None:
    packet = struct.pack(">I", 2) + IP_PACKET
    assert summarize(packet, len(packet), 108) == "AF IPv4 (2), length %d: %s" % (len(packet), IP_SUMMARY)
    packet = struct.pack(">I", 99) + IP_PACKET
    assert summarize(packet, len(packet), 108) == "AF Unknown (99), length %d" % len(packet)


def test_cisco_hdlc() -> None:
    packet = b"\x0f\x00\x08\x00" + IP_PACKET
    assert summarize(packet, len(packet), 104) == "unicast, ethertype IPv4 (0x0800), length %d: %s" % (
        len(packet), IP_SUMMARY)
    packet = b"\x8f\x00\x86\xdd" + IP6_PACKET
    assert summarize(packet, len(packet), 104) == "bcast, ethertype IPv6 (0x86dd), length %d: %s" % (
        len(packet), IP6_SUMMARY)


@pytest.mark.parametrize("linktype", [12, 101])
def test_raw_ip(linktype: int) -> None:
    assert summarize(IP_PACKET, len(IP_PACKET), linktype) == "raw IPv4, length %d: %s" % (len(IP_PACKET), IP_SUMMARY)
    assert summarize(IP6_PACKET, len(IP6_PACKET), linktype) == "raw IPv6, length %d: %s" % (
        len(IP6_PACKET), IP6_SUMMARY)
    assert summarize(b"\x50", 1, linktype) == "raw, length 1: unknown IP version 5"


def test_ipv4_and_ipv6_link_types() -> None:
    assert summarize(IP_PACKET, len(IP_PACKET), 228) == "raw IPv4, length %d: %s" % (len(IP_PACKET), IP_SUMMARY)
    assert summarize(IP6_PACKET, len(IP6_PACKET), 229) == "raw IPv6, length %d: %s" % (len(IP6_PACKET), IP6_SUMMARY)
    assert summarize(IP6_PACKET, len(IP6_PACKET), 228).endswith(": bad IP version 6")


def _tlv(typ: int, value: bytes) -> bytes:
    size = 4 + len(value)
    return struct.pack("=HH", size, typ) + value + b"\0" * (-size % 4)


def test_nflog_records() -> None:
    # As the kernel writes them (nfnetlink_log): header, packet header,
    # empty prefix, then the packet; tcpdump -e prints this line.
    rec = b"\x02\x00\x00\x05" + _tlv(1, b"\x08\x00\x03\x00") + _tlv(10, b"\0") + _tlv(9, IP_PACKET)
    assert summarize(rec, len(rec), 239) == \
        "version 0, resource ID 5, family IPv4 (2), length %d: %s" % (len(rec), IP_SUMMARY)
    rec6 = b"\x0a\x00\x01\x00" + _tlv(9, IP6_PACKET) + _tlv(11, b"\0\0\0\0")
    assert summarize(rec6, len(rec6), 239) == \
        "version 0, resource ID 256, family IPv6 (10), length %d: %s" % (len(rec6), IP6_SUMMARY)
    assert summarize(b"\x02\x01\x00\x05", 4, 239) == "version 1 (unknown)"
    other = b"\x07\x00\x00\x01" + _tlv(9, b"xyz")
    assert summarize(other, len(other), 239) == \
        "version 0, resource ID 1, family unknown (7), length %d: " % len(other)
    # Attributes cut short, or whose length runs past the record.
    assert summarize(rec[:3], len(rec), 239) == "[|nflog], length %d (caplen 3)" % len(rec)
    for k in range(4, 24):
        assert summarize(rec[:k], len(rec), 239).endswith("[|nflog]"), k
    bad = b"\x02\x00\x00\x05" + struct.pack("=HH", 2, 9) + b"\0" * 8
    assert summarize(bad, len(bad), 239).endswith("[|nflog]")
    for k in range(len(rec) + 1):
        assert isinstance(summarize(rec[:k], len(rec), 239), str)


def test_unknown_link_type() -> None:
    assert summarize(b"abcdef", 100, 147, "USER0") == "linktype USER0 (147), length 100 (caplen 6)"
    assert summarize(b"abcdef", 6, 4000) == "linktype 4000, length 6"


# ---------------------------------------------------------------------------
# Truncation and garbage

def _markers(text: str) -> List[str]:
    return [part.split("]")[0] for part in text.split("[|")[1:]]


def _check_prefixes(frame: bytes, linktype: int, bounds: List[tuple]) -> None:
    """Each (end, proto): prefixes shorter than end (and not covered before) end with [|proto]."""
    for k in range(len(frame) + 1):
        text = summarize(frame[:k], len(frame), linktype)
        assert isinstance(text, str)
        expected = next((proto for end, proto in bounds if k < end), None)
        if expected is None:
            assert "[|" not in text, (k, text)
        else:
            assert _markers(text) == [expected], (k, text)
        if k != len(frame):
            assert "(caplen %d)" % k in text, (k, text)


def test_every_truncation_of_tcp_over_ipv6() -> None:
    options = m.tcp_options(mss=1440, sack_ok=True, ts=(1, 2), wscale=3)
    seg = m.tcp(IP6_A, IP6_B, 80, 8080, 5, 6, m.SYN | m.ACK, 100, options, b"payload")
    frame = eth(m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_TCP, seg))
    ip6_end = 14 + 40
    _check_prefixes(frame, 1, [(14, "ether"), (ip6_end, "ip6"), (ip6_end + 20 + len(options), "tcp")])
    assert summarize(frame[:ip6_end + 2], len(frame), 1).endswith("%s > %s: [|tcp]" % (IP6_A, IP6_B))
    assert summarize(frame[:ip6_end + 4], len(frame), 1).endswith("%s.80 > %s.8080: [|tcp]" % (IP6_A, IP6_B))
    # Options cut short: the ones captured are printed.
    text = summarize(frame[:ip6_end + 28], len(frame), 1)
    assert text.endswith("options [mss 1440,sackOK] [|tcp]"), text


def test_every_truncation_of_tcp_over_ipv4_with_options() -> None:
    seg = m.tcp(IP_A, IP_B, 1, 2, 3, 4, m.SYN, 5, m.tcp_options(mss=536))
    packet = m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg, options=b"\x94\x04\0\0")
    frame = m.ethernet(MAC_B, MAC_A, m.ETH_IPV4, packet, pad=False)
    _check_prefixes(frame, 1, [(14, "ether"), (14 + 24, "ip"), (14 + 24 + 24, "tcp")])


def test_every_truncation_of_udp_icmp_arp_and_cooked() -> None:
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 1, 2, bytes(20))))
    _check_prefixes(frame, 1, [(14, "ether"), (34, "ip"), (42, "udp")])
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, m.icmp(8, 0, m.echo(1, 1), bytes(30))))
    _check_prefixes(frame, 1, [(14, "ether"), (34, "ip"), (42, "icmp")])
    inner = m.ipv4(IP_B, IP_A, m.PROTO_TCP, m.tcp(IP_B, IP_A, 1, 2, 0, 0, m.SYN))[:28]
    frame = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, m.icmp(3, 3, b"\0" * 4, inner)))
    _check_prefixes(frame, 1, [(14, "ether"), (34, "ip"), (34 + 8 + 24, "icmp")])
    frame = eth(m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_ICMPV6,
                                   m.icmp6(IP6_A, IP6_B, 135, 0, b"\0" * 4 + m.ip_addr(IP6_B))))
    _check_prefixes(frame, 1, [(14, "ether"), (54, "ip6"), (54 + 24, "icmp6")])
    frame = m.ethernet(MAC_B, MAC_A, m.ETH_ARP, m.arp(1, MAC_A, IP_A, MAC_B, IP_B), pad=False)
    _check_prefixes(frame, 1, [(14, "ether"), (14 + 28, "arp")])
    frame = m.ethernet(MAC_B, MAC_A, m.ETH_VLAN, m.vlan_tag(5, m.ETH_IPV4) + IP_PACKET, pad=False)
    _check_prefixes(frame, 1, [(14, "ether"), (18, "vlan"), (38, "ip"), (46, "udp")])
    packet = struct.pack("!HHH8sH", 0, 1, 6, bytes(8), m.ETH_IPV4) + IP_PACKET
    _check_prefixes(packet, 113, [(16, "sll"), (36, "ip"), (44, "udp")])
    packet = struct.pack("!HHIHBB8s", m.ETH_IPV4, 0, 1, 1, 0, 6, bytes(8)) + IP_PACKET
    _check_prefixes(packet, 276, [(20, "sll2"), (40, "ip"), (48, "udp")])
    packet = struct.pack("<I", 2) + IP_PACKET
    _check_prefixes(packet, 0, [(4, "null"), (24, "ip"), (32, "udp")])
    packet = struct.pack(">I", 2) + IP_PACKET
    _check_prefixes(packet, 108, [(4, "loop"), (24, "ip"), (32, "udp")])
    _check_prefixes(IP_PACKET, 101, [(1, "raw"), (20, "ip"), (28, "udp")])
    hbh = m.ipv6(IP6_A, IP6_B, 0, m.ipv6_ext(m.PROTO_UDP) + m.udp(IP6_A, IP6_B, 1, 2, b""))
    _check_prefixes(hbh, 101, [(1, "raw"), (40, "ip6"), (42, "hbh"), (48 + 8, "udp")])


@pytest.mark.parametrize("linktype", [0, 1, 12, 101, 104, 108, 113, 228, 229, 276, 147])
def test_random_garbage_never_raises(linktype: int) -> None:
    rng = random.Random(linktype)
    for _ in range(3000):
        data = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 96)))
        assert isinstance(summarize(data, rng.randrange(0, 2000), linktype), str)


def test_corrupted_packets_never_raise() -> None:
    frames = [data for _ts, data, _wirelen in m.sample_records()]
    rng = random.Random(2024)
    for _ in range(20000):
        frame = bytearray(rng.choice(frames))
        for _ in range(rng.randrange(1, 4)):
            frame[rng.randrange(len(frame))] = rng.getrandbits(8)
        data = bytes(frame[:rng.randrange(len(frame) + 1)])
        assert isinstance(summarize(data, rng.randrange(0, 200), 1), str)


def test_summary_of_bytes_like_objects() -> None:
    frame = eth(m.ETH_IPV4, IP_PACKET)
    expected = summarize(frame, len(frame), 1)
    assert summarize(memoryview(frame), len(frame), 1) == expected
    assert summarize(bytearray(frame), len(frame), 1) == expected


def test_conformance_corpus_never_raises(shared_dir: Path) -> None:
    try:
        import libpcap
        libpcap.Reader
    except (ImportError, OSError, AttributeError) as exc:
        pytest.skip("the native API is not available: %s" % exc)
    corpus = shared_dir / "conformance" / "corpus" / "tcpdump"
    packets = 0
    for path in sorted(corpus.iterdir()):
        try:
            reader = libpcap.Reader(str(path))
        except libpcap.PcapError:
            continue  # files libpcap refuses are the reader's tests
        with reader:
            try:
                for packet in reader:
                    text = summarize(packet.data, packet.wirelen, reader.linktype, reader.datalink_name)
                    assert isinstance(text, str) and "\n" not in text
                    packets += 1
            except libpcap.PcapError:
                pass  # a damaged file: the packets before the damage count
    assert packets > 9000
