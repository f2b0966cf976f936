"""Reading every pcapng natively (issue 12): files whose interfaces have
different link types and snaplens, sections of both byte orders, and what
each packet's block says (its interface, epb_flags, comments).

The files come from Wireshark's own tools (mergecap of two pcap files of
different link types, editcap -a for comments), checked against what went
into them and against tshark, and from the gen_captures builders (the
published format, nothing of ours).  The same files through the C API (our
pcap_reader_json, the ``ours`` fixture) and the compatibility layer must
still be what the system libpcap 1.10.3 makes of them (the ``oracle``
fixture): refused with its message where it refuses.
"""
from __future__ import annotations

import ctypes as ct
import hashlib
import io
import struct
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import libpcap
from libpcap import Reader

import gen_captures as gen
from _ngtools import need, tool_run, tshark_packets
from conftest import make_sample

m = make_sample()
DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL = 1, 12, 113
LINKTYPE_RAW = 101
BASE_S = 1_700_000_000


def udp_ip(i: int, size: int = 80) -> bytes:
    body = bytes((i * 7 + k) & 0xFF for k in range(size))
    return m.ipv4("10.0.0.1", "10.0.0.2", m.PROTO_UDP, m.udp("10.0.0.1", "10.0.0.2", 1000 + i, 2000, body))


def tcp_ip(i: int) -> bytes:
    return m.ipv4("10.0.0.3", "10.0.0.4", m.PROTO_TCP,
                  m.tcp("10.0.0.3", "10.0.0.4", 3000 + i, 80, i, 0, 0x02))


def eth(payload: bytes) -> bytes:
    return m.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", m.ETH_IPV4, payload)


def sll(payload: bytes) -> bytes:
    return struct.pack(">HHH8sH", 0, 1, 6, b"\x02\0\0\0\0\x01\0\0", 0x0800) + payload


def native(path: Any) -> List[Dict[str, Any]]:
    with Reader(path if not isinstance(path, Path) else str(path)) as r:
        out = []
        for p in r:
            out.append({"ts_ns": p.ts_ns, "caplen": p.caplen, "wirelen": p.wirelen, "data": bytes(p.data),
                        "iface": p.interface, "flags": p.flags, "direction": p.direction,
                        "comments": p.comments})
        return out


def compat_read(path: Path) -> Tuple[int, str]:
    """(packets read, error text or '') through the compatibility layer."""
    err = ct.create_string_buffer(libpcap.PCAP_ERRBUF_SIZE)
    pd = libpcap.open_offline(str(path).encode(), err)
    if not pd:
        return 0, err.value.decode()
    hdr = ct.POINTER(libpcap.pkthdr)()
    data = ct.POINTER(ct.c_ubyte)()
    n = 0
    while (rc := libpcap.next_ex(pd, ct.byref(hdr), ct.byref(data))) == 1:
        n += 1
    msg = libpcap.geterr(pd).decode() if rc == -1 else ""
    libpcap.close(pd)
    return n, msg


# --------------------------------------------------------------------------
# Files made by Wireshark's tools


@pytest.fixture
def merged(tmp_path: Path) -> Tuple[Path, List[Tuple[int, int, bytes]]]:
    """mergecap of an EN10MB pcap and a RAW pcap (microseconds), and the
    (ts_ns, linktype, data) of every packet in time order."""
    a_recs = [(BASE_S + 2 * i, 100 + i, eth(udp_ip(i) if i % 2 else tcp_ip(i)), 0) for i in range(6)]
    b_recs = [(BASE_S + 2 * i + 1, 500_000 + i, udp_ip(100 + i) if i % 2 else tcp_ip(100 + i), 0)
              for i in range(5)]
    a, b = tmp_path / "eth.pcap", tmp_path / "raw.pcap"
    a.write_bytes(gen.pcap_bytes([(s, f, d, len(d)) for s, f, d, _ in a_recs], snaplen=65535))
    b.write_bytes(gen.pcap_bytes([(s, f, d, len(d)) for s, f, d, _ in b_recs], snaplen=1600,
                                 linktype=LINKTYPE_RAW))
    out = tmp_path / "merged.pcapng"
    tool_run([need("mergecap"), "-F", "pcapng", "-w", str(out), str(a), str(b)])
    want = sorted([(s * 10**9 + f * 1000, DLT_EN10MB, d) for s, f, d, _ in a_recs]
                  + [(s * 10**9 + f * 1000, DLT_RAW, d) for s, f, d, _ in b_recs])
    return out, want


