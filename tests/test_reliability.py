"""Reliability of the native API under hostile use (issue 9): each test
here failed before its fix.

* a Reader over a pipe: handled signals do not end a blocked read (PEP
  475), Ctrl-C raises KeyboardInterrupt and nothing else, a non-blocking
  descriptor is waited for;
* file objects whose descriptor is not the bytes they move (gzip, bz2,
  lzma; a buffered pipe after peek()) go through read()/write();
* the compatibility layer fails the libpcap way (PCAP_ERROR, an error
  text, NULL) on NULL or closed handles and NULL out-arguments, instead of
  crashing the interpreter; closing a handle from its own callback is
  deferred to the end of the loop;
* the Writer cuts packets to its snaplen (wire length kept);
* read_buffer() and iteration give the same time stamps (a pcapng
  if_tsoffset can put a packet before 1970: ts_ns < 0), and a time stamp
  that the index cannot hold raises PcapError once, consuming the packet,
  instead of OverflowError on every call.
"""
from __future__ import annotations

import io
import os
import signal
import threading

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


# ---- file objects whose descriptor is not the bytes they move --------------

@pytest.mark.parametrize("module", ["gzip", "bz2", "lzma"])
def test_compressed_file_objects_round_trip(tmp_path, module: str) -> None:
    """gzip/bz2/lzma files answer fileno() with the compressed file's
    descriptor: writing raw pcap bytes there corrupted the file silently,
    and reading failed with "unknown file format".  They go through
    write()/read() now."""
    import importlib
    mod = importlib.import_module(module)
    path = tmp_path / f"c.pcap.{module}"
    with mod.open(path, "wb") as f, libpcap.Writer(f) as w:
        w.write(libpcap.Packet(b"A" * 60))
        w.write(libpcap.Packet(b"B" * 70, ts_ns=5))
    with mod.open(path, "rb") as f:
        raw = f.read()
    assert raw[:4] == b"\xd4\xc3\xb2\xa1"          # a pcap file, once decompressed
    with mod.open(path, "rb") as f, Reader(f) as r:
        assert [bytes(p.data) for p in r] == [b"A" * 60, b"B" * 70]


