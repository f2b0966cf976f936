"""Writing pcapng (issue 12): every file the Writer makes is read back by
independent readers, which must see what was written.

The oracles, each in a process of its own (tests/_ngtools.py): tshark
(packets, time stamps to the nanosecond, interface ids and names, comments,
epb_flags, packet bytes), tshark's file dissector (the blocks themselves:
SHB/IDB/EPB/NRB/ISB fields and options, byte order), capinfos (section and
interface information) and the system libpcap 1.10.3 (the ``oracle``
fixture's pcap_reader_json, for files its rules allow: one link type).  The
expected values are the ones the test wrote, never what our reader says.

Covered: the format chosen by suffix or argument; one and several
interfaces with different link types, snaplens, time stamp resolutions and
offsets; comments and flags; SHB options; NRB and ISB at close; pcap ->
pcapng -> pcap byte-exact (API and CLI); append (continuing a section,
a new section on byte-order mismatch, refusal of a file cut mid-block);
a pipe; a full disk (/dev/full and a small tmpfs in a private mount
namespace); a crash mid-write; bad arguments; live capture on "any".
"""
from __future__ import annotations

import errno
import io
import os
import socket
import struct
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

import libpcap
from libpcap import Packet, PcapError, PcapFileError, Reader, Writer

import gen_captures as gen
from _ngtools import (BT_EPB, BT_IDB, BT_ISB, BT_NRB, BT_SHB, capinfos, file_blocks,
                      need, option_values, tool_run, tshark_packets)
from conftest import child_env

DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, DLT_LINUX_SLL2 = 1, 12, 113, 276
LINKTYPE_RAW = 101                 # DLT_RAW is written as LINKTYPE_RAW
BASE = 1_700_000_000 * 10**9


def frames(n: int, seed: str = "w", sizes: Sequence[int] = (60, 1514, 0, 42, 333, 1)) -> List[bytes]:
    return [gen.payload(sizes[i % len(sizes)], f"{seed}/{i}") for i in range(n)]


# Time stamps that exercise every digit of the nanosecond part.
STAMPS = [BASE, BASE + 1, BASE + 999_999_999, BASE + 123_456_789, 5, 10**9,
          BASE + 86_400 * 10**9 + 500_000_001]


def ours(path: Any) -> List[Dict[str, Any]]:
    src = io.BytesIO(path) if isinstance(path, bytes) else str(path)
    with Reader(src) as r:
        return [{"ts_ns": p.ts_ns, "caplen": p.caplen, "wirelen": p.wirelen, "data": bytes(p.data),
                 "iface": None if p.interface is None else p.interface.number,
                 "comments": list(p.comments), "flags": p.flags} for p in r]


def pick(rows: List[Dict[str, Any]], *keys: str) -> List[Tuple[Any, ...]]:
    return [tuple(r[k] for k in keys) for r in rows]


# --------------------------------------------------------------------------
# The format


def test_format_by_suffix_and_argument(tmp_path: Path) -> None:
    cases = {"a.pcapng": "pcapng", "b.ntar": "pcapng", "c.pcap": "pcap", "d.cap": "pcap",
             "e.PCAPNG": None}
    for name, fmt in cases.items():
        with Writer(str(tmp_path / name)) as w:
            if fmt is not None:
                assert w.format == fmt, name
            fmt = w.format
        head = (tmp_path / name).read_bytes()[:4]
        assert head == (b"\x0a\x0d\x0d\x0a" if fmt == "pcapng" else b"\xd4\xc3\xb2\xa1"), name
    buf = io.BytesIO()
    with Writer(buf) as w:
        assert w.format == "pcap"
    buf2 = io.BytesIO()
    with Writer(buf2, format="pcapng") as w:
        assert w.format == "pcapng"
    assert buf2.getvalue()[:4] == b"\x0a\x0d\x0d\x0a"
    with Writer(str(tmp_path / "f.pcapng"), format="pcap") as w:
        assert w.format == "pcap"
    with Writer(str(tmp_path / "g.pcap"), format="pcapng") as w:
        assert w.format == "pcapng"
    with pytest.raises(ValueError):
        Writer(str(tmp_path / "h.pcap"), format="pcapngx")


# --------------------------------------------------------------------------
# One interface: tshark, capinfos and the system libpcap read what we wrote


