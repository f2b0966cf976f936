"""Generate capture files for every savefile variant the reader must handle.

Each variant is a :class:`Case`: a file name, the bytes of the file, a short
note on what it checks and, where libpcap master reads the file differently
from the system libpcap 1.10.3 that serves as the test oracle, a ``master``
function that turns the oracle's record into master's.  The tests write the
cases to a directory, read them with the oracle and with our library, and
require the same record (master's where the two releases differ).

Run as a script to write the files for a look by hand::

    python tests/gen_captures.py OUTDIR

Nothing here comes from libpcap's sources: the files are built from the
published formats (pcap-savefile(5), the pcapng specification).
"""
from __future__ import annotations

import random
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

__all__ = [
    "Case",
    "Prefix",
    "cases",
    "mutants",
    "parse_pcap",
    "write_cases",
    "open_error_record",
    "MAGIC_USEC",
    "MAGIC_NSEC",
    "MAGIC_KUZNETZOV",
]

MAGIC_USEC = 0xA1B2C3D4
MAGIC_NSEC = 0xA1B23C4D
MAGIC_KUZNETZOV = 0xA1B2CD34

BT_SHB = 0x0A0D0D0A
BT_IDB = 1
BT_PB = 2
BT_SPB = 3
BT_NRB = 4
BT_ISB = 5
BT_EPB = 6
BT_DSB = 0x0000000A
BT_CUSTOM = 0x00000BAD
BYTE_ORDER_MAGIC = 0x1A2B3C4D

ENDIANS = (("le", "<"), ("be", ">"))

Record = dict
Fixer = Callable[[Record], Record]


class Prefix(str):
    """An expected string of which only the beginning is known.

    Compares equal to any string that starts with it.  Used where libpcap
    master's exact text is not pinned down by the conformance data.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other.startswith(str(self))

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"Prefix({str(self)!r}...)"


@dataclass
class Case:
    """One generated capture file."""

    name: str
    data: bytes
    what: str
    master: Optional[Fixer] = None  # oracle (1.10.3) record -> master record
    tags: Tuple[str, ...] = field(default_factory=tuple)

    def expected(self, oracle_record: Record) -> Record:
        """The record libpcap master gives, from the oracle's one."""
        if self.master is None:
            return oracle_record
        return self.master(dict(oracle_record))


# --------------------------------------------------------------------------
# Master-versus-1.10.3 fixers


def open_error_record(rec: Record, message: str) -> Record:
    """The record of a file whose open fails with ``message``."""
    return {
        "file": rec["file"],
        "file_size": rec["file_size"],
        "open_error": message,
        "linktype": None,
        "snaplen": None,
        "swapped": None,
        "version_major": None,
        "version_minor": None,
        "ts_precision": None,
        "packets": [],
        "read_error": None,
    }


def master_open_error(message: str, replaces: Optional[str] = None) -> Fixer:
    """Master fails to open with ``message``; with ``replaces``, only where
    1.10.3 failed with that text (an earlier error, such as a bad precision
    argument, stays what it is)."""

    def fix(rec: Record) -> Record:
        if replaces is not None and rec.get("open_error") != replaces:
            return rec
        return open_error_record(rec, message)

    return fix


def master_read_error(message: str, replaces: str) -> Fixer:
    """Master's read error is ``message`` where 1.10.3's is ``replaces``."""

    def fix(rec: Record) -> Record:
        if rec.get("read_error") == replaces:
            rec["read_error"] = message
        return rec

    return fix


def master_unsigned_ts(raw: Dict[int, Tuple[int, int]], file_res: str) -> Fixer:
    """Master reads the 32-bit record time stamp fields as unsigned.

    ``raw`` maps packet indexes to the (seconds, fraction) stored in the
    file; ``file_res`` is the file's resolution ("micro" or "nano").
    """

    def fix(rec: Record) -> Record:
        if rec.get("open_error") is not None:
            return rec
        prec = rec["ts_precision"]
        packets = [list(p) for p in rec["packets"]]
        for index, (sec, frac) in raw.items():
            if index >= len(packets):
                continue
            if prec == file_res:
                value = frac
            elif file_res == "micro":
                value = frac * 1000
            else:
                value = frac // 1000
            packets[index][0] = sec
            packets[index][1] = value
        rec["packets"] = packets
        return rec

    return fix


# --------------------------------------------------------------------------
# Classic pcap builders


def payload(n: int, seed: str) -> bytes:
    """Deterministic pseudo-random bytes."""
    return random.Random(seed).randbytes(n) if n else b""


@dataclass
class Rec:
    """A classic record as stored: ``first`` and ``second`` are the two
    length fields in file order (caplen, len for version 2.4)."""

    sec: int
    frac: int
    first: int
    second: int
    data: bytes
    extra: bytes = b""  # the 8 more header bytes of the Kuznetzov format


def rec(sec: int, frac: int, data: bytes, wire: Optional[int] = None,
        caplen: Optional[int] = None) -> Rec:
    cap = len(data) if caplen is None else caplen
    return Rec(sec, frac, cap, cap if wire is None else wire, data)


