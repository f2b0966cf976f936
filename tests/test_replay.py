"""The replay capture source ("replay[,opt=val]*:PATH"): a savefile played
back as a live capture.  Checked through the compatibility layer (the C
API's open_live, next_ex, dispatch, loop, breakloop from a thread and from
a callback, non-blocking mode, the selectable descriptor with select(),
stats, a compiled filter, time-outs), the native API (iteration, read,
read_buffer, stop and close from a thread, set_filter, stats, pacing at
speed=1), the command-line tool, and the error messages.  Packets are the
savefile's bytes, as the savefile reader reads them.

None of it needs root or a network; the timing checks assert lower bounds
only.
"""
from __future__ import annotations

import ctypes as ct
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from _livetools import frames
from conftest import child_env

import libpcap
import libpcap as pcap
from libpcap import Capture, PcapError

NS = 10**9
GENEROUS = 5.0
T0 = 1_700_000_000 * NS


def write_file(path: Path, data: List[bytes], gap_ns: int = 0, nano: bool = True) -> Path:
    with libpcap.Writer(str(path), nanosecond=nano) as w:
        for i, f in enumerate(data):
            w.write_bytes(f, T0 + i * gap_ns + i * 1000 + 7)
    return path


def read_file(path: Path) -> List[Tuple[int, bytes, int]]:
    with libpcap.Reader(str(path)) as r:
        return [(p.ts_ns, p.data, p.wirelen) for p in r]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_file(tmp_path / "s.pcap", frames(20))


def errbuf() -> Any:
    return ct.create_string_buffer(pcap.PCAP_ERRBUF_SIZE)


def open_live(name: str, snaplen: int = 65535, to_ms: int = 100) -> Any:
    err = errbuf()
    pd = pcap.open_live(name.encode(), snaplen, 0, to_ms, err)
    assert pd, err.value
    return pd


# --------------------------------------------------------------------------
# The C API through the compatibility layer


