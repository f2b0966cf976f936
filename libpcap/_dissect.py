"""One-line packet summaries for the command-line tool (``python -m libpcap``).

``summarize()`` turns the captured bytes of one packet into the text that
tcpdump prints after the timestamp with ``-n -e -S``: the link-level header,
then the network and transport headers, e.g.::

    02:00:00:00:00:0a > 02:00:00:00:00:01, ethertype IPv4 (0x0800), length 74: \
192.0.2.10.51000 > 198.51.100.80.80: Flags [S], seq 1000000, win 502, \
options [mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7], length 0

It knows Ethernet (with 802.1Q tags and LLC/SNAP), Linux cooked headers
(SLL and SLL2), BSD loopback (NULL and LOOP), Cisco HDLC, Linux netfilter
log records (NFLOG: the packet in its PAYLOAD attribute) and raw IP links;
ARP, IPv4 and IPv6 (with extension headers); TCP, UDP, ICMP and ICMPv6.
Application protocols are not decoded.  Other link types print their name
and the lengths.  Where tcpdump says more (it decodes far more protocols) or
differently, this module keeps to one rule: the link part always gives the
wire length, plus the captured length when the two differ
(``length 1514 (caplen 96)``), raw IP links say ``raw IPv4``, and a header
cut short by the capture ends the line with a tcpdump-style marker such as
``[|tcp]``.  Any input, however short or malformed, gives a line: the
parsers check every length before reading, and nesting is bounded.

For a live capture ``summarize()`` can also be given the names of the
interfaces (``ifname``): a Linux cooked v2 header then starts with the
interface name and packet type as tcpdump prints them on ``-i any``
(``vb0   In  ifindex 3 ...``); a savefile's interface indexes belong to
another host, so without ``ifname`` the line keeps to the index.
``has_printer()`` says whether a link type is decoded (``-L`` marks the
others "printing not supported", as tcpdump does).
"""
from __future__ import annotations

import socket
import struct
from typing import Callable, Dict, List, Optional, Tuple

__all__ = ["has_printer", "summarize"]

# Link types (DLT_* values as pcap_datalink() reports them on Linux).
DLT_NULL = 0
DLT_EN10MB = 1
DLT_RAW = 12
LINKTYPE_RAW = 101
DLT_C_HDLC = 104
DLT_LOOP = 108
DLT_LINUX_SLL = 113
DLT_IPV4 = 228
DLT_IPV6 = 229
DLT_NFLOG = 239
DLT_LINUX_SLL2 = 276

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_ARP = 0x0806
ETHERTYPE_REVARP = 0x8035
ETHERTYPE_VLAN = 0x8100
ETHERTYPE_IPV6 = 0x86DD
ETHERTYPE_QINQ = 0x88A8
ETHERTYPE_VLAN_9100 = 0x9100

_ETHERTYPE_NAMES: Dict[int, str] = {
    0x0800: "IPv4",
    0x0806: "ARP",
    0x8035: "Reverse ARP",
    0x8100: "802.1Q",
    0x8137: "IPX",
    0x86DD: "IPv6",
    0x8809: "Slow Protocols",
    0x8847: "MPLS unicast",
    0x8848: "MPLS multicast",
    0x8863: "PPPoE D",
    0x8864: "PPPoE S",
    0x888E: "EAPOL",
    0x88A8: "802.1Q-QinQ",
    0x88CC: "LLDP",
    0x88E5: "802.1AE MACsec",
    0x88F7: "PTP",
    0x894F: "NSH",
    0x9000: "Loopback",
    0x9100: "802.1Q-9100",
}

_VLAN_TYPES = (ETHERTYPE_VLAN, ETHERTYPE_QINQ, ETHERTYPE_VLAN_9100)

# Names of the address families in a NULL/LOOP header (BSD numbering).
_AF_NAMES: Dict[int, str] = {2: "IPv4", 7: "ISO", 16: "Appletalk", 23: "IPX", 24: "IPv6", 28: "IPv6", 30: "IPv6"}
_AF_IPV6 = (24, 28, 30)

# Linux cooked header packet types, printed as tcpdump does ("%3s").
_SLL_PKTTYPES: Dict[int, str] = {0: "In", 1: "B", 2: "M", 3: "P", 4: "Out"}

