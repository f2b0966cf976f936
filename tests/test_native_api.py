"""The native API (libpcap.Packet, Reader, Writer, PcapError) through the C
extension: opening by path / file object / BytesIO, iteration, batches, the
buffer view, writer round trips (micro and nano), append, context managers,
closed handles and libpcap's error texts.

Every capture is generated here with struct, so the expected values come
from the bytes we wrote, never from the code under test.
"""
from __future__ import annotations

import copy
import io
import os
import pickle
import struct
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import pytest

import libpcap
if not hasattr(libpcap, "Reader"):  # pragma: no cover
    pytest.skip("the native API is not built", allow_module_level=True)

from libpcap import Packet, PcapError, PcapFileError, PcapNotSupported, Reader, Writer

import gen_captures as gen
from conftest import child_env

MAGIC_US = 0xA1B2C3D4
MAGIC_NS = 0xA1B23C4D

# (sec, frac, data, wirelen)
Rec = Tuple[int, int, bytes, int]


def pcap_bytes(records: Sequence[Rec], *, nano: bool = False, big: bool = False,
               linktype: int = 1, snaplen: int = 65535) -> bytes:
    return gen.pcap_bytes(records, order=">" if big else "<", nano=nano,
                          linktype=linktype, snaplen=snaplen)


def sample_records(n: int = 20, nano: bool = False) -> List[Rec]:
    recs = []
    for i in range(n):
        data = bytes((i * 7 + j) & 0xFF for j in range(14 + (i * 37) % 200))
        frac = (i * 123457) % (10**9 if nano else 10**6)
        recs.append((1_600_000_000 + i * 3, frac, data, len(data) + i % 3))
    return recs


def expected_ns(recs: Sequence[Rec], nano: bool) -> List[Tuple[int, int, int, bytes]]:
    scale = 1 if nano else 1000
    return [(s * 10**9 + f * scale, len(d), w, d) for s, f, d, w in recs]


def as_tuples(packets) -> List[Tuple[int, int, int, bytes]]:
    return [(p.ts_ns, p.caplen, p.wirelen, p.data) for p in packets]


def pcapng_bytes(packets: Sequence[Tuple[int, bytes]], tsresol: Optional[int] = None) -> bytes:
    """A little-endian pcapng file: SHB, one IDB (Ethernet), EPBs.
    packets: (timestamp in if_tsresol units, data)."""
    opts = gen.ng_opts("<", gen.tsresol("<", tsresol)) if tsresol is not None else b""
    return (gen.shb("<") + gen.idb("<", options=opts)
            + b"".join(gen.epb("<", 0, ts, data) for ts, data in packets))


@pytest.fixture
def capfile(tmp_path: Path):
    def make(recs: Sequence[Rec], name: str = "c.pcap", **kw) -> Path:
        path = tmp_path / name
        path.write_bytes(pcap_bytes(recs, **kw))
        return path
    return make


# --------------------------------------------------------------------------
# Packet


def test_packet_fields_and_protocols():
    p = Packet(b"\x01\x02\x03", 1_700_000_000_123_456_789, 60)
    assert p.data == b"\x01\x02\x03" and type(p.data) is bytes
    assert (p.caplen, p.wirelen, len(p), bytes(p)) == (3, 60, 3, b"\x01\x02\x03")
    assert p.ts_ns == 1_700_000_000_123_456_789
    assert (p.ts_sec, p.ts_frac_ns) == divmod(p.ts_ns, 10**9)
    assert memoryview(p).tobytes() == p.data and memoryview(p).readonly
    assert "ts_ns=1700000000123456789" in repr(p)
    with pytest.raises(AttributeError):
        p.caplen = 5
    with pytest.raises(AttributeError):
        p.ts_ns = 5
    with pytest.raises(AttributeError):
        p.extra = 1  # fixed fields, no __dict__


def test_packet_defaults_equality_hash_pickle():
    p = Packet(bytearray(b"abc"))
    assert (p.ts_ns, p.wirelen, p.data) == (0, 3, b"abc")
    q = Packet(memoryview(b"abc"), 0, 3)
    assert p == q and hash(p) == hash(q) and not (p != q)
    assert p != Packet(b"abc", 1) and p != Packet(b"abd") and p != Packet(b"abc", 0, 4)
    assert p != b"abc"
    for clone in (pickle.loads(pickle.dumps(p)), copy.copy(p), copy.deepcopy(p)):
        assert clone == p and type(clone) is Packet


