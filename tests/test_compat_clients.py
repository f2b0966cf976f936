"""The call patterns of real clients of the original ctypes binding.

Two published libraries are built on ``import libpcap``: pcap-ct (the
pypcap-compatible ``pcap`` module) and pycyphal's UDP sniffer.  Their own
test suites were run against this package and pass; the tests here repeat,
with our package alone, the exact sequences of calls those clients make, so
that a change in the compatibility layer that would break them fails here
first:

* pcap-ct's ``pcap.setfilter("udp")``: a fresh ``bpf_program``, ``compile``
  with mask 0, ``setfilter``, then ``freecode`` at once (the handle keeps its
  own copy), on a handle opened with ``open_offline_with_tstamp_precision``;
  packets read back with ``next`` and the end seen through ``file``;
* pcap-ct's ``pcap.bpf``: ``compile_nopcap`` with a ``c_char_p`` expression
  and ``bpf_filter`` over ``bf_insns``, and a program freed while another
  object still points at it (the class shares one ``bpf_program``);
* pcap-ct's ``dispatch``: a ``@pcap_handler`` callback handed a pointer to a
  ``Structure`` of ``py_object`` fields cast to ``POINTER(c_ubyte)``;
* pcap-ct's ``fileno``: ``file`` then the C library's ``fileno``;
* pycyphal: ``compile`` with ``PCAP_NETMASK_UNKNOWN`` and its filter
  ``udp and dst net 239.0.0.0/15``, ``statustostr`` for messages;
* pcap-ct's thread test: many handles compiled and read at once.

The capture is written here; no client package is needed.
"""
from __future__ import annotations

import ctypes as ct
import os
import struct
import threading
from pathlib import Path
from typing import Any, List, Tuple

import pytest

import libpcap as pcap

ETH_BCAST = bytes.fromhex("ffffffffffff" "020000000001")


def _ipv4(proto: int, payload: bytes, dst: bytes = bytes([10, 0, 0, 2])) -> bytes:
    total = 20 + len(payload)
    return (bytes([0x45, 0]) + total.to_bytes(2, "big") + b"\0\0\0\0\x40" + bytes([proto])
            + b"\0\0" + bytes([10, 0, 0, 1]) + dst + payload)


def _udp(dport: int, data: bytes) -> bytes:
    return (1234).to_bytes(2, "big") + dport.to_bytes(2, "big") + \
        (8 + len(data)).to_bytes(2, "big") + b"\0\0" + data


def _tcp(dport: int) -> bytes:
    return ((1234).to_bytes(2, "big") + dport.to_bytes(2, "big") + bytes(8)
            + bytes([0x50, 0x02]) + b"\xff\xff" + bytes(4))


def _eth(payload: bytes) -> bytes:
    return ETH_BCAST + b"\x08\x00" + payload


# (seconds, nanoseconds, frame): UDP and TCP mixed, one ARP.
FRAMES: List[Tuple[int, int, bytes]] = [
    (1_700_000_000, 1, _eth(_ipv4(6, _tcp(443)))),
    (1_700_000_000, 999_999_999, _eth(_ipv4(17, _udp(53, b"first")))),
    (1_700_000_001, 500, _eth(_ipv4(6, _tcp(80)))),
    (1_700_000_002, 0, ETH_BCAST + b"\x08\x06" + bytes(28)),
    (1_700_000_003, 123_456_789, _eth(_ipv4(17, _udp(9382, b"second"),
                                            dst=bytes([239, 0, 1, 200])))),
]
UDP_FRAMES = [f for f in FRAMES if len(f[2]) > 23 and f[2][12:14] == b"\x08\x00" and f[2][23] == 17]
TCP_FRAMES = [f for f in FRAMES if len(f[2]) > 23 and f[2][12:14] == b"\x08\x00" and f[2][23] == 6]


def _nano_pcap(frames: List[Tuple[int, int, bytes]], snaplen: int = 2000) -> bytes:
    out = [struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, snaplen, 1)]
    for sec, nsec, data in frames:
        out.append(struct.pack("<IIII", sec, nsec, len(data), len(data)) + data)
    return b"".join(out)


@pytest.fixture()
def capture(tmp_path: Path) -> Path:
    path = tmp_path / "clients.pcap"
    path.write_bytes(_nano_pcap(FRAMES))
    return path


def _open_nano(path: Path) -> Any:
    """pcap-ct's pcap.pcap(name) for a savefile."""
    ebuf = ct.create_string_buffer(pcap.PCAP_ERRBUF_SIZE)
    pd = pcap.open_offline_with_tstamp_precision(os.fsencode(path),
                                                 pcap.PCAP_TSTAMP_PRECISION_NANO, ebuf)
    assert pd, ebuf.value
    return pd