# IP protocol numbers: upper case names for a payload we do not decode,
# lower case ones for fragments.
_IPPROTO_NAMES: Dict[int, str] = {
    1: "ICMP", 2: "IGMP", 4: "IPIP", 6: "TCP", 17: "UDP", 41: "IPv6", 47: "GRE", 50: "ESP",
    51: "AH", 58: "ICMP6", 89: "OSPF", 103: "PIM", 112: "VRRP", 132: "SCTP",
}
PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_ICMPV6 = 1, 6, 17, 58

# TCP flags in the order tcpdump prints them.
_TCP_FLAGS = ((0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"), (0x10, "."), (0x20, "U"),
              (0x40, "E"), (0x80, "W"))
TH_FIN, TH_SYN, TH_RST, TH_ACK, TH_URG = 0x01, 0x02, 0x04, 0x10, 0x20

_U16 = struct.Struct("!H")
_U32 = struct.Struct("!I")

#: Maps an interface index to its name (None if there is no such interface).
IfName = Callable[[int], Optional[str]]


class _Truncated(Exception):
    """The capture ends inside a header of protocol `proto`."""

    def __init__(self, proto: str) -> None:
        super().__init__(proto)
        self.proto = proto


def _need(data: bytes, end: int, proto: str) -> None:
    if end > len(data):
        raise _Truncated(proto)


def _u16(data: bytes, off: int) -> int:
    value: int = _U16.unpack_from(data, off)[0]
    return value


def _u32(data: bytes, off: int) -> int:
    value: int = _U32.unpack_from(data, off)[0]
    return value


def _mac(data: bytes) -> str:
    return ":".join("%02x" % b for b in data)


def _ip4(data: bytes) -> str:
    return "%d.%d.%d.%d" % (data[0], data[1], data[2], data[3])


def _ip6(data: bytes) -> str:
    return socket.inet_ntop(socket.AF_INET6, data)


def _lengths(wirelen: int, caplen: int) -> str:
    if caplen != wirelen:
        return "length %d (caplen %d)" % (wirelen, caplen)
    return "length %d" % wirelen


def _ethertype(value: int) -> str:
    return "ethertype %s (0x%04x)" % (_ETHERTYPE_NAMES.get(value, "Unknown"), value)


# ---------------------------------------------------------------------------
# Link layers.  Each printer appends to `out` and returns nothing; the packet
# bytes are `data` and the link header starts at offset 0.

def _link_truncated(out: List[str], proto: str, data: bytes, wirelen: int) -> None:
    out.append("[|%s], %s" % (proto, _lengths(wirelen, len(data))))


def _ethernet(out: List[str], data: bytes, wirelen: int) -> None:
    if len(data) < 14:
        _link_truncated(out, "ether", data, wirelen)
        return
    out.append("%s > %s, " % (_mac(data[6:12]), _mac(data[0:6])))
    etype = _u16(data, 12)
    if etype <= 1500:
        out.append("802.3, %s: " % _lengths(wirelen, len(data)))
        _llc(out, data, 14, wirelen)
        return
    _ethertype_link(out, etype, data, 14, wirelen)


def _ethertype_link(out: List[str], etype: int, data: bytes, off: int, wirelen: int) -> None:
    """Print "ethertype X (0x..), length N" and the payload if we know it."""
    out.append("%s, %s" % (_ethertype(etype), _lengths(wirelen, len(data))))
    if _ethertype_known(etype):
        out.append(": ")
        _ethertype_payload(out, etype, data, off, wirelen)


def _ethertype_known(etype: int) -> bool:
    return etype in _ETHERTYPE_PAYLOADS or etype in _VLAN_TYPES


def _ethertype_payload(out: List[str], etype: int, data: bytes, off: int, wirelen: int) -> None:
    # 802.1Q tags may nest; each one consumes 4 bytes, so the loop ends.
    while etype in _VLAN_TYPES:
        _need(data, off + 4, "vlan")
        tci = _u16(data, off)
        etype = _u16(data, off + 2)
        vlan = "vlan %d, p %d%s, " % (tci & 0x0FFF, tci >> 13, ", DEI" if tci & 0x1000 else "")
        off += 4
        if etype <= 1500:  # a length: an 802.3 frame with an LLC header
            out.append(vlan + "802.3, ")
            _llc(out, data, off, wirelen, follow_snap=False)
            return
        out.append(vlan + _ethertype(etype))
        if not _ethertype_known(etype):
            return
        out.append(", ")
    _ETHERTYPE_PAYLOADS[etype](out, data, off, wirelen - off)


def _llc(out: List[str], data: bytes, off: int, wirelen: int, follow_snap: bool = True) -> None:
    """An 802.2 LLC header; follow_snap=False stops SNAP <-> 802.1Q nesting."""
    _need(data, off + 3, "llc")
    dsap, ssap, ctrl = data[off], data[off + 1], data[off + 2]
    if dsap == 0xAA and ssap == 0xAA and ctrl == 0x03:
        _need(data, off + 8, "snap")
        oui = int.from_bytes(data[off + 3:off + 6], "big")
        etype = _u16(data, off + 6)
        if oui == 0:
            out.append("LLC/SNAP, %s" % _ethertype(etype))
            if follow_snap and _ethertype_known(etype):
                out.append(": ")
                _ethertype_payload(out, etype, data, off + 8, wirelen)
        else:
            out.append("LLC/SNAP, oui 0x%06x, pid 0x%04x" % (oui, etype))
        return
    out.append("LLC, dsap 0x%02x, ssap 0x%02x, ctrl 0x%02x" % (dsap, ssap, ctrl))


def _sll_address(data: bytes, off: int, halen: int) -> str:
    return _mac(data[off:off + min(halen, 8)]) + " " if halen else ""


def _sll_protocol(out: List[str], proto: int, data: bytes, off: int, wirelen: int) -> None:
    """The protocol field of SLL/SLL2: an ethertype or a Linux special value."""
    if proto >= 1536:
        _ethertype_link(out, proto, data, off, wirelen)
    elif proto == 4:
        out.append("802.2, %s: " % _lengths(wirelen, len(data)))
        _llc(out, data, off, wirelen)
    elif proto == 1:
        out.append("802.3, %s" % _lengths(wirelen, len(data)))
    else:
        out.append("protocol 0x%04x, %s" % (proto, _lengths(wirelen, len(data))))


def _linux_sll(out: List[str], data: bytes, wirelen: int) -> None:
    if len(data) < 16:
        _link_truncated(out, "sll", data, wirelen)
        return
    pkttype, _hatype, halen = struct.unpack_from("!HHH", data, 0)
    out.append("%3s %s" % (_SLL_PKTTYPES.get(pkttype, str(pkttype)), _sll_address(data, 6, halen)))
    _sll_protocol(out, _u16(data, 14), data, 16, wirelen)


def _linux_sll2(out: List[str], data: bytes, wirelen: int, ifname: Optional[IfName] = None) -> None:
    if len(data) < 20:
        _link_truncated(out, "sll2", data, wirelen)
        return
    proto, _reserved, ifindex, _hatype, pkttype, halen = struct.unpack_from("!HHIHBB", data, 0)
    if ifname is None:
        head = "%3s ifindex %d " % (_SLL_PKTTYPES.get(pkttype, str(pkttype)), ifindex)
    else:
        # tcpdump's live form: the name (or "?"), the type left-aligned.
        head = "%-5s %-3s ifindex %d " % (ifname(ifindex) or "?", _SLL_PKTTYPES.get(pkttype, "?"), ifindex)
    out.append(head + _sll_address(data, 12, halen))
    _sll_protocol(out, proto, data, 20, wirelen)


def _c_hdlc(out: List[str], data: bytes, wirelen: int) -> None:
    if len(data) < 4:
        _link_truncated(out, "chdlc", data, wirelen)
        return
    address = {0x0F: "unicast", 0x8F: "bcast"}.get(data[0], "0x%02x" % data[0])
    out.append(address + ", ")
    _ethertype_link(out, _u16(data, 2), data, 4, wirelen)


def _bsd_loopback(out: List[str], family: int, data: bytes, wirelen: int) -> None:
    out.append("AF %s (%d), %s" % (_AF_NAMES.get(family, "Unknown"), family, _lengths(wirelen, len(data))))
    if family == 2:
        out.append(": ")
        _ipv4(out, data, 4, wirelen - 4)
    elif family in _AF_IPV6:
        out.append(": ")
        _ipv6(out, data, 4, wirelen - 4)


def _null(out: List[str], data: bytes, wirelen: int) -> None:
    if len(data) < 4:
        _link_truncated(out, "null", data, wirelen)
        return
    # The family is in the byte order of the capturing host: a value with
    # bits in the upper half was written by a host of the other order.
    family = struct.unpack_from("<I", data, 0)[0]
    if family & 0xFFFF0000:
        family = struct.unpack_from(">I", data, 0)[0]
    _bsd_loopback(out, family, data, wirelen)


def _loop(out: List[str], data: bytes, wirelen: int) -> None:
    if len(data) < 4:
        _link_truncated(out, "loop", data, wirelen)
        return
    _bsd_loopback(out, _u32(data, 0), data, wirelen)


def _raw(out: List[str], data: bytes, wirelen: int, version: Optional[int] = None) -> None:
    if version is None:
        if not data:
            _link_truncated(out, "raw", data, wirelen)
            return
        version = data[0] >> 4
    if version == 4:
        out.append("raw IPv4, %s: " % _lengths(wirelen, len(data)))
        _ipv4(out, data, 0, wirelen)
    elif version == 6:
        out.append("raw IPv6, %s: " % _lengths(wirelen, len(data)))
        _ipv6(out, data, 0, wirelen)
    else:
        out.append("raw, %s: unknown IP version %d" % (_lengths(wirelen, len(data)), version))


# NFLOG records: family, version, resource id (big-endian), then attributes
# {u16 length, u16 type} in the writer's byte order, each padded to 4; the
# packet is the value of attribute 9 (NFULA_PAYLOAD).
_NFLOG_HOST = struct.Struct("=HH")
_NFLOG_FAMILIES = {2: "IPv4", 10: "IPv6"}


def _nflog(out: List[str], data: bytes, wirelen: int) -> None:
    if len(data) < 4:
        _link_truncated(out, "nflog", data, wirelen)
        return
    family, version, rid = data[0], data[1], _u16(data, 2)
    if version != 0:
        out.append("version %d (unknown)" % version)
        return
    out.append("version 0, resource ID %d, family %s (%d), %s: " % (
        rid, _NFLOG_FAMILIES.get(family, "unknown"), family, _lengths(wirelen, len(data))))
    off = 4
    while True:
        if off + 4 > len(data):
            out.append("[|nflog]")
            return
        size, typ = _NFLOG_HOST.unpack_from(data, off)
        if size < 4 or off + size > len(data):
            out.append("[|nflog]")
            return
        if typ == 9:
            break
        off += (size + 3) & ~3
    packet = bytes(data[off + 4:off + size])
    if family == 2:
        _ipv4(out, packet, 0, len(packet))
    elif family == 10:
        _ipv6(out, packet, 0, len(packet))


_LinkPrinter = Callable[[List[str], bytes, int], None]

_LINK_PRINTERS: Dict[int, _LinkPrinter] = {
    DLT_NULL: _null,
    DLT_EN10MB: _ethernet,
    DLT_RAW: _raw,
    LINKTYPE_RAW: _raw,
    DLT_LOOP: _loop,
    DLT_LINUX_SLL: _linux_sll,
    DLT_IPV4: lambda out, data, wirelen: _raw(out, data, wirelen, 4),
    DLT_IPV6: lambda out, data, wirelen: _raw(out, data, wirelen, 6),
    DLT_LINUX_SLL2: _linux_sll2,
    DLT_C_HDLC: _c_hdlc,
    DLT_NFLOG: _nflog,
}


# ---------------------------------------------------------------------------
# Network layers.  `off` is where the header starts in `data`; `wire` is how
# many bytes the packet had on the wire from there on.

# ARP opcodes printed: request, reply, reverse request/reply, inverse request/reply.
_ARP_OPCODES = frozenset((1, 2, 3, 4, 8, 9))


def _arp(out: List[str], data: bytes, off: int, wire: int) -> None:
    _need(data, off + 8, "arp")
    htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", data, off)
    if ptype != ETHERTYPE_IPV4 or plen != 4 or hlen == 0 or op not in _ARP_OPCODES:
        # Not the ARP of IPv4 this printer knows: say what it is.
        out.append("hardware type %d (len %d), protocol 0x%04x (len %d), opcode %d, length %d"
                   % (htype, hlen, ptype, plen, op, wire))
        return
    _need(data, off + 8 + 2 * (hlen + 4), "arp")
    p = off + 8
    sha, spa = data[p:p + hlen], _ip4(data[p + hlen:p + hlen + 4])
    p += hlen + 4
    tha, tpa = data[p:p + hlen], _ip4(data[p + hlen:p + hlen + 4])
    if op == 1:
        text = "Request who-has %s%s tell %s" % (tpa, " (%s)" % _mac(tha) if any(tha) else "", spa)
    elif op == 2:
        text = "Reply %s is-at %s" % (spa, _mac(sha))
    elif op == 3:
        text = "Reverse Request who-is %s tell %s" % (_mac(tha), _mac(sha))
    elif op == 4:
        text = "Reverse Reply %s at %s" % (_mac(tha), tpa)
    elif op == 8:
        text = "Inverse Request who-is %s tell %s" % (_mac(tha), _mac(sha))
    else:
        text = "Inverse Reply %s at %s" % (_mac(sha), spa)
    out.append("%s, length %d" % (text, wire))


def _ipv4(out: List[str], data: bytes, off: int, wire: int) -> None:
    _need(data, off + 1, "ip")
    version = data[off] >> 4
    if version != 4:
        out.append("bad IP version %d" % version)
        return
    _need(data, off + 20, "ip")
    hlen = (data[off] & 0x0F) * 4
    if hlen < 20:
        out.append("bad-hlen %d" % hlen)
        return
    total, _ident, frag = struct.unpack_from("!HHH", data, off + 2)
    proto = data[off + 9]
    if total < hlen:
        out.append("bad-len %d" % total)
        return
    if total > wire:
        out.append("truncated-ip - %d bytes missing! " % (total - wire))
    src, dst = _ip4(data[off + 12:off + 16]), _ip4(data[off + 16:off + 20])
    _need(data, off + hlen, "ip")
    # Bytes past the total length are link padding: leave them out.
    payload = data[off + hlen:off + total]
    paylen = total - hlen
    fragoff = (frag & 0x1FFF) * 8
    if fragoff:
        out.append("%s > %s: %s fragment, offset %d, length %d"
                   % (src, dst, _IPPROTO_NAMES.get(proto, "ip-proto-%d" % proto).lower(), fragoff, paylen))
        return
    _transport(out, proto, payload, paylen, (src, dst), False, bool(frag & 0x2000))


# Extension headers walked to reach the transport header, by next-header value.
_IPV6_EXT_NAMES: Dict[int, str] = {0: "HBH", 43: "RT6", 51: "AH", 60: "DSTOPT"}
IPPROTO_FRAGMENT = 44
IPPROTO_NONE = 59


def _ipv6(out: List[str], data: bytes, off: int, wire: int) -> None:
    _need(data, off + 1, "ip6")
    version = data[off] >> 4
    if version != 6:
        out.append("bad IP version %d" % version)
        return
    _need(data, off + 40, "ip6")
    plen = _u16(data, off + 4)
    nh = data[off + 6]
    if plen == 0:  # a jumbogram, or a segmentation offload: the wire says
        plen = max(wire - 40, 0)
    if 40 + plen > wire:
        out.append("truncated-ip6 - %d bytes missing! " % (40 + plen - wire))
    src, dst = _ip6(data[off + 8:off + 24]), _ip6(data[off + 24:off + 40])
    payload = data[off + 40:off + 40 + plen]

    # Walk the extension headers; each one is at least 8 bytes, so this ends.
    exts: List[str] = []
    p = 0
    cut: Optional[str] = None
    later_fragment = first_fragment = False
    while nh in _IPV6_EXT_NAMES or nh == IPPROTO_FRAGMENT:
        if nh == IPPROTO_FRAGMENT:
            if p + 8 > len(payload):
                cut = "frag"
                break
            offlg = _u16(payload, p + 2)
            fragoff = offlg & 0xFFF8
            exts.append("frag (%d|%d)" % (fragoff, max(plen - p - 8, 0)))
            nh = payload[p]
            p += 8
            if fragoff:
                later_fragment = True
                break
            first_fragment = bool(offlg & 1)
        else:
            name = _IPV6_EXT_NAMES[nh]
            if p + 2 > len(payload):
                cut = name.lower()
                break
            exts.append(name)
            size = (payload[p + 1] + 2) * 4 if nh == 51 else (payload[p + 1] + 1) * 8
            nh = payload[p]
            p += size
    addrs: Optional[Tuple[str, str]] = (src, dst)
    if exts or cut:
        # As tcpdump does: the addresses, the extension headers, then the
        # transport header with its ports alone.
        out.append("%s > %s: %s" % (src, dst, " ".join(exts)))
        if cut:
            raise _Truncated(cut)
        if later_fragment:
            return
        if p > plen:
            out.append(" [bad extension header length]")
            return
        out.append(" ")
        addrs = None
    if nh == IPPROTO_NONE:
        out.append(_addr_prefix(addrs) + "no next header")
        return
    _transport(out, nh, payload[p:], plen - p, addrs, True, first_fragment)


# ---------------------------------------------------------------------------
# Transport layers.  `seg` is the captured part of the IP payload and
# `seglen` its length according to the IP header.  `addrs` is the
# (source, destination) pair to print, or None when the IP printer already
# printed them (IPv6 with extension headers).

Addrs = Optional[Tuple[str, str]]


def _addr_prefix(addrs: Addrs) -> str:
    return "%s > %s: " % addrs if addrs else ""


def _endpoints(addrs: Addrs, sport: int, dport: int) -> str:
    if addrs:
        return "%s.%d > %s.%d: " % (addrs[0], sport, addrs[1], dport)
    return "%d > %d: " % (sport, dport)


def _transport(out: List[str], proto: int, seg: bytes, seglen: int, addrs: Addrs, v6: bool,
               fragment: bool = False) -> None:
    """Print the transport header; fragment says seg is the first of several fragments."""
    if proto == PROTO_TCP:
        _tcp(out, seg, seglen, addrs)
    elif proto == PROTO_UDP:
        _udp(out, seg, seglen, addrs, fragment)
    elif proto == PROTO_ICMP and not v6:
        out.append(_addr_prefix(addrs))
        _icmp(out, seg, seglen)
    elif proto == PROTO_ICMPV6 and v6:
        out.append(_addr_prefix(addrs))
        _icmp6(out, seg, seglen)
    else:
        out.append("%s%s, length %d" % (_addr_prefix(addrs), _IPPROTO_NAMES.get(proto, "ip-proto-%d" % proto),
                                        seglen))


def _ports(out: List[str], seg: bytes, addrs: Addrs, proto: str) -> None:
    if len(seg) < 4:
        out.append(_addr_prefix(addrs))
        raise _Truncated(proto)
    sport, dport = struct.unpack_from("!HH", seg, 0)
    out.append(_endpoints(addrs, sport, dport))


def _tcp(out: List[str], seg: bytes, seglen: int, addrs: Addrs) -> None:
    _ports(out, seg, addrs, "tcp")
    _need(seg, 20, "tcp")
    seq, ack, offx2, flags, win, _csum, urp = struct.unpack_from("!IIBBHHH", seg, 4)
    hlen = (offx2 >> 4) * 4
    if hlen < 20:
        out.append("[bad hdr length %d - too short, < 20]" % hlen)
        return
    if hlen > seglen:
        out.append("[bad hdr length %d - too long, > %d]" % (hlen, seglen))
        return
    datalen = seglen - hlen
    text = "Flags [%s]" % ("".join(ch for bit, ch in _TCP_FLAGS if flags & bit) or "none")
    if datalen > 0 or flags & (TH_SYN | TH_FIN | TH_RST):
        text += ", seq %d" % seq
        if datalen > 0:
            text += ":%d" % ((seq + datalen) & 0xFFFFFFFF)
    if flags & TH_ACK:
        text += ", ack %d" % ack
    text += ", win %d" % win
    if flags & TH_URG:
        text += ", urg %d" % urp
    out.append(text)
    if hlen > 20:
        items, cut = _tcp_options(seg[20:hlen], len(seg) >= hlen)
        out.append(", options [%s]" % ",".join(items))
        if cut:
            raise _Truncated("tcp")
    out.append(", length %d" % datalen)


# TCP options with a fixed body size: kind -> (name, body length).
_TCP_FIXED_OPTIONS: Dict[int, Tuple[str, int]] = {2: ("mss", 2), 3: ("wscale", 1), 4: ("sackOK", 0),
                                                  8: ("TS", 8)}
_TCP_OTHER_OPTIONS: Dict[int, str] = {19: "md5", 28: "uto", 29: "tcp-ao", 30: "mptcp", 34: "tfo",
                                      253: "exp", 254: "exp"}


def _tcp_options(opts: bytes, complete: bool) -> Tuple[List[str], bool]:
    """Names of the options in opts, and whether the capture cut them short.

    complete says whether opts holds the whole option area; if it does, an
    option running past its end is malformed ("bad opt"), else truncated.
    """
    items: List[str] = []
    i = 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            items.append("eol")
            return items, False  # the rest is padding
        if kind == 1:
            items.append("nop")
            i += 1
            continue
        if i + 2 > len(opts) or i + max(opts[i + 1], 2) > len(opts):
            if not complete:
                return items, True
            items.append("bad opt")
            return items, False
        size = opts[i + 1]
        if size < 2:
            items.append("bad opt")
            return items, False
        items.append(_tcp_option(kind, opts[i + 2:i + size]))
        i += size
    return items, not complete


def _tcp_option(kind: int, body: bytes) -> str:
    if kind in _TCP_FIXED_OPTIONS:
        name, size = _TCP_FIXED_OPTIONS[kind]
        if len(body) != size:
            return "%s [bad length %d]" % (name, len(body) + 2)
        if kind == 2:
            return "mss %d" % _u16(body, 0)
        if kind == 3:
            return "wscale %d" % body[0]
        if kind == 8:
            return "TS val %d ecr %d" % struct.unpack("!II", body)
        return name
    if kind == 5:
        if len(body) % 8:
            return "sack [bad length %d]" % (len(body) + 2)
        blocks = struct.unpack("!%dI" % (len(body) // 4), body)
        return "sack %d %s" % (len(blocks) // 2,
                               "".join("{%d:%d}" % blocks[j:j + 2] for j in range(0, len(blocks), 2)))
    return _TCP_OTHER_OPTIONS.get(kind, "unknown-%d" % kind)


def _udp(out: List[str], seg: bytes, seglen: int, addrs: Addrs, fragment: bool) -> None:
    _ports(out, seg, addrs, "udp")
    _need(seg, 8, "udp")
    ulen = _u16(seg, 4)
    if ulen < 8:
        out.append("UDP, bad length %d" % ulen)
    elif ulen > seglen and not fragment:  # a first fragment holds part of the datagram
        out.append("UDP, bad length %d > %d" % (ulen, seglen))
    else:
        out.append("UDP, length %d" % (ulen - 8))


_ICMP_NAMES: Dict[int, str] = {
    4: "source quench", 9: "router advertisement", 10: "router solicitation", 12: "parameter problem",
    15: "information request", 16: "information reply", 17: "address mask request", 18: "address mask reply",
}
_ICMP_UNREACH: Dict[int, str] = {
    0: "net {dst} unreachable",
    1: "host {dst} unreachable",
    2: "{dst} protocol {proto} unreachable",
    4: "{dst} unreachable - need to frag (mtu {mtu})",
    5: "{dst} unreachable - source route failed",
    6: "net {dst} unreachable - unknown",
    7: "host {dst} unreachable - unknown",
    9: "net {dst} unreachable - admin prohibited",
    10: "host {dst} unreachable - admin prohibited",
    13: "{dst} unreachable - admin prohibited filter",
}
_ICMP_REDIRECT_KINDS: Dict[int, str] = {0: "net", 1: "host", 2: "tos-net", 3: "tos-host"}


def _icmp_inner(seg: bytes, proto: str) -> Tuple[str, int, int]:
    """The destination, protocol and header length of the IPv4 header quoted by an ICMP error."""
    _need(seg, 28, proto)
    return _ip4(seg[24:28]), seg[17], (seg[8] & 0x0F) * 4


def _icmp(out: List[str], seg: bytes, seglen: int) -> None:
    out.append("ICMP ")
    _need(seg, 2, "icmp")
    itype, code = seg[0], seg[1]
    if itype in (0, 8, 13, 14):
        _need(seg, 8, "icmp")
        ident, seq = struct.unpack_from("!HH", seg, 4)
        if itype in (0, 8):
            text = "echo %s, id %d, seq %d" % ("reply" if itype == 0 else "request", ident, seq)
        else:
            text = "time stamp %s id %d seq %d" % ("query" if itype == 13 else "reply", ident, seq)
    elif itype == 3:
        dst, proto, ihl = _icmp_inner(seg, "icmp")
        if code == 3:
            _need(seg, 8 + ihl + 4, "icmp")
            pname = {PROTO_TCP: "tcp", PROTO_UDP: "udp"}.get(proto, "ip-proto-%d" % proto)
            text = "%s %s port %d unreachable" % (dst, pname, _u16(seg, 8 + ihl + 2))
        else:
            template = _ICMP_UNREACH.get(code, "{dst} unreachable - code {code}")
            text = template.format(dst=dst, proto=proto, mtu=_u16(seg, 6), code=code)
    elif itype == 5:
        dst, _proto, _ihl = _icmp_inner(seg, "icmp")
        kind = _ICMP_REDIRECT_KINDS.get(code, "code-%d" % code)
        text = "redirect %s to %s %s" % (dst, kind, _ip4(seg[4:8]))
    elif itype == 11:
        text = {0: "time exceeded in-transit", 1: "ip reassembly time exceeded"}.get(
            code, "time exceeded, code %d" % code)
    else:
        text = _ICMP_NAMES.get(itype, "type-#%d" % itype)
    out.append("%s, length %d" % (text, seglen))


_ICMP6_UNREACH: Dict[int, str] = {0: "unreachable route", 1: "unreachable prohibited", 2: "beyond scope",
                                  3: "unreachable address", 4: "unreachable port", 5: "failed policy",
                                  6: "reject route"}
_ICMP6_NAMES: Dict[int, str] = {130: "multicast listener query", 131: "multicast listener report",
                                132: "multicast listener done", 133: "router solicitation",
                                134: "router advertisement"}


def _icmp6(out: List[str], seg: bytes, seglen: int) -> None:
    out.append("ICMP6, ")
    _need(seg, 2, "icmp6")
    itype, code = seg[0], seg[1]
    if itype in (1, 3):
        # Errors quote the offending packet: its IPv6 header starts at 8.
        _need(seg, 48, "icmp6")
        dst = _ip6(seg[32:48])
        if itype == 3:
            what = {0: "time exceeded in-transit", 1: "reassembly time exceeded"}.get(
                code, "time exceeded, code %d" % code)
            text = "%s for %s" % (what, dst)
        elif code == 4 and seg[14] in (PROTO_TCP, PROTO_UDP):
            _need(seg, 52, "icmp6")
            text = "destination unreachable, unreachable port, %s %s port %d" % (
                dst, "tcp" if seg[14] == PROTO_TCP else "udp", _u16(seg, 50))
        else:
            text = "destination unreachable, %s, %s" % (_ICMP6_UNREACH.get(code, "code %d" % code), dst)
    elif itype in (2, 4, 128, 129, 143):
        _need(seg, 8, "icmp6")
        if itype == 2:
            text = "packet too big, mtu %d" % _u32(seg, 4)
        elif itype == 4:
            text = "parameter problem, code %d, pointer %d" % (code, _u32(seg, 4))
        elif itype == 143:
            text = "multicast listener report v2, %d group record(s)" % _u16(seg, 6)
        else:
            text = "echo %s, id %d, seq %d" % (("request" if itype == 128 else "reply",)
                                              + struct.unpack_from("!HH", seg, 4))
    elif itype in (135, 136):
        _need(seg, 24, "icmp6")
        target = _ip6(seg[8:24])
        text = ("neighbor solicitation, who has %s" if itype == 135 else "neighbor advertisement, tgt is %s") % target
    elif itype == 137:
        _need(seg, 40, "icmp6")
        text = "redirect, %s to %s" % (_ip6(seg[24:40]), _ip6(seg[8:24]))
    else:
        text = _ICMP6_NAMES.get(itype, "unknown icmp6 type (%d)" % itype)
    out.append("%s, length %d" % (text, seglen))


_ETHERTYPE_PAYLOADS: Dict[int, Callable[[List[str], bytes, int, int], None]] = {
    ETHERTYPE_IPV4: _ipv4,
    ETHERTYPE_IPV6: _ipv6,
    ETHERTYPE_ARP: _arp,
    ETHERTYPE_REVARP: _arp,
}


# ---------------------------------------------------------------------------

def has_printer(linktype: int) -> bool:
    """Whether summarize() decodes the link-layer header of linktype."""
    return linktype in _LINK_PRINTERS


def summarize(data: bytes, wirelen: int, linktype: int, linktype_name: Optional[str] = None,
              ifname: Optional[IfName] = None) -> str:
    """The one-line summary of a packet, without the timestamp.

    data is the captured bytes (any bytes-like object), wirelen the length the
    packet had on the wire, linktype the DLT_* value of the capture and
    linktype_name its name (printed for link types this module does not
    decode).  ifname, for live captures, names the interface of an index
    (see the module's text).  Never raises for any content of data; a
    failing ifname is the caller's business.
    """
    data = bytes(data)
    out: List[str] = []
    printer = _LINK_PRINTERS.get(linktype)
    try:
        if printer is None:
            name = "%s (%d)" % (linktype_name, linktype) if linktype_name else "%d" % linktype
            out.append("linktype %s, %s" % (name, _lengths(wirelen, len(data))))
        elif linktype == DLT_LINUX_SLL2 and ifname is not None:
            _linux_sll2(out, data, wirelen, ifname)
        else:
            printer(out, data, wirelen)
    except _Truncated as cut:
        text = "".join(out)
        return "%s%s[|%s]" % (text, "" if not text or text.endswith(" ") else " ", cut.proto)
    return "".join(out)
