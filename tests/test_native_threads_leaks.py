"""The native API under threads and in long loops.

* GIL release: a Reader blocked on a FIFO that nobody has written yet, and a
  Writer blocked on a full FIFO that nobody drains yet, must let another
  thread run (that thread is the one that unblocks them).  Held GIL would
  deadlock, so these scenarios run in a child process with a timeout.
* A Reader being read by one thread rejects calls from another thread with
  RuntimeError instead of crashing.
* Leaks: every entry point, success and error paths, repeated many times:
  traced Python memory, open descriptors and reference counts must not grow.
No timing is asserted anywhere.
"""
from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
import textwrap
import threading
import tracemalloc
from pathlib import Path

import pytest

from libpcap import Packet, PcapError, Reader, Writer

import gen_captures as gen
from conftest import child_env

CHILD_TIMEOUT = 120


def pcap_bytes(n: int, size: int = 100, nano: bool = True) -> bytes:
    return gen.pcap_bytes([(1_000 + i, i, bytes([i & 0xFF]) * size, size) for i in range(n)], nano=nano)


def run_child(code: str, tmp_path: Path) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), str(tmp_path)],
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT, env=child_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


CHILD_PRELUDE = """
import os, struct, sys, threading, time
from libpcap import Reader, Writer, Packet

tmp = sys.argv[1]
WAIT = 60

def pcap_bytes(n, size=100):
    out = [struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1)]
    for i in range(n):
        out.append(struct.pack("<IIII", 1000 + i, i, size, size) + bytes([i & 0xFF]) * size)
    return b"".join(out)

def fail(msg):
    print(msg)
    os._exit(1)
"""


def test_reader_releases_the_gil_and_rejects_concurrent_calls(tmp_path):
    """A reader thread blocks in the core on a FIFO: the main thread (which
    needs the GIL) feeds it packet by packet, sees each one arrive before
    writing the next (no batching on pipes), and meanwhile finds the busy
    Reader refusing read() and close() with RuntimeError."""
    out = run_child(CHILD_PRELUDE + """
fifo = os.path.join(tmp, "fifo")
os.mkfifo(fifo)
got, errors = [], []
arrived = threading.Semaphore(0)
box = {}

def consume():
    try:
        r = Reader(fifo)           # blocks in open until the writer comes
        box["r"] = r
        for p in r:                # blocks in pcap_next_ex between packets
            got.append((p.ts_ns, p.data))
            arrived.release()
        arrived.release()
    except BaseException as e:
        errors.append(repr(e))
        arrived.release()

t = threading.Thread(target=consume, daemon=True)
t.start()
blob = pcap_bytes(5)
with open(fifo, "wb", buffering=0) as f:
    f.write(blob[:24])
    for i in range(5):
        rec = blob[24 + i * 116: 24 + (i + 1) * 116]
        f.write(rec)
        if not arrived.acquire(timeout=WAIT):
            fail("packet %d never arrived" % i)
        if len(got) != i + 1:
            fail("expected %d packets, got %d" % (i + 1, len(got)))
        if i == 2:
            # the reader thread goes back into the core, blocked on the pipe
            r = box["r"]
            deadline = time.monotonic() + WAIT
            while True:
                try:
                    if r.read(0) != []:
                        fail("read(0) returned packets")
                except RuntimeError:
                    break
                if time.monotonic() > deadline:
                    fail("the Reader never reported being busy")
                time.sleep(0.001)
            for call in (r.read, r.read_buffer, r.close, lambda: next(r)):
                try:
                    call()
                    fail("a concurrent call was accepted")
                except RuntimeError:
                    pass
t.join(WAIT)
if t.is_alive() or errors:
    fail("reader thread: alive=%s errors=%s" % (t.is_alive(), errors))
want = [((1000 + i) * 10**9 + i, bytes([i]) * 100) for i in range(5)]
if got != want:
    fail("wrong packets %r" % (got[:2],))
box["r"].close()
print("ok", len(got))
""", tmp_path)
    assert out.split() == ["ok", "5"]


