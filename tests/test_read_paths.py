"""The ways a savefile reaches the native Reader, and what each must keep.

The Reader has two read paths: regular files and in-memory sources are read
"directly" (the core is called with the GIL held and drops it only around
its reads from the file, through savefile hooks), pipes and FIFOs are
"staged" (packets fetched with the GIL released, one at a time).  On top of
either, iteration, read(), read(n), read_buffer() and set_filter() may be
mixed freely.  Here:

* every source (path, file object, BytesIO, pipe, FIFO) and every access
  pattern gives exactly the packets written, for classic pcap (micro and
  nano) and pcapng, in captures larger than the read-ahead chunk;
* a record cut short raises libpcap's error after the good packets, with
  the same text from every source and entry point;
* a file that grows while it is read yields the new packets once they are
  there;
* a file truncated by someone else while it is read ends early (or with
  libpcap's "truncated ... dump file" errors), never with a crash or a packet
  that was not in the file (run in a child: a SIGBUS would kill it; this is
  why the core reads savefiles rather than mapping them);
* direct mode really drops the GIL while the core reads (and rejects calls
  from other threads meanwhile).

Every capture is generated here with struct; expected values come from the
bytes written, never from the code under test.
"""
from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import pytest

import libpcap

if not hasattr(libpcap, "Reader"):  # pragma: no cover
    pytest.skip("the native API is not built", allow_module_level=True)

from libpcap import Filter, PcapFileError, Reader

import gen_captures as gen
from conftest import TESTS, child_env, compile_c

CHILD_TIMEOUT = 120

# (sec, frac, data, wirelen); frac in the file's unit
Rec = Tuple[int, int, bytes, int]
# what a Reader hands out: (ts_ns, caplen, wirelen, data)
Pkt = Tuple[int, int, int, bytes]


# --------------------------------------------------------------------------- captures


def make_records(n: int, seed: int, nano: bool = False) -> List[Rec]:
    """Mixed sizes: mostly 14..1514 bytes, a few empty and a few jumbo
    ones, so that records straddle every read-ahead boundary."""
    rnd = random.Random(seed)
    recs = []
    for i in range(n):
        if i % 97 == 5:
            size = 0
        elif i % 89 == 7:
            size = 9000 + i % 500
        else:
            size = rnd.randint(14, 1514)
        data = rnd.randbytes(size)
        frac = rnd.randrange(10**9 if nano else 10**6)
        recs.append((1_700_000_000 + i, frac, data, size + rnd.randint(0, 40)))
    return recs


def pcap_records(recs: Sequence[Rec]) -> bytes:
    return gen.pcap_records("<", [gen.rec(s, f, d, w) for s, f, d, w in recs])


def pcapng_header() -> bytes:
    """SHB and one Ethernet IDB with the default resolution (microseconds)."""
    return gen.shb("<") + gen.idb("<")


def pcapng_records(recs: Sequence[Rec]) -> bytes:
    return b"".join(gen.epb("<", 0, s * 10**6 + f, d, wire=w) for s, f, d, w in recs)


FORMATS: Dict[str, Tuple[Callable[[], bytes], Callable[[Sequence[Rec]], bytes], bool]] = {
    "pcap-us": (lambda: gen.pcap_header("<", magic=gen.MAGIC_USEC), pcap_records, False),
    "pcap-ns": (lambda: gen.pcap_header("<", magic=gen.MAGIC_NSEC), pcap_records, True),
    "pcapng": (pcapng_header, pcapng_records, False),
}


def expected(recs: Sequence[Rec], nano: bool) -> List[Pkt]:
    scale = 1 if nano else 1000
    return [(s * 10**9 + f * scale, len(d), w, d) for s, f, d, w in recs]


def capture(fmt: str, n: int = 2500, seed: int = 1) -> Tuple[bytes, List[Pkt]]:
    head, body, nano = FORMATS[fmt]
    recs = make_records(n, seed, nano)
    return head() + body(recs), expected(recs, nano)