def test_one_interface_read_by_every_reader(tmp_path: Path, oracle: Any) -> None:
    path = tmp_path / "one.pcapng"
    data = frames(len(STAMPS))
    wires = [len(d) + (i % 3) * 7 for i, d in enumerate(data)]
    with Writer(str(path), snaplen=65535) as w:
        for d, ts, wl in zip(data, STAMPS, wires):
            w.write_bytes(d, ts, wl)
    want = [(ts, len(d), wl, d) for d, ts, wl in zip(data, STAMPS, wires)]
    ts_ = tshark_packets(path)
    assert pick(ts_, "ts_ns", "caplen", "wirelen", "data") == want
    assert {(p["iface_id"], p["encap"]) for p in ts_} == {(0, 1)}      # wiretap's ETHERNET is 1
    info = capinfos(path)
    assert info["Number of packets"] == str(len(data))
    assert len(info["interfaces"]) == 1
    iface = info["interfaces"][0]
    assert iface["Encapsulation"].startswith("Ethernet")
    assert iface["Capture length"] == "65535"
    assert iface["Time ticks per second"] == "1000000000"
    # The system libpcap 1.10.3 reads it too (one link type): nanoseconds.
    rec = oracle.read([path], ["-n"])[0]
    assert rec["open_error"] is None and rec["read_error"] is None
    assert (rec["linktype"], rec["snaplen"]) == (DLT_EN10MB, 65535)
    import hashlib
    assert [list(p) for p in rec["packets"]] == [
        [ts // 10**9, ts % 10**9, len(d), wl, hashlib.sha256(d).hexdigest()]
        for d, ts, wl in zip(data, STAMPS, wires)]
    # And our own reader agrees with all of them.
    assert pick(ours(path), "ts_ns", "caplen", "wirelen", "data") == want


def test_packets_are_cut_to_the_interface_snaplen(tmp_path: Path) -> None:
    path = tmp_path / "cut.pcapng"
    with Writer(str(path), format="pcapng") as w:
        i = w.add_interface(DLT_EN10MB, 100, name="short")
        w.write_bytes(b"A" * 300, BASE, interface=i)
        w.write_bytes(b"B" * 50, BASE + 1, 70, interface=i)
        w.write(Packet(b"C" * 120, ts_ns=BASE + 2, wirelen=400), interface=i)
    got = tshark_packets(path)
    assert pick(got, "caplen", "wirelen") == [(100, 300), (50, 70), (100, 400)]
    assert [p["data"] for p in got] == [b"A" * 100, b"B" * 50, b"C" * 100]
    idbs = [b for b in file_blocks(path) if b["type"] == BT_IDB]
    assert [int(b["data"].get("pcapng.interface_description.snap_length")) for b in idbs] == [100]


# --------------------------------------------------------------------------
# Several interfaces, link types, resolutions, comments and flags


def _multi(path: Path) -> List[Dict[str, Any]]:
    """Three interfaces of different link types; returns what was written."""
    written = []
    eth = frames(6, "eth")
    ip4 = bytes.fromhex("4500001c000000004011000a0a0000010a000002") + b"\x00" * 8
    with Writer(str(path), hardware="x86_64 test rig", os="Linux 6.1",
                application="test_pcapng_write", comment="section comment") as w:
        assert w.format == "pcapng"
        a = w.add_interface(DLT_EN10MB, 262144, name="eth0", description="first port",
                            filter="tcp port 80", os="Linux", hardware="NIC 1",
                            speed=10**9)
        b = w.add_interface(DLT_RAW, 1500, name="tun0", tsresol=6)
        c = w.add_interface(DLT_LINUX_SLL2, 65535, name="any-ish", tsoffset=1_000_000,
                            tsresol=0x80 | 20)
        assert (a, b, c) == (0, 1, 2)
        assert [i.name for i in w.interfaces] == ["eth0", "tun0", "any-ish"]
        assert [i.linktype for i in w.interfaces] == [DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL2]
        sll2 = struct.pack(">HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\x02" * 6 + b"\0\0")
        plan = [
            (a, eth[0], BASE + 123_456_789, ["first comment"], 1),
            (b, ip4, BASE + 2_000_000_000 + 654_321_000, [], 2),
            (a, eth[1], BASE + 3, ["two", "comments, with a comma", "ünïcødé ✓"], 0),
            (c, sll2 + ip4, 1_000_000 * 10**9 + BASE + 2**20, [], 1 | (3 << 2)),
            (b, ip4[:20], BASE + 5_000_000_000, ["raw"], 0),
            (a, eth[2], BASE + 999_999_999, [], 2),
        ]
        for iface, d, ts, comments, flags in plan:
            w.write_bytes(d, ts, interface=iface, comment=comments, flags=flags)
            written.append({"iface": iface, "data": d, "ts_ns": ts, "comments": comments,
                            "flags": flags})
    return written


def _in_resolution(ts: int, iface: int) -> int:
    """The time stamp an exact reader gives back for interface 0/1/2 of _multi."""
    if iface == 1:
        return ts - ts % 1000                                    # microseconds
    if iface == 2:                                               # 2^-20 s, offset 1e6 s
        rel = ts - 1_000_000 * 10**9
        ticks = rel * 2**20 // 10**9
        return 1_000_000 * 10**9 + ticks * 10**9 // 2**20
    return ts


def test_several_interfaces_read_by_tshark(tmp_path: Path) -> None:
    path = tmp_path / "multi.pcapng"
    written = _multi(path)
    got = tshark_packets(path)
    names = ["eth0", "tun0", "any-ish"]
    assert [(p["iface_id"], p["iface_name"]) for p in got] == [
        (x["iface"], names[x["iface"]]) for x in written]
    assert [p["data"] for p in got] == [x["data"] for x in written]
    assert [p["comments"] for p in got] == [x["comments"] for x in written]
    assert [p["flags"] or 0 for p in got] == [x["flags"] for x in written]
    # tshark converts 2^-20 ticks with its own rounding: within 1 ns.
    for p, x in zip(got, written):
        assert abs(p["ts_ns"] - _in_resolution(x["ts_ns"], x["iface"])) <= 1, (p, x)
    assert {p["section"] for p in got} == {1}


def test_several_interfaces_blocks(tmp_path: Path) -> None:
    """The blocks as tshark's file dissector reads them: IDB link types as
    LINKTYPE_ values, snaplens, options; EPB ticks in each interface's
    resolution minus its offset."""
    path = tmp_path / "multi.pcapng"
    written = _multi(path)
    blocks = file_blocks(path)
    assert blocks[0]["type"] == BT_SHB
    assert sum(b["type"] == BT_SHB for b in blocks) == 1
    assert all(b["length"] == b["length_trailer"] and b["length"] % 4 == 0 for b in blocks)
    shb = blocks[0]
    assert option_values(shb, 2, "pcapng.options.option.data.hardware") == ["x86_64 test rig"]
    assert option_values(shb, 3, "pcapng.options.option.data.os") == ["Linux 6.1"]
    assert option_values(shb, 4, "pcapng.options.option.data.user_application") == ["test_pcapng_write"]
    assert option_values(shb, 1, "pcapng.options.option.data.comment") == ["section comment"]
    idbs = [b for b in blocks if b["type"] == BT_IDB]
    assert [int(b["data"].get("pcapng.interface_description.link_type")) for b in idbs] == [
        1, LINKTYPE_RAW, 276]
    assert [int(b["data"].get("pcapng.interface_description.snap_length")) for b in idbs] == [
        262144, 1500, 65535]
    f = "pcapng.options.option.data.interface."
    assert option_values(idbs[0], 2, f + "name") == ["eth0"]
    assert option_values(idbs[0], 3, f + "description") == ["first port"]
    assert option_values(idbs[0], 11, f + "filter.string") == ["tcp port 80"]
    assert option_values(idbs[0], 12, f + "os") == ["Linux"]
    assert option_values(idbs[0], 15, f + "hardware") == ["NIC 1"]
    assert option_values(idbs[0], 8, f + "speed") == [str(10**9)]
    # nanoseconds must be said: without if_tsresol a reader assumes microseconds
    assert [int(v, 16) for v in option_values(idbs[0], 9, f + "timestamp_resolution")] == [9]
    assert [int(v, 16) for v in option_values(idbs[1], 9, f + "timestamp_resolution")] == [6]
    assert [int(v, 16) for v in option_values(idbs[2], 9, f + "timestamp_resolution")] == [0x94]
    assert option_values(idbs[2], 14, f + "timestamp_offset") == ["1000000"]
    epbs = [b for b in blocks if b["type"] == BT_EPB]
    assert len(epbs) == len(written)
    for b, x in zip(epbs, written):
        d = b["data"]
        ticks = (int(d.get("pcapng.timestamp_high")) << 32) | int(d.get("pcapng.timestamp_low"))
        ts = x["ts_ns"]
        want = {0: ts, 1: ts // 1000, 2: (ts - 10**15) * 2**20 // 10**9}[x["iface"]]
        assert int(d.get("pcapng.interface_id")) == x["iface"]
        assert ticks == want, (x, ticks, want)
        assert int(d.get("pcapng.packet.captured_length")) == len(x["data"])


def test_several_interfaces_capinfos(tmp_path: Path) -> None:
    path = tmp_path / "multi.pcapng"
    _multi(path)
    info = capinfos(path)
    assert info["Capture hardware"] == "x86_64 test rig"
    assert info["Capture oper-sys"] == "Linux 6.1"
    assert info["Capture application"] == "test_pcapng_write"
    assert info.get("Capture comment") == "section comment"
    assert info["File encapsulation"] == "Per packet"
    ifs = info["interfaces"]
    assert [i.get("Name") for i in ifs] == ["eth0", "tun0", "any-ish"]
    assert [i["Capture length"] for i in ifs] == ["262144", "1500", "65535"]
    assert [i["Time ticks per second"] for i in ifs] == ["1000000000", "1000000", str(2**20)]
    assert (ifs[0].get("Description"), ifs[0].get("Filter string"), ifs[0].get("Operating system"),
            ifs[0].get("Hardware"), ifs[0].get("Speed")) == (
        "first port", "tcp port 80", "Linux", "NIC 1", str(10**9))
    assert ifs[2].get("Timestamp offset") == "1000000"
    assert [i.get("Time resolution") for i in ifs] == ["0x09", "0x06", "0x94"]
    assert [i["Number of packets"] for i in ifs] == ["3", "2", "1"]


def test_several_interfaces_read_natively(tmp_path: Path) -> None:
    path = tmp_path / "multi.pcapng"
    written = _multi(path)
    with Reader(str(path)) as r:
        assert r.format == "pcapng"
        got = [(p.interface, p.comments, p.flags, p.direction, bytes(p.data), p.ts_ns) for p in r]
        ifs = r.interfaces
        secs = r.sections
    assert [(i.number, i.section, i.id, i.linktype, i.name) for i in ifs] == [
        (0, 0, 0, DLT_EN10MB, "eth0"), (1, 0, 1, DLT_RAW, "tun0"), (2, 0, 2, DLT_LINUX_SLL2, "any-ish")]
    assert [i.snaplen for i in ifs] == [262144, 1500, 65535]
    assert [i.tsresol for i in ifs] == [10**9, 10**6, 2**20]
    assert [i.tsoffset for i in ifs] == [0, 0, 1_000_000]
    assert (ifs[0].description, ifs[0].filter, ifs[0].os, ifs[0].hardware, ifs[0].speed) == (
        "first port", "tcp port 80", "Linux", "NIC 1", 10**9)
    assert len(secs) == 1 and secs[0].byte_order == sys.byteorder
    assert (secs[0].hardware, secs[0].os, secs[0].application) == (
        "x86_64 test rig", "Linux 6.1", "test_pcapng_write")
    assert tuple(secs[0].comments) == ("section comment",)
    direction = {0: None, 1: "in", 2: "out", 3: None}
    for (iface, comments, flags, dirn, data, ts), x in zip(got, written):
        assert iface.number == x["iface"] and data == x["data"]
        assert list(comments) == x["comments"] and flags == x["flags"]
        assert dirn == direction[x["flags"] & 3]
        assert ts == _in_resolution(x["ts_ns"], x["iface"])


def test_several_link_types_refused_by_libpcap_rules(tmp_path: Path, oracle: Any) -> None:
    """The system libpcap and our C API / compatibility layer refuse the
    file with libpcap's message; the native Reader reads it all."""
    import ctypes as ct
    path = tmp_path / "multi.pcapng"
    _multi(path)
    rec = oracle.read([path], ["-n"])[0]
    sysmsg = rec["open_error"] or rec["read_error"]
    want = f"an interface has a type {LINKTYPE_RAW} different from the type of the first interface"
    assert sysmsg == want, rec
    err = ct.create_string_buffer(libpcap.PCAP_ERRBUF_SIZE)
    pd = libpcap.open_offline(str(path).encode(), err)
    if not pd:
        msg = err.value.decode()
    else:
        hdr = ct.POINTER(libpcap.pkthdr)()
        data = ct.POINTER(ct.c_ubyte)()
        n = 0
        while (rc := libpcap.next_ex(pd, ct.byref(hdr), ct.byref(data))) == 1:
            n += 1
        msg = libpcap.geterr(pd).decode() if rc == -1 else f"rc {rc}"
        libpcap.close(pd)
        assert n == len(rec["packets"])
    assert msg == sysmsg


# --------------------------------------------------------------------------
# Comments and flags: defaults from the packet, overrides, pcap drops them


def _commented_source(tmp_path: Path) -> Path:
    e = "<"
    src = tmp_path / "src.pcapng"
    src.write_bytes(
        gen.shb(e) + gen.idb(e, 1, 65535, gen.ng_opts(e, gen.ng_opt(e, 2, b"in0"), gen.tsresol(e, 9)))
        + gen.epb(e, 0, BASE + 7, b"a" * 60, options=gen.ng_opts(
            e, gen.ng_opt(e, 1, b"kept one"), gen.ng_opt(e, 1, b"kept two"),
            gen.ng_opt(e, 2, struct.pack("<I", 2))))
        + gen.epb(e, 0, BASE + 8, b"b" * 61))
    return src


def test_packet_comments_and_flags_are_the_default(tmp_path: Path) -> None:
    src = _commented_source(tmp_path)
    out = tmp_path / "copy.pcapng"
    with Reader(str(src)) as r:
        pkts = list(r)
    assert [p.comments for p in pkts] == [("kept one", "kept two"), ()]
    with Writer(str(out)) as w:
        w.write(pkts[0])                              # the packet's own
        w.write(pkts[0], comment="replaced", flags=1)
        w.write(pkts[0], comment=(), flags=0)         # none at all
        w.write(pkts[1], comment=["x", "y"])
    got = tshark_packets(out)
    assert [p["comments"] for p in got] == [["kept one", "kept two"], ["replaced"], [], ["x", "y"]]
    assert [p["flags"] or 0 for p in got] == [2, 1, 0, 0]
    # A pcap Writer drops them silently, but refuses explicit ones.
    pcap = tmp_path / "copy.pcap"
    with Writer(str(pcap)) as w:
        w.write(pkts[0])
        for kw in ({"comment": "x"}, {"flags": 1}, {"interface": 1}):
            with pytest.raises(ValueError):
                w.write(pkts[1], **kw)
            with pytest.raises(ValueError):
                w.write_bytes(b"z", 0, **kw)
    assert [p["data"] for p in tshark_packets(pcap)] == [b"a" * 60]


# --------------------------------------------------------------------------
# NRB and ISB at close; SHB options against pcap


def test_names_and_statistics_written_at_close(tmp_path: Path) -> None:
    path = tmp_path / "nrb.pcapng"
    ip = (bytes.fromhex("4500001c00000000401100000a010203") + socket.inet_aton("10.9.9.9")
          + b"\x00" * 8)
    frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip
    with Writer(str(path)) as w:
        w.write_bytes(frame, BASE)
        i1 = w.add_interface(DLT_RAW, 65535, name="tun9")
        w.write_bytes(ip, BASE + 1, interface=i1)
        w.add_name("10.1.2.3", "host-a.example")
        w.add_name("2001:db8::7", "six.example")
        w.set_stats(0, received=10, dropped=2, os_dropped=1, delivered=7)
        w.set_stats(i1, received=99)
    blocks = file_blocks(path)
    types = [b["type"] for b in blocks]
    assert types.count(BT_NRB) == 1 and types.count(BT_ISB) == 2
    assert types.index(BT_NRB) > max(i for i, t in enumerate(types) if t == BT_EPB)
    nrb = blocks[types.index(BT_NRB)]
    names = nrb["data"].find("pcapng.records.record.data.name")
    assert sorted(names) == ["host-a.example", "six.example"]
    assert nrb["data"].find("pcapng.records.record.data.ipv4") == ["10.1.2.3"]
    isbs = [b for b in blocks if b["type"] == BT_ISB]
    stats = {}
    for b in isbs:
        iface = int(b["data"].get("pcapng.interface_id"))
        f = "pcapng.options.option.data.interface."
        stats[iface] = {c: o.get(f + k) for c, o in b["options"]
                        for k in ("received", "dropped", "dropped_by_os", "delivered_to_user")
                        if o.get(f + k) is not None}
    assert stats == {0: {4: "10", 5: "2", 7: "1", 8: "7"}, 1: {4: "99"}}
    # tshark resolves the names from the NRB (-z hosts lists what it gathered).
    hosts = tool_run([need("tshark"), "-n", "-r", str(path), "-q", "-z", "hosts"]).stdout.decode()
    assert "10.1.2.3\thost-a.example" in hosts.splitlines()
    assert any(line.split("\t")[1:] == ["six.example"] for line in hosts.splitlines()
               if line.startswith("2001:db8::7"))
    info = capinfos(path)
    assert [i["Number of stat entries"] for i in info["interfaces"]] == ["1", "1"]
    assert info.get("Number of resolved IPv4 addresses in file") == "1"
    assert info.get("Number of resolved IPv6 addresses in file") == "1"


def test_shb_options_are_pcapng_only(tmp_path: Path) -> None:
    for kw in ({"hardware": "h"}, {"os": "o"}, {"application": "a"}, {"comment": "c"}):
        with pytest.raises(ValueError):
            Writer(str(tmp_path / "x.pcap"), **kw)
        with pytest.raises(ValueError):
            Writer(io.BytesIO(), format="pcap", **kw)
    with Writer(io.BytesIO(), format="pcap") as w:
        with pytest.raises(ValueError):
            w.add_interface(DLT_EN10MB)


# --------------------------------------------------------------------------
# pcap -> pcapng -> pcap, byte-exact for the packets


@pytest.mark.parametrize("nano", [False, True], ids=["usec", "nsec"])
def test_round_trip_pcap_pcapng_pcap(tmp_path: Path, nano: bool) -> None:
    recs = gen.sample_records("rt", nano=nano) + [gen.rec(1700000100 + i, i * 7, gen.payload(200 + i, f"r{i}"),
                                                          wire=300 + i) for i in range(20)]
    src = tmp_path / "src.pcap"
    src.write_bytes(gen.pcap_file("<", recs, magic=gen.MAGIC_NSEC if nano else gen.MAGIC_USEC,
                                  snaplen=65535))
    mid = tmp_path / "mid.pcapng"
    back = tmp_path / "back.pcap"
    with Reader(str(src)) as r, Writer(str(mid), linktype=r.linktype, snaplen=r.snaplen) as w:
        w.write_many(r)
    with Reader(str(mid)) as r, Writer(str(back), linktype=r.linktype, snaplen=r.snaplen,
                                        nanosecond=nano) as w:
        for p in r:
            w.write(p)
    a, b = gen.parse_pcap(src.read_bytes()), gen.parse_pcap(back.read_bytes())
    assert b["records"] == a["records"]
    assert (b["linktype"], b["snaplen"], b["magic"]) == (a["linktype"], a["snaplen"], a["magic"])
    assert src.read_bytes() == back.read_bytes()
    # the middle file, as tshark reads it
    got = tshark_packets(mid)
    scale = 1 if nano else 1000
    assert pick(got, "ts_ns", "caplen", "wirelen", "data") == [
        (r.sec * 10**9 + r.frac * scale, r.first, r.second, r.data) for r in recs]


def _cli(*args: str, cwd: Optional[Path] = None) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "libpcap", *args], capture_output=True, text=True,
                          env=child_env(), timeout=120, cwd=cwd)