def test_mergecap_two_link_types(merged: Tuple[Path, List[Tuple[int, int, bytes]]]) -> None:
    path, want = merged
    got = native(path)
    assert [(p["ts_ns"], p["iface"].linktype, p["data"]) for p in got] == want
    with Reader(str(path)) as r:
        assert r.format == "pcapng"
        list(r)                                   # interfaces: the IDBs seen so far
        ifs = r.interfaces
        assert len(r.sections) == 1
    assert [(i.number, i.section, i.id, i.linktype) for i in ifs] == [
        (0, 0, 0, DLT_EN10MB), (1, 0, 1, DLT_RAW)]
    assert [i.snaplen for i in ifs] == [65535, 1600]
    assert all(i.tsresol == 10**6 for i in ifs)
    # tshark's view of the same file: interface ids per packet
    ts = tshark_packets(path)
    assert [(p["iface"].id, p["ts_ns"], p["data"]) for p in got] == [
        (t["iface_id"], t["ts_ns"], t["data"]) for t in ts]


def test_mergecap_two_link_types_refused_by_the_c_api(
        merged: Tuple[Path, List[Tuple[int, int, bytes]]], oracle: Any, ours: Any) -> None:
    path, want = merged
    sysrec = oracle.read([path], ["-n"])[0]
    msg = f"an interface has a type {LINKTYPE_RAW} different from the type of the first interface"
    assert (sysrec["open_error"] or sysrec["read_error"]) == msg
    ourrec = ours.read([path], ["-n"])[0]
    assert ourrec == sysrec
    n, err = compat_read(path)
    assert (n, err) == (len(sysrec["packets"]), msg)


def test_mergecap_sll_and_ethernet_filter(tmp_path: Path) -> None:
    """A Reader with a filter over a file of two link types.  What it must
    do: a packet matches only where the program means what the packet's
    link type says; the filter is compiled for the first interface's link
    type, so the LINUX_SLL packets never match (an Ethernet program run on
    a cooked header would match at random)."""
    a_recs = [(BASE_S + 2 * i, 0, eth(udp_ip(i) if i % 2 else tcp_ip(i))) for i in range(6)]
    b_recs = [(BASE_S + 2 * i + 1, 0, sll(udp_ip(50 + i) if i % 2 else tcp_ip(50 + i))) for i in range(6)]
    a, b = tmp_path / "eth.pcap", tmp_path / "sll.pcap"
    a.write_bytes(gen.pcap_bytes([(s, f, d, len(d)) for s, f, d in a_recs]))
    b.write_bytes(gen.pcap_bytes([(s, f, d, len(d)) for s, f, d in b_recs], linktype=DLT_LINUX_SLL))
    path = tmp_path / "m.pcapng"
    tool_run([need("mergecap"), "-w", str(path), str(a), str(b)])
    with Reader(str(path), filter="udp") as r:
        got = [(p.interface.linktype, bytes(p.data)) for p in r]
    eth_udp = [(DLT_EN10MB, d) for _, _, d in a_recs if d[23] == 17]
    sll_udp = [(DLT_LINUX_SLL, d) for _, _, d in b_recs if d[16 + 9] == 17]
    assert len(eth_udp) == 3 and len(sll_udp) == 3
    # Either each packet is filtered by a program for its own link type (all
    # six UDP packets), or only the first link type's packets can match.
    both = sorted(eth_udp + sll_udp, key=lambda x: x[1])
    assert sorted(got, key=lambda x: x[1]) in (both, sorted(eth_udp, key=lambda x: x[1])), got
    print("filter on a two-link-type file:",
          "per link type" if len(got) == 6 else "first link type only")


def test_editcap_comments(tmp_path: Path) -> None:
    e = "<"
    src = tmp_path / "src.pcapng"
    src.write_bytes(gen.shb(e) + gen.idb(e, 1, 65535, gen.ng_opts(e, gen.tsresol(e, 9)))
                    + b"".join(gen.epb(e, 0, BASE_S * 10**9 + i, eth(udp_ip(i))) for i in range(4)))
    out = tmp_path / "commented.pcapng"
    tool_run([need("editcap"), "-a", "1:first", "-a", "3:with, a comma", "-a", "4:ünï ✓",
              str(src), str(out)])
    got = native(out)
    assert [p["comments"] for p in got] == [("first",), (), ("with, a comma",), ("ünï ✓",)]
    assert [p["ts_ns"] for p in got] == [BASE_S * 10**9 + i for i in range(4)]
    assert [t["comments"] for t in tshark_packets(out)] == [list(p["comments"]) for p in got]


# --------------------------------------------------------------------------
# Hand-built files