def pcap_header(e: str, *, magic: int = MAGIC_USEC, major: int = 2,
                minor: int = 4, thiszone: int = 0, sigfigs: int = 0,
                snaplen: int = 65535, linktype: int = 1) -> bytes:
    return struct.pack(e + "IHHiIII", magic, major, minor, thiszone,
                       sigfigs, snaplen & 0xFFFFFFFF, linktype & 0xFFFFFFFF)


def pcap_records(e: str, records: List[Rec], kuznetzov: bool = False) -> bytes:
    out = bytearray()
    for r in records:
        out += struct.pack(e + "IIII", r.sec & 0xFFFFFFFF, r.frac & 0xFFFFFFFF,
                           r.first & 0xFFFFFFFF, r.second & 0xFFFFFFFF)
        if kuznetzov:
            out += r.extra.ljust(8, b"\0")[:8]
        out += r.data
    return bytes(out)


def pcap_file(e: str, records: List[Rec], **hdr: int) -> bytes:
    kuz = hdr.get("magic") == MAGIC_KUZNETZOV
    return pcap_header(e, **hdr) + pcap_records(e, records, kuz)


def pcap_bytes(records: Iterable[Tuple[int, int, bytes, int]], *, order: str = "<",
               nano: bool = False, **hdr: int) -> bytes:
    """A classic pcap file of plain (sec, frac, data, wirelen) records, each
    captured whole; ``hdr`` as pcap_header takes it (snaplen, linktype)."""
    return pcap_file(order, [rec(s, f, d, w) for s, f, d, w in records],
                     magic=MAGIC_NSEC if nano else MAGIC_USEC, **hdr)