def test_round_trip_through_the_cli(tmp_path: Path) -> None:
    recs = gen.sample_records("cli") * 3
    src = tmp_path / "in.pcap"
    src.write_bytes(gen.pcap_file("<", recs, snaplen=65535))
    mid, back = tmp_path / "mid.pcapng", tmp_path / "back.pcap"
    p = _cli("-r", str(src), "-w", str(mid))
    assert p.returncode == 0, p.stderr
    assert mid.read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"
    p = _cli("-r", str(mid), "-w", str(back))
    assert p.returncode == 0, p.stderr
    assert gen.parse_pcap(back.read_bytes())["records"] == gen.parse_pcap(src.read_bytes())["records"]
    assert pick(tshark_packets(mid), "caplen", "wirelen", "data") == [
        (r.first, r.second, r.data) for r in recs]


def test_cli_pcapng_to_pcapng_keeps_interfaces_comments_flags(tmp_path: Path) -> None:
    e = "<"
    src = tmp_path / "in.pcapng"
    src.write_bytes(
        gen.shb(e)
        + gen.idb(e, 1, 65535, gen.ng_opts(e, gen.ng_opt(e, 2, b"left"), gen.tsresol(e, 9)))
        + gen.idb(e, 1, 4000, gen.ng_opts(e, gen.ng_opt(e, 2, b"right"), gen.tsresol(e, 9)))
        + gen.epb(e, 1, BASE + 11, b"r" * 70, options=gen.ng_opts(
            e, gen.ng_opt(e, 1, b"note"), gen.ng_opt(e, 2, struct.pack("<I", 1))))
        + gen.epb(e, 0, BASE + 12, b"l" * 80, options=gen.ng_opts(e, gen.ng_opt(e, 2, struct.pack("<I", 2)))))
    out = tmp_path / "out.pcapng"
    p = _cli("-r", str(src), "-w", str(out))
    assert p.returncode == 0, p.stderr
    got = tshark_packets(out)
    assert pick(got, "iface_name", "comments", "flags", "ts_ns", "data") == [
        ("right", ["note"], 1, BASE + 11, b"r" * 70), ("left", [], 2, BASE + 12, b"l" * 80)]


def test_cli_several_link_types_to_pcap_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "multi.pcapng"
    _multi(path)
    p = _cli("-r", str(path), "-w", str(tmp_path / "out.pcap"))
    assert p.returncode != 0
    assert "Traceback" not in p.stderr and p.stderr.strip()
    assert "type" in p.stderr or "link" in p.stderr, p.stderr


# --------------------------------------------------------------------------
# Append


def test_append_continues_the_last_section(tmp_path: Path) -> None:
    path = tmp_path / "app.pcapng"
    with Writer(str(path)) as w:
        w.add_interface(DLT_EN10MB, 65535, name="e0")
        w.add_interface(DLT_RAW, 65535, name="r0", tsresol=6)
        w.write_bytes(b"1" * 60, BASE + 1, interface=0)
        w.write_bytes(b"\x45" + b"2" * 39, BASE + 2_000, interface=1)
    with Writer(str(path), append=True) as w:
        assert w.format == "pcapng"
        assert [(i.id, i.name, i.linktype) for i in w.interfaces] == [
            (0, "e0", DLT_EN10MB), (1, "r0", DLT_RAW)]
        w.write_bytes(b"\x45" + b"3" * 39, BASE + 3_000, interface=1, comment="after")
        new = w.add_interface(DLT_EN10MB, 100, name="e1")
        assert new == 2
        w.write_bytes(b"4" * 150, BASE + 4, interface=new)
    blocks = file_blocks(path)
    assert [b["type"] for b in blocks].count(BT_SHB) == 1
    got = tshark_packets(path)
    assert pick(got, "section", "iface_name", "ts_ns", "caplen", "wirelen", "comments") == [
        (1, "e0", BASE + 1, 60, 60, []), (1, "r0", BASE + 2_000, 40, 40, []),
        (1, "r0", BASE + 3_000, 40, 40, ["after"]), (1, "e1", BASE + 4, 100, 150, [])]
    with Reader(str(path)) as r:
        list(r)                                   # interfaces: the IDBs seen so far
        assert len(r.sections) == 1 and [i.name for i in r.interfaces] == ["e0", "r0", "e1"]