def test_buffered_pipe_after_peek_loses_nothing() -> None:
    """A Reader over subprocess stdout after peek(): the bytes already in
    the object's buffer were skipped (the descriptor was read instead)."""
    import subprocess
    import sys
    buf = io.BytesIO()
    with libpcap.Writer(buf) as w:
        for i in range(5):
            w.write(libpcap.Packet(bytes([i]) * 50))
    proc = subprocess.Popen([sys.executable, "-c",
                             "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read())"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(buf.getvalue())
    proc.stdin.close()
    assert proc.stdout.peek(24)[:4] == b"\xd4\xc3\xb2\xa1"
    with Reader(proc.stdout) as r:
        assert [bytes(p.data)[0] for p in r] == [0, 1, 2, 3, 4]
    proc.wait()


def test_plain_files_still_use_the_descriptor(tmp_path) -> None:
    """open(path, "rb") after a read: the descriptor is used from tell()."""
    path = tmp_path / "p.pcap"
    with libpcap.Writer(str(path)) as w:
        w.write(libpcap.Packet(b"x" * 30))
    junk = b"junk"
    data = path.read_bytes()
    path.write_bytes(junk + data)
    with open(path, "rb") as f:
        f.read(4)
        with Reader(f) as r:
            assert [bytes(p.data) for p in r] == [b"x" * 30]


# ---- blocking reads: signals and non-blocking descriptors ---------------------

def _capture(n: int, size: int = 100) -> bytes:
    buf = io.BytesIO()
    with libpcap.Writer(buf) as w:
        for i in range(n):
            w.write(libpcap.Packet(bytes([i]) * size))
    return buf.getvalue()


def _feed(fd: int, data: bytes, step: int, pause: float, each=None) -> threading.Thread:
    import time

    def run() -> None:
        try:
            for i in range(0, len(data), step):
                os.write(fd, data[i:i + step])
                time.sleep(pause)
                if each is not None:
                    each()
        finally:
            os.close(fd)
    t = threading.Thread(target=run)
    t.start()
    return t


def test_handled_signals_do_not_break_a_blocked_read() -> None:
    """PEP 475: a signal whose handler returns only delays the read (it
    used to end it with "Interrupted system call", then "Success")."""
    data = _capture(20)
    rfd, wfd = os.pipe()
    hits: list = []
    old = signal.signal(signal.SIGUSR1, lambda *a: hits.append(1))
    main = threading.get_ident()
    try:
        t = _feed(wfd, data, 50, 0.005, lambda: signal.pthread_kill(main, signal.SIGUSR1))
        with Reader(os.fdopen(rfd, "rb", buffering=0)) as r:
            got = [bytes(p.data)[0] for p in r]
        t.join()
    finally:
        signal.signal(signal.SIGUSR1, old)
    assert got == list(range(20))
    assert len(hits) > 10


def test_ctrl_c_raises_keyboard_interrupt_only() -> None:
    data = _capture(3)
    rfd, wfd = os.pipe()
    main = threading.get_ident()
    os.write(wfd, data[:60])                       # header and part of a record

    def interrupt() -> None:
        import time
        time.sleep(0.3)
        signal.pthread_kill(main, signal.SIGINT)
        time.sleep(0.3)
        os.close(wfd)
    t = threading.Thread(target=interrupt)
    t.start()
    with pytest.raises(KeyboardInterrupt):
        with Reader(os.fdopen(rfd, "rb", buffering=0)) as r:
            for _ in r:
                pass
    t.join()


def test_non_blocking_descriptor_is_waited_for() -> None:
    """EAGAIN in the middle of a record used to end the read with
    "Resource temporarily unavailable" (or desynchronise the stream)."""
    data = _capture(50)
    rfd, wfd = os.pipe()
    os.set_blocking(rfd, False)
    t = _feed(wfd, data, 37, 0.001)
    with Reader(os.fdopen(rfd, "rb", buffering=0)) as r:
        got = [bytes(p.data)[0] for p in r]
    t.join()
    assert got == list(range(50))


def test_stream_objects_hand_over_packets_as_they_arrive() -> None:
    """A file object without a usable descriptor (here a buffered pipe) is
    read as a stream: the first packet comes before the writer is done
    (it used to be read whole, waiting for the end)."""
    data = _capture(3)
    rfd, wfd = os.pipe()
    first = 24 + 16 + 100
    os.write(wfd, data[:first])
    with os.fdopen(rfd, "rb") as f:
        f.peek(1)                                  # bytes in its buffer
        with Reader(f) as r:
            assert bytes(next(r).data) == b"\x00" * 100
            os.write(wfd, data[first:])
            os.close(wfd)
            assert [bytes(p.data)[0] for p in r] == [1, 2]


def test_object_read_errors_come_out_as_raised() -> None:
    class Failing(io.RawIOBase):
        def __init__(self, blob: bytes) -> None:
            self.blob = blob

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:
            if not self.blob:
                raise ConnectionResetError("peer went away")
            n = min(len(b), len(self.blob), 30)
            b[:n] = self.blob[:n]
            self.blob = self.blob[n:]
            return n
    with Reader(Failing(_capture(2)[:150])) as r:
        with pytest.raises(ConnectionResetError, match="peer went away"):
            list(r)


def test_close_from_another_thread_ends_a_blocked_read() -> None:
    """Reader.close() while another thread waits for a pipe (in the middle
    of a record): the wait ends at once, the reading thread sees the end,
    and the Reader is closed (it used to raise "in use")."""
    data = _capture(3)
    rfd, wfd = os.pipe()
    os.write(wfd, data[:24 + 16 + 100 + 10])       # a packet, then part of one
    r = Reader(os.fdopen(rfd, "rb", buffering=0))
    got: list = []
    errors: list = []

    def read() -> None:
        try:
            for p in r:
                got.append(bytes(p.data)[0])
        except Exception as exc:                   # reported below
            errors.append(exc)
    t = threading.Thread(target=read)
    t.start()
    try:
        import time
        time.sleep(0.3)
        assert t.is_alive()                        # blocked in the second record
        r.close()
        t.join(5)
        assert not t.is_alive()
        assert got == [0] and not errors
        assert r.closed
        with pytest.raises(ValueError):
            next(r)
    finally:
        os.close(wfd)


# ---- the Writer never writes what cannot be read back ------------------------

def test_writer_cuts_packets_to_snaplen_and_keeps_the_file_readable(tmp_path) -> None:
    """One 300,000-byte packet made every later record unreadable (past
    libpcap's 262,144-byte maximum), and packets between snaplen and that
    were cut on reading only.  The Writer now stores what a capture with
    its snapshot length would: caplen <= snaplen, wire length kept."""
    path = tmp_path / "big.pcap"
    with libpcap.Writer(str(path), snaplen=1_000_000) as w:
        assert w.snaplen == 262144                  # lowered to what readers take
        w.write(libpcap.Packet(b"A" * 300_000))
        w.write(libpcap.Packet(b"B" * 60))
    with Reader(str(path)) as r:
        assert r.snaplen == 262144
        assert [(p.caplen, p.wirelen, bytes(p.data)[:1]) for p in r] == [
            (262144, 300000, b"A"), (60, 60, b"B")]
    with libpcap.Writer(str(path), snaplen=100) as w:
        w.write_bytes(b"C" * 150, 0)
        w.write_bytes(b"D" * 50, 0, 70)
        w.write(libpcap.Packet(b"E" * 120, wirelen=400))
    with Reader(str(path)) as r:
        assert [(p.caplen, p.wirelen) for p in r] == [(100, 150), (50, 70), (100, 400)]
    # and libpcap reads it whole too (the compatibility layer's pcap_next_ex)
    import ctypes as ct
    err = ct.create_string_buffer(libpcap.PCAP_ERRBUF_SIZE)
    pd = libpcap.open_offline(str(path).encode(), err)
    hdr = ct.POINTER(libpcap.pkthdr)()
    data = ct.POINTER(ct.c_ubyte)()
    n = 0
    while libpcap.next_ex(pd, ct.byref(hdr), ct.byref(data)) == 1:
        n += 1
    libpcap.close(pd)
    assert n == 3


# ---- the compatibility layer cannot crash the interpreter ---------------------

# Each case runs in a child interpreter: before the fix each one died of
# SIGSEGV.  The child prints what the call returned.
_MISUSE = {
    "next_ex after close": (
        "h = L.open_dead(1, 65535); L.close(h)\n"
        "hdr = ct.POINTER(L.pkthdr)(); data = ct.POINTER(ct.c_ubyte)()\n"
        "print(L.next_ex(h, ct.byref(hdr), ct.byref(data)))", "-1"),
    "loop after close": (
        "h = L.open_dead(1, 65535); L.close(h)\n"
        "print(L.loop(h, 1, L.pcap_handler(lambda u, hh, d: None), None))", "-1"),
    "close inside its own callback": (
        "import libpcap, tempfile, os\n"
        "path = os.path.join(tempfile.mkdtemp(), 'cb.pcap')\n"
        "with libpcap.Writer(path) as w:\n"
        "    for i in range(5): w.write(libpcap.Packet(bytes([i]) * 40))\n"
        "h = L.open_offline(path.encode(), err)\n"
        "seen = []\n"
        "def cb(u, hh, d):\n"
        "    seen.append(1); L.close(h); L.close(h)\n"
        "c = L.pcap_handler(cb)\n"
        "print(L.loop(h, -1, c, None), len(seen), L.datalink(h))", "-2 1 -1"),
    "geterr(None)": ("print(L.geterr(None).decode())",
                     "not an open pcap_t (NULL, or closed already)"),
    "datalink(None)": ("print(L.datalink(None), L.snapshot(None), L.fileno(None))", "-1 -1 -1"),
    "stats(None, ...)": ("st = L.stat(); print(L.stats(None, ct.byref(st)))", "-1"),
    "stats(h, None)": ("h = L.open_dead(1, 100); print(L.stats(h, None)); L.close(h)", "-1"),
    "dump_flush(None)": ("print(L.dump_flush(None), L.dump_ftell(None))", "-1 -1"),
    "freecode(None)": ("print(L.freecode(None))", "None"),
    "findalldevs(None, err)": ("print(L.findalldevs(None, err), err.value.decode())",
                               "-1 pcap_findalldevs: a NULL pointer was passed for the list"),
    "next_ex(h, None, None)": ("h = L.open_dead(1, 100); print(L.next_ex(h, None, None)); L.close(h)",
                               "-1"),
    "open_offline(missing, None)": ("print(bool(L.open_offline(b'/nonexistent/x.pcap', None)))",
                                    "False"),
    "open_live(bad, ..., None)": ("print(bool(L.open_live(b'nosuchif0', 100, 0, 10, None)))",
                                  "False"),
    "bf_len past its array": (
        "import libpcap, tempfile, os\n"
        "path = os.path.join(tempfile.mkdtemp(), 'one.pcap')\n"
        "with libpcap.Writer(path) as w: w.write(libpcap.Packet(b'x' * 60))\n"
        "h = L.open_offline(path.encode(), err)\n"
        "arr = (L.bpf_insn * 1)(L.bpf_insn(6, 0, 0, 65535))\n"
        "prog = L.bpf_program(10**7, ct.cast(arr, ct.POINTER(L.bpf_insn)))\n"
        "hdr = L.pkthdr(); hdr.caplen = hdr.len = 4\n"
        "print(L.setfilter(h, ct.byref(prog)), L.setfilter(h, prog),\n"
        "      L.offline_filter(ct.byref(prog), ct.byref(hdr), (ct.c_ubyte * 4)()))\n"
        "prog.bf_len = 1; print(L.setfilter(h, ct.byref(prog)))", "-1 -1 0\n0"),
    "NULL program, header, callback, instruction": (
        "h = L.open_dead(1, 100)\n"
        "print(L.compile(h, None, b'tcp', 1, 0), L.compile_nopcap(100, 1, None, b'tcp', 1, 0),\n"
        "      bool(L.next(h, None)), L.bpf_image(None, 0).decode())\n"
        "import libpcap, tempfile, os\n"
        "path = os.path.join(tempfile.mkdtemp(), 'one.pcap')\n"
        "with libpcap.Writer(path) as w:\n"
        "    for i in range(2): w.write(libpcap.Packet(b'x' * 60))\n"
        "r = L.open_offline(path.encode(), err)\n"
        "print(L.dispatch(r, 1, L.pcap_handler(), None), L.loop(r, 1, L.pcap_handler(), None))",
        "-1 -1 False (000) (no instruction)\n-1 -1"),
    "setfilter/compile on closed": (
        "h = L.open_dead(1, 100); L.close(h); p = L.bpf_program()\n"
        "print(L.compile(h, ct.byref(p), b'tcp', 1, 0), L.setfilter(h, ct.byref(p)))", "-1 -1"),
}


@pytest.mark.parametrize("case", sorted(_MISUSE))
def test_compat_misuse_fails_the_libpcap_way(case: str) -> None:
    import subprocess
    import sys
    from conftest import child_env
    body, expected = _MISUSE[case]
    code = ("import ctypes as ct, libpcap as L\n"
            "err = ct.create_string_buffer(L.PCAP_ERRBUF_SIZE)\n" + body)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=child_env(), timeout=60)
    assert proc.returncode == 0, (case, proc.returncode, proc.stderr[-2000:])
    assert proc.stdout.strip() == expected, (case, proc.stdout)


# ---- smaller ones ------------------------------------------------------------

def test_file_object_opened_the_other_way_fails_at_once(tmp_path) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(_capture(1))
    with open(path, "rb") as f:
        with pytest.raises(io.UnsupportedOperation, match="not open for writing"):
            libpcap.Writer(f)
    with open(tmp_path / "y.pcap", "wb") as f:
        with pytest.raises(io.UnsupportedOperation, match="not open for reading"):
            Reader(f)


def test_bytes_holding_a_capture_get_a_clear_error() -> None:
    with pytest.raises(ValueError, match="io.BytesIO"):
        Reader(_capture(1))


def test_cli_count_and_closed_stdout() -> None:
    import subprocess
    import sys
    from conftest import child_env
    big = subprocess.run([sys.executable, "-m", "libpcap", "--sample", "-c",
                          "99999999999999999999999"], capture_output=True, text=True,
                         env=child_env(), timeout=60)
    assert big.returncode == 2 and "invalid packet count" in big.stderr
    assert "Traceback" not in big.stderr
    closed = subprocess.run([sys.executable, "-m", "libpcap", "--sample"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=child_env(), timeout=60,
                            preexec_fn=lambda: os.close(1))
    assert closed.returncode == 1, closed.stderr
    assert "standard output is closed" in closed.stderr
    assert "Traceback" not in closed.stderr and "Exception ignored" not in closed.stderr


def test_file_errors_are_os_errors(tmp_path) -> None:
    """`except FileNotFoundError` works, with errno and filename; str()
    stays libpcap's text; pickling keeps all of it."""
    import errno
    import pickle
    missing = str(tmp_path / "missing.pcap")
    with pytest.raises(FileNotFoundError) as info:
        Reader(missing)
    e = info.value
    assert isinstance(e, libpcap.PcapFileError) and isinstance(e, libpcap.PcapError)
    assert e.errno == errno.ENOENT and e.filename == missing
    assert str(e) == f"{missing}: No such file or directory" == e.message
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is type(e) and back.errno == e.errno and str(back) == str(e)
    with pytest.raises(FileNotFoundError):
        libpcap.Writer(str(tmp_path / "no" / "dir.pcap"))
    with pytest.raises(libpcap.PcapFileError) as info:
        Reader(io.BytesIO(b"not a capture at all"))
    assert isinstance(info.value, OSError) and info.value.errno is None
    assert not isinstance(info.value, FileNotFoundError)


def test_writer_keeps_telling_the_first_error() -> None:
    """After a disk-full error, later calls said "Input/output error"."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    w = libpcap.Writer("/dev/full")
    texts = []
    for _ in range(3):
        with pytest.raises(libpcap.PcapFileError) as info:
            w.write(libpcap.Packet(b"x" * 100_000))
        texts.append(str(info.value))
    with pytest.raises(libpcap.PcapFileError) as info:
        w.close()
    texts.append(str(info.value))
    assert set(texts) == {"error writing the savefile: No space left on device"}


def test_writer_names_an_unsupported_link_type(tmp_path) -> None:
    path = str(tmp_path / "a.pcap")
    libpcap.Writer(path).close()
    with pytest.raises(libpcap.PcapFileError, match="link-layer type 99999 isn't supported"):
        libpcap.Writer(path, linktype=99999, append=True)      # it said -1
    with pytest.raises(libpcap.PcapFileError, match="link-layer type 99999 isn't supported"):
        libpcap.Writer(path, linktype=99999)
