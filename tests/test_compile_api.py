"""Filter expressions in both Python layers, and on live Linux handles.

* the native ``compile(expr, linktype=, snaplen=, optimize=, netmask=)``:
  the same program as the C API's pcap_compile on a dead handle, its
  arguments, and the exception hierarchy (``CompileError`` /
  ``FilterSyntaxError`` with libpcap's text, the byte offset and the token);
* ``Reader(filter=...)``, ``Reader.set_filter(str)``, ``Reader.compile``;
* the compatibility layer's ``compile``, ``compile_nopcap``, ``freecode`` and
  ``setfilter`` (libpcap's return codes and ``geterr`` text), and the one
  object ``libpcap.compile`` that is both;
* a live capture compiles on its handle with the Linux kernel's BPF
  extensions (``[type]``, ``[ifidx]``, ``[vlanp]``/``[vlan_tci]``) and
  ``vlan``, ``inbound``, ``outbound`` and ``ifindex N`` filter packets
  correctly on a veth pair, in the kernel and in the userland path (a
  program too long for the kernel), with the frame metadata the ring gives.
"""
from __future__ import annotations

import ctypes as ct
import ipaddress
import json
import pickle
import struct
import threading
from pathlib import Path
from typing import Any, List

import pytest

import netns
from _livetools import MAC_A, MAC_B, collect, inside
from conftest import make_sample

import libpcap
from libpcap import (Capture, CompileError, Filter, FilterSyntaxError, PcapError, Reader,
                     compile as lp_compile)
from libpcap import _compat, _pcap

m = make_sample()

ETH = 1
SYNTAX = "can't parse filter expression: syntax error"
IP_A, IP_B = "10.1.0.1", "10.1.0.2"


def eth(etype: int, payload: bytes) -> bytes:
    return m.ethernet("02:00:00:00:00:0b", "02:00:00:00:00:0a", etype, payload)


UDP53 = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 1234, 53, b"q")))
TCP80 = eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, m.tcp(IP_A, IP_B, 40000, 80, 1, 0, 0x02)))
ARP = eth(m.ETH_ARP, m.arp(1, "02:00:00:00:00:0a", IP_A, "00:00:00:00:00:00", IP_B))
FRAMES = [UDP53, TCP80, ARP, UDP53, TCP80]


def nopcap(expr: str, linktype: int = ETH, snaplen: int = 262144, optimize: int = 1,
           mask: int = 0xFFFFFFFF) -> List[tuple]:
    """The program of the C API's pcap_compile_nopcap, as tuples."""
    prog = libpcap.bpf_program()
    rc = libpcap.compile_nopcap(snaplen, linktype, ct.byref(prog), expr.encode(), optimize, mask)
    assert rc == 0, expr
    try:
        return [(prog.bf_insns[i].code, prog.bf_insns[i].jt, prog.bf_insns[i].jf, prog.bf_insns[i].k)
                for i in range(prog.bf_len)]
    finally:
        libpcap.freecode(ct.byref(prog))


# ---------------------------------------------------------------------------
# The native compile()


EXPRS = ["", "ip", "tcp port 80", "udp or arp", "not icmp and ip6", "len > 100",
         "ip multicast", "(ip or ip6) and not tcp", "tcp[13] & 2 != 0", "portrange 1-1024"]


@pytest.mark.parametrize("expr", EXPRS)
@pytest.mark.parametrize("optimize", [True, False])
def test_compile_is_pcap_compile(expr: str, optimize: bool) -> None:
    f = lp_compile(expr, optimize=optimize)
    assert isinstance(f, Filter)
    assert f.instructions == nopcap(expr, optimize=int(optimize))
    for linktype, name in ((113, "LINUX_SLL"), (276, "LINUX_SLL2"), (12, "RAW")):
        assert lp_compile(expr, linktype=name, snaplen=1000, optimize=optimize).instructions == \
            nopcap(expr, linktype, 1000, int(optimize))
        assert lp_compile(expr, linktype=linktype, snaplen=1000, optimize=optimize) == \
            lp_compile(expr, linktype="DLT_" + name, snaplen=1000, optimize=optimize)