def _pcapct_setfilter(pd: Any, expr: str, optimize: int = 1) -> None:
    """pcap-ct's pcap.setfilter(value, optimize): raises OSError(geterr)."""
    fcode = pcap.bpf_program()
    ret = pcap.compile(pd, ct.byref(fcode), expr.encode("utf-8"), optimize, 0)
    if ret < 0:
        raise OSError(pcap.geterr(pd).decode("utf-8", "ignore"))
    ret = pcap.setfilter(pd, ct.byref(fcode))
    if ret < 0:
        raise OSError(pcap.geterr(pd).decode("utf-8", "ignore"))
    pcap.freecode(ct.byref(fcode))


def _pcapct_read_all(pd: Any) -> List[Tuple[int, bytes]]:
    """pcap-ct's iterator: next() until NULL, then file() says EOF."""
    hdr = pcap.pkthdr()
    phdr = ct.pointer(hdr)
    out = []
    while True:
        pkt = ct.cast(pcap.next(pd, phdr), ct.POINTER(ct.c_ubyte))
        if not pkt:
            assert pcap.file(pd), "a savefile handle must report its FILE at EOF"
            return out
        h = phdr[0]
        out.append((h.ts.tv_sec * 1_000_000_000 + h.ts.tv_usec,
                    ct.cast(pkt, ct.POINTER(ct.c_char * h.caplen))[0].raw))


def _expect(frames: List[Tuple[int, int, bytes]]) -> List[Tuple[int, bytes]]:
    return [(s * 1_000_000_000 + ns, d) for s, ns, d in frames]


@pytest.mark.parametrize("optimize", [1, 0])
@pytest.mark.parametrize("expr, frames", [
    ("udp", UDP_FRAMES), ("tcp", TCP_FRAMES), ("", FRAMES),
    ("udp and dst net 239.0.0.0/15", UDP_FRAMES[1:]),
    ("icmp[icmptype] != icmp-echo", []),
])
def test_pcapct_setfilter_then_iterate(capture: Path, expr: str, frames: list, optimize: int) -> None:
    pd = _open_nano(capture)
    try:
        assert pcap.get_tstamp_precision(pd) == pcap.PCAP_TSTAMP_PRECISION_NANO
        _pcapct_setfilter(pd, expr, optimize)
        assert _pcapct_read_all(pd) == _expect(frames)
    finally:
        pcap.close(pd)


def test_pcapct_setfilter_replaces_and_errors_keep_old_filter(capture: Path) -> None:
    pd = _open_nano(capture)
    try:
        _pcapct_setfilter(pd, "tcp")
        with pytest.raises(OSError, match="syntax error"):
            _pcapct_setfilter(pd, "tcp and and")
        with pytest.raises(OSError, match="greater than maximum"):
            _pcapct_setfilter(pd, "port 99999999")
        assert _pcapct_read_all(pd) == _expect(TCP_FRAMES)
    finally:
        pcap.close(pd)


def test_pcapct_properties_of_a_savefile(capture: Path) -> None:
    pd = _open_nano(capture)
    try:
        assert (pcap.snapshot(pd), pcap.datalink(pd)) == (2000, pcap.DLT_EN10MB)
        # fileno through the FILE*, as pcap-ct's _pcap_ex.fileno does
        f = pcap.file(pd)
        assert f
        libc = ct.CDLL(None)
        libc.fileno.argtypes = [ct.c_void_p]
        assert libc.fileno(ct.cast(f, ct.c_void_p)) >= 0
        stat = pcap.stat()
        assert pcap.stats(pd, ct.byref(stat)) < 0
        assert pcap.geterr(pd) != b""
    finally:
        pcap.close(pd)
    dead = pcap.open_dead(pcap.DLT_EN10MB, 65535)
    try:
        assert not pcap.file(dead)
    finally:
        pcap.close(dead)


class _Ctx(ct.Structure):
    _fields_ = [("scale_ns", ct.c_longlong), ("callback", ct.py_object),
                ("args", ct.py_object), ("exc", ct.py_object)]


@pcap.pcap_handler
def _ctx_handler(arg: Any, hdr: Any, pkt: Any) -> None:
    ctx = ct.cast(arg, ct.POINTER(_Ctx))[0]
    try:
        h = hdr[0]
        ctx.callback(h.ts.tv_sec * 1_000_000_000 + h.ts.tv_usec * ctx.scale_ns,
                     ct.cast(pkt, ct.POINTER(ct.c_char * h.caplen))[0].raw, *ctx.args)
    except BaseException as exc:  # pcap-ct keeps the exception and re-raises it
        ctx.exc = exc