def sample_records(seed: str, nano: bool = False) -> List[Rec]:
    top = 999999999 if nano else 999999
    sizes = (60, 1514, 0, 42, 128)
    fracs = (0, 1, top, 123456, top // 2)
    out = []
    for i, (n, f) in enumerate(zip(sizes, fracs)):
        data = payload(n, f"{seed}/{i}")
        out.append(rec(1700000000 + i * 37, f, data, wire=n + (i % 2) * 100))
    return out


def parse_pcap(data: bytes) -> dict:
    """Split a classic pcap file (16-byte records) into its header fields
    and records (sec, frac, caplen, len, data); for checking what a writer
    wrote."""
    magic_le = struct.unpack("<I", data[:4])[0]
    e = "<" if magic_le in (MAGIC_USEC, MAGIC_NSEC) else ">"
    magic, major, minor, zone, sigfigs, snaplen, linktype = struct.unpack(
        e + "IHHiIII", data[:24])
    records = []
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, cap, wire = struct.unpack(e + "IIII", data[pos:pos + 16])
        records.append((sec, frac, cap, wire, data[pos + 16:pos + 16 + cap]))
        pos += 16 + cap
    if pos != len(data):
        raise ValueError(f"{len(data) - pos} stray bytes at the end")
    return {"magic": magic, "version": (major, minor), "thiszone": zone,
            "sigfigs": sigfigs, "snaplen": snaplen, "linktype": linktype,
            "records": records}


# --------------------------------------------------------------------------
# pcapng builders


def pad4(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 4)


def ng_block(e: str, btype: int, body: bytes, *, total: Optional[int] = None,
             trailer: Optional[int] = None) -> bytes:
    body = pad4(body)
    length = 12 + len(body)
    head = struct.pack(e + "II", btype, length if total is None else total)
    tail = struct.pack(e + "I", length if trailer is None else trailer)
    return head + body + tail


def ng_opt(e: str, code: int, value: bytes, length: Optional[int] = None) -> bytes:
    n = len(value) if length is None else length
    return struct.pack(e + "HH", code, n) + pad4(value)


def ng_end(e: str) -> bytes:
    return struct.pack(e + "HH", 0, 0)


def ng_opts(e: str, *opts: bytes) -> bytes:
    return b"".join(opts) + ng_end(e) if opts else b""


def shb(e: str, *, major: int = 1, minor: int = 0, options: bytes = b"",
        bom: int = BYTE_ORDER_MAGIC, **kw: int) -> bytes:
    body = struct.pack(e + "IHHq", bom, major, minor, -1) + options
    return ng_block(e, BT_SHB, body, **kw)


def idb(e: str, linktype: int = 1, snaplen: int = 65535, options: bytes = b"",
        **kw: int) -> bytes:
    body = struct.pack(e + "HHI", linktype, 0, snaplen & 0xFFFFFFFF) + options
    return ng_block(e, BT_IDB, body, **kw)


def epb(e: str, iface: int, ts: int, data: bytes, *, wire: Optional[int] = None,
        caplen: Optional[int] = None, options: bytes = b"", **kw: int) -> bytes:
    cap = len(data) if caplen is None else caplen
    body = struct.pack(e + "IIIII", iface, (ts >> 32) & 0xFFFFFFFF,
                       ts & 0xFFFFFFFF, cap,
                       cap if wire is None else wire) + pad4(data) + options
    return ng_block(e, BT_EPB, body, **kw)


def spb(e: str, wire: int, data: bytes, **kw: int) -> bytes:
    return ng_block(e, BT_SPB, struct.pack(e + "I", wire) + pad4(data), **kw)


def pb(e: str, iface: int, drops: int, ts: int, data: bytes, *,
       wire: Optional[int] = None, options: bytes = b"") -> bytes:
    body = struct.pack(e + "HHIIII", iface, drops, (ts >> 32) & 0xFFFFFFFF,
                       ts & 0xFFFFFFFF, len(data),
                       len(data) if wire is None else wire) + pad4(data) + options
    return ng_block(e, BT_PB, body)


def tsresol(e: str, value: int) -> bytes:
    return ng_opt(e, 9, bytes([value]))


def tsoffset(e: str, value: int) -> bytes:
    return ng_opt(e, 14, struct.pack(e + "q", value))


# --------------------------------------------------------------------------
# The cases


def classic_cases() -> List[Case]:
    out: List[Case] = []
    add = out.append

    # Magic x byte order, version 2.4: the plain formats.
    for ename, e in ENDIANS:
        for mname, magic, nano in (("usec", MAGIC_USEC, False),
                                   ("nsec", MAGIC_NSEC, True)):
            name = f"pcap-{mname}-{ename}.pcap"
            add(Case(name, pcap_file(e, sample_records(name, nano), magic=magic),
                     f"{mname} magic, {ename}: lengths, time stamps and "
                     "precision scaling both ways", tags=("roundtrip",)))
        # thiszone/sigfigs are read and ignored.
        name = f"pcap-thiszone-sigfigs-{ename}.pcap"
        add(Case(name, pcap_file(e, sample_records(name), thiszone=-3600,
                                 sigfigs=7), "non-zero thiszone and sigfigs"))

    # Versions and the length-swap rules.
    d = payload(80, "ver")
    for ename, e in ENDIANS:
        for minor in (0, 1, 2):
            # Before 2.3 the two length fields are stored len, caplen.
            recs = [Rec(10, 5, 100, 80, d), Rec(11, 6, 80, 80, d)]
            add(Case(f"pcap-v2.{minor}-{ename}.pcap",
                     pcap_file(e, recs, minor=minor),
                     f"version 2.{minor}: caplen and len always swapped"))
        # 2.3: swapped only when the first field (taken as caplen) > len.
        recs = [Rec(10, 5, 100, 80, d),   # looks swapped -> swap
                Rec(11, 6, 80, 100, d),   # caplen <= len -> as is
                Rec(12, 7, 80, 80, d)]
        add(Case(f"pcap-v2.3-{ename}.pcap", pcap_file(e, recs, minor=3),
                 "version 2.3: lengths swapped only when caplen > len"))
        # 2.4: a caplen > len record is taken as it is.
        recs = [Rec(10, 5, 80, 40, d), Rec(11, 6, 80, 100, d)]
        add(Case(f"pcap-v2.4-caplen-gt-len-{ename}.pcap",
                 pcap_file(e, recs, minor=4),
                 "version 2.4: caplen > len is not swapped"))
        # 543.0 (DG/UX) stores the pre-2.3 order.
        recs = [Rec(10, 5, 100, 80, d), Rec(11, 6, 80, 80, d)]
        add(Case(f"pcap-v543.0-{ename}.pcap", pcap_file(e, recs, major=543, minor=0),
                 "version 543.0: lengths swapped"))
        for major, minor in ((2, 5), (3, 0), (543, 1), (2, 65535)):
            add(Case(f"pcap-v{major}.{minor}-{ename}.pcap",
                     pcap_file(e, recs, major=major, minor=minor),
                     f"version {major}.{minor} is refused"))
        for major, minor in ((1, 4), (0, 0), (1, 0)):
            # 1.10.3 says "archaic pcap savefile format"; master dropped
            # that check and refuses these like any unknown version.
            add(Case(f"pcap-v{major}.{minor}-{ename}.pcap",
                     pcap_file(e, recs, major=major, minor=minor),
                     f"version {major}.{minor} (older than 2) is refused",
                     master=master_open_error(
                         f"unsupported pcap savefile version {major}.{minor}",
                         replaces="archaic pcap savefile format")))

    # The Kuznetzov format: 24-byte records; EN10MB gets snaplen + 14.
    for ename, e in ENDIANS:
        recs = sample_records(f"kuz-{ename}")
        for i, r in enumerate(recs):
            r.extra = struct.pack(e + "IHBB", i + 1, 0x0800, i, 0)
        add(Case(f"pcap-kuznetzov-en10mb-{ename}.pcap",
                 pcap_file(e, recs, magic=MAGIC_KUZNETZOV, snaplen=1500),
                 "24-byte record header; EN10MB snapshot + 14"))
        add(Case(f"pcap-kuznetzov-raw-{ename}.pcap",
                 pcap_file(e, recs, magic=MAGIC_KUZNETZOV, snaplen=1600,
                           linktype=101),
                 "24-byte record header; no +14 for other link types"))
        add(Case(f"pcap-kuznetzov-bigsnap-{ename}.pcap",
                 pcap_file(e, recs[:2], magic=MAGIC_KUZNETZOV,
                           snaplen=0x7FFFFFFA),
                 "Kuznetzov snapshot + 14 is capped at INT_MAX"))

    # caplen > snaplen: truncated to the snapshot, the rest skipped.
    for ename, e in ENDIANS:
        big = payload(200, "big")
        recs = [rec(1, 1, big), rec(2, 2, payload(30, "small")),
                rec(3, 3, big, wire=5000)]
        add(Case(f"pcap-caplen-gt-snaplen-{ename}.pcap",
                 pcap_file(e, recs, snaplen=64),
                 "caplen > snaplen: truncate to snaplen and skip the rest"))
        add(Case(f"pcap-caplen-gt-snaplen-truncated-{ename}.pcap",
                 pcap_file(e, recs, snaplen=64)[:-50],
                 "caplen > snaplen and the skipped tail is cut short"))
        # caplen above the DLT maximum is an error, worded by snapshot.
        hdr = pcap_header(e, snaplen=65535)
        add(Case(f"pcap-caplen-gt-max-snapshot-{ename}.pcap",
                 hdr + struct.pack(e + "IIII", 1, 2, 300000, 300000) + big,
                 "caplen > DLT maximum and > snaplen"))
        hdr = pcap_header(e, snaplen=0x7FFFFFFF)
        add(Case(f"pcap-caplen-gt-max-under-snaplen-{ename}.pcap",
                 hdr + struct.pack(e + "IIII", 1, 2, 300000, 300000) + big,
                 "caplen > DLT maximum but <= snaplen"))
        hdr = pcap_header(e, snaplen=0)
        add(Case(f"pcap-caplen-huge-{ename}.pcap",
                 hdr + struct.pack(e + "IIII", 1, 2, 0xFFFFFFF0, 0xFFFFFFF0) + big,
                 "a record length that would allocate gigabytes"))

    # snaplen 0 and huge are replaced by the DLT maximum.
    for ename, e in ENDIANS:
        recs = [rec(1, 1, payload(100, "s"))]
        for snap in (0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 262145):
            add(Case(f"pcap-snaplen-{snap:x}-{ename}.pcap",
                     pcap_file(e, recs, snaplen=snap),
                     f"snaplen {snap:#x}"))
        for lt in (231, 249, 279, 189, 220):  # DLTs with their own maximum
            add(Case(f"pcap-snaplen-0-lt{lt}-{ename}.pcap",
                     pcap_file(e, recs, snaplen=0, linktype=lt),
                     f"snaplen 0 with link type {lt}: its own maximum"))

    # Bits above the link type: FCS length and the reserved field.
    for ename, e in ENDIANS:
        recs = [rec(1, 1, payload(64, "fcs"))]
        for bits in (0x04000000 | (4 << 28), 0x04000000 | (2 << 28), 0x08000000,
                     0xF0000000):
            add(Case(f"pcap-linktype-ext-{bits:08x}-{ename}.pcap",
                     pcap_file(e, recs, linktype=1 | bits),
                     f"link-type field {1 | bits:#010x}: FCS bits kept as "
                     "pcap_datalink_ext"))
        # 1.10.3 opens these (the bits become part of the link type);
        # master refuses a non-zero reserved field, as a header check made
        # before the precision argument is looked at.  The exact text is
        # known for the field of libpcap's own test file (link type 0).
        add(Case(f"pcap-linktype-reserved-00300000-{ename}.pcap",
                 pcap_file(e, recs, linktype=0x00300000),
                 "reserved link-type bits (as libpcap's test file)",
                 master=master_open_error(
                     "savefile linktype reserved field not zero (0x00300000)")))
        for lt in (0x00010001, 0x03FF0001):
            add(Case(f"pcap-linktype-reserved-{lt:08x}-{ename}.pcap",
                     pcap_file(e, recs, linktype=lt),
                     "reserved link-type bits with a link type",
                     master=master_open_error(Prefix(
                         "savefile linktype reserved field not zero (0x"))))

    # Unsigned 32-bit time stamps.  1.10.3 sign-extends fields >= 2^31;
    # master reads them unsigned.
    for ename, e in ENDIANS:
        for mname, magic, res in (("usec", MAGIC_USEC, "micro"),
                                  ("nsec", MAGIC_NSEC, "nano")):
            d = payload(40, "ts")
            raw = [(0x7FFFFFFF, 0), (0x80000000, 0), (0xFFFFFFFF, 999999),
                   (4000000000, 0x80000000), (5, 0xFFFFFFFF),
                   (100, 1000000), (101, 1000000000)]
            recs = [rec(s, f, d) for s, f in raw]
            add(Case(f"pcap-ts-unsigned-{mname}-{ename}.pcap",
                     pcap_file(e, recs, magic=magic),
                     "time stamp seconds and fractions >= 2^31 (unsigned)",
                     master=master_unsigned_ts(dict(enumerate(raw)), res),
                     tags=("ts-unsigned",)))

    # LINKTYPE_ values, some of which map to other DLT_ values, read in
    # both byte orders (swapped files get their pseudo-headers fixed).
    lts = sorted(set(range(0, 300)) | {1000, 32767, 65534, 65535})
    for ename, e in ENDIANS:
        for lt in lts:
            recs = [rec(1, 2, payload(96, f"lt{lt}")),
                    rec(3, 4, payload(48, f"lt{lt}b"), wire=60)]
            add(Case(f"pcap-lt{lt}-{ename}.pcap",
                     pcap_file(e, recs, snaplen=0, linktype=lt),
                     f"LINKTYPE {lt}: DLT mapping, maximum snapshot, "
                     "swapped pseudo-headers", tags=("linktype",)))

    # Broken files.
    good = pcap_file("<", sample_records("broken"))
    add(Case("broken-empty.pcap", b"", "empty file"))
    for n in (1, 3):
        add(Case(f"broken-short-{n}.pcap", good[:n], f"{n}-byte file"))
    for n in (4, 10, 23):
        add(Case(f"broken-header-{n}.pcap", good[:n],
                 f"file header cut after {n} bytes"))
    add(Case("broken-header-only.pcap", good[:24], "header and no record"))
    add(Case("broken-record-header.pcap", good[:24 + 9],
             "record header cut short"))
    add(Case("broken-record-data.pcap", good[:24 + 16 + 20],
             "record data cut short"))
    add(Case("broken-record-past-end.pcap",
             pcap_header("<") + struct.pack("<IIII", 1, 2, 1000, 1000)
             + payload(10, "p"), "record length past the end of the file"))
    add(Case("broken-garbage.pcap", payload(300, "garbage"), "random bytes"))
    add(Case("broken-text.pcap", b"this is not a capture file\n" * 4,
             "a text file"))
    add(Case("broken-pcapng-magic-only.pcap", b"\n\r\r\n", "SHB type only"))
    return out


def pcapng_cases() -> List[Case]:
    out: List[Case] = []
    add = out.append

    for ename, e in ENDIANS:
        d = [payload(n, f"ng{ename}{n}") for n in (60, 1514, 1, 0, 333)]
        base = shb(e) + idb(e, 1, 65535)
        body = b"".join(epb(e, 0, 1700000000_000000 + i * 1234567, x,
                            wire=len(x) + i) for i, x in enumerate(d))
        add(Case(f"ng-basic-{ename}.pcapng", base + body,
                 "SHB, IDB, EPBs", tags=("roundtrip",)))
        add(Case(f"ng-v1.2-{ename}.pcapng", shb(e, minor=2) + idb(e) + body,
                 "SHB version 1.2 is read as 1.0"))
        for major, minor in ((1, 1), (2, 0), (0, 1)):
            add(Case(f"ng-v{major}.{minor}-{ename}.pcapng",
                     shb(e, major=major, minor=minor) + idb(e) + body,
                     f"SHB version {major}.{minor} is refused"))
        # Options everywhere, unknown ones skipped.
        shb_opts = ng_opts(e, ng_opt(e, 1, b"a comment"),
                           ng_opt(e, 2, b"hardware"), ng_opt(e, 3, b"os"),
                           ng_opt(e, 4, b"app"), ng_opt(e, 0x7777, b"??"))
        idb_opts = ng_opts(e, ng_opt(e, 2, b"eth0"), ng_opt(e, 3, b"descr"),
                           ng_opt(e, 8, struct.pack(e + "Q", 10**9)),
                           ng_opt(e, 13, b"\x04"), ng_opt(e, 12, b"Linux"))
        epb_opts = ng_opts(e, ng_opt(e, 2, struct.pack(e + "I", 1)),
                           ng_opt(e, 1, b"packet comment"),
                           ng_opt(e, 0x8001, b"custom"))
        add(Case(f"ng-options-{ename}.pcapng",
                 shb(e, options=shb_opts) + idb(e, 1, 0, idb_opts)
                 + epb(e, 0, 123456789, d[0], options=epb_opts)
                 + epb(e, 0, 123456790, d[4], options=epb_opts),
                 "options in SHB, IDB and EPB"))
        # Unknown and ignored blocks.
        nrb = ng_block(e, BT_NRB, struct.pack(e + "HH", 1, 8)
                       + bytes([10, 0, 0, 1]) + b"host" + struct.pack(e + "HH", 0, 0))
        isb = ng_block(e, BT_ISB, struct.pack(e + "III", 0, 0, 5))
        other = (ng_block(e, 0x0BADF00D, b"x" * 13) + ng_block(e, BT_DSB, b"")
                 + ng_block(e, BT_CUSTOM, b"\0\0\0\1abc")
                 + ng_block(e, 0x40000BAD, b"\0\0\0\1"))
        add(Case(f"ng-unknown-blocks-{ename}.pcapng",
                 shb(e) + other + idb(e) + nrb + epb(e, 0, 5, d[0]) + isb
                 + other + epb(e, 0, 6, d[2]) + other,
                 "NRB, ISB, DSB, custom and unknown blocks are skipped"))
        # The obsolete Packet Block and the Simple Packet Block.
        add(Case(f"ng-pb-{ename}.pcapng",
                 shb(e) + idb(e) + pb(e, 0, 3, 1234567890123, d[0], wire=70)
                 + pb(e, 0, 0, 99, d[1]),
                 "obsolete Packet Block"))
        add(Case(f"ng-spb-{ename}.pcapng",
                 shb(e) + idb(e, 1, 100) + spb(e, 60, d[0])
                 + spb(e, 1514, d[1][:100]) + spb(e, 0, b""),
                 "Simple Packet Blocks: caplen = min(len, snaplen), no time"))
        add(Case(f"ng-spb-snaplen0-{ename}.pcapng",
                 shb(e) + idb(e, 1, 0) + spb(e, 1514, d[1]),
                 "Simple Packet Block with snaplen 0 (the DLT maximum)"))
        add(Case(f"ng-spb-short-{ename}.pcapng",
                 shb(e) + idb(e, 1, 100) + spb(e, 60, d[0][:20]),
                 "SPB whose data is shorter than min(len, snaplen)"))
        # Several sections; a new SHB resets the interfaces.
        add(Case(f"ng-sections-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0])
                 + shb(e) + idb(e) + idb(e) + epb(e, 1, 2, d[1])
                 + shb(e, minor=2) + idb(e) + epb(e, 0, 3, d[4]),
                 "three sections, interfaces numbered per section"))
        add(Case(f"ng-sections-stale-iface-{ename}.pcapng",
                 shb(e) + idb(e) + idb(e) + epb(e, 1, 1, d[0])
                 + shb(e) + idb(e) + epb(e, 1, 2, d[1]),
                 "interface 1 of a previous section is gone"))
        add(Case(f"ng-sections-other-linktype-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0])
                 + shb(e) + idb(e, 105) + epb(e, 0, 2, d[1]),
                 "a later section with another link type is an error"))
        add(Case(f"ng-idb-other-snaplen-{ename}.pcapng",
                 shb(e) + idb(e, 1, 100) + epb(e, 0, 1, d[0])
                 + idb(e, 1, 200) + epb(e, 1, 2, d[1][:50]),
                 "a second IDB with another snaplen is an error"))
        add(Case(f"ng-idb-same-adjusted-snaplen-{ename}.pcapng",
                 shb(e) + idb(e, 1, 0) + idb(e, 1, 0x80000000)
                 + epb(e, 1, 2, d[0]),
                 "IDBs whose snaplens adjust to the same value"))
        add(Case(f"ng-idb-linktype-mapped-{ename}.pcapng",
                 shb(e) + idb(e, 101) + epb(e, 0, 1, d[0]) + idb(e, 101)
                 + epb(e, 1, 2, d[0]),
                 "second IDB with a LINKTYPE that maps to another DLT"))
        add(Case(f"ng-idb-linktype-{ename}.pcapng",
                 shb(e) + idb(e, 228, 0) + epb(e, 0, 1, d[0]),
                 "IDB link type and snaplen 0"))
        add(Case(f"ng-unknown-iface-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0]) + epb(e, 7, 2, d[1]),
                 "a packet on an interface with no IDB"))
        add(Case(f"ng-packet-before-idb-{ename}.pcapng",
                 shb(e) + epb(e, 0, 1, d[0]) + idb(e),
                 "a packet block before any IDB"))
        add(Case(f"ng-no-idb-{ename}.pcapng", shb(e) + ng_block(e, 0x77, b""),
                 "no IDB at all"))
        add(Case(f"ng-shb-only-{ename}.pcapng", shb(e), "only an SHB"))
        add(Case(f"ng-caplen-gt-snaplen-{ename}.pcapng",
                 shb(e) + idb(e, 1, 64) + epb(e, 0, 1, d[0]) + epb(e, 0, 2, d[1]),
                 "pcapng caplen > snaplen is an error (unlike pcap)"))
        add(Case(f"ng-caplen-past-block-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0], caplen=200),
                 "EPB caplen beyond the block"))
        add(Case(f"ng-epb-too-short-{ename}.pcapng",
                 shb(e) + idb(e) + ng_block(e, BT_EPB, b"\0" * 12),
                 "EPB shorter than its fixed part"))
        add(Case(f"ng-idb-too-short-{ename}.pcapng",
                 shb(e) + ng_block(e, BT_IDB, b"\0" * 4),
                 "IDB shorter than its fixed part"))
        # Section changes.
        other_e = ">" if e == "<" else "<"
        add(Case(f"ng-sections-byte-order-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0])
                 + shb(other_e) + idb(other_e) + epb(other_e, 0, 2, d[0]),
                 "a section in the other byte order: its length reads wrong"))
        # A length that reads the same in both orders (bytes 00 04 04 00)
        # gets the reader as far as the byte-order check.
        pal = 0x00040400
        body = struct.pack(other_e + "IHHq", BYTE_ORDER_MAGIC, 1, 0, -1)
        other_shb = (struct.pack(e + "II", BT_SHB, pal)
                     + body.ljust(pal - 12, b"\0") + struct.pack(e + "I", pal))
        add(Case(f"ng-sections-byte-order-pal-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0]) + other_shb
                 + idb(other_e) + epb(other_e, 0, 2, d[0]),
                 "a section in the other byte order is an error"))
        add(Case(f"ng-sections-bad-bom-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0])
                 + shb(e, bom=0x11223344) + idb(e),
                 "a later SHB with a bad byte-order magic"))
        add(Case(f"ng-sections-major-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0]) + shb(e, major=2) + idb(e),
                 "a later SHB with major version 2"))
        add(Case(f"ng-bad-bom-{ename}.pcapng",
                 shb(e, bom=0x11223344) + idb(e),
                 "first SHB with a bad byte-order magic: not pcapng"))
        # Block lengths.
        # 1.10.3's message has no numbers; master gives both lengths.
        old_text = "block total length in header and trailer don't match"
        bad = epb(e, 0, 1, d[0], trailer=999)
        add(Case(f"ng-trailer-mismatch-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 0, d[2]) + bad,
                 "block lengths in header and trailer differ",
                 master=master_read_error(
                     f"block total length in header {len(bad)} and trailer 999"
                     " don't match", replaces=old_text)))
        bad = idb(e, trailer=1000)
        add(Case(f"ng-idb-trailer-mismatch-{ename}.pcapng",
                 shb(e) + bad + epb(e, 0, 1, d[0]),
                 "IDB lengths in header and trailer differ (at open)",
                 master=master_open_error(
                     f"block total length in header {len(bad)} and trailer 1000"
                     " don't match", replaces=old_text)))
        # The first SHB's trailer is not checked when the file is opened.
        add(Case(f"ng-shb-trailer-mismatch-{ename}.pcapng",
                 shb(e, trailer=20) + idb(e) + epb(e, 0, 1, d[0]),
                 "first SHB lengths in header and trailer differ"))
        add(Case(f"ng-zero-length-block-{ename}.pcapng",
                 shb(e) + idb(e) + struct.pack(e + "II", BT_EPB, 0) + b"\0" * 32,
                 "a block of total length 0"))
        add(Case(f"ng-short-block-{ename}.pcapng",
                 shb(e) + idb(e) + struct.pack(e + "III", BT_EPB, 8, 8),
                 "a block shorter than header plus trailer"))
        add(Case(f"ng-odd-length-block-{ename}.pcapng",
                 shb(e) + idb(e) + struct.pack(e + "II", BT_EPB, 22) + b"\0" * 20,
                 "a block length that is not a multiple of 4"))
        add(Case(f"ng-huge-block-{ename}.pcapng",
                 shb(e) + idb(e) + struct.pack(e + "II", BT_EPB, 0xFFFFFFF0)
                 + b"\0" * 64,
                 "a block length that would allocate gigabytes"))
        add(Case(f"ng-huge-block-dbus-{ename}.pcapng",
                 shb(e) + idb(e, 231) + struct.pack(e + "II", BT_EPB, 0x10000000)
                 + b"\0" * 64,
                 "a huge block with a DLT whose maximum snapshot is large"))
        add(Case(f"ng-huge-shb-{ename}.pcapng",
                 struct.pack(e + "II", BT_SHB, 0x80000000)
                 + struct.pack(e + "I", BYTE_ORDER_MAGIC) + b"\0" * 64,
                 "an SHB length that would allocate gigabytes"))
        add(Case(f"ng-tiny-shb-{ename}.pcapng",
                 struct.pack(e + "II", BT_SHB, 16)
                 + struct.pack(e + "I", BYTE_ORDER_MAGIC) + b"\0" * 64,
                 "an SHB shorter than its fixed part"))
        add(Case(f"ng-truncated-block-{ename}.pcapng",
                 (shb(e) + idb(e) + epb(e, 0, 1, d[1]))[:-100],
                 "the file ends in the middle of a block"))
        add(Case(f"ng-truncated-header-{ename}.pcapng",
                 (shb(e) + idb(e) + epb(e, 0, 1, d[1]))[:28 + 20 + 5],
                 "the file ends in the middle of a block header"))
        add(Case(f"ng-truncated-shb-{ename}.pcapng", shb(e)[:20],
                 "the file ends in the SHB"))
        add(Case(f"ng-truncated-shb-8-{ename}.pcapng", shb(e)[:8],
                 "the file ends before the byte-order magic"))
        add(Case(f"ng-garbage-after-{ename}.pcapng",
                 shb(e) + idb(e) + epb(e, 0, 1, d[0]) + payload(50, "g"),
                 "random bytes after the last block"))

        # Time stamp resolution and offset.
        ts_values = (0, 1, 999, 1000, 10**6 - 1, 10**6, 10**9 + 7,
                     1_700_000_000_123_456_789, 2**63 + 12345, 2**64 - 1)
        for code, label in ([(n, f"10^-{n}") for n in (0, 1, 3, 6, 7, 9, 12, 19)]
                            + [(0x80 | n, f"2^-{n}") for n in
                               (0, 1, 10, 20, 30, 32, 40, 63)]):
            recs = b"".join(epb(e, 0, t, d[0][:8]) for t in ts_values)
            add(Case(f"ng-tsresol-{code:02x}-{ename}.pcapng",
                     shb(e) + idb(e, 1, 65535, ng_opts(e, tsresol(e, code)))
                     + recs,
                     f"if_tsresol {label}"))
        for code in (20, 0x80 | 64, 0xFF):
            add(Case(f"ng-tsresol-{code:02x}-{ename}.pcapng",
                     shb(e) + idb(e, 1, 65535, ng_opts(e, tsresol(e, code)))
                     + epb(e, 0, 1, d[0]),
                     f"if_tsresol {code:#x} is too fine"))
        add(Case(f"ng-tsresol-len2-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_opts(e, ng_opt(e, 9, b"\x06\x00")))
                 + epb(e, 0, 1, d[0]),
                 "if_tsresol with length 2"))
        add(Case(f"ng-tsresol-twice-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_opts(e, tsresol(e, 6),
                                                   tsresol(e, 9)))
                 + epb(e, 0, 1, d[0]),
                 "two if_tsresol options"))
        for off in (0, 1000, -1000, 2**31, -(2**40), 2**62):
            recs = b"".join(epb(e, 0, t, d[0][:8]) for t in ts_values[:8])
            add(Case(f"ng-tsoffset-{off}-{ename}.pcapng",
                     shb(e) + idb(e, 1, 65535, ng_opts(e, tsoffset(e, off)))
                     + recs,
                     f"if_tsoffset {off} (signed)"))
        add(Case(f"ng-tsoffset-tsresol-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_opts(e, tsoffset(e, 86400),
                                                   tsresol(e, 0x80 | 16)))
                 + idb(e, 1, 65535, ng_opts(e, tsresol(e, 9)))
                 + epb(e, 0, 70000 * 65536, d[0]) + epb(e, 1, 5 * 10**9 + 3, d[1])
                 + epb(e, 0, 65537, d[4]),
                 "two interfaces with their own resolution and offset"))
        add(Case(f"ng-tsoffset-len4-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_opts(e, ng_opt(e, 14, b"\0\0\0\1")))
                 + epb(e, 0, 1, d[0]),
                 "if_tsoffset with length 4"))
        add(Case(f"ng-tsoffset-twice-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_opts(e, tsoffset(e, 1),
                                                   tsoffset(e, 2)))
                 + epb(e, 0, 1, d[0]),
                 "two if_tsoffset options"))
        add(Case(f"ng-opt-endofopt-len-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_opt(e, 0, b"\0\0\0\0"))
                 + epb(e, 0, 1, d[0]),
                 "IDB opt_endofopt with a non-zero length"))
        add(Case(f"ng-opt-past-block-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_opt(e, 2, b"eth0", length=400))
                 + epb(e, 0, 1, d[0]),
                 "IDB option longer than the block"))
        add(Case(f"ng-opt-no-endofopt-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_opt(e, 2, b"") + tsresol(e, 3))
                 + epb(e, 0, 1234567, d[0]),
                 "IDB options without opt_endofopt"))
        add(Case(f"ng-shb-opt-too-long-{ename}.pcapng",
                 shb(e, options=ng_opt(e, 1, b"abcd", length=200)) + idb(e)
                 + epb(e, 0, 1, d[0]),
                 "SHB option longer than the block"))
        add(Case(f"ng-options-after-end-{ename}.pcapng",
                 shb(e) + idb(e, 1, 65535, ng_end(e) + tsresol(e, 9))
                 + epb(e, 0, 10**9 + 5, d[0]),
                 "options after opt_endofopt are not read"))
    return out


def cases() -> List[Case]:
    """All generated cases, in a stable order, with unique names."""
    out = classic_cases() + pcapng_cases()
    names = [c.name for c in out]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise AssertionError(f"duplicate case names: {sorted(dup)}")
    return out


INTERESTING_WORDS = (0, 1, 4, 12, 16, 0x7F, 0x80, 0xFFFF, 0x10000, 0x7FFFFFFF,
                     0x80000000, 0xFFFFFFF0, 0xFFFFFFFF, BT_SHB, BT_IDB, BT_EPB,
                     BT_SPB, BT_PB, BYTE_ORDER_MAGIC, MAGIC_USEC, MAGIC_NSEC)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage to a capture: flipped bits, a 32-bit field set to
    a boundary value, a cut, a repeated or removed chunk."""
    buf = bytearray(data)
    kind = rng.randrange(6)
    if not buf:
        return bytes(rng.randbytes(rng.randrange(1, 64)))
    if kind == 0:
        for _ in range(rng.randrange(1, 5)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    elif kind == 1 and len(buf) >= 4:
        pos = rng.randrange(0, len(buf) - 3) & ~3
        word = rng.choice(INTERESTING_WORDS)
        if rng.random() < 0.3:
            word = (word + rng.choice((-4, -1, 1, 4))) & 0xFFFFFFFF
        buf[pos:pos + 4] = struct.pack(rng.choice("<>") + "I", word)
    elif kind == 2:
        del buf[rng.randrange(len(buf)):]
    elif kind == 3:
        a = rng.randrange(len(buf))
        b = min(len(buf), a + rng.randrange(1, 64))
        buf[a:a] = buf[a:b]
    elif kind == 4:
        a = rng.randrange(len(buf))
        del buf[a:a + rng.randrange(1, 32)]
    else:
        pos = rng.randrange(len(buf))
        buf[pos:pos + 8] = rng.randbytes(8)
    return bytes(buf)


def mutants(bases: List[Case], count: int, seed: int = 1) -> List[Case]:
    """``count`` damaged copies of ``bases`` (deterministic for a seed); a
    mutant may carry up to three damages."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        base = bases[i % len(bases)]
        data = base.data
        for _ in range(rng.randrange(1, 4)):
            data = mutate(data, rng)
        suffix = ".pcapng" if base.name.endswith(".pcapng") else ".pcap"
        out.append(Case(f"mut{seed}-{i:05d}-{base.name[:-len(suffix)]}{suffix}",
                        data, f"damaged copy of {base.name}"))
    return out


def write_cases(directory: Path, selected: Optional[List[Case]] = None) -> List[Case]:
    """Write the cases' files to ``directory``; return the cases."""
    directory.mkdir(parents=True, exist_ok=True)
    chosen = cases() if selected is None else selected
    for c in chosen:
        (directory / c.name).write_bytes(c.data)
    return chosen


def main(argv: List[str]) -> int:
    if len(argv) != 2:
        print("usage: gen_captures.py OUTDIR", file=sys.stderr)
        return 2
    written = write_cases(Path(argv[1]))
    for c in written:
        print(f"{c.name}\t{len(c.data)}\t{c.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
