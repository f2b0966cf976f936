"""Live capture through the native API (libpcap.Capture, devices(),
aio_capture) on veth pairs in network namespaces the tests build.

Captures run in this process (tests/_livetools.py moves the opening thread
into the namespace); frames are sent from the other end of the pair by a
helper process, or injected by another Capture.  Checked: the exact frames
(bytes, lengths, order), time stamps (monotonic, near the wall clock, the
precision asked for), snaplen, filters (and that the kernel drops what they
reject), direction, inject, stats (with drops under a stalled reader),
non-blocking reads, stop() and close() from another thread ending a waiting
read, SIGINT in a blocking read (a child process), fanout, the asyncio
helper, devices().

The tests need root and network namespaces; they skip, saying why, where
that is impossible.  The tests marked
REPLAYABLE also run over replay devices (tests/replaynet.py), as any user:
``pytest -k replay``.  Latencies are printed (pytest -s); only generous bounds
are asserted.
"""
from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import warnings
from typing import Any, List

import pytest

import netns
from _livetools import ETYPE, MAC_A, MAC_B, collect, ether_dlts, frame, frames, inside
from conftest import REPLAYABLE, child_env

import libpcap
from libpcap import Capture, Filter, PcapError, PcapWarning

CHILD_TIMEOUT = 60
# Bounds that only a broken implementation misses (not timings).
GENEROUS = 2.0

DLT_EN10MB, DLT_DOCSIS, DLT_LINUX_SLL, DLT_LINUX_SLL2 = 1, 143, 113, 276


def open_cap(space: netns.Netns, dev: str, **opts: Any) -> Capture:
    with inside(space):
        return Capture(dev, **opts)


def read_n(cap: Capture, n: int, timeout: float = 10.0) -> List[libpcap.Packet]:
    return collect(lambda t: cap.read(timeout=t), n, timeout)


def etype_filter(etype: int = ETYPE) -> Filter:
    """ldh [12]; jeq #etype; ret #262144; ret #0"""
    return Filter([(0x28, 0, 0, 12), (0x15, 0, 1, etype),
                   (0x06, 0, 0, 262144), (0x06, 0, 0, 0)])


# --------------------------------------------------------------------------
# Frames, time stamps, snaplen


@REPLAYABLE
def test_exact_frames_and_timestamps(ns: netns.Netns) -> None:
    cap = open_cap(ns, ns.b, immediate=True)
    with cap:
        assert cap.datalink == DLT_EN10MB
        assert cap.datalinks == ether_dlts(ns)
        assert cap.datalink_name == "EN10MB"
        assert cap.device == ns.b and cap.snaplen == 262144 and cap.nanosecond
        sent = frames(60)
        before = time.time_ns()
        assert ns.send(ns.a, sent) == len(sent)
        after = time.time_ns()
        got = read_n(cap, len(sent))
        assert [p.data for p in got] == sent
        assert [(p.caplen, p.wirelen) for p in got] == [(len(f), len(f)) for f in sent]
        stamps = [p.ts_ns for p in got]
        assert stamps == sorted(stamps)
        # the kernel stamps on arrival: between the sender's start and end
        assert before - 10**9 <= stamps[0] and stamps[-1] <= after + 10**9
        # nanosecond stamps are not all whole microseconds
        assert any(t % 1000 for t in stamps)
        assert cap.read(timeout=0.2) == []       # nothing else on the wire


@REPLAYABLE
def test_microsecond_precision(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, immediate=True, nanosecond=False) as cap:
        assert not cap.nanosecond
        sent = frames(20)
        before = time.time_ns()
        ns.send(ns.a, sent)
        got = read_n(cap, 20)
        assert [p.data for p in got] == sent
        assert all(p.ts_ns % 1000 == 0 for p in got)      # still in ns
        assert abs(got[0].ts_ns - before) < 10 * 10**9