@pytest.mark.parametrize("ts", [0, 1, -1, -10**9 - 1, 2**32 * 10**9 + 5, 2**64 + 7, -(2**70) - 3,
                                (2**63 - 1) * 10**9 + 999_999_999, -(2**63) * 10**9])
def test_packet_timestamp_is_exact_integer_arithmetic(ts):
    p = Packet(b"", ts)
    assert p.ts_ns == ts
    assert (p.ts_sec, p.ts_frac_ns) == divmod(ts, 10**9)


@pytest.mark.parametrize("ts", [2**63 * 10**9, -(2**63) * 10**9 - 1])
def test_packet_timestamp_seconds_must_fit_64_bits(ts):
    with pytest.raises(OverflowError):
        Packet(b"", ts)


def test_packet_rejects_bad_arguments():
    with pytest.raises(TypeError):
        Packet("text")
    with pytest.raises(TypeError):
        Packet(b"x", 1.5)  # never float time
    with pytest.raises(OverflowError):
        Packet(b"x", 0, -1)
    with pytest.raises(OverflowError):
        Packet(b"x", 0, 2**32)
    with pytest.raises(TypeError):
        Packet()
    with pytest.raises(TypeError):
        type("Sub", (Packet,), {})  # final: one fixed layout


# --------------------------------------------------------------------------
# Reader: sources


@pytest.mark.parametrize("nano", [False, True])
@pytest.mark.parametrize("big", [False, True])
def test_reader_by_path_reads_exact_values(capfile, nano, big):
    recs = sample_records(25, nano)
    path = capfile(recs, nano=nano, big=big, snaplen=1234, linktype=105)
    for src in (str(path), os.fsencode(path), path):
        with Reader(src) as r:
            assert (r.linktype, r.snaplen, r.version) == (105, 1234, (2, 4))
            assert r.swapped == (big != (struct.pack("=I", 1) == struct.pack(">I", 1)))
            assert r.datalink_name == "IEEE802_11"
            assert as_tuples(r) == expected_ns(recs, nano)
            assert not r.closed
        assert r.closed


def test_reader_unsigned_32bit_seconds(capfile):
    recs = [(0xFFFFFFFF, 999_999_999, b"x", 1), (0x80000000, 0, b"y", 1)]
    with Reader(capfile(recs, nano=True)) as r:
        assert [p.ts_ns for p in r] == [0xFFFFFFFF * 10**9 + 999_999_999, 2**31 * 10**9]


def test_reader_from_file_object_starts_at_its_position(tmp_path):
    recs = sample_records(10)
    path = tmp_path / "prefixed.bin"
    path.write_bytes(b"JUNK" * 5 + pcap_bytes(recs))
    with open(path, "rb") as f:
        f.read(20)
        with Reader(f) as r:
            assert as_tuples(r) == expected_ns(recs, False)
        # the caller's file stays open and usable
        assert not f.closed
        f.seek(0)
        assert f.read(4) == b"JUNK"


def test_reader_from_unbuffered_and_buffered_file_objects(capfile):
    recs = sample_records(8)
    path = capfile(recs)
    for buffering in (0, -1):
        with open(path, "rb", buffering=buffering) as f:
            assert as_tuples(Reader(f)) == expected_ns(recs, False)


def test_reader_from_bytesio_reads_from_current_position():
    recs = sample_records(9, nano=True)
    b = io.BytesIO(b"xyz" + pcap_bytes(recs, nano=True))
    b.read(3)
    with Reader(b) as r:
        assert as_tuples(r) == expected_ns(recs, True)


def test_reader_from_object_with_only_read():
    recs = sample_records(4)
    blob = pcap_bytes(recs)

    class OnlyRead:
        def read(self, n: int = -1) -> bytes:
            return blob

    assert as_tuples(Reader(OnlyRead())) == expected_ns(recs, False)