# --------------------------------------------------------------------------- sources


class Source:
    """Opens a Reader on some bytes in one particular way, and cleans up."""

    def __init__(self, kind: str, blob: bytes, tmp: Path) -> None:
        self.kind, self.blob, self.tmp = kind, blob, tmp
        self.threads: List[threading.Thread] = []
        self.files: List[object] = []

    def _writer(self, target: Callable[[], None]) -> None:
        t = threading.Thread(target=target, daemon=True)
        t.start()
        self.threads.append(t)

    def open(self) -> Reader:
        path = self.tmp / f"cap-{self.kind}.pcap"
        if self.kind in ("path", "pathlib", "bytes-path", "fileobj"):
            path.write_bytes(self.blob)
            if self.kind == "path":
                return Reader(str(path))
            if self.kind == "pathlib":
                return Reader(path)
            if self.kind == "bytes-path":
                return Reader(os.fsencode(path))
            f = open(path, "rb")
            self.files.append(f)
            return Reader(f)
        if self.kind == "bytesio":
            return Reader(io.BytesIO(self.blob))
        if self.kind == "pipe":
            rfd, wfd = os.pipe()

            def feed() -> None:
                with os.fdopen(wfd, "wb") as w:
                    w.write(self.blob)

            self._writer(feed)
            f = os.fdopen(rfd, "rb")
            self.files.append(f)
            return Reader(f)
        if self.kind == "fifo":
            fifo = self.tmp / "cap.fifo"
            os.mkfifo(fifo)

            def feed_fifo() -> None:
                with open(fifo, "wb") as w:
                    w.write(self.blob)

            self._writer(feed_fifo)
            return Reader(fifo)
        raise AssertionError(self.kind)

    def close(self) -> None:
        for f in self.files:
            f.close()  # type: ignore[attr-defined]
        for t in self.threads:
            t.join(timeout=30)
            assert not t.is_alive(), "the writer of the pipe never finished"


SOURCES = ["path", "pathlib", "bytes-path", "fileobj", "bytesio", "pipe", "fifo"]


# --------------------------------------------------------------------------- access patterns


def tuples(packets) -> List[Pkt]:
    return [(p.ts_ns, p.caplen, p.wirelen, p.data) for p in packets]