def test_compiled_filter_matches() -> None:
    f = lp_compile("tcp port 80")
    assert [f.match(d) for d in FRAMES] == [0, 262144, 0, 0, 262144]
    assert lp_compile("udp port 53", snaplen=96).match(UDP53) == 96
    assert lp_compile("").instructions == [(0x06, 0, 0, 262144)]
    assert lp_compile(b"arp").match(ARP) == 262144  # bytes work too


def test_conformance_records_through_the_binding(shared_dir: Path) -> None:
    """A few records of libpcap master's goldens, through compile()'s
    arguments (link type, snaplen, netmask, optimize)."""
    path = shared_dir / "conformance" / "filter" / "accept.jsonl"
    wanted = {"EN10MB", "LINUX_SLL2", "RAW", "NULL"}
    picked = []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if (r["dlt"] in wanted and r.get("expected") and not r.get("needs") and
                    not r["linuxext"] and not r["offline_af"] and not r.get("skip_if") and
                    not r.get("special")):
                picked.append(r)
    picked = picked[::max(1, len(picked) // 150)]
    bad = []
    for r in picked:
        try:
            got = lp_compile(r["expr"], linktype=r["dlt"], snaplen=r["snaplen"] or 262144,
                             optimize=r["optimize"], netmask=r["netmask"]).dump()
        except PcapError as exc:
            got = "error: %s" % exc
        if got != r["expected"]:
            bad.append(r["id"])
    print("conformance through compile(): %d/%d" % (len(picked) - len(bad), len(picked)))
    assert not bad, bad[:10]


def test_netmask_forms() -> None:
    with pytest.raises(CompileError, match="netmask not known"):
        lp_compile("ip broadcast")
    want = nopcap("ip broadcast", mask=0xFFFFFF00)
    for mask in (0xFFFFFF00, "255.255.255.0", ipaddress.IPv4Address("255.255.255.0")):
        assert lp_compile("ip broadcast", netmask=mask).instructions == want
    for bad in (-1, 1 << 32, "255.255.255", "x"):
        with pytest.raises(ValueError):
            lp_compile("ip", netmask=bad)


def test_argument_errors() -> None:
    with pytest.raises(ValueError, match="unknown link-layer type"):
        lp_compile("ip", linktype="NO_SUCH_LINK")
    with pytest.raises(ValueError):
        lp_compile("ip", linktype=-1)
    with pytest.raises(TypeError):
        lp_compile("ip", linktype=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="null"):
        lp_compile("ip\0 or arp")
    with pytest.raises(TypeError):
        lp_compile(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        lp_compile("ip", snaplen=-1)
    with pytest.raises(CompileError, match="snaplen of 0 rejects all packets"):
        lp_compile("ip", snaplen=0)


@pytest.mark.parametrize("expr,offset,token", [
    ("tcp and and", 8, "and"),
    ("udp port", 8, ""),
    ("(ip or arp", 10, ""),
])
def test_syntax_error_says_where(expr: str, offset: int, token: str) -> None:
    with pytest.raises(FilterSyntaxError) as info:
        lp_compile(expr)
    exc = info.value
    assert isinstance(exc, CompileError) and isinstance(exc, PcapError)
    assert exc.libpcap_message == SYNTAX
    assert exc.code == libpcap.PCAP_ERROR
    assert exc.expression == expr
    assert exc.offset == offset and exc.token == token
    assert str(exc) == exc.message and str(exc).startswith(SYNTAX)
    assert ("at offset %d" % offset) in str(exc)
    if token:
        assert repr(token) in str(exc)
    clone = pickle.loads(pickle.dumps(exc))
    assert type(clone) is FilterSyntaxError
    assert (clone.message, clone.offset, clone.token, clone.libpcap_message, clone.expression) == \
        (exc.message, exc.offset, exc.token, exc.libpcap_message, exc.expression)


def test_other_compile_errors_are_compile_errors() -> None:
    with pytest.raises(CompileError) as info:
        lp_compile("inbound")  # a dead handle is not a live capture
    assert not isinstance(info.value, FilterSyntaxError)
    assert "inbound" in info.value.libpcap_message
    assert str(info.value) == info.value.libpcap_message  # no position to add
    with pytest.raises(CompileError, match="expression rejects all packets"):
        lp_compile("ip and not ip")


def test_threads_compile_at_once() -> None:
    exprs = ["tcp port %d or udp port %d" % (i, i + 1) for i in range(40)]
    want = {e: lp_compile(e).instructions for e in exprs}
    errors: List[str] = []

    def work(k: int) -> None:
        for i in range(200):
            e = exprs[(i * 7 + k) % len(exprs)]
            if lp_compile(e).instructions != want[e]:
                errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


# ---------------------------------------------------------------------------
# Reader


@pytest.fixture
def capture(tmp_path: Path) -> Path:
    path = tmp_path / "f.pcap"
    path.write_bytes(m.pcap_file([(i * 1000, d, None) for i, d in enumerate(FRAMES)]))
    return path


def test_reader_filters_with_expressions(capture: Path) -> None:
    with Reader(capture, filter="tcp port 80") as r:
        assert isinstance(r.filter, Filter)
        assert [p.data for p in r] == [TCP80, TCP80]
    with Reader(capture) as r:
        assert r.filter is None
        first = next(r)
        r.set_filter("arp")
        assert [p.data for p in r] == [ARP]
    assert first.data == UDP53
    with Reader(capture) as r:
        f = r.compile("udp", optimize=False)
        assert f == lp_compile("udp", optimize=False)
        r.set_filter(f)
        assert r.filter is f
        assert len(r.read(10)) == 2
        r.set_filter(None)
    with Reader(capture) as r:
        r.set_filter("ip broadcast", netmask="255.255.255.0")
        assert r.read(10) == []


def test_reader_filter_errors(capture: Path) -> None:
    with pytest.raises(FilterSyntaxError) as info:
        Reader(capture, filter="udp or or")
    assert info.value.offset == 7
    with Reader(capture) as r:
        with pytest.raises(FilterSyntaxError):
            r.set_filter("udp or or")
        assert r.filter is None
        with pytest.raises(TypeError, match="Filter, an expression"):
            r.set_filter(5)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            Reader(capture, filter=5)  # type: ignore[arg-type]
        with pytest.raises(CompileError):
            r.compile("inbound")  # a savefile is not a live capture
    with pytest.raises(ValueError):
        r.set_filter("udp")


# ---------------------------------------------------------------------------
# The compatibility layer


def test_one_compile_for_both_layers() -> None:
    assert libpcap.compile is _compat.compile is _pcap.compile
    assert isinstance(libpcap.compile, ct._CFuncPtr)
    assert "compile" in libpcap.__all__


def test_compat_compile_setfilter_freecode(capture: Path) -> None:
    pd = libpcap.open_dead(ETH, 65535)
    prog = libpcap.bpf_program()
    assert libpcap.compile(pd, ct.byref(prog), b"tcp port 80", 1, libpcap.PCAP_NETMASK_UNKNOWN) == 0
    assert prog.bf_len == len(lp_compile("tcp port 80", snaplen=65535))
    assert Filter(prog) == lp_compile("tcp port 80", snaplen=65535)
    err = ct.create_string_buffer(libpcap.PCAP_ERRBUF_SIZE)
    h = libpcap.open_offline(str(capture).encode(), err)
    assert libpcap.setfilter(h, ct.byref(prog)) == 0
    hdr = ct.POINTER(libpcap.pkthdr)()
    data = ct.POINTER(ct.c_ubyte)()
    seen = []
    while libpcap.next_ex(h, ct.byref(hdr), ct.byref(data)) == 1:
        seen.append(bytes(data[:hdr.contents.caplen]))
    assert seen == [TCP80, TCP80]
    libpcap.freecode(ct.byref(prog))
    assert prog.bf_len == 0 and not prog.bf_insns
    libpcap.freecode(ct.byref(prog))  # twice is harmless
    # Keywords, and libpcap's exact text (no position) in geterr.
    assert libpcap.compile(pcap=pd, prog=ct.byref(prog), buffer=b"tcp and and", optimize=1, mask=0) == -1
    assert libpcap.geterr(pd) == SYNTAX.encode()
    assert libpcap.compile(pd, ct.byref(prog), b"ip", 1, 0) == 0
    assert libpcap.offline_filter(ct.byref(prog), ct.byref(libpcap.pkthdr(caplen=len(UDP53),
                                                                          len=len(UDP53))),
                                  (ct.c_ubyte * len(UDP53)).from_buffer_copy(UDP53)) == 65535
    libpcap.freecode(ct.byref(prog))
    nop = libpcap.bpf_program()
    assert libpcap.compile_nopcap(65535, ETH, ct.byref(nop), b"udp", 0, 0) == 0
    assert Filter(nop) == lp_compile("udp", snaplen=65535, optimize=False)
    libpcap.freecode(ct.byref(nop))
    assert libpcap.compile_nopcap(65535, ETH, ct.byref(nop), b"udp and", 0, 0) == -1
    with pytest.raises(ct.ArgumentError):
        libpcap.compile(pd, ct.byref(prog), "str is not bytes", 1, 0)
    with pytest.raises(TypeError, match="required argument 'mask' missing"):
        libpcap.compile(pd, ct.byref(prog), b"ip", 1)
    libpcap.close(h)
    libpcap.close(pd)


def test_compat_compile_before_activate() -> None:
    err = ct.create_string_buffer(libpcap.PCAP_ERRBUF_SIZE)
    pd = libpcap.create(b"lo", err)
    prog = libpcap.bpf_program()
    assert libpcap.compile(pd, ct.byref(prog), b"ip", 1, 0) == libpcap.PCAP_ERROR
    assert libpcap.geterr(pd) == b"not-yet-activated pcap_t passed to pcap_compile"
    libpcap.close(pd)


# ---------------------------------------------------------------------------
# Live handles: the kernel's BPF extensions (netns, veth)

DLT_LINUX_SLL2 = 276
PACKET_OUTGOING = 4
KERNEL_MAX = 4096  # BPF_MAXINSNS: longer programs run in userland


def tagged(vid: int, i: int) -> bytes:
    """A VLAN-tagged frame va0 -> vb0 carrying payload number i."""
    inner = m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 7, 9, struct.pack("!I", i)))
    return MAC_B + MAC_A + struct.pack("!H", m.ETH_VLAN) + m.vlan_tag(vid, m.ETH_IPV4) + inner


def plain(i: int, src: bytes = MAC_A, dst: bytes = MAC_B) -> bytes:
    inner = m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 7, 9, struct.pack("!I", i)))
    frame = dst + src + struct.pack("!H", m.ETH_IPV4) + inner
    return frame + b"\0" * (60 - len(frame)) if len(frame) < 60 else frame