def test_reader_reads_pcapng(tmp_path):
    path = tmp_path / "x.pcapng"
    path.write_bytes(pcapng_bytes([(1_500_000_000_123_456, b"abcd"), (7, b"e" * 70)]))
    with Reader(path) as r:
        assert r.linktype == 1
        assert as_tuples(r) == [(1_500_000_000_123_456_000, 4, 4, b"abcd"), (7000, 70, 70, b"e" * 70)]
    path.write_bytes(pcapng_bytes([(1_500_000_000_123_456_789, b"n")], tsresol=9))
    with Reader(path) as r:
        assert [p.ts_ns for p in r] == [1_500_000_000_123_456_789]


@pytest.mark.parametrize("bad", [42, None, 3.5, object()])
def test_reader_rejects_non_sources(bad):
    with pytest.raises(TypeError):
        Reader(bad)


def test_reader_rejects_text_streams(capfile):
    path = capfile(sample_records(1))
    with open(path, "r", encoding="latin-1") as f:
        with pytest.raises(TypeError, match="binary"):
            Reader(f)
    with pytest.raises(TypeError):
        Reader(io.StringIO("abc"))


# --------------------------------------------------------------------------
# Reader: batches and the buffer view


def test_read_batches_equal_iteration(capfile):
    recs = sample_records(1000)
    path = capfile(recs)
    want = expected_ns(recs, False)
    for n in (1, 7, 256, 999, 5000):
        got = []
        with Reader(path) as r:
            while True:
                chunk = r.read(n)
                assert len(chunk) <= n
                if not chunk:
                    break
                got += as_tuples(chunk)
            assert r.read(n) == [] and r.read() == []
        assert got == want, n


def test_read_default_gives_nonempty_batches_until_eof(capfile):
    recs = sample_records(3000)
    with Reader(capfile(recs)) as r:
        got, sizes = [], []
        while True:
            chunk = r.read()
            if not chunk:
                break
            sizes.append(len(chunk))
            got += as_tuples(chunk)
        assert r.read(None) == []
    assert got == expected_ns(recs, False)
    assert min(sizes) >= 1 and len(sizes) > 1


def test_read_zero_and_mixing_iteration_with_batches(capfile):
    recs = sample_records(50)
    want = expected_ns(recs, False)
    with Reader(capfile(recs)) as r:
        assert r.read(0) == []
        first = next(r)
        batch = r.read(10)
        rest = list(r)
    assert as_tuples([first] + batch + rest) == want


def test_read_argument_errors(capfile):
    with Reader(capfile(sample_records(2))) as r:
        with pytest.raises(TypeError):
            r.read("3")
        with pytest.raises(TypeError):
            r.read(1, 2)
        with pytest.raises(TypeError):
            r.read_buffer(1.0)


def test_read_buffer_rebuilds_every_packet(capfile):
    recs = sample_records(700, nano=True)
    want = expected_ns(recs, True)
    for n in (-1, 1, 33, 10_000):
        got = []
        with Reader(capfile(recs, nano=True)) as r:
            while True:
                data, index = r.read_buffer(n)
                assert isinstance(data, bytes) and index.format == "q"
                assert len(index) % 4 == 0
                if not data and len(index) == 0:
                    break
                if n > 0:
                    assert len(index) // 4 <= n
                for i in range(0, len(index), 4):
                    ts, caplen, wirelen, off = index[i:i + 4]
                    got.append((ts, caplen, wirelen, data[off:off + caplen]))
        assert got == want, n


def test_read_buffer_and_read_share_one_position(capfile):
    recs = sample_records(40)
    want = expected_ns(recs, False)
    with Reader(capfile(recs)) as r:
        head = as_tuples(r.read(5))
        data, index = r.read_buffer(5)
        mid = [(index[i], index[i + 1], index[i + 2], data[index[i + 3]:index[i + 3] + index[i + 1]])
               for i in range(0, len(index), 4)]
        tail = as_tuples(r)
    assert head + mid + tail == want


def test_zero_length_packets(capfile, tmp_path):
    recs = [(1, 0, b"", 0), (2, 5, b"", 60), (3, 0, b"z", 1), (4, 0, b"", 0)]
    path = capfile(recs)
    with Reader(path) as r:
        assert as_tuples(r) == expected_ns(recs, False)
    with Reader(path) as r:
        data, index = r.read_buffer()
        assert data == b"z" and list(index) == [10**9, 0, 0, 0, 2 * 10**9 + 5000, 0, 60, 0,
                                                3 * 10**9, 1, 1, 0, 4 * 10**9, 0, 0, 1]
    out = tmp_path / "zero.pcap"
    with Writer(out) as w:
        w.write_bytes(b"", 7_000, 9)
        w.write(Packet(b""))
    assert as_tuples(Reader(out)) == [(7_000, 0, 9, b""), (0, 0, 0, b"")]


def test_empty_capture_reads_nothing(capfile):
    with Reader(capfile([])) as r:
        assert list(r) == [] and r.read() == [] and r.read(5) == []
        data, index = r.read_buffer()
        assert data == b"" and len(index) == 0


# --------------------------------------------------------------------------
# Reader: errors and closing


def test_missing_file_error_carries_libpcap_text(tmp_path):
    path = tmp_path / "nope.pcap"
    with pytest.raises(PcapFileError) as ei:
        Reader(path)
    e = ei.value
    assert isinstance(e, PcapError) and isinstance(e, Exception)
    assert e.code == libpcap.PCAP_ERROR == -1
    assert e.message == f"{path}: {os.strerror(2)}" == str(e)


@pytest.mark.parametrize("how", ["path", "fileobj", "bytesio"])
def test_garbage_and_empty_files_error_texts(tmp_path, how):
    cases = {
        b"\x00" * 64: "unknown file format",
        b"": "truncated dump file; tried to read 4 file header bytes, only got 0",
        struct.pack("<I", MAGIC_US) + b"\x02\x00": (
            "truncated dump file; tried to read 24 file header bytes, only got 2"),
    }
    for blob, text in cases.items():
        path = tmp_path / "bad.pcap"
        path.write_bytes(blob)
        with pytest.raises(PcapFileError) as ei:
            if how == "path":
                Reader(path)
            elif how == "bytesio":
                Reader(io.BytesIO(blob))
            else:
                with open(path, "rb") as f:
                    Reader(f)
        assert ei.value.message == text
        assert ei.value.code == -1


def test_truncated_record_raises_after_good_packets(tmp_path):
    recs = sample_records(5)
    blob = pcap_bytes(recs)
    path = tmp_path / "t.pcap"
    path.write_bytes(blob[:-3])
    caplen = len(recs[-1][2])
    with Reader(path) as r:
        got = []
        with pytest.raises(PcapFileError) as ei:
            for p in r:
                got.append(p)
        assert as_tuples(got) == expected_ns(recs[:-1], False)
        assert ei.value.message == (
            f"truncated dump file; tried to read {caplen} captured bytes, only got {caplen - 3}")
    # read(n) returns what it has, the next call raises
    with Reader(path) as r:
        assert len(r.read(100)) == 4
        with pytest.raises(PcapFileError):
            r.read(100)


def test_closed_reader_raises_value_error(capfile):
    r = Reader(capfile(sample_records(3)))
    next(r)
    r.close()
    r.close()  # idempotent
    assert r.closed
    for call in (lambda: next(r), lambda: r.read(), lambda: r.read_buffer(), lambda: iter(r),
                 lambda: r.linktype, lambda: r.snaplen, lambda: r.version,
                 lambda: r.swapped, lambda: r.datalink_name, lambda: r.__enter__()):
        with pytest.raises(ValueError):
            call()
    assert "closed" in repr(r)


def test_context_manager_closes_on_exception(capfile):
    path = capfile(sample_records(3))
    with pytest.raises(KeyError):
        with Reader(path) as r:
            raise KeyError
    assert r.closed
    with Writer(path.with_suffix(".out")) as w:
        pass
    assert w.closed


def test_reader_does_not_close_the_callers_descriptor(capfile):
    path = capfile(sample_records(3))
    with open(path, "rb") as f:
        fd = f.fileno()
        Reader(f).close()
        os.fstat(fd)  # still open
        f.seek(0)  # the Reader moved the shared offset
        r = Reader(f)
        del r
        os.fstat(fd)


def test_reader_init_twice_is_refused(capfile):
    path = capfile(sample_records(1))
    r = Reader(path)
    with pytest.raises(RuntimeError):
        r.__init__(path)
    r.close()


def test_reader_subclass_and_weakref(capfile):
    import weakref

    class Mine(Reader):
        pass

    r = Mine(capfile(sample_records(2)))
    ref = weakref.ref(r)
    assert len(list(r)) == 2 and ref() is r
    del r
    assert ref() is None


# --------------------------------------------------------------------------
# Writer


def header_of(blob: bytes) -> Tuple[int, ...]:
    return struct.unpack("<IHHiIII", blob[:24])


@pytest.mark.parametrize("nano", [False, True])
def test_writer_round_trip_exact(tmp_path, nano):
    path = tmp_path / "w.pcap"
    stamps = [0, 1, 999, 1_000, 999_999_999, 1_700_000_000_123_456_789, (2**32 - 1) * 10**9 + 999_999_999]
    with Writer(path, 113, 4000, nanosecond=nano) as w:
        assert (w.linktype, w.snaplen, w.nanosecond) == (113, 4000, nano)
        for i, ts in enumerate(stamps):
            w.write(Packet(bytes([i]) * (i + 1), ts, 1000 + i))
        w.write_bytes(b"raw", 5_000_000_123)
        w.write_bytes(data=bytearray(b"kw"), ts_ns=7, wirelen=9)
    blob = path.read_bytes()
    assert header_of(blob) == (MAGIC_NS if nano else MAGIC_US, 2, 4, 0, 0, 4000, 113)
    scale = 1 if nano else 1000
    want = [(ts // 10**9 * 10**9 + (ts % 10**9) // scale * scale, i + 1, 1000 + i, bytes([i]) * (i + 1))
            for i, ts in enumerate(stamps)]
    want += [(5_000_000_123 // scale * scale, 3, 3, b"raw"), (7 // scale * scale, 2, 9, b"kw")]
    with Reader(path) as r:
        assert (r.linktype, r.snaplen) == (113, 4000)
        assert as_tuples(r) == want
    # and the record bytes are the plain pcap layout
    sec, frac, caplen, wirelen = struct.unpack("<IIII", blob[24:40])
    assert (sec, frac, caplen, wirelen) == (0, 0, 1, 1000)


def test_writer_copy_of_a_reader_is_identical(capfile, tmp_path):
    recs = sample_records(300, nano=True)
    src = capfile(recs, nano=True, snaplen=65535)
    out = tmp_path / "copy.pcap"
    with Reader(src) as r, Writer(out, r.linktype, r.snaplen, nanosecond=True) as w:
        w.write_many(r)
    assert out.read_bytes() == src.read_bytes()


def test_writer_to_file_object_at_its_position(tmp_path):
    path = tmp_path / "fo.bin"
    with open(path, "wb") as f:
        f.write(b"PREFIX")  # still in Python's buffer: the Writer flushes it first
        with Writer(f, nanosecond=True) as w:
            w.write_bytes(b"abc", 42)
        assert not f.closed
        f.write(b"TAIL")
    blob = path.read_bytes()
    assert blob.startswith(b"PREFIX") and blob.endswith(b"TAIL")
    with Reader(io.BytesIO(blob[6:-4])) as r:
        assert as_tuples(r) == [(42, 3, 3, b"abc")]


def test_writer_to_bytesio_flush_and_close():
    b = io.BytesIO()
    w = Writer(b, 1, 1500)
    w.write_bytes(b"x" * 10, 3_000_000_000)
    w.flush()
    assert len(b.getvalue()) == 24 + 16 + 10
    w.write_bytes(b"y", 0)
    w.close()
    assert not b.closed
    assert header_of(b.getvalue())[-2:] == (1500, 1)
    with Reader(io.BytesIO(b.getvalue())) as r:
        assert as_tuples(r) == [(3_000_000_000, 10, 10, b"x" * 10), (0, 1, 1, b"y")]


def test_writer_reraises_exceptions_of_the_target():
    class Boom(Exception):
        pass

    class Target:
        def write(self, b):
            raise Boom("no space")

    w = Writer(Target())
    w.write_bytes(b"a", 0)  # buffered
    with pytest.raises(Boom):
        w.flush()
    with pytest.raises(PcapFileError):
        w.write_bytes(b"a", 0)  # the stream stays failed
    with pytest.raises(PcapError):
        w.close()
    assert w.closed


def test_writer_append(tmp_path):
    path = tmp_path / "a.pcap"
    with Writer(path, append=True) as w:  # a missing file is created
        w.write_bytes(b"1", 1)
    with Writer(path, append=True) as w:
        w.write_bytes(b"2", 2_000)
    with open(path, "ab") as f:
        with Writer(f, append=True) as w:
            w.write_bytes(b"3", 3_000)
    assert [p.data for p in Reader(path)] == [b"1", b"2", b"3"]
    assert len(path.read_bytes()) == 24 + 3 * 17


def test_writer_append_checks_the_existing_file(tmp_path):
    path = tmp_path / "a.pcap"
    with Writer(path):
        pass
    with pytest.raises(PcapFileError) as ei:
        Writer(path, append=True, nanosecond=True)
    assert ei.value.message == f"{path}: different time stamp precision, cannot append to file"
    with pytest.raises(PcapFileError) as ei:
        Writer(path, 105, append=True)
    assert ei.value.message == f"{path}: different linktype, cannot append to file"
    with pytest.raises(ValueError):
        Writer(io.BytesIO(), append=True)


def test_writer_errors(tmp_path):
    with pytest.raises(PcapFileError) as ei:
        Writer(tmp_path / "no" / "such" / "dir.pcap")
    assert ei.value.message == f"{tmp_path / 'no' / 'such' / 'dir.pcap'}: {os.strerror(2)}"
    with pytest.raises(PcapFileError) as ei:
        Writer(io.BytesIO(), linktype=-5)
    assert ei.value.message == "stream: link-layer type -5 isn't supported in savefiles"
    w = Writer(io.BytesIO())
    with pytest.raises(TypeError):
        w.write(b"bytes are not packets")
    with pytest.raises(TypeError):
        w.write_many([Packet(b"ok"), "nope"])
    with pytest.raises(OverflowError):
        w.write_bytes(b"x", -1)
    with pytest.raises(OverflowError):
        w.write_bytes(b"x", 2**32 * 10**9)
    with pytest.raises(TypeError):
        w.write_bytes(b"x", 1.0)
    with pytest.raises(TypeError):
        w.write_bytes(b"x")
    with pytest.raises(TypeError):
        w.write_bytes(b"x", 1, bogus=2)
    with pytest.raises(TypeError):
        w.write_bytes(b"x", 1, ts_ns=2)
    w.close()
    w.close()
    for call in (lambda: w.write(Packet(b"")), lambda: w.write_bytes(b"", 0), w.flush,
                 lambda: w.write_many([]), w.__enter__):
        with pytest.raises(ValueError):
            call()


def test_writer_dash_is_stdout_and_stays_open():
    import subprocess
    import sys
    code = ("import libpcap, sys\n"
            "print('A', flush=True)\n"
            "with libpcap.Writer('-', 1, 100) as w:\n"
            "    w.write_bytes(b'xyz', 2_000_000_123_000)\n"
            "print('B')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=child_env(), timeout=60)
    assert out.returncode == 0, out.stderr
    want = b"A\n" + pcap_bytes([(2000, 123, b"xyz", 3)], snaplen=100) + b"B\n"
    assert out.stdout == want


def test_writer_finalizer_flushes_unclosed_writer():
    b = io.BytesIO()
    w = Writer(b)
    w.write_bytes(b"late", 1)
    del w
    with Reader(io.BytesIO(b.getvalue())) as r:
        assert [p.data for p in r] == [b"late"]


def test_exception_hierarchy():
    assert issubclass(PcapFileError, PcapError) and issubclass(PcapNotSupported, PcapError)
    e = PcapError("text", -3)
    assert (e.message, e.code, str(e), e.args) == ("text", -3, "text", ("text",))
    assert PcapError().code == -1
    e2 = pickle.loads(pickle.dumps(PcapFileError("m", -8)))
    assert type(e2) is PcapFileError and (e2.message, e2.code) == ("m", -8)
    for name in ("Packet", "Reader", "Writer", "PcapError", "PcapFileError", "PcapNotSupported"):
        assert name in libpcap.__all__ and getattr(libpcap, name).__module__ == "libpcap"