def from_buffer(res) -> List[Pkt]:
    data, index = res
    out = []
    for i in range(len(index) // 4):
        ts, cap, wire, off = index[4 * i:4 * i + 4]
        out.append((ts, cap, wire, data[off:off + cap]))
    return out


def until_empty(call: Callable[[], list]) -> List[Pkt]:
    out: List[Pkt] = []
    while True:
        got = call()
        if not got:
            return out
        out += got


def pat_iterate(r: Reader) -> List[Pkt]:
    return tuples(r)


def pat_read(r: Reader) -> List[Pkt]:
    return until_empty(lambda: tuples(r.read()))


def pat_read_n(n: int) -> Callable[[Reader], List[Pkt]]:
    def pat(r: Reader) -> List[Pkt]:
        out: List[Pkt] = []
        while True:
            got = r.read(n)
            assert len(got) <= n
            if not got:
                return out
            out += tuples(got)
    return pat


def pat_read_buffer(r: Reader) -> List[Pkt]:
    return until_empty(lambda: from_buffer(r.read_buffer()))


def pat_mixed(r: Reader) -> List[Pkt]:
    """Every entry point in turn, leaving read-ahead packets behind each."""
    out: List[Pkt] = []
    it = iter(r)
    while True:
        before = len(out)
        out += from_buffer(r.read_buffer(5))
        for _ in range(3):
            p = next(it, None)
            if p is not None:
                out += tuples([p])
        out += tuples(r.read(7))
        out += tuples(r.read())
        out += from_buffer(r.read_buffer())
        if len(out) == before:
            return out


PATTERNS: Dict[str, Callable[[Reader], List[Pkt]]] = {
    "iterate": pat_iterate,
    "read": pat_read,
    "read-1": pat_read_n(1),
    "read-100": pat_read_n(100),
    "read-all": pat_read_n(10**6),
    "read_buffer": pat_read_buffer,
    "mixed": pat_mixed,
}


# --------------------------------------------------------------------------- same packets every way


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_every_source_and_pattern_reads_the_same_packets(tmp_path: Path, fmt: str, source: str,
                                                         pattern: str) -> None:
    blob, want = capture(fmt)
    assert len(blob) > 3 * 256 * 1024  # more than a few read-ahead chunks
    src = Source(source, blob, tmp_path)
    try:
        with src.open() as r:
            got = PATTERNS[pattern](r)
            assert r.read() == [] and list(r) == []  # stays at its end
    finally:
        src.close()
    assert len(got) == len(want)
    assert got == want


@pytest.mark.parametrize("fmt", ["pcap-us", "pcapng"])
@pytest.mark.parametrize("pattern", ["iterate", "read", "read-100", "read_buffer", "mixed"])
def test_a_cut_record_is_raised_after_the_good_packets_by_every_source(tmp_path: Path, fmt: str,
                                                                       pattern: str) -> None:
    blob, want = capture(fmt, n=800, seed=6)
    blob = blob[:-5]    # the last record loses its end
    messages = set()
    for source in SOURCES:
        src = Source(source, blob, tmp_path / source)
        (tmp_path / source).mkdir()
        got: List[Pkt] = []
        try:
            with src.open() as r:
                call = {"iterate": lambda: [],   # not used: a for loop below
                        "read": lambda: tuples(r.read()),
                        "read-100": lambda: tuples(r.read(100)),
                        "read_buffer": lambda: from_buffer(r.read_buffer()),
                        "mixed": lambda: tuples(r.read(3)) + from_buffer(r.read_buffer(2))}[pattern]
                if pattern == "iterate":
                    with pytest.raises(PcapFileError) as ei:
                        for p in r:
                            got += tuples([p])
                else:
                    with pytest.raises(PcapFileError) as ei:
                        while True:
                            more = call()
                            assert more, "an empty batch before the error"
                            got += more
        finally:
            src.close()
        assert got == want[:-1], source
        assert ei.value.code == -1
        messages.add(ei.value.message)
    assert len(messages) == 1, messages
    assert messages.pop().startswith(("truncated dump file", "truncated pcapng dump file"))


# ldb [0]; jge #128 -> reject, else accept: packets whose first byte is < 128
LOW_FIRST_BYTE = [(0x30, 0, 0, 0), (0x35, 1, 0, 128), (0x06, 0, 0, 0xFFFF), (0x06, 0, 0, 0)]


def low_first_byte(p: Pkt) -> bool:
    return p[1] > 0 and p[3][0] < 128


@pytest.mark.parametrize("fmt", ["pcap-us", "pcapng"])
@pytest.mark.parametrize("source", SOURCES)
def test_filter_set_midway_applies_from_the_next_packet(tmp_path: Path, fmt: str, source: str) -> None:
    blob, want = capture(fmt, n=1500, seed=2)
    low = Filter(LOW_FIRST_BYTE)
    src = Source(source, blob, tmp_path)
    try:
        with src.open() as r:
            got = tuples(r.read(10))
            got += from_buffer(r.read_buffer(3))    # the rest of a batch stays read ahead
            r.set_filter(low)
            got += tuples(r.read(200))
            got += from_buffer(r.read_buffer(50))
            r.set_filter(None)
            got += tuples(r.read(5))
            r.set_filter(low)
            got += tuples(r)
    finally:
        src.close()
    rest = want[13:]
    filtered = [p for p in rest if low_first_byte(p)]
    # after the first 13: 250 filtered, then 5 unfiltered from where that left off, then filtered
    cut = rest.index(filtered[249]) + 1
    tail = rest[cut:]
    exp = want[:13] + filtered[:250] + tail[:5] + [p for p in tail[5:] if low_first_byte(p)]
    assert got == exp


# --------------------------------------------------------------------------- a file that grows


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("pattern", ["iterate", "read", "read_buffer", "mixed"])
@pytest.mark.parametrize("opener", ["path", "fileobj"])
def test_a_growing_file_yields_what_was_appended(tmp_path: Path, fmt: str, pattern: str,
                                                opener: str) -> None:
    head, body, nano = FORMATS[fmt]
    recs = make_records(1200, seed=3, nano=nano)
    path = tmp_path / "growing.pcap"
    path.write_bytes(head() + body(recs[:10]))
    chunks = [recs[10:11], recs[11:400], recs[400:401], recs[401:1200]]
    got: List[Pkt] = []
    with open(path, "rb") as fobj:
        with (Reader(path) if opener == "path" else Reader(fobj)) as r:
            got += PATTERNS[pattern](r)
            for chunk in chunks:
                with open(path, "ab") as w:      # whole records, one write each
                    w.write(body(chunk))
                got += PATTERNS[pattern](r)
                assert len(got) == len(recs[:recs.index(chunk[-1]) + 1])
    assert got == expected(recs, nano)


# --------------------------------------------------------------------------- truncated while read


def run_child(code: str, *args: str, env: Optional[Dict[str, str]] = None) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT,
                          env=child_env(**(env or {})))
    # A negative code is a signal (SIGBUS from a mapping of a shrunk file).
    assert proc.returncode == 0, f"child exited with {proc.returncode}\n{proc.stdout}{proc.stderr}"
    return proc.stdout