def number(data: bytes) -> int:
    """The payload number of a frame of tagged()/plain() (the last 4 bytes
    of the UDP payload, wherever the tag went)."""
    at = data.rfind(b"\x00\x07\x00\x09")
    return struct.unpack("!I", data[at + 8:at + 12])[0]


def userland(f: Filter) -> Filter:
    """The same program, too long for the kernel: it then runs in
    userland, on the ring's frames and their metadata."""
    pad = [(0x01, 0, 0, 0)] * (KERNEL_MAX + 1 - len(f))  # ldx #0: X is 0 anyway
    return Filter(pad + f.instructions)


def numbers(cap: Capture, want: int, timeout: float = 5.0) -> List[int]:
    got = collect(lambda t: cap.read(timeout=t), want, timeout)
    return sorted(number(p.data) for p in got)


def if_index(space: netns.Netns, dev: str) -> int:
    return int(space.run(["ip", "-o", "link", "show", dev]).stdout.split(":")[0])


def test_live_handle_compiles_with_kernel_extensions(ns: netns.Netns) -> None:
    with inside(ns):
        cap = Capture(ns.b, timeout_ms=50)
    with cap:
        assert "[type]" in cap.compile("inbound").dump()
        assert "[ifidx]" in cap.compile("ifindex 3").dump()
        vlan = cap.compile("vlan 10").dump()
        assert "[vlanp]" in vlan and "[vlan_tci]" in vlan
        # The compatibility layer's pcap_compile on a live handle agrees.
        err = ct.create_string_buffer(libpcap.PCAP_ERRBUF_SIZE)
        with inside(ns):
            h = libpcap.open_live(ns.b.encode(), 262144, 0, 100, err)
        assert h, err.value
        prog = libpcap.bpf_program()
        assert libpcap.compile(h, ct.byref(prog), b"outbound or vlan", 1, 0) == 0
        assert Filter(prog) == cap.compile("outbound or vlan", netmask=0)
        libpcap.freecode(ct.byref(prog))
        libpcap.close(h)
        with pytest.raises(FilterSyntaxError) as info:
            cap.set_filter("vlan and and")
        assert info.value.offset == 9 and info.value.token == "and"