def _opt_str(e: str, code: int, s: str) -> bytes:
    return gen.ng_opt(e, code, s.encode())


def _rich(e: str) -> bytes:
    """One section: SHB options, two IDBs with every option we read, EPBs
    with flags and comments, an SPB."""
    shb_opts = gen.ng_opts(e, _opt_str(e, 2, "hw x"), _opt_str(e, 3, "os y"), _opt_str(e, 4, "app z"),
                           _opt_str(e, 1, "shb c1"), _opt_str(e, 1, "shb c2"))
    if0 = gen.ng_opts(e, _opt_str(e, 2, "eth0"), _opt_str(e, 3, "uplink"),
                      gen.ng_opt(e, 11, b"\0port 53"), _opt_str(e, 12, "Linux 6"),
                      _opt_str(e, 15, "NIC"), gen.ng_opt(e, 8, struct.pack(e + "Q", 10**10)),
                      gen.tsresol(e, 9), _opt_str(e, 1, "if comment"))
    if1 = gen.ng_opts(e, _opt_str(e, 2, "raw0"), gen.tsresol(e, 3), gen.tsoffset(e, 100))
    flags = lambda v: gen.ng_opt(e, 2, struct.pack(e + "I", v))  # noqa: E731
    return (gen.shb(e, options=shb_opts)
            + gen.idb(e, DLT_EN10MB, 65535, if0)
            + gen.idb(e, LINKTYPE_RAW, 200, if1)
            + gen.epb(e, 0, BASE_S * 10**9 + 1, eth(udp_ip(1)), options=gen.ng_opts(
                e, flags(1), _opt_str(e, 1, "in one"), _opt_str(e, 1, "in two")))
            + gen.epb(e, 1, 5_000, udp_ip(2)[:60], wire=len(udp_ip(2)), options=gen.ng_opts(e, flags(2)))
            + gen.spb(e, 70, eth(udp_ip(3))[:70])
            + gen.epb(e, 0, BASE_S * 10**9 + 3, eth(tcp_ip(4)), options=gen.ng_opts(e, flags(3 | 0x1E0)))
            + gen.epb(e, 1, 7_001, udp_ip(5)))


@pytest.mark.parametrize("e", ["<", ">"], ids=["le", "be"])
def test_rich_file(tmp_path: Path, e: str) -> None:
    path = tmp_path / "rich.pcapng"
    path.write_bytes(_rich(e))
    with Reader(str(path)) as r:
        got = [(p.interface.number if p.interface else None, p.ts_ns, p.caplen, p.wirelen, bytes(p.data),
                p.flags, p.direction, p.comments) for p in r]
        secs, ifs = r.sections, r.interfaces
    assert len(secs) == 1
    s = secs[0]
    assert (s.number, s.byte_order, tuple(s.version)) == (0, "little" if e == "<" else "big", (1, 0))
    assert (s.hardware, s.os, s.application, tuple(s.comments)) == ("hw x", "os y", "app z",
                                                                     ("shb c1", "shb c2"))
    i0, i1 = ifs
    assert (i0.number, i0.section, i0.id, i0.linktype, i0.snaplen) == (0, 0, 0, DLT_EN10MB, 65535)
    assert (i0.name, i0.description, i0.filter, i0.os, i0.hardware, i0.speed) == (
        "eth0", "uplink", "port 53", "Linux 6", "NIC", 10**10)
    assert (i0.tsresol, i0.tsoffset, tuple(i0.comments)) == (10**9, 0, ("if comment",))
    assert (i1.number, i1.id, i1.linktype, i1.snaplen, i1.name) == (1, 1, DLT_RAW, 200, "raw0")
    assert (i1.tsresol, i1.tsoffset, i1.description) == (1000, 100, None)
    assert i1.speed in (None, 0)
    assert i1.comments in ((), [])
    # SPB: interface 0, wire length from the block, no time stamp
    assert got == [
        (0, BASE_S * 10**9 + 1, len(eth(udp_ip(1))), len(eth(udp_ip(1))), eth(udp_ip(1)), 1, "in",
         ("in one", "in two")),
        (1, 100 * 10**9 + 5_000 * 10**6, 60, len(udp_ip(2)), udp_ip(2)[:60], 2, "out", ()),
        (0, 0, 70, 70, eth(udp_ip(3))[:70], 0, None, ()),
        (0, BASE_S * 10**9 + 3, len(eth(tcp_ip(4))), len(eth(tcp_ip(4))), eth(tcp_ip(4)), 3 | 0x1E0,
         None, ()),
        (1, 100 * 10**9 + 7_001 * 10**6, len(udp_ip(5)), len(udp_ip(5)), udp_ip(5), 0, None, ()),
    ]
    # tshark agrees on the time stamps, flags and comments of the EPBs
    ts = [t for t in tshark_packets(path)]
    assert [(t["ts_ns"], t["flags"] or 0, t["comments"], t["data"]) for k, t in enumerate(ts) if k != 2] == [
        (g[1], g[5], list(g[7]), g[4]) for k, g in enumerate(got) if k != 2]


def test_sections_of_both_byte_orders(tmp_path: Path, oracle: Any, ours: Any) -> None:
    le, be = "<", ">"
    d = [eth(udp_ip(i)) for i in range(4)]
    data = (gen.shb(le, options=gen.ng_opts(le, _opt_str(le, 4, "first")))
            + gen.idb(le, 1, 65535, gen.ng_opts(le, _opt_str(le, 2, "a"))) + gen.epb(le, 0, 10, d[0])
            + gen.shb(be, options=gen.ng_opts(be, _opt_str(be, 4, "second")))
            + gen.idb(be, 1, 9000, gen.ng_opts(be, _opt_str(be, 2, "b"), gen.tsresol(be, 9)))
            + gen.idb(be, LINKTYPE_RAW, 65535) + gen.epb(be, 1, 20, udp_ip(9)) + gen.epb(be, 0, 30, d[1])
            + gen.shb(le) + gen.idb(le, 1, 65535) + gen.epb(le, 0, 40, d[2]))
    path = tmp_path / "orders.pcapng"
    path.write_bytes(data)
    with Reader(str(path)) as r:
        got = [(p.interface.number, p.interface.section, p.interface.id, p.ts_ns, bytes(p.data)) for p in r]
        secs, ifs = r.sections, r.interfaces
    assert [(s.number, s.byte_order, s.application) for s in secs] == [
        (0, "little", "first"), (1, "big", "second"), (2, "little", None)]
    assert [(i.number, i.section, i.id, i.linktype, i.snaplen, i.name) for i in ifs] == [
        (0, 0, 0, 1, 65535, "a"), (1, 1, 0, 1, 9000, "b"), (2, 1, 1, DLT_RAW, 65535, None), (3, 2, 0, 1, 65535, None)]
    assert got == [(0, 0, 0, 10_000, d[0]), (2, 1, 1, 20_000, udp_ip(9)), (1, 1, 0, 30, d[1]),
                   (3, 2, 0, 40_000, d[2])]
    t = tshark_packets(path)
    assert [(x["section"], x["iface_id"], x["ts_ns"], x["data"]) for x in t] == [
        (g[1] + 1, g[2], g[3], g[4]) for g in got]
    # The C API keeps libpcap's answer (an error at the second section).
    sysrec = oracle.read([path], ["-n"])[0]
    assert sysrec["read_error"] or sysrec["open_error"]
    assert ours.read([path], ["-n"])[0] == sysrec


def test_compat_and_c_api_keep_libpcap_answers(tmp_path: Path, oracle: Any, ours: Any) -> None:
    """Files that libpcap reads (one link type) or refuses (several, another
    snaplen): the C API gives the system libpcap's record, and the native
    Reader reads them all."""
    e = "<"
    d = eth(udp_ip(1))
    files = {
        "same.pcapng": gen.shb(e) + gen.idb(e) + gen.idb(e) + gen.epb(e, 1, 5, d) + gen.epb(e, 0, 6, d),
        "types.pcapng": gen.shb(e) + gen.idb(e) + gen.epb(e, 0, 5, d) + gen.idb(e, LINKTYPE_RAW)
        + gen.epb(e, 1, 6, udp_ip(2)),
        "snaplens.pcapng": gen.shb(e) + gen.idb(e, 1, 100) + gen.epb(e, 0, 5, d[:100], wire=len(d))
        + gen.idb(e, 1, 200) + gen.epb(e, 1, 6, d),
    }
    paths = []
    for name, blob in files.items():
        (tmp_path / name).write_bytes(blob)
        paths.append(tmp_path / name)
    sysrecs = oracle.read(paths, ["-n"])
    assert ours.read(paths, ["-n"]) == sysrecs
    for p, rec in zip(paths, sysrecs):
        n, err = compat_read(p)
        assert n == len(rec["packets"]) and err == (rec["read_error"] or rec["open_error"] or "")
        assert len(native(p)) == 2, p.name
    assert sysrecs[1]["read_error"] == (f"an interface has a type {LINKTYPE_RAW} different from "
                                        "the type of the first interface")
    assert sysrecs[0]["read_error"] is None and len(sysrecs[0]["packets"]) == 2