def test_next_ex_same_bytes_then_timeouts(sample: Path) -> None:
    want = read_file(sample)
    pd = open_live(f"replay:{sample}", to_ms=50)
    assert pcap.datalink(pd) == 1 and pcap.snapshot(pd) == 65535
    assert not pcap.file(pd)                      # a live handle, not a savefile
    hdr = ct.POINTER(pcap.pkthdr)()
    data = ct.POINTER(ct.c_ubyte)()
    got = []
    for _ in want:
        assert pcap.next_ex(pd, ct.byref(hdr), ct.byref(data)) == 1
        h = hdr[0]
        got.append((h.ts.tv_sec * NS + h.ts.tv_usec * 1000, ct.string_at(data, h.caplen), h.len))
    # microseconds, as asked (the default precision)
    assert got == [(ts // 1000 * 1000, d, n) for ts, d, n in want]
    # the end is an idle interface: a time-out after to_ms, never -2
    for _ in range(2):
        t0 = time.monotonic()
        assert pcap.next_ex(pd, ct.byref(hdr), ct.byref(data)) == 0
        assert time.monotonic() - t0 >= 0.045
    st = pcap.stat()
    assert pcap.stats(pd, ct.byref(st)) == 0
    assert (st.ps_recv, st.ps_drop, st.ps_ifdrop) == (20, 0, 0)
    pcap.close(pd)


def test_snaplen_cuts_like_a_capture(sample: Path) -> None:
    pd = open_live(f"replay:{sample}", snaplen=64)
    assert pcap.snapshot(pd) == 64
    seen: List[Tuple[int, int]] = []

    @pcap.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        seen.append((hdr[0].caplen, hdr[0].len))

    assert pcap.dispatch(pd, -1, cb, None) == 20
    assert seen == [(min(64, len(f)), len(f)) for f in frames(20)]
    pcap.close(pd)


def test_dispatch_loop_and_filter(sample: Path) -> None:
    pd = open_live(f"replay:{sample}")
    prog = pcap.bpf_program()
    # frames carry their number in bytes 14..17: keep the even ones
    assert pcap.compile(pd, ct.byref(prog), b"ether[17] & 1 = 0", 1, 0) == 0
    assert pcap.setfilter(pd, ct.byref(prog)) == 0
    pcap.freecode(ct.byref(prog))
    got: List[bytes] = []

    @pcap.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        got.append(ct.string_at(data, hdr[0].caplen))

    assert pcap.dispatch(pd, 3, cb, None) == 3
    assert pcap.loop(pd, 7, cb, None) == 0
    assert got == frames(20)[::2]
    st = pcap.stat()
    assert pcap.stats(pd, ct.byref(st)) == 0
    assert st.ps_recv == 10                       # what the filter passed
    assert pcap.dispatch(pd, -1, cb, None) == 0    # time-out at the end
    pcap.close(pd)


@pytest.mark.parametrize("func", ["loop", "dispatch"])
def test_breakloop_from_thread_at_the_end(sample: Path, func: str) -> None:
    pd = open_live(f"replay:{sample}", to_ms=0)
    n = [0]

    @pcap.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        n[0] += 1

    assert pcap.dispatch(pd, -1, cb, None) == 20
    box: dict = {}

    def later() -> None:
        time.sleep(0.3)
        box["t"] = time.monotonic()
        pcap.breakloop(pd)

    t = threading.Thread(target=later)
    t.start()
    rc = getattr(pcap, func)(pd, -1, cb, None)
    t.join()
    assert rc == pcap.PCAP_ERROR_BREAK
    assert time.monotonic() - box["t"] < GENEROUS
    pcap.close(pd)


def test_breakloop_from_callback(sample: Path) -> None:
    pd = open_live(f"replay:{sample}")
    n = [0]

    @pcap.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        n[0] += 1
        if n[0] == 5:
            pcap.breakloop(pd)

    assert pcap.loop(pd, -1, cb, None) == pcap.PCAP_ERROR_BREAK
    assert n[0] == 5
    # the rest is still there
    assert pcap.loop(pd, 15, cb, None) == 0
    assert n[0] == 20
    pcap.close(pd)


def test_nonblock_and_select_with_pacing(tmp_path: Path) -> None:
    path = write_file(tmp_path / "p.pcap", frames(4), gap_ns=NS // 10)
    pd = open_live(f"replay,speed=1:{path}", to_ms=1000)
    err = errbuf()
    assert pcap.setnonblock(pd, 1, err) == 0
    assert pcap.getnonblock(pd, err) == 1
    fd = pcap.get_selectable_fd(pd)
    assert fd >= 0 and fd == pcap.fileno(pd)
    assert not pcap.get_required_select_timeout(pd)
    got: List[float] = []
    start = time.monotonic()

    @pcap.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        got.append(time.monotonic() - start)

    end = start + 10
    while len(got) < 4 and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 1.0)
        if r:
            # readable means a packet is due: a non-blocking read gets it
            assert pcap.dispatch(pd, -1, cb, None) >= 1
    assert len(got) == 4
    for i, t in enumerate(got):
        assert t >= i * 0.1 - 0.01                 # never early
    # idle now: not readable, and a non-blocking read returns at once
    assert select.select([fd], [], [], 0.1)[0] == []
    t0 = time.monotonic()
    assert pcap.dispatch(pd, -1, cb, None) == 0
    assert time.monotonic() - t0 < 0.5
    pcap.close(pd)


def test_inject_direction_datalink(sample: Path) -> None:
    pd = open_live(f"replay:{sample}")
    assert pcap.sendpacket(pd, (ct.c_ubyte * 60)(), 60) == -1
    assert pcap.geterr(pd) == b"Sending packets isn't supported on replay devices"
    assert pcap.inject(pd, b"x" * 60, 60) == -1
    assert pcap.setdirection(pd, pcap.PCAP_D_IN) == -1
    assert b"not supported on replay devices" in pcap.geterr(pd)
    assert pcap.setdirection(pd, pcap.PCAP_D_INOUT) == 0
    dlts = ct.POINTER(ct.c_int)()
    n = pcap.list_datalinks(pd, ct.byref(dlts))
    assert [dlts[i] for i in range(n)] == [1]
    pcap.free_datalinks(dlts)
    assert pcap.set_datalink(pd, 1) == 0
    assert pcap.set_datalink(pd, 12) == -1
    pcap.close(pd)


def test_create_setters_and_precision(sample: Path) -> None:
    err = errbuf()
    pd = pcap.create(f"replay:{sample}".encode(), err)
    assert pd, err.value
    for rc in (pcap.set_snaplen(pd, 100), pcap.set_promisc(pd, 1), pcap.set_timeout(pd, 10),
               pcap.set_immediate_mode(pd, 1), pcap.set_buffer_size(pd, 1 << 20),
               pcap.set_tstamp_precision(pd, pcap.PCAP_TSTAMP_PRECISION_NANO)):
        assert rc == 0
    assert pcap.activate(pd) == 0
    assert pcap.get_tstamp_precision(pd) == pcap.PCAP_TSTAMP_PRECISION_NANO
    hdr = ct.POINTER(pcap.pkthdr)()
    data = ct.POINTER(ct.c_ubyte)()
    assert pcap.next_ex(pd, ct.byref(hdr), ct.byref(data)) == 1
    assert hdr[0].ts.tv_sec * NS + hdr[0].ts.tv_usec == read_file(sample)[0][0]
    pcap.close(pd)


def test_not_in_findalldevs() -> None:
    assert not any(d.name.startswith("replay") for d in libpcap.devices())


@pytest.mark.parametrize("name, code, text", [
    ("replay,foo=1:{f}", -1, 'replay: unknown option "foo" (known: speed=, loop=, ts=)'),
    ("replay,speed=fast:{f}", -1, 'replay: bad value "fast" for speed'),
    ("replay,loop=-2:{f}", -1, 'replay: bad value "-2" for loop'),
    ("replay,ts=later:{f}", -1, 'replay: bad value "later" for ts'),
    ("replay,speed:{f}", -1, 'replay: option "speed" needs a value'),
    ("replay:", -1, 'replay: no file named after "replay:"'),
    ("replay:{d}/missing.pcap", pcap.PCAP_ERROR_NO_SUCH_DEVICE,
     "replay: {d}/missing.pcap: No such file or directory"),
    ("replay:{d}/junk", -1, "replay: {d}/junk: unknown file format"),
    ("replay:{d}/short", -1, "replay: {d}/short: truncated dump file"),
])
def test_errors(tmp_path: Path, sample: Path, name: str, code: int, text: str) -> None:
    (tmp_path / "junk").write_bytes(b"this is not a capture file at all")
    (tmp_path / "short").write_bytes(b"\xd4\xc3")
    dev = name.format(f=sample, d=tmp_path)
    text = text.format(d=tmp_path)
    err = errbuf()
    pd = pcap.create(dev.encode(), err)
    assert pd, err.value                         # refused at activation only
    assert pcap.activate(pd) == code
    assert pcap.geterr(pd).decode().startswith(text)
    pcap.close(pd)
    # pcap_open_live composes its message like libpcap
    err = errbuf()
    assert not pcap.open_live(dev.encode(), 100, 0, 100, err)
    assert err.value.decode().startswith(f"{dev}: ")
    # the native API raises the same text
    with pytest.raises(PcapError) as ei:
        Capture(dev)
    assert text in str(ei.value)


def test_damaged_file_after_good_packets(tmp_path: Path, sample: Path) -> None:
    raw = sample.read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(raw[:-10])                   # the last record is cut short
    pd = open_live(f"replay:{cut}")
    got: List[int] = []

    @pcap.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        got.append(hdr[0].caplen)

    rc = 0
    for _ in range(5):
        rc = pcap.dispatch(pd, -1, cb, None)
        if rc < 0:
            break
    assert rc == -1 and len(got) == 19
    assert b"truncated" in pcap.geterr(pd)
    pcap.close(pd)


# --------------------------------------------------------------------------
# The native API


def test_native_iteration_read_and_buffer(sample: Path) -> None:
    want = read_file(sample)
    with Capture(f"replay:{sample}", timeout_ms=50) as cap:
        assert cap.datalink == 1 and cap.datalinks == [1] and cap.nanosecond
        it = iter(cap)
        got = [next(it) for _ in range(5)]
        got += cap.read(5)
        data, idx = cap.read_buffer(timeout=1)
        for i in range(len(idx) // 4):
            ts, caplen, wirelen, off = idx[4 * i:4 * i + 4]
            got.append(libpcap.Packet(data[off:off + caplen], ts, wirelen))
        assert [(p.ts_ns, p.data, p.wirelen) for p in got] == want
        t0 = time.monotonic()
        assert cap.read(timeout=0.2) == []
        assert time.monotonic() - t0 >= 0.19
        assert cap.stats() == (20, 0, 0)


def test_native_filter_and_loop_option(sample: Path) -> None:
    with Capture(f"replay,loop=3:{sample}", filter="ether[17] & 1 = 1") as cap:
        got = [p.data for p in cap.read(30, timeout=5)]
        while len(got) < 30:
            batch = cap.read(timeout=5)
            assert batch
            got += [p.data for p in batch]
        assert got == frames(20)[1::2] * 3
        assert cap.read(timeout=0.1) == []
        cap.set_filter(None)
        assert cap.stats().recv == 30


@pytest.mark.parametrize("end", ["stop", "close"])
def test_native_stop_close_from_thread(sample: Path, end: str) -> None:
    cap = Capture(f"replay:{sample}", timeout_ms=0)
    assert len(cap.read(20, timeout=5)) == 20
    box: dict = {}

    def later() -> None:
        time.sleep(0.3)
        box["t"] = time.monotonic()
        getattr(cap, end)()

    t = threading.Thread(target=later)
    t.start()
    assert list(cap) == []
    t.join()
    assert time.monotonic() - box["t"] < GENEROUS
    assert cap.closed == (end == "close")
    cap.close()


def test_native_pacing_lower_bounds(tmp_path: Path) -> None:
    gap = 50_000_000                             # 50 ms between records
    path = write_file(tmp_path / "paced.pcap", frames(5), gap_ns=gap)
    want = read_file(path)
    with Capture(f"replay,speed=1:{path}") as cap:
        start = time.monotonic_ns()
        got = []
        for pkt in cap:
            got.append((pkt, time.monotonic_ns() - start))
            if len(got) == 5:
                break
    assert [(p.ts_ns, p.data) for p, _ in got] == [(t, d) for t, d, _ in want]
    for p, at in got:
        # never earlier than its offset from the first record
        assert at >= (p.ts_ns - want[0][0]) - 2_000_000
    # twice the pace: half the gaps, still never earlier
    with Capture(f"replay,speed=2:{path}") as cap:
        start = time.monotonic_ns()
        n = 0
        for pkt in cap:
            n += 1
            if n == 5:
                break
        assert time.monotonic_ns() - start >= 4 * gap // 2 - 2_000_000


def test_native_ts_now(sample: Path) -> None:
    before = time.time_ns()
    with Capture(f"replay,ts=now:{sample}") as cap:
        got = cap.read(20, timeout=5)
    after = time.time_ns()
    assert [p.data for p in got] == frames(20)
    assert all(before <= p.ts_ns <= after for p in got)


def test_native_nonblock_and_inject(sample: Path) -> None:
    with Capture(f"replay:{sample}") as cap:
        cap.set_nonblock(True)
        assert len(cap.read()) == 20
        t0 = time.monotonic()
        assert cap.read() == []
        assert time.monotonic() - t0 < GENEROUS / 5
        with pytest.raises(PcapError) as ei:
            cap.inject(b"\0" * 60)
        assert str(ei.value) == "Sending packets isn't supported on replay devices"
        with pytest.raises(PcapError):
            cap.set_direction("in")


# --------------------------------------------------------------------------
# The command-line tool


def test_cli_writes_the_same_packets(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pcap"
    proc = subprocess.run([sys.executable, "-m", "libpcap", "-i", f"replay:{sample}", "-c", "20",
                           "-w", str(out)], capture_output=True, text=True, env=child_env(),
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "20 packets captured" in proc.stderr
    # the same bytes; microsecond stamps as the tool writes by default
    assert [(t // 1000, d, n) for t, d, n in read_file(out)] == \
           [(t // 1000, d, n) for t, d, n in read_file(sample)]


def test_cli_bad_option(sample: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "libpcap", "-i", f"replay,speed=x:{sample}",
                           "-c", "1"], capture_output=True, text=True, env=child_env(),
                          timeout=60)
    assert proc.returncode != 0
    assert 'replay: bad value "x" for speed' in proc.stderr


def test_empty_file_forever_is_idle(tmp_path: Path) -> None:
    path = write_file(tmp_path / "empty.pcap", [])
    with Capture(f"replay,loop=0:{path}", timeout_ms=50) as cap:
        t0 = time.monotonic()
        assert cap.read(timeout=0.2) == []
        assert time.monotonic() - t0 >= 0.19
    pd = open_live(f"replay,loop=0:{path}", to_ms=50)
    hdr = ct.POINTER(pcap.pkthdr)()
    data = ct.POINTER(ct.c_ubyte)()
    assert pcap.next_ex(pd, ct.byref(hdr), ct.byref(data)) == 0
    pcap.close(pd)


def test_fifo_records_are_due_as_they_arrive(tmp_path: Path) -> None:
    from replaynet import ReplayNet

    with ReplayNet() as net:
        net.prepare_open()
        cap = Capture(net.b, timeout_ms=50)
        with cap:
            assert cap.read(timeout=0.1) == []
            r, _, _ = select.select([cap.fileno()], [], [], 0.05)
            assert r == []                        # nothing there: not readable
            net.send(net.a, frames(3))
            r, _, _ = select.select([cap.fileno()], [], [], 5)
            assert r                              # readable once a record is in
            got = cap.read(3, timeout=5)
            while len(got) < 3:
                got += cap.read(timeout=5)
            assert [p.data for p in got] == frames(3)