@pytest.mark.parametrize("how", ["path", "fileobj"])
def test_writer_releases_the_gil_on_a_full_pipe(tmp_path, how):
    """The main thread writes 4 MB into a FIFO whose reader is a Python
    thread: the pipe fills long before the end, so every blocking write(2)
    must be done without the GIL or the reader could never drain it."""
    out = run_child(CHILD_PRELUDE + """
how = sys.argv[2] if len(sys.argv) > 2 else "path"
fifo = os.path.join(tmp, "fifo")
os.mkfifo(fifo)
N = 4000
got, errors = [], []

def consume():
    try:
        with Reader(fifo) as r:
            for p in r:
                got.append(p.caplen)
    except BaseException as e:
        errors.append(repr(e))

t = threading.Thread(target=consume, daemon=True)
t.start()
if how == "path":
    w = Writer(fifo, nanosecond=True)
    f = None
else:
    f = open(fifo, "wb")
    w = Writer(f, nanosecond=True)
payload = b"z" * 1000
for i in range(N):
    w.write_bytes(payload, i)
w.close()
if f is not None:
    f.close()
t.join(WAIT)
if t.is_alive() or errors:
    fail("reader thread: alive=%s errors=%s" % (t.is_alive(), errors))
if got != [1000] * N:
    fail("got %d packets" % len(got))
print("ok", len(got))
""".replace('how = sys.argv[2] if len(sys.argv) > 2 else "path"', f'how = "{how}"'), tmp_path)
    assert out.split() == ["ok", "4000"]


def test_threads_with_their_own_readers_all_read_correctly(tmp_path):
    path = tmp_path / "big.pcap"
    path.write_bytes(pcap_bytes(20_000, size=64))
    results = {}

    def work(k: int) -> None:
        total = 0
        with Reader(path) as r:
            for p in r:
                total += p.data[0] + p.ts_ns % 1000
        results[k] = total

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    want = sum((i & 0xFF) + i % 1000 for i in range(20_000))
    assert results == {k: want for k in range(4)}


def test_closing_from_another_thread_while_idle_is_safe(tmp_path):
    path = tmp_path / "c.pcap"
    path.write_bytes(pcap_bytes(1000))
    r = Reader(path)
    next(r)
    t = threading.Thread(target=r.close)
    t.start()
    t.join()
    with pytest.raises(ValueError):
        next(r)


# --------------------------------------------------------------------------
# Leaks


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def exercise(path: Path, bad: Path, out: Path) -> None:
    """One pass over every entry point, good and bad paths."""
    with Reader(path) as r:
        for p in r:
            p.ts_ns, p.data, p.caplen, p.wirelen, bytes(p), memoryview(p).tobytes(), repr(p)
    with open(path, "rb") as f, Reader(f) as r:
        r.read(3)
        r.read()
        r.read_buffer(5)
        r.read_buffer()
        r.linktype, r.snaplen, r.version, r.swapped, r.datalink_name, repr(r)
    with Reader(io.BytesIO(path.read_bytes())) as r:
        list(r)
    for src in (bad, str(bad) + ".missing", io.BytesIO(b"garbage" * 5)):
        try:
            Reader(src)
        except PcapError as e:
            e.message, e.code
    try:
        Reader(42)
    except TypeError:
        pass
    r = Reader(path)
    r.close()
    try:
        next(r)
    except ValueError:
        pass
    with Writer(out, nanosecond=True) as w:
        w.write(Packet(b"abc", 5))
        w.write_bytes(b"defg", 6, 10)
        w.write_many([Packet(b"h", 7)])
        w.flush()
    with Writer(out, append=True, nanosecond=True) as w:
        w.write_bytes(memoryview(b"ij"), 8)
    with open(out, "wb") as f, Writer(f) as w:
        w.write_bytes(b"k", 9)
    b = io.BytesIO()
    with Writer(b) as w:
        w.write_bytes(b"l", 10)
    try:
        Writer(io.BytesIO(), linktype=-7)
    except PcapError:
        pass
    try:
        Writer(out, append=True, nanosecond=True)  # precision differs
    except PcapError:
        pass
    w = Writer(io.BytesIO())
    try:
        w.write_bytes(b"x", -5)
    except OverflowError:
        pass
    w.close()
    p = Packet(bytearray(b"mn"), 2**70, 3)
    p.ts_ns, hash(p), p == Packet(b"mn", 2**70, 3)
    try:
        Packet("str")
    except TypeError:
        pass
    try:
        raise PcapError("x", -2)
    except PcapError:
        pass