@REPLAYABLE
def test_snaplen(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, snaplen=100, immediate=True) as cap:
        assert cap.snaplen == 100
        sent = frames(12)
        ns.send(ns.a, sent)
        got = read_n(cap, 12)
        assert [p.data for p in got] == [f[:100] for f in sent]
        assert [p.wirelen for p in got] == [len(f) for f in sent]
        assert [p.caplen for p in got] == [min(100, len(f)) for f in sent]


@REPLAYABLE
def test_iteration_and_read_buffer(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, immediate=True) as cap:
        sent = frames(30)
        ns.send(ns.a, sent)
        got = []
        for pkt in cap:
            got.append(pkt.data)
            if len(got) == 10:
                break
        data, index = b"", []
        end = time.monotonic() + 10
        while len(index) < 4 * 20 and time.monotonic() < end:
            d, idx = cap.read_buffer(timeout=1)
            index += [v + (len(data) if i % 4 == 3 else 0) for i, v in enumerate(idx)]
            data += d
        for i in range(len(index) // 4):
            ts, caplen, wirelen, off = index[4 * i:4 * i + 4]
            got.append(data[off:off + caplen])
            assert caplen == wirelen and ts > 0
        assert got == sent
        d, idx = cap.read_buffer(timeout=0)
        assert d == b"" and len(idx) == 0 and idx.format == "q"


# --------------------------------------------------------------------------
# Filters, direction, inject


@REPLAYABLE
def test_filter_in_kernel(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, immediate=True, filter=etype_filter()) as cap:
        sent = [frame(i, 80, etype=ETYPE if i % 3 == 0 else ETYPE + 1) for i in range(30)]
        want = [f for i, f in enumerate(sent) if i % 3 == 0]
        ns.send(ns.a, sent)
        got = read_n(cap, len(want))
        assert [p.data for p in got] == want
        assert cap.read(timeout=0.3) == []
        # the kernel dropped the others: they were never counted
        assert cap.stats().recv == len(want)

        cap.set_filter(None)
        ns.send(ns.a, sent)
        assert [p.data for p in read_n(cap, len(sent))] == sent

        cap.set_filter(etype_filter(ETYPE + 1))
        ns.send(ns.a, sent)
        other = [f for i, f in enumerate(sent) if i % 3]
        assert [p.data for p in read_n(cap, len(other))] == other
        assert cap.read(timeout=0.3) == []


@REPLAYABLE
def test_filter_type_checked(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b) as cap:
        with pytest.raises(TypeError):
            cap.set_filter([(6, 0, 0, 0)])
    with pytest.raises(TypeError):
        open_cap(ns, ns.b, filter=5)
    # A str is an expression (test_compile_api.py): this one does not compile.
    with pytest.raises(libpcap.CompileError):
        open_cap(ns, ns.b, filter="ether")


def test_direction(ns: netns.Netns) -> None:
    caps = {d: open_cap(ns, ns.a, immediate=True, direction=d) for d in ("in", "out", "inout")}
    out_frames = frames(5, start=100)
    in_frames = frames(5, start=200, dst=MAC_A, src=MAC_B)
    ns.send(ns.a, out_frames)
    ns.send(ns.b, in_frames)
    got = {d: [p.data for p in read_n(c, 10, timeout=3)] for d, c in caps.items()}
    assert got["out"] == out_frames
    assert got["in"] == in_frames
    assert got["inout"] == out_frames + in_frames
    cap = caps["inout"]
    cap.set_direction("in")
    ns.send(ns.a, out_frames)
    ns.send(ns.b, in_frames)
    assert [p.data for p in read_n(cap, 10, timeout=3)] == in_frames
    with pytest.raises(ValueError):
        cap.set_direction("sideways")
    for c in caps.values():
        c.close()


def test_inject(ns: netns.Netns) -> None:
    sender = open_cap(ns, ns.a)
    with open_cap(ns, ns.b, immediate=True) as cap, sender:
        sent = frames(25)
        assert [sender.inject(f) for f in sent] == [len(f) for f in sent]
        assert sender.inject(bytearray(sent[0])) == len(sent[0])
        assert sender.inject(memoryview(sent[1])) == len(sent[1])
        got = read_n(cap, 27)
        assert [p.data for p in got] == sent + sent[:2]
        with pytest.raises(TypeError):
            sender.inject("text")
    with open_cap(ns, "any") as anycap:
        with pytest.raises(PcapError) as ei:
            anycap.inject(sent[0])
        assert ei.value.code == -1
        assert str(ei.value) == 'Sending packets isn\'t supported on the "any" device'


# --------------------------------------------------------------------------
# Stats, non-blocking mode


def test_stats_stalled_reader_counts_drops(ns: netns.Netns) -> None:
    # The smallest ring (2 blocks of 256 KiB) holds a few hundred full
    # frames; nobody reads while 3000 arrive.
    with open_cap(ns, ns.b, buffer_size=1) as cap:
        n = 3000
        sent = [frame(i, 1514) for i in range(n)]
        ns.send(ns.a, sent)
        time.sleep(0.3)
        st = cap.stats()
        assert st.recv == n, st           # ps_recv counts the dropped too
        assert st.drop > 0 and st.ifdrop == 0
        got = read_n(cap, n - st.drop, timeout=5)
        assert len(got) == n - st.drop
        assert cap.read(timeout=0.3) == []
        # what came through is a prefix, in order, whole
        assert [p.data for p in got] == sent[:len(got)]
        assert cap.stats() == (n, st.drop, 0)
        assert isinstance(st, libpcap.CaptureStats) and st.recv == st[0]


@REPLAYABLE
def test_nonblock(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, immediate=True) as cap:
        assert not cap.nonblock
        cap.set_nonblock(True)
        assert cap.nonblock
        t0 = time.monotonic()
        assert cap.read() == []
        assert list(cap) == []
        assert time.monotonic() - t0 < GENEROUS
        sent = frames(8)
        ns.send(ns.a, sent)
        got: List[bytes] = []
        end = time.monotonic() + 10
        while len(got) < 8 and time.monotonic() < end:
            r, _, _ = select.select([cap.fileno()], [], [], 1.0)
            if r:
                got += [p.data for p in cap]      # drains what is there
        assert got == sent
        cap.set_nonblock(False)
        assert not cap.nonblock
        t0 = time.monotonic()
        assert cap.read(timeout=0.3) == []
        assert time.monotonic() - t0 >= 0.25


@REPLAYABLE
def test_read_timeout_zero_and_n(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, immediate=True) as cap:
        assert cap.read(timeout=0) == []
        assert cap.read(0) == []
        sent = frames(10)
        ns.send(ns.a, sent)
        first = read_n(cap, 1)
        rest = []
        while len(first) + len(rest) < 10:
            batch = cap.read(3, timeout=5)
            assert 1 <= len(batch) <= 3
            rest += batch
        assert [p.data for p in first + rest] == sent


# --------------------------------------------------------------------------
# Threads: stop, close, busy


def _wait_then(delay: float, fn: Any, box: dict) -> threading.Thread:
    def run() -> None:
        time.sleep(delay)
        box["t"] = time.monotonic()
        fn()
    t = threading.Thread(target=run)
    t.start()
    return t


@REPLAYABLE
@pytest.mark.parametrize("how", ["iterate", "read"])
@pytest.mark.parametrize("timeout_ms", [100, 0, 1000])
def test_stop_from_thread_ends_blocking_read(ns: netns.Netns, how: str, timeout_ms: int) -> None:
    with open_cap(ns, ns.b, timeout_ms=timeout_ms) as cap:
        box: dict = {}
        t = _wait_then(0.3, cap.stop, box)
        if how == "iterate":
            assert list(cap) == []
        else:
            assert cap.read() == []
        latency = time.monotonic() - box["t"]
        t.join()
        print(f"\nstop() -> end of blocked {how} (timeout_ms={timeout_ms}): "
              f"{latency * 1e3:.2f} ms")
        assert latency < GENEROUS
        # the stop was used up: the next read waits again
        assert cap.read(timeout=0.2) == []


@REPLAYABLE
def test_stop_before_read_and_breakloop_alias(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, immediate=True) as cap:
        cap.stop()
        t0 = time.monotonic()
        assert list(cap) == []
        assert time.monotonic() - t0 < GENEROUS
        ns.send(ns.a, frames(5))
        assert len(read_n(cap, 5)) == 5
        box: dict = {}
        t = _wait_then(0.2, cap.breakloop, box)
        assert cap.read() == []
        t.join()
        # packets already read stay for the next call after a stop
        ns.send(ns.a, frames(6))
        time.sleep(0.3)
        it = iter(cap)
        first = next(it)
        cap.stop()
        with pytest.raises(StopIteration):
            next(it)
        assert len([first] + read_n(cap, 5)) == 6


@REPLAYABLE
def test_close_from_thread_while_reading(ns: netns.Netns) -> None:
    cap = open_cap(ns, ns.b, timeout_ms=0)
    box: dict = {}
    t = _wait_then(0.3, cap.close, box)
    assert list(cap) == []
    latency = time.monotonic() - box["t"]
    t.join()
    print(f"\nclose() -> end of blocked iteration: {latency * 1e3:.2f} ms")
    assert latency < GENEROUS
    assert cap.closed
    with pytest.raises(ValueError):
        cap.read()
    with pytest.raises(ValueError):
        iter(cap)
    assert next(cap, None) is None          # an ended iteration stays ended
    cap.close()                             # twice is harmless
    cap.stop()
    assert "closed" in repr(cap)


def test_close_races_under_traffic(ns: netns.Netns) -> None:
    """Close at random moments while a thread reads a busy link: never a
    crash, the reader always ends."""
    sender = open_cap(ns, ns.a)
    stop_sending = threading.Event()

    def blast() -> None:
        f = frame(1, 200)
        while not stop_sending.is_set():
            for _ in range(50):
                sender.inject(f)
            time.sleep(0.001)

    blaster = threading.Thread(target=blast)
    blaster.start()
    rng = random.Random(4)
    try:
        for round_ in range(25):
            cap = open_cap(ns, ns.b, immediate=bool(round_ % 2))
            counts = []
            reader = threading.Thread(target=lambda: counts.append(sum(1 for _ in cap)))
            reader.start()
            time.sleep(rng.random() * 0.05)
            if round_ % 3 == 0:
                cap.stop()
            cap.close()
            reader.join(CHILD_TIMEOUT)
            assert not reader.is_alive()
            assert len(counts) == 1
    finally:
        stop_sending.set()
        blaster.join()
        sender.close()


@REPLAYABLE
def test_second_reader_is_refused(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, timeout_ms=0) as cap:
        started = threading.Event()
        result: list = []

        def reader() -> None:
            started.set()
            result.append(cap.read())

        t = threading.Thread(target=reader)
        t.start()
        started.wait()
        time.sleep(0.2)
        for call in (cap.read, cap.read_buffer, lambda: next(iter(cap)),
                     lambda: cap.set_filter(None), lambda: cap.set_direction("in")):
            with pytest.raises(RuntimeError):
                call()
        # these are fine from any thread
        assert cap.stats().recv == 0
        assert cap.fileno() >= 0 and cap.datalink == DLT_EN10MB
        cap.stop()
        t.join(CHILD_TIMEOUT)
        assert result == [[]]


# --------------------------------------------------------------------------
# SIGINT in a blocking read (a child process in the namespace)

_SIGINT_CHILD = r"""
import sys, time, libpcap
how, timeout_ms = sys.argv[1], int(sys.argv[2])
cap = libpcap.Capture(sys.argv[3], timeout_ms=timeout_ms)
print("ready", flush=True)
try:
    if how == "iterate":
        for pkt in cap:
            pass
    else:
        cap.read()
    print("no interrupt", flush=True)
except KeyboardInterrupt:
    print("interrupted", time.monotonic(), flush=True)
"""


@REPLAYABLE
@pytest.mark.parametrize("how", ["iterate", "read"])
@pytest.mark.parametrize("timeout_ms", [100, 0])
def test_sigint_in_blocking_read(ns: netns.Netns, how: str, timeout_ms: int) -> None:
    env = child_env()
    proc = subprocess.Popen(ns.argv([sys.executable, "-c", _SIGINT_CHILD, how,
                                     str(timeout_ms), ns.b]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        sent_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=CHILD_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    words = out.split()
    assert words[0] == "interrupted", out + err
    latency = float(words[1]) - sent_at
    print(f"\nSIGINT -> KeyboardInterrupt ({how}, timeout_ms={timeout_ms}): "
          f"{latency * 1e3:.2f} ms")
    assert latency < GENEROUS


# --------------------------------------------------------------------------
# Fanout


@pytest.mark.parametrize("mode", ["lb", "hash", "rnd"])
def test_fanout_shares_traffic(ns: netns.Netns, mode: str) -> None:
    group = random.randrange(1, 0xFFFF)
    caps = [open_cap(ns, ns.b, immediate=True, fanout=(group, mode)) for _ in range(2)]
    # IPv4/UDP frames of distinct flows, so that the flow hash spreads them
    sent = [udp_frame(i) for i in range(200)]
    ns.send(ns.a, sent)
    got: List[List[bytes]] = [[], []]
    end = time.monotonic() + 10
    while sum(map(len, got)) < len(sent) and time.monotonic() < end:
        for k, cap in enumerate(caps):
            got[k] += [p.data for p in cap.read(timeout=0.05)]
    for cap in caps:
        assert cap.read(timeout=0.2) == []
        cap.close()
    print(f"\nfanout {mode}: {len(got[0])} + {len(got[1])}")
    assert sorted(got[0] + got[1]) == sorted(sent)    # each once, none lost
    assert got[0] and got[1]                           # both had a share
    for share in got:                                  # in order within a share
        assert share == [f for f in sent if f in set(share)]
    if mode == "lb":
        assert abs(len(got[0]) - len(got[1])) <= 2


def udp_frame(i: int) -> bytes:
    """An IPv4/UDP frame of flow i (addresses and ports vary with i)."""
    payload = i.to_bytes(4, "big") * 8
    udp = (1000 + i).to_bytes(2, "big") + (2000 + i).to_bytes(2, "big") + \
        (8 + len(payload)).to_bytes(2, "big") + b"\0\0" + payload
    total = 20 + len(udp)
    ip = bytes([0x45, 0]) + total.to_bytes(2, "big") + b"\0\0\x40\0\x40\x11\0\0" + \
        bytes([10, 1, i >> 8, i & 0xFF]) + bytes([10, 2, 0, 1])
    s = sum(int.from_bytes(ip[k:k + 2], "big") for k in range(0, 20, 2))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    ip = ip[:10] + (0xFFFF - s).to_bytes(2, "big") + ip[12:]
    return MAC_B + MAC_A + b"\x08\x00" + ip + udp


def test_fanout_errors(ns: netns.Netns) -> None:
    with pytest.raises(ValueError):
        open_cap(ns, ns.b, fanout=(1, "sideways"))
    with pytest.raises(ValueError):
        open_cap(ns, ns.b, fanout=(70000, "hash"))
    with pytest.raises(TypeError):
        open_cap(ns, ns.b, fanout=5)
    with pytest.raises(PcapError):
        open_cap(ns, ns.b, fanout=(1, 0x0700))       # CBPF/EBPF modes are not offered
    group = random.randrange(1, 0xFFFF)
    a = open_cap(ns, ns.b, fanout=(group, "hash"))
    # a group has one mode: joining it with another fails at activation
    with pytest.raises(PcapError):
        open_cap(ns, ns.b, fanout=(group, "lb"))
    a.close()


# --------------------------------------------------------------------------
# Options, errors, warnings


def test_open_errors_and_warnings(ns: netns.Netns) -> None:
    with pytest.raises(PcapError) as ei:
        open_cap(ns, "nosuchdev0")
    assert ei.value.code == -5               # PCAP_ERROR_NO_SUCH_DEVICE
    assert str(ei.value).startswith("nosuchdev0: ")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        open_cap(ns, "any", promisc=True).close()
    assert [x.category for x in w] == [PcapWarning]
    assert "promiscuous" in str(w[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PcapWarning)
        with pytest.raises(PcapWarning):
            open_cap(ns, "any", promisc=True)
    for bad in ({"timeout_ms": -1}, {"buffer_size": 0}, {"protocol": 70000},
                {"tstamp_type": "sundial"}, {"datalink": "NOSUCH"}, {"direction": 1}):
        with pytest.raises(ValueError):
            open_cap(ns, ns.b, **bad)
    with pytest.raises(TypeError):
        open_cap(ns, ns.b, 100)          # options are keyword-only
    with pytest.raises(PcapError) as ei:
        open_cap(ns, ns.b, datalink=DLT_LINUX_SLL2)
    assert ei.value.code == -1


def test_any_device_and_datalinks(ns: netns.Netns) -> None:
    with open_cap(ns, "any", immediate=True, datalink="LINUX_SLL2", direction="in") as cap:
        assert cap.datalinks == [DLT_LINUX_SLL, DLT_LINUX_SLL2]
        assert cap.datalink == DLT_LINUX_SLL2
        assert cap.datalink_name == "LINUX_SLL2"
        sent = frames(5)
        ns.send(ns.a, sent)
        got = read_n(cap, 5)
        # SLL2: protocol, reserved, ifindex, hatype, pkttype, halen, address
        for p, f in zip(got, sent):
            assert p.data[0:2] == f[12:14] and p.data[20:] == f[14:]
            assert p.data[10] == 0 and p.data[12:18] == MAC_A     # to us, from a
        cap.set_datalink(DLT_LINUX_SLL)
        assert cap.datalink == DLT_LINUX_SLL
        ns.send(ns.a, sent)
        got = read_n(cap, 5)
        assert [p.data[16:] for p in got] == [f[14:] for f in sent]


def test_protocol_option(ns: netns.Netns) -> None:
    with open_cap(ns, ns.b, immediate=True, protocol=ETYPE + 1) as cap:
        sent = [frame(i, 64, etype=ETYPE + (i % 2)) for i in range(10)]
        ns.send(ns.a, sent)
        assert [p.data for p in read_n(cap, 5)] == sent[1::2]
        assert cap.read(timeout=0.2) == []


# --------------------------------------------------------------------------
# asyncio


@REPLAYABLE
def test_aio_capture(ns: netns.Netns) -> None:
    sent = frames(40)

    async def main() -> List[bytes]:
        loop = asyncio.get_running_loop()
        with inside(ns):
            it = libpcap.aio_capture(ns.b, immediate=True)
        cap = it.capture
        send = loop.run_in_executor(None, ns.send, ns.a, sent)
        got = []
        async for pkt in it:
            got.append(pkt.data)
            if len(got) == len(sent):
                break
        await send
        await it.aclose()
        assert cap.closed                        # it opened it: it closed it
        return got

    assert asyncio.run(asyncio.wait_for(main(), 30)) == sent


@REPLAYABLE
def test_aio_capture_stop_and_close_end_iteration(ns: netns.Netns) -> None:
    async def run(cap: Capture, end: str) -> int:
        n = 0
        it = libpcap.aio_capture(cap)
        threading.Timer(0.3, getattr(cap, end)).start()
        t0 = time.monotonic()
        async for _ in it:
            n += 1
        print(f"\n{end}() -> end of async iteration: "
              f"{(time.monotonic() - t0 - 0.3) * 1e3:.2f} ms")
        return n

    cap = open_cap(ns, ns.b)
    assert asyncio.run(asyncio.wait_for(run(cap, "stop"), 30)) == 0
    assert not cap.closed                        # not its capture: left open
    assert asyncio.run(asyncio.wait_for(run(cap, "close"), 30)) == 0
    assert cap.closed
    with pytest.raises(TypeError):
        libpcap.aio_capture(open_cap(ns, ns.b), immediate=True)


# --------------------------------------------------------------------------
# devices()

_DEVICES_CHILD = r"""
import ctypes as ct, json, libpcap
native = [[d.name, d.description, d.flags,
           [[a.family, a.addr, a.netmask, a.broadaddr, a.dstaddr] for a in d.addresses]]
          for d in libpcap.devices()]
err = ct.create_string_buffer(libpcap.PCAP_ERRBUF_SIZE)
devs = ct.POINTER(libpcap.pcap_if_t)()
assert libpcap.findalldevs(ct.byref(devs), err) == 0
compat = []
p = devs
while p:
    d = p.contents
    n = 0
    a = d.addresses
    while a:
        n += 1
        a = a.contents.next
    compat.append([d.name.decode(), d.description and d.description.decode(), d.flags, n])
    p = d.next
libpcap.freealldevs(devs)
print(json.dumps({"native": native, "compat": compat}))
"""


def test_devices(ns: netns.Netns) -> None:
    ns.run(["ip", "link", "set", "lo", "up"])
    ns.run(["ip", "addr", "add", "10.9.8.1/24", "brd", "+", "dev", ns.a])
    ns.run(["ip", "link", "add", "vc0", "type", "veth", "peer", "name", "vd0"])
    env = child_env()
    proc = subprocess.run(ns.argv([sys.executable, "-c", _DEVICES_CHILD]), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=CHILD_TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    native, compat = res["native"], res["compat"]
    # the same list as the C API gives, in the same order
    assert [[d[0], d[1], d[2], len(d[3])] for d in native] == compat
    by_name = {d[0]: d for d in native}
    assert {"lo", "any", ns.a, ns.b, "vc0", "vd0"} <= set(by_name)
    PCAP_IF_LOOPBACK, PCAP_IF_UP, PCAP_IF_RUNNING = 1, 2, 4
    assert by_name["lo"][2] & PCAP_IF_LOOPBACK
    assert by_name[ns.a][2] & (PCAP_IF_UP | PCAP_IF_RUNNING) == PCAP_IF_UP | PCAP_IF_RUNNING
    assert not by_name["vc0"][2] & PCAP_IF_UP
    assert by_name["any"][1] == "Pseudo-device that captures on all interfaces"
    addrs = by_name[ns.a][3]
    assert [2, "10.9.8.1", "255.255.255.0", "10.9.8.255", None] in addrs
    assert [17, "02:00:00:00:00:0a", None, "ff:ff:ff:ff:ff:ff", None] in addrs
    assert [2, "127.0.0.1", "255.0.0.0", None, None] in by_name["lo"][3]
    d = libpcap.devices()[0]
    assert isinstance(d, libpcap.Device) and d.name == d[0]


# --------------------------------------------------------------------------
# Leaks


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_no_descriptor_or_memory_leaks(ns: netns.Netns) -> None:
    open_cap(ns, ns.b).close()
    with pytest.raises(PcapError):
        open_cap(ns, "nosuchdev0")
    gc.collect()
    fds = _fds()
    for i in range(30):
        cap = open_cap(ns, ns.b, filter=etype_filter(), fanout=(1000 + i, "hash"))
        if i % 2:
            cap.close()
        del cap                                  # dealloc closes the other half
        with pytest.raises(PcapError):
            open_cap(ns, "nosuchdev0")
        with pytest.raises(ValueError):
            open_cap(ns, ns.b, direction="up")
    gc.collect()
    assert _fds() == fds

    sender = open_cap(ns, ns.a)
    with open_cap(ns, ns.b, immediate=True) as cap, sender:
        batch = frames(200)

        def round_() -> None:
            for f in batch:
                sender.inject(f)
            got = read_n(cap, len(batch))
            assert len(got) == len(batch)
            cap.read_buffer(timeout=0)
            cap.stats()

        for _ in range(3):
            round_()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            for _ in range(15):
                round_()
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - base
        finally:
            tracemalloc.stop()
        assert grown < 64 * 1024, grown