@pytest.mark.parametrize("cnt", [-1, 0, 2])
def test_pcapct_dispatch_with_a_context_structure(capture: Path, cnt: int) -> None:
    pd = _open_nano(capture)
    try:
        _pcapct_setfilter(pd, "udp or tcp")
        got: List[Tuple[int, bytes]] = []
        ctx = _Ctx()
        ctx.scale_ns = 1
        ctx.callback = lambda ts, data, sink: sink.append((ts, data))
        ctx.args = (got,)
        ctx.exc = None
        n = pcap.dispatch(pd, cnt, _ctx_handler, ct.cast(ct.pointer(ctx), ct.POINTER(ct.c_ubyte)))
        assert ctx.exc is None
        want = _expect(UDP_FRAMES + TCP_FRAMES)
        want.sort()
        want = want if cnt <= 0 else want[:cnt]
        assert n == len(want)
        assert got == want
    finally:
        pcap.close(pd)


def test_pcapct_bpf_object_pattern() -> None:
    """pcap.bpf(filter, dlt): compile_nopcap, bpf_filter, a shared program."""
    fcode = pcap.bpf_program()  # one per class in pcap-ct, shared by instances
    assert pcap.compile_nopcap(65535, pcap.DLT_RAW, ct.byref(fcode),
                               ct.c_char_p(b"udp"), 1, 0) == 0

    def match(buf: bytes) -> bool:
        return pcap.bpf_filter(fcode.bf_insns, ct.cast(ct.c_char_p(buf), ct.POINTER(ct.c_ubyte)),
                               len(buf), len(buf)) != 0

    assert match(_ipv4(17, _udp(53, b"x")))
    assert not match(_ipv4(6, _tcp(80)))
    assert pcap.compile_nopcap(65535, pcap.DLT_EN10MB, ct.byref(fcode),
                               ct.c_char_p(b"nonsense junk ("), 1, 0) < 0
    assert pcap.compile_nopcap(65535, pcap.DLT_EN10MB, ct.byref(fcode),
                               ct.c_char_p(b"tcp"), 1, 0) == 0
    assert match(_eth(_ipv4(6, _tcp(80))))
    pcap.freecode(ct.byref(fcode))
    # a second instance's __del__ frees the same (now empty) program again,
    # and a filter over a freed program accepts everything, as libpcap's does
    pcap.freecode(ct.byref(fcode))
    assert not fcode.bf_insns
    assert pcap.bpf_filter(fcode.bf_insns, ct.cast(ct.c_char_p(b"abc"), ct.POINTER(ct.c_ubyte)),
                           3, 3) == 0xFFFFFFFF


def test_pycyphal_compile_pattern() -> None:
    """pycyphal's _capture_single_device, on a dead Ethernet handle."""
    pd = pcap.open_dead(pcap.DLT_EN10MB, 65535)
    try:
        assert pcap.set_datalink(pd, pcap.DLT_EN10MB) == 0
        code = pcap.bpf_program()
        err = pcap.compile(pd, ct.byref(code), "udp and dst net 239.0.0.0/15".encode(), 1,
                           pcap.PCAP_NETMASK_UNKNOWN)
        assert err == 0, pcap.geterr(pd)
        assert pcap.bpf_validate(code.bf_insns, code.bf_len)
        hdr = pcap.pkthdr()
        for _s, _ns, frame in FRAMES:
            hdr.caplen = hdr.len = len(frame)
            buf = (ct.c_ubyte * len(frame)).from_buffer_copy(frame)
            got = pcap.offline_filter(ct.byref(code), ct.byref(hdr), buf)
            assert (got != 0) == (frame is FRAMES[-1][2])
        pcap.freecode(ct.byref(code))
        err = pcap.compile(pd, ct.byref(code), b"invalid filter expression", 1,
                           pcap.PCAP_NETMASK_UNKNOWN)
        assert err == pcap.PCAP_ERROR
        assert pcap.statustostr(err).decode() == "Generic error"
        assert pcap.geterr(pd).decode()
    finally:
        pcap.close(pd)


def test_pcapct_threads_compile_and_read_at_once(tmp_path: Path) -> None:
    """pcap-ct's 'overwritten' tests: handles opened, filtered and read in threads."""
    path = tmp_path / "threads.pcap"
    path.write_bytes(_nano_pcap(FRAMES))
    exprs = ["udp", "tcp", "ip", "arp", "udp and dst net 239.0.0.0/15", "tcp port 80"]
    want = {}
    for e in exprs:
        pd = _open_nano(path)
        _pcapct_setfilter(pd, e)
        want[e] = _pcapct_read_all(pd)
        pcap.close(pd)
    failures: List[str] = []

    def work(k: int) -> None:
        try:
            for i in range(20):
                e = exprs[(k + i) % len(exprs)]
                pd = _open_nano(path)
                try:
                    _pcapct_setfilter(pd, e)
                    if _pcapct_read_all(pd) != want[e]:
                        failures.append(e)
                finally:
                    pcap.close(pd)
        except Exception as exc:  # reported below, not lost in the thread
            failures.append(repr(exc))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures
