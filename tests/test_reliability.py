"""Reliability of the native API under hostile use (issue 9): each test
here failed before its fix.

* read_buffer() and iteration give the same time stamps (a pcapng
  if_tsoffset can put a packet before 1970: ts_ns < 0), and a time stamp
  that the index cannot hold raises PcapError once, consuming the packet,
  instead of OverflowError on every call.
"""
from __future__ import annotations

import io

import pytest

import libpcap
from libpcap import PcapError, Reader

import gen_captures as gen


def ng_capture(tsoffset: int, stamps: list[int]) -> bytes:
    """Little-endian pcapng, one Ethernet interface (microseconds) with
    if_tsoffset, one EPB per time stamp (payload: the packet's number)."""
    e = "<"
    out = gen.shb(e) + gen.idb(e, 1, 65535, gen.ng_opts(e, gen.tsoffset(e, tsoffset)))
    for i, ts in enumerate(stamps):
        out += gen.epb(e, 0, ts, bytes([i]) * 20)
    return out


def test_read_buffer_gives_negative_ts_ns_as_iteration_does() -> None:
    data = ng_capture(-100, [0, 5_000_000, 200_000_000])   # 1970 minus 100 s
    with Reader(io.BytesIO(data)) as r:
        want = [(p.ts_ns, bytes(p.data)) for p in r]
    assert want[0][0] == -100 * 10**9 and want[1][0] == -95 * 10**9
    with Reader(io.BytesIO(data)) as r:
        blob, index = r.read_buffer()
    assert index.format == "q"
    got = [(index[4 * i], blob[index[4 * i + 3]:index[4 * i + 3] + index[4 * i + 1]])
           for i in range(len(index) // 4)]
    assert got == want


def test_read_buffer_never_sticks_on_a_time_stamp_it_cannot_hold() -> None:
    # if_tsoffset of 2**62 seconds: far past what a signed 64-bit ts_ns holds
    data = ng_capture(1 << 62, [0, 1])
    with Reader(io.BytesIO(data)) as r:
        with pytest.raises(PcapError, match="time stamp"):
            r.read_buffer()
        with pytest.raises(PcapError, match="time stamp"):
            r.read_buffer()
        blob, index = r.read_buffer()
        assert (blob, len(index)) == (b"", 0)      # end of file, not stuck
    with Reader(io.BytesIO(data)) as r:
        assert [p.ts_ns for p in r] == [(1 << 62) * 10**9, (1 << 62) * 10**9 + 1000]


def test_read_buffer_returns_the_packets_before_a_bad_one() -> None:
    e = "<"
    good = gen.shb(e) + gen.idb(e, 1, 65535) + gen.epb(e, 0, 1_000_000, b"a" * 20)
    bad = gen.idb(e, 1, 65535, gen.ng_opts(e, gen.tsoffset(e, 1 << 62))) + gen.epb(e, 1, 0, b"b" * 20)
    tail = gen.epb(e, 0, 2_000_000, b"c" * 20)
    with Reader(io.BytesIO(good + bad + tail)) as r:
        blob, index = r.read_buffer()
        assert blob == b"a" * 20 and list(index) == [1_000_000_000, 20, 20, 0]
        with pytest.raises(PcapError):
            r.read_buffer()
        blob, index = r.read_buffer()
        assert blob == b"c" * 20 and index[0] == 2_000_000_000
    assert issubclass(libpcap.PcapError, Exception)