def test_classic_pcap_has_no_interfaces(tmp_path: Path) -> None:
    path = tmp_path / "c.pcap"
    path.write_bytes(gen.pcap_bytes([(1, 2, b"x" * 60, 60)]))
    with Reader(str(path)) as r:
        assert (r.format, r.interfaces, r.sections) == ("pcap", (), ())
        p = next(r)
    assert (p.interface, p.flags, p.direction, p.comments) == (None, 0, None, ())


def test_interfaces_grow_as_the_file_is_read(tmp_path: Path) -> None:
    e = "<"
    d = eth(udp_ip(1))
    path = tmp_path / "late.pcapng"
    path.write_bytes(gen.shb(e) + gen.idb(e) + gen.epb(e, 0, 1, d)
                     + gen.idb(e, LINKTYPE_RAW, 300, gen.ng_opts(e, _opt_str(e, 2, "late")))
                     + gen.epb(e, 1, 2, udp_ip(2)))
    with Reader(str(path)) as r:
        first = next(r)
        n_before = len(r.interfaces)
        second = next(r)
        after = r.interfaces
    assert n_before >= 1 and len(after) == 2
    assert first.interface.number == 0 and second.interface.name == "late"
    assert second.interface == after[1]


def test_interface_and_section_are_structseqs() -> None:
    e = "<"
    buf = io.BytesIO(gen.shb(e) + gen.idb(e) + gen.epb(e, 0, 1, b"z" * 20))
    with Reader(buf) as r:
        p = next(r)
        ifc, sec = r.interfaces[0], r.sections[0]
    assert ifc == p.interface
    fields = ("number", "section", "id", "linktype", "snaplen", "name", "description", "filter", "os",
              "hardware", "tsresol", "tsoffset", "speed", "comments")
    assert [getattr(ifc, f) for f in fields] == list(ifc)[:len(fields)]
    assert ifc.tsresol == 10**6 and ifc.name is None
    assert [getattr(sec, f) for f in ("number", "byte_order", "version", "hardware", "os", "application",
                                     "comments")] == list(sec)[:7]
    with pytest.raises((AttributeError, TypeError)):
        ifc.name = "x"  # type: ignore[misc]


def test_hostile_option_lengths_are_errors_not_crashes(tmp_path: Path) -> None:
    """Options whose lengths run past their block, comments that are not
    UTF-8: a PcapError or a replacement, never a crash."""
    e = "<"
    d = b"q" * 20
    cases = [
        gen.shb(e) + gen.idb(e, 1, 65535, gen.ng_opt(e, 2, b"eth0", length=400)) + gen.epb(e, 0, 1, d),
        gen.shb(e) + gen.idb(e) + gen.epb(e, 0, 1, d, options=gen.ng_opt(e, 1, b"abc", length=300)),
        gen.shb(e) + gen.idb(e) + gen.epb(e, 0, 1, d, options=gen.ng_opts(e, gen.ng_opt(e, 1, b"\xff\xfe"))),
        gen.shb(e) + gen.idb(e) + gen.epb(e, 0, 1, d, options=gen.ng_opts(e, gen.ng_opt(e, 2, b"\1"))),
    ]
    for blob in cases:
        try:
            for p in native(io.BytesIO(blob)):
                assert all(isinstance(c, str) for c in p["comments"])
        except libpcap.PcapError:
            pass


def test_sha_of_native_read_matches_system_libpcap_where_it_reads(tmp_path: Path, oracle: Any) -> None:
    """Every single-link-type pcapng case of gen_captures that the system
    libpcap reads whole: the native Reader gives the same packets."""
    chosen = [c for c in gen.pcapng_cases() if c.name.endswith(".pcapng")]
    gen.write_cases(tmp_path, chosen)
    paths = [tmp_path / c.name for c in chosen]
    recs = oracle.read(paths, ["-n"])
    checked = 0
    for path, rec in zip(paths, recs):
        if rec["open_error"] or rec["read_error"]:
            continue
        try:
            got = native(path)
        except libpcap.PcapError as exc:
            raise AssertionError(f"{path.name}: {exc}")
        assert [[g["ts_ns"] // 10**9, g["ts_ns"] % 10**9, g["caplen"], g["wirelen"],
                 hashlib.sha256(g["data"]).hexdigest()] for g in got] == [list(p) for p in rec["packets"]], path.name
        checked += 1
    assert checked > 20
    print(f"{checked} files read the same natively")