TRUNCATE_CHILD = r"""
import os, struct, sys
from libpcap import Reader, PcapFileError
import ctypes as ct
import libpcap as pcap

path, fmt = sys.argv[1], sys.argv[2]
blob = open(path, "rb").read()

def records(blob):
    # the expected packets (ts fields, caplen, wirelen, data) from the bytes we wrote
    out = []
    if fmt == "pcapng":
        off = 0
        while off < len(blob):
            btype, total = struct.unpack_from("<II", blob, off)
            if btype == 6:
                _, hi, lo, cap, wire = struct.unpack_from("<IIIII", blob, off + 8)
                out.append((((hi << 32) | lo) * 1000, cap, wire, blob[off + 28:off + 28 + cap], off + total))
            off += total
        return out
    off = 24
    while off < len(blob):
        s, f, cap, wire = struct.unpack_from("<IIII", blob, off)
        out.append((s * 10**9 + f * 1000, cap, wire, blob[off + 16:off + 16 + cap], off + 16 + cap))
        off += 16 + cap
    return out

want = records(blob)
ends = [w[4] for w in want]
cuts = [0, 3, 30, ends[9] - 1, ends[9], ends[15] + 7, ends[len(ends) // 2] - 100,
        len(blob) - 5, len(blob)]
results = []
for cut in cuts:
    for api in ("native", "compat"):
        with open(path, "wb") as f:
            f.write(blob)
        got, err = [], ""
        if api == "native":
            r = Reader(path)
            it = iter(r)
            try:
                for _ in range(20):
                    p = next(it)
                    got.append((p.ts_ns, p.caplen, p.wirelen, p.data))
                os.truncate(path, cut)
                for p in it:
                    got.append((p.ts_ns, p.caplen, p.wirelen, p.data))
            except PcapFileError as e:
                err = str(e)
            r.close()
        else:
            ebuf = ct.create_string_buffer(pcap.PCAP_ERRBUF_SIZE)
            h = pcap.open_offline_with_tstamp_precision(path.encode(), pcap.PCAP_TSTAMP_PRECISION_NANO, ebuf)
            assert h, ebuf.value
            hdr = ct.POINTER(pcap.pkthdr)()
            data = ct.POINTER(ct.c_ubyte)()
            n = 0
            while True:
                if n == 20:
                    os.truncate(path, cut)
                rc = pcap.next_ex(h, ct.byref(hdr), ct.byref(data))
                if rc != 1:
                    break
                c = hdr.contents
                got.append((c.ts.tv_sec * 10**9 + c.ts.tv_usec, c.caplen, c.len, ct.string_at(data, c.caplen)))
                n += 1
            if rc == -1:
                err = pcap.geterr(h).decode()
            else:
                assert rc == -2, rc
            pcap.close(h)
        exp = [w[:4] for w in want]
        assert got == exp[:len(got)], (cut, api, len(got))   # a prefix: nothing invented
        assert len(got) >= 20, (cut, api, len(got))
        assert err == "" or err.startswith(("truncated dump file", "truncated pcapng dump file")), (cut, api, err)
        results.append((cut, api, len(got), err[:20]))
print("ok", len(results))
"""