def _big_endian_file() -> bytes:
    e = ">"
    return (gen.shb(e) + gen.idb(e, 1, 65535, gen.ng_opts(e, gen.ng_opt(e, 2, b"big0"), gen.tsresol(e, 9)))
            + gen.epb(e, 0, BASE + 5, b"B" * 64))


def test_append_to_the_other_byte_order_starts_a_section(tmp_path: Path) -> None:
    path = tmp_path / "be.pcapng"
    path.write_bytes(_big_endian_file())
    with Writer(str(path), append=True) as w:
        assert w.interfaces == ()                         # a new section: no interface yet
        w.write_bytes(b"L" * 70, BASE + 6)               # interface 0 made from the defaults
    blocks = file_blocks(path)
    shbs = [b for b in blocks if b["type"] == BT_SHB]
    assert len(shbs) == 2
    mine = "4d:3c:2b:1a" if sys.byteorder == "little" else "1a:2b:3c:4d"
    assert shbs[0]["data"].get("pcapng.section_header.byte_order_magic") == "1a:2b:3c:4d"
    assert shbs[1]["data"].get("pcapng.section_header.byte_order_magic") == mine
    got = tshark_packets(path)
    assert pick(got, "section", "iface_id", "ts_ns", "data") == [
        (1, 0, BASE + 5, b"B" * 64), (2, 0, BASE + 6, b"L" * 70)]
    with Reader(str(path)) as r:
        assert [bytes(p.data)[:1] for p in r] == [b"B", b"L"]
        assert [s.byte_order for s in r.sections] == ["big", sys.byteorder]
        assert [(i.section, i.id, i.name) for i in r.interfaces] == [(0, 0, "big0"), (1, 0, None)]