@pytest.mark.parametrize("where", ["kernel", "userland"])
def test_live_vlan_filters(ns: netns.Netns, where: str) -> None:
    sent = [tagged(10, 0), plain(1), tagged(20, 2), plain(3), tagged(10, 4)]
    expect = {"vlan": [0, 2, 4], "vlan 10": [0, 4], "vlan 20": [2], "not vlan": [1, 3],
              "vlan and udp port 9": [0, 2, 4]}
    caps = {}
    with inside(ns):
        for expr in expect:
            cap = Capture(ns.b, timeout_ms=50, immediate=True)
            f = cap.compile(expr)
            cap.set_filter(f if where == "kernel" else userland(f))
            caps[expr] = cap
    try:
        assert ns.send(ns.a, sent) == len(sent)
        for expr, want in expect.items():
            assert numbers(caps[expr], len(want)) == want, expr
            assert caps[expr].read(timeout=0.2) == [], expr
    finally:
        for cap in caps.values():
            cap.close()


@pytest.mark.parametrize("where", ["kernel", "userland"])
def test_live_direction_and_ifindex(ns: netns.Netns, where: str) -> None:
    va_index = if_index(ns, ns.a)
    vb_index = if_index(ns, ns.b)
    out_frames = [plain(i) for i in range(3)]                        # va0 sends
    in_frames = [plain(10 + i, src=MAC_B, dst=MAC_A) for i in range(2)]  # va0 receives
    expect = {"inbound": [10, 11], "outbound": [0, 1, 2],
              f"ifindex {va_index}": [0, 1, 2, 10, 11], f"ifindex {vb_index}": []}
    caps = {}
    with inside(ns):
        for expr in expect:
            cap = Capture(ns.a, timeout_ms=50, immediate=True)
            f = cap.compile(expr)
            cap.set_filter(f if where == "kernel" else userland(f))
            caps[expr] = cap
        # On "any" (cooked v2 headers): ifindex is read from the header.
        anycap = Capture("any", timeout_ms=50, immediate=True, datalink=DLT_LINUX_SLL2)
        f = anycap.compile(f"ifindex {va_index} and outbound and udp port 9")
        anycap.set_filter(f if where == "kernel" else userland(f))
    try:
        assert ns.send(ns.a, out_frames) == len(out_frames)
        assert ns.send(ns.b, in_frames) == len(in_frames)
        for expr, want in expect.items():
            assert numbers(caps[expr], len(want), 3.0 if not want else 5.0) == want, expr
        assert numbers(anycap, 3) == [0, 1, 2]
    finally:
        for cap in caps.values():
            cap.close()
        anycap.close()


def test_capture_filter_option_takes_an_expression(ns: netns.Netns) -> None:
    with inside(ns):
        cap = Capture(ns.b, timeout_ms=50, immediate=True, filter="vlan 10")
        with pytest.raises(FilterSyntaxError):
            Capture(ns.b, filter="vlan 10 10")
    with cap:
        assert ns.send(ns.a, [plain(1), tagged(10, 2), tagged(11, 3)]) == 3
        assert numbers(cap, 1) == [2]
        assert cap.read(timeout=0.2) == []