def test_no_leaks_in_repeated_use(tmp_path):
    path = tmp_path / "l.pcap"
    path.write_bytes(pcap_bytes(10))
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(b"\x00" * 100)
    out = tmp_path / "o.pcap"
    for _ in range(100):  # warm caches, interned strings, free lists
        exercise(path, bad, out)
    gc.collect()
    fds = open_fds()
    refs = (sys.getrefcount(Packet), sys.getrefcount(Reader), sys.getrefcount(Writer),
            sys.getrefcount(PcapError))
    passes = 400
    tracemalloc.start()
    try:
        for _ in range(100):  # free lists refill under tracing
            exercise(path, bad, out)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(passes):
            exercise(path, bad, out)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # Any object leaked per pass is >= 32 bytes; what free lists still keep
    # growing by after the warm-up stays far below 16 bytes per pass.
    assert after - before < passes * 16, after - before
    assert open_fds() == fds
    assert (sys.getrefcount(Packet), sys.getrefcount(Reader), sys.getrefcount(Writer),
            sys.getrefcount(PcapError)) == refs


def test_source_objects_are_not_leaked(tmp_path):
    path = tmp_path / "s.pcap"
    blob = pcap_bytes(10)
    path.write_bytes(blob)
    data = io.BytesIO(blob)
    with open(path, "rb") as f:
        before = (sys.getrefcount(data), sys.getrefcount(f))
        for _ in range(200):
            data.seek(0)
            f.seek(0)
            with Reader(data) as r:
                list(r)
            with Reader(f) as r:
                r.read(2)
        target = io.BytesIO()
        tb = sys.getrefcount(target)
        for _ in range(200):
            w = Writer(target)
            w.write_bytes(b"x", 1)
            w.close()
        assert sys.getrefcount(target) == tb
        assert (sys.getrefcount(data), sys.getrefcount(f)) == before


def test_unclosed_handles_are_freed(tmp_path):
    """Dropping open Readers and Writers (no close) releases their files."""
    path = tmp_path / "u.pcap"
    path.write_bytes(pcap_bytes(5))
    gc.collect()
    fds = open_fds()
    for _ in range(200):
        r = Reader(path)
        next(r)
        del r
        w = Writer(tmp_path / "u2.pcap")
        w.write_bytes(b"x", 1)
        del w
    gc.collect()
    assert open_fds() == fds
    assert [p.data for p in Reader(tmp_path / "u2.pcap")] == [b"x"]


def test_ctrl_c_interrupts_a_reader_blocked_on_a_pipe(tmp_path):
    """SIGINT while the main thread waits in the core for the next packet
    comes out as KeyboardInterrupt, not as an I/O error (and not a hang)."""
    out = run_child(CHILD_PRELUDE + """
import signal
fifo = os.path.join(tmp, "fifo")
os.mkfifo(fifo)

def feeder():
    with open(fifo, "wb") as f:
        f.write(pcap_bytes(1))
        f.flush()
        time.sleep(0.3)  # let the main thread block on the second packet
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(WAIT)

threading.Thread(target=feeder, daemon=True).start()
n = 0
try:
    for p in Reader(fifo):
        n += 1
    print("ended", n)
except KeyboardInterrupt:
    print("interrupted", n)
""", tmp_path)
    assert out.split() == ["interrupted", "1"]


def test_reader_from_a_pipe_file_object(tmp_path):
    blob = pcap_bytes(300, size=500)  # more than a pipe buffer
    rfd, wfd = os.pipe()

    def feed() -> None:
        with os.fdopen(wfd, "wb") as f:
            f.write(blob)

    t = threading.Thread(target=feed)
    t.start()
    with os.fdopen(rfd, "rb") as f:  # tell() fails on a pipe: read from where it is
        with Reader(f) as r:
            got = [(p.ts_ns, p.data[0], p.caplen) for p in r]
    t.join()
    assert got == [((1_000 + i) * 10**9 + i, i & 0xFF, 500) for i in range(300)]