@pytest.mark.parametrize("fmt", ["pcap-us", "pcapng"])
def test_a_file_truncated_while_read_ends_cleanly(tmp_path: Path, fmt: str) -> None:
    blob, _ = capture(fmt, n=4000, seed=4)
    path = tmp_path / "shrinking.pcap"
    path.write_bytes(blob)
    out = run_child(TRUNCATE_CHILD, str(path), fmt)
    assert out.startswith("ok 18"), out


# --------------------------------------------------------------------------- the GIL in direct mode


GIL_CHILD = r"""
import os, sys, threading
from libpcap import Reader

path = sys.argv[1]
entered_r, entered_w = os.pipe()
open_r, open_w = os.pipe()
# Every fread() on the capture now waits until this process's other thread
# opens the gate (tests/shims/gated_fread.c), which it can only do if the
# reading thread released the GIL around the read.
os.environ.update(GATE_INO=str(os.stat(path).st_ino),
                  GATE_ENTERED=str(entered_w), GATE_OPEN=str(open_r))
r = None
opens = reads = 0
refused = []

def gatekeeper():
    global opens, reads
    while os.read(entered_r, 1):
        if r is None:
            opens += 1              # Reader() is still opening the file
        else:
            reads += 1
            # The reading thread is inside the core: every call on the
            # Reader is refused, and none of them disturbs the read.
            for call in (lambda: r.set_filter(None), r.read, r.read_buffer,
                         r.close, lambda: next(iter(r))):
                try:
                    call()
                except RuntimeError as e:
                    refused.append(str(e))
        os.write(open_w, b"g")

t = threading.Thread(target=gatekeeper)
t.start()
r = Reader(path)
packets = list(r)
os.environ["GATE_INO"] = "-1"
os.close(entered_w)
t.join()
r.close()
print(len(packets), opens, reads, len(refused), refused[:1])
"""


def test_direct_mode_releases_the_gil_while_the_core_reads(tmp_path: Path,
                                                             build_dir: Path) -> None:
    shim = build_dir / "gated_fread.so"
    if not shim.exists():
        compile_c([TESTS / "shims" / "gated_fread.c"], shim, ["-shared", "-fPIC"], ["-ldl"])
    blob, want = capture("pcap-us", n=4000, seed=5)
    path = tmp_path / "big.pcap"
    path.write_bytes(blob)
    # The shim goes after a sanitizer runtime the run may preload (which
    # must come first).
    preload = ":".join(filter(None, [os.environ.get("LD_PRELOAD"), str(shim)]))
    out = run_child(GIL_CHILD, str(path), env={"LD_PRELOAD": preload})
    total, opens, reads, nrefused, first = out.split(maxsplit=4)
    assert int(total) == len(want)
    # The capture is read in read-ahead chunks; every one of them went
    # through the gate, i.e. the GIL was free during each read.
    chunks = -(-len(blob) // (256 * 1024))
    assert int(opens) >= 1 and int(opens) + int(reads) >= chunks, out
    # ...and every call the other thread made meanwhile was refused.
    assert int(nrefused) == 5 * int(reads), out
    assert "in use" in first or "another thread" in first, first