@pytest.mark.parametrize("cut", [3, 40, 100])
def test_append_refuses_a_file_cut_mid_block(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "cut.pcapng"
    whole = _big_endian_file() + gen.epb(">", 0, BASE + 9, b"C" * 120)
    data = whole[:-cut]
    path.write_bytes(data)
    with pytest.raises(PcapFileError):
        Writer(str(path), append=True)
    assert path.read_bytes() == data                     # untouched


def test_append_to_pcap_under_a_pcapng_name(tmp_path: Path) -> None:
    """A classic pcap file under a .pcapng name: appending either goes on
    in pcap or is refused with the file untouched (the lead refuses: "the
    file is not a pcapng file"); never a pcapng section after pcap bytes."""
    path = tmp_path / "a.pcapng"
    with Writer(str(path), format="pcap") as w:
        w.write_bytes(b"p" * 60, BASE)
    before = path.read_bytes()
    try:
        with Writer(str(path), append=True) as w:
            assert w.format == "pcap"
            w.write_bytes(b"q" * 60, BASE + 1000)
    except PcapFileError:
        assert path.read_bytes() == before
    else:
        assert [r[4] for r in gen.parse_pcap(path.read_bytes())["records"]] == [b"p" * 60, b"q" * 60]
    with Writer(str(path), append=True, format="pcap") as w:      # said explicitly: pcap
        assert w.format == "pcap"
        w.write_bytes(b"r" * 60, BASE + 2000)
    assert gen.parse_pcap(path.read_bytes())["records"][-1][4] == b"r" * 60


# --------------------------------------------------------------------------
# A pipe: no seeking, read by tshark from the other end


def test_write_to_a_pipe_read_by_tshark(tmp_path: Path) -> None:
    tshark = need("tshark")
    rfd, wfd = os.pipe()
    proc = subprocess.Popen([tshark, "-n", "-r", "-", "-T", "fields", "-e", "frame.time_epoch",
                             "-e", "frame.cap_len", "-e", "frame.interface_name", "-e", "frame.comment"],
                            stdin=rfd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(rfd)
    n = 200
    data = frames(n, "pipe")
    with os.fdopen(wfd, "wb") as f:
        with Writer(f, format="pcapng") as w:
            i = w.add_interface(DLT_EN10MB, 65535, name="pipe0")
            for k, d in enumerate(data):
                w.write_bytes(d, BASE + k * 1_000_001, interface=i, comment=f"c{k}" if k % 50 == 0 else ())
            w.add_name("10.0.0.1", "pipe-host")
            w.set_stats(i, received=n)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode(errors="replace")
    lines = [line.split("\t") for line in out.decode().splitlines()]
    assert len(lines) == n
    for k, (t, cap, name, comment) in enumerate(lines):
        assert t == "%d.%09d" % divmod(BASE + k * 1_000_001, 10**9)
        assert (int(cap), name, comment) == (len(data[k]), "pipe0", f"c{k}" if k % 50 == 0 else "")


def test_write_to_an_unseekable_file_object() -> None:
    class Sink(io.RawIOBase):
        def __init__(self) -> None:
            self.buf = bytearray()

        def writable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def write(self, b: Any) -> int:
            self.buf += bytes(b)
            return len(b)
    sink = Sink()
    with Writer(sink, format="pcapng") as w:
        w.write_bytes(b"s" * 99, BASE + 17, comment="streamed")
        w.set_stats(0, dropped=3)
    got = tshark_packets(bytes(sink.buf))
    assert pick(got, "ts_ns", "data", "comments") == [(BASE + 17, b"s" * 99, ["streamed"])]


# --------------------------------------------------------------------------
# A full disk


def test_dev_full_gives_a_clear_enospc() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with pytest.raises(PcapFileError) as info:
        with Writer("/dev/full", format="pcapng") as w:
            for _ in range(100):
                w.write_bytes(b"x" * 65000, BASE)
            w.flush()
    e = info.value
    assert isinstance(e, OSError) and e.errno == errno.ENOSPC, (e, e.errno)
    assert "No space left on device" in str(e)


_TMPFS_CHILD = r"""
import os, subprocess, sys, libpcap
mnt, out = sys.argv[1], sys.argv[2]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "lpt", mnt], check=True)
path = os.path.join(mnt, "full.pcapng")
acked = 0
err = None
w = libpcap.Writer(path)
w.add_interface(1, 65535, name="disk0")
try:
    for i in range(100000):
        w.write_bytes(bytes([i & 255]) * (1000 + i % 500), 10**18 + i, comment="n%d" % i)
        if i % 7 == 6:
            w.flush()
            acked = i + 1
except libpcap.PcapFileError as e:
    err = e
try:
    w.close()
except libpcap.PcapFileError as e:
    err = err or e
with open(path, "rb") as f, open(out, "wb") as g:
    g.write(f.read())
print(acked, err.errno if err else None, str(err))
"""


def test_full_tmpfs_keeps_what_flush_acknowledged(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs in a private mount namespace")
    unshare = need_tool("unshare")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    out = tmp_path / "copy.pcapng"
    proc = subprocess.run([unshare, "--mount", "--propagation", "private", sys.executable, "-c",
                           _TMPFS_CHILD, str(mnt), str(out)], capture_output=True, text=True,
                          env=child_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    acked_s, errno_s, text = proc.stdout.strip().split(" ", 2)
    acked = int(acked_s)
    assert errno_s == str(errno.ENOSPC), proc.stdout
    assert "No space left on device" in text
    assert acked > 20
    expect = [(10**18 + i, bytes([i & 255]) * (1000 + i % 500), [f"n{i}"]) for i in range(acked)]
    # Our reader: every acknowledged packet, then possibly an error at the cut.
    got: List[Tuple[int, bytes, List[str]]] = []
    try:
        with Reader(str(out)) as r:
            for p in r:
                got.append((p.ts_ns, bytes(p.data), list(p.comments)))
    except PcapError:
        pass
    assert got[:acked] == expect
    # tshark too (it may complain about the cut at the end: status ignored).
    proc = tool_run([need("tshark"), "-n", "-r", str(out), "-T", "fields", "-e", "frame.time_epoch",
                     "-e", "frame.cap_len", "-e", "frame.comment"], check=False)
    rows = [line.split("\t") for line in proc.stdout.decode().splitlines()]
    assert [(r[0], int(r[1]), r[2]) for r in rows[:acked]] == [
        ("%d.%09d" % divmod(ts, 10**9), len(d), c[0]) for ts, d, c in expect]


def need_tool(name: str) -> str:
    import shutil
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not found")
    return path


# --------------------------------------------------------------------------
# A crash mid-write


_CRASH_CHILD = r"""
import os, signal, sys, libpcap
path, n, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
w = libpcap.Writer(path)
w.add_interface(1, 262144, name="crash0")
for i in range(n):
    w.write_bytes(bytes([i & 255]) * (60 + i), 10**18 + i * 1000, comment="p%d" % i)
w.flush()
print("flushed", flush=True)
for i in range(n, n + 40):
    w.write_bytes(bytes([i & 255]) * 7000, 10**18 + i * 1000, comment="p%d" % i)
if how == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
os._exit(3)
"""


@pytest.mark.parametrize("how", ["kill", "exit"])
def test_crash_mid_write_leaves_the_blocks_before_readable(tmp_path: Path, how: str) -> None:
    path = tmp_path / "crash.pcapng"
    n = 30
    proc = subprocess.run([sys.executable, "-c", _CRASH_CHILD, str(path), str(n), how],
                          capture_output=True, text=True, env=child_env(), timeout=120)
    assert proc.stdout.strip() == "flushed", proc.stderr
    assert proc.returncode == (-9 if how == "kill" else 3)
    ours_got: List[Tuple[int, bytes, Tuple[str, ...]]] = []
    try:
        with Reader(str(path)) as r:
            for p in r:
                ours_got.append((p.ts_ns, bytes(p.data), p.comments))
    except PcapError:
        pass
    k = len(ours_got)
    assert k >= n
    want = [(10**18 + i * 1000, bytes([i & 255]) * (60 + i if i < n else 7000), (f"p{i}",))
            for i in range(k)]
    assert ours_got == want
    proc2 = tool_run([need("tshark"), "-n", "-r", str(path), "-T", "fields", "-e", "frame.time_epoch",
                      "-e", "frame.cap_len", "-e", "frame.comment"], check=False)
    rows = [line.split("\t") for line in proc2.stdout.decode().splitlines()]
    assert len(rows) == k
    assert [(r[0], int(r[1]), r[2]) for r in rows] == [
        ("%d.%09d" % divmod(ts, 10**9), len(d), c[0]) for ts, d, c in want]


# --------------------------------------------------------------------------
# Bad arguments: clear exceptions, the file stays good


BAD_WRITES = [
    ({"interface": 5}, (ValueError, PcapError)),
    ({"interface": -1}, (ValueError, PcapError)),
    ({"interface": "0"}, TypeError),
    ({"interface": 2**40}, (ValueError, PcapError)),
    ({"comment": 5}, TypeError),
    ({"comment": b"bytes"}, TypeError),
    ({"comment": ["ok", 7]}, TypeError),
    ({"comment": "bad \udc80 surrogate"}, (ValueError, UnicodeError)),
    ({"flags": "in"}, TypeError),
    ({"flags": -1}, ValueError),
    ({"flags": 2**32}, ValueError),
]


@pytest.mark.parametrize("kw,exc", BAD_WRITES, ids=[repr(k) for k, _ in BAD_WRITES])
def test_bad_write_arguments(tmp_path: Path, kw: Dict[str, Any], exc: Any) -> None:
    path = tmp_path / "bad.pcapng"
    with Writer(str(path)) as w:
        w.write_bytes(b"ok" * 30, BASE)
        with pytest.raises(exc):
            w.write_bytes(b"no" * 30, BASE + 1, **kw)
        with pytest.raises(exc):
            w.write(Packet(b"no" * 30, ts_ns=BASE + 2), **kw)
        w.write_bytes(b"ok" * 31, BASE + 3)
    assert pick(tshark_packets(path), "ts_ns", "data") == [(BASE, b"ok" * 30), (BASE + 3, b"ok" * 31)]


BAD_IFACES = [
    ({"linktype": -5}, (ValueError, PcapError)),
    ({"linktype": 99999}, (ValueError, PcapError)),
    ({"linktype": "ether"}, TypeError),
    ({"name": 5}, TypeError),
    ({"name": "nul\0inside"}, ValueError),
    ({"description": b"x"}, TypeError),
    ({"tsresol": 10**9}, ValueError),
    ({"tsresol": -1}, ValueError),
    ({"tsresol": 20}, ValueError),           # 10^-20: finer than a ns reader can hold
    ({"tsresol": 0x80 | 70}, ValueError),
    ({"tsoffset": 1.5}, TypeError),
    ({"speed": -1}, ValueError),
]


@pytest.mark.parametrize("kw,exc", BAD_IFACES, ids=[repr(k) for k, _ in BAD_IFACES])
def test_bad_interface_arguments(tmp_path: Path, kw: Dict[str, Any], exc: Any) -> None:
    path = tmp_path / "badif.pcapng"
    with Writer(str(path)) as w:
        args = {"linktype": DLT_EN10MB, **kw}
        with pytest.raises(exc):
            w.add_interface(**args)
        assert w.add_interface(DLT_EN10MB, name="good") == 0
        w.write_bytes(b"g" * 40, BASE)
    assert pick(tshark_packets(path), "iface_name", "data") == [("good", b"g" * 40)]


def test_time_stamp_before_the_offset_or_the_epoch(tmp_path: Path) -> None:
    """pcapng ticks are unsigned: a time stamp before if_tsoffset (or before
    1970 with no offset) cannot be stored."""
    path = tmp_path / "ts.pcapng"
    with Writer(str(path)) as w:
        i = w.add_interface(DLT_EN10MB, tsoffset=1_000_000)
        with pytest.raises((ValueError, PcapError)):
            w.write_bytes(b"e" * 40, 999_999 * 10**9, interface=i)
        j = w.add_interface(DLT_EN10MB)
        with pytest.raises((ValueError, PcapError)):
            w.write_bytes(b"e" * 40, -1, interface=j)
        w.write_bytes(b"f" * 40, 1_000_000 * 10**9, interface=i)      # exactly the offset: tick 0
        w.write_bytes(b"g" * 40, 2**63 - 1, interface=j)
    got = tshark_packets(path)
    assert pick(got, "ts_ns", "data") == [(1_000_000 * 10**9, b"f" * 40), (2**63 - 1, b"g" * 40)]


def test_other_bad_calls(tmp_path: Path) -> None:
    path = tmp_path / "other.pcapng"
    with Writer(str(path)) as w:
        with pytest.raises(ValueError):
            w.add_name("not an address", "x")
        with pytest.raises(TypeError):
            w.add_name("10.0.0.1", 5)
        with pytest.raises(TypeError):
            w.add_name(b"\x0a\0\0\x01", "x")
        with pytest.raises((ValueError, PcapError)):
            w.set_stats(7, received=1)
        w.add_interface(DLT_EN10MB)
        with pytest.raises(ValueError):
            w.set_stats(0, received=-1)
        with pytest.raises(TypeError):
            w.set_stats(0, received="1")
        with pytest.raises(TypeError):
            w.write_bytes("text", BASE)
        with pytest.raises(TypeError):
            w.write_bytes(b"x", 1.5)
        with pytest.raises(TypeError):
            w.write_many([Packet(b"x"), "not a packet"])
        w.write_bytes(b"fine", BASE)
    with pytest.raises(ValueError):
        w.add_interface(DLT_EN10MB)                     # closed
    with pytest.raises(ValueError):
        w.write_bytes(b"x", 0)
    # write_many may have written the good packet before the bad one
    assert pick(tshark_packets(path), "data") in ([(b"x",), (b"fine",)], [(b"fine",)])


def test_pcap_writer_refuses_pcapng_calls() -> None:
    with Writer(io.BytesIO()) as w:
        with pytest.raises(ValueError):
            w.add_interface(DLT_EN10MB)
        with pytest.raises((ValueError, PcapError)):
            w.add_name("10.0.0.1", "x")
        with pytest.raises((ValueError, PcapError)):
            w.set_stats(0, received=1)
        assert w.interfaces == ()


# --------------------------------------------------------------------------
# Live: -i any -w out.pcapng keeps the real interfaces


def _eth_udp(i: int) -> bytes:
    ip_payload = struct.pack(">HHHH", 40000 + i, 50000 + i, 8 + 20, 0) + bytes(range(20))
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(ip_payload), i, 0, 64, 17, 0,
                      socket.inet_aton("10.77.0.1"), socket.inet_aton("10.77.0.2"))
    s = sum(struct.unpack(">10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    hdr = hdr[:10] + struct.pack(">H", ~s & 0xFFFF) + hdr[12:]
    return (bytes.fromhex("02000000000b02000000000a0800") + hdr + ip_payload)


def _live(ns: Any, tmp_path: Path, iface: str, count: int, send_on: str) -> Path:
    import time
    out = tmp_path / "live.pcapng"
    env = child_env()
    proc = subprocess.Popen(ns.argv([sys.executable, "-m", "libpcap", "-i", iface, "-c", str(count),
                                     "-w", str(out)]), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, text=True)
    assert proc.stderr is not None
    err = ""
    deadline = time.monotonic() + 30
    while "listening on" not in err and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        err += line
    assert "listening on" in err, err
    ns.send(send_on, [_eth_udp(i) for i in range(count)])
    try:
        rest = proc.communicate(timeout=60)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        rest = proc.communicate()[1]
    assert proc.returncode == 0, err + rest
    return out


def test_live_any_to_pcapng_keeps_interfaces(ns: Any, tmp_path: Path) -> None:
    n = 3
    out = _live(ns, tmp_path, "any", 2 * n, ns.a)
    blocks = file_blocks(out)
    idbs = [b for b in blocks if b["type"] == BT_IDB]
    names = [option_values(b, 2, "pcapng.options.option.data.interface.name") for b in idbs]
    assert all(len(x) == 1 for x in names), names
    assert {int(b["data"].get("pcapng.interface_description.link_type")) for b in idbs} == {276}
    assert sorted(x[0] for x in names) == sorted(set(x[0] for x in names))     # one IDB each
    assert {ns.a, ns.b} <= {x[0] for x in names}
    got = tshark_packets(out)
    assert len(got) == 2 * n
    # Each packet names its interface, and that is the one its SLL2 header's
    # ifindex (bytes 4..8) designates.
    index = {dev: int(ns.run(["cat", f"/sys/class/net/{dev}/ifindex"]).stdout) for dev in (ns.a, ns.b)}
    for p in got:
        ifindex = struct.unpack(">I", p["data"][4:8])[0]
        assert index.get(p["iface_name"]) == ifindex, (p["iface_name"], ifindex, index)
    assert sorted(p["iface_name"] for p in got) == sorted([ns.a] * n + [ns.b] * n)


def test_live_one_interface_to_pcapng(ns: Any, tmp_path: Path) -> None:
    out = _live(ns, tmp_path, ns.b, 3, ns.a)
    got = tshark_packets(out)
    assert [p["iface_name"] for p in got] == [ns.b] * 3
    assert [p["data"] for p in got] == [_eth_udp(i) for i in range(3)]
    idbs = [b for b in file_blocks(out) if b["type"] == BT_IDB]
    assert [int(b["data"].get("pcapng.interface_description.link_type")) for b in idbs] == [1]
