"""Differential tests over generated captures (tests/gen_captures.py): every
savefile variant of the task (classic pcap magics, byte orders, versions,
length-swap rules, snaplen corner cases, link-type bits, unsigned time
stamps, LINKTYPE mapping; pcapng byte orders, sections, if_tsresol and
if_tsoffset, EPB/SPB/PB, unknown blocks, options; broken files of every
kind) read by the system libpcap (the oracle) and by ours.

Ours must give the oracle's record, except where libpcap master reads the
file differently from 1.10.3: then each case carries master's record (see
its ``master`` and the comment where the case is built).

Writing is checked the same way: files copied through our pcap_dump (plain,
pcap_dump_fopen, pcap_dump_open_append, dead handles) must be byte for byte
what the system libpcap writes, and read back the same.
"""
from __future__ import annotations

import hashlib
import struct
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

import gen_captures as gen
from conftest import (Conformance, Tools, as_native_expectation, diff_records,
                      native_record)

Variants = Tuple[Path, List[gen.Case]]


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Variants:
    directory = tmp_path_factory.mktemp("variants")
    return directory, gen.write_cases(directory)


def paths(variants: Variants) -> List[Path]:
    directory, cases = variants
    return [directory / c.name for c in cases]


def compare_cases(label: str, cases: Sequence[gen.Case], got: Sequence[dict],
                  expected: Sequence[dict], keys: Optional[List[str]] = None) -> None:
    failures = []
    for case, rec, exp in zip(cases, got, expected):
        assert rec["file"] == case.name, (rec["file"], case.name)
        diffs = diff_records(rec, exp, keys)
        if diffs:
            failures.append(f"{case.name} ({case.what}): " + "; ".join(diffs[:3]))
    Conformance.report(label, len(cases) - len(failures), len(cases))
    if failures:
        shown = "\n  ".join(f[:500] for f in failures[:30])
        raise AssertionError(f"{label}: {len(failures)} of {len(cases)} differ:"
                             f"\n  {shown}")


# --------------------------------------------------------------------------
# Reading

READ_MODES: Dict[str, List[str]] = {
    "micro": ["-m"],
    "nano": ["-n"],
    "precision-micro": ["-M"],
    "fopen-nano": ["-f", "-n"],
    "loop": ["-r", "loop"],
    "dispatch": ["-n", "-r", "dispatch"],
    "next": ["-r", "next"],
    "extras": ["-x"],
    "bad-precision": ["-P", "2"],
}


@pytest.mark.parametrize("mode", sorted(READ_MODES))
def test_variants_c_library(oracle: Tools, ours: Tools, variants: Variants,
                            mode: str) -> None:
    _, cases = variants
    files = paths(variants)
    options = READ_MODES[mode]
    expected = [c.expected(r) for c, r in zip(cases, oracle.read(files, options))]
    got = ours.read(files, options)
    keys = None
    all_keys = set().union(*(set(r) for r in expected))
    if mode == "next":  # pcap_next cannot report a read error
        keys = sorted(all_keys - {"read_error"})
    elif mode == "extras":
        # Names and descriptions of link types: master added some after
        # 1.10.3; the datalink table tests own them.
        keys = sorted(all_keys - {"datalink_name", "datalink_description"})
    compare_cases(f"generated variants ({mode}): C library vs master",
                  cases, got, expected, keys)


# libpcap's refusals of pcapng files that the native Reader reads past, on
# purpose (docs/differences.md, "pcapng, native API only"): interfaces of
# other link types or snapshot lengths, sections in the other byte order
# (whose length libpcap reads in the first section's order).
NATIVE_READS_PAST = ("an interface has a type ", "an interface has a snapshot length ",
                     "the file has sections with different byte orders")


def native_reads_past(case: gen.Case, exp: dict) -> bool:
    error = exp.get("read_error") or ""
    if not isinstance(error, str):
        return False
    return error.startswith(NATIVE_READS_PAST) or (
        "byte-order" in case.name and error.startswith("pcapng block size "))


def tshark_expectation(path: Path, exp: dict) -> dict:
    """Where the native Reader goes past libpcap: the whole file as tshark
    (another reader, in its own process) reads it, and no error."""
    from _ngtools import tshark_packets

    out = dict(exp)
    out["packets"] = [[p["ts_ns"], p["caplen"], p["wirelen"],
                       hashlib.sha256(p["data"]).hexdigest()] for p in tshark_packets(path)]
    out["read_error"] = None
    return out


@pytest.mark.parametrize("how", ["path", "bytesio"])
def test_variants_native_api(oracle: Tools, native: Any, variants: Variants,
                             how: str) -> None:
    import io

    _, cases = variants
    files = paths(variants)
    expected = [as_native_expectation(c.expected(r))
                for c, r in zip(cases, oracle.read(files, ["-n"]))]
    past = [i for i, (c, e) in enumerate(zip(cases, expected)) if native_reads_past(c, e)]
    assert past, "no case where the native Reader reads past libpcap: the generator changed?"
    for i in past:
        expected[i] = tshark_expectation(files[i], expected[i])
    got = []
    for path in files:
        source: Any = str(path) if how == "path" else io.BytesIO(path.read_bytes())
        got.append(native_record(native, source, path.name, path.stat().st_size))
    keys = ["open_error", "linktype", "snaplen", "swapped", "version_major",
            "version_minor", "packets", "read_error"]
    compare_cases(f"generated variants: native API ({how}) vs master",
                  cases, got, expected, keys)


@pytest.mark.parametrize("mode", ["nano", "micro"])
def test_variants_bounded_memory(oracle: Tools, ours: Tools, variants: Variants,
                                 mode: str) -> None:
    """With the address space capped at 512 MiB, ours still reads every
    variant as master does: no allocation follows a hostile length field
    (an unbounded one would fail here, where overcommit hides it)."""
    _, cases = variants
    files = paths(variants)
    options = ["-n" if mode == "nano" else "-m"]
    expected = [c.expected(r) for c, r in zip(cases, oracle.read(files, options))]
    got = ours.read(files, options, memory_limit=512 << 20)
    compare_cases(f"generated variants ({mode}, 512 MiB address space): "
                  "C library vs master", cases, got, expected)


# --------------------------------------------------------------------------
# Damaged files

MUTANT_COUNT = 4000
MUTANT_BASES = (
    "pcap-usec-le.pcap", "pcap-nsec-be.pcap", "pcap-v2.0-le.pcap",
    "pcap-v2.3-be.pcap", "pcap-v543.0-be.pcap", "pcap-kuznetzov-en10mb-le.pcap",
    "pcap-caplen-gt-snaplen-be.pcap", "pcap-snaplen-0-lt231-le.pcap",
    "pcap-lt189-be.pcap", "pcap-lt220-be.pcap", "pcap-lt239-be.pcap",
    "pcap-lt227-be.pcap", "pcap-lt113-le.pcap", "pcap-lt276-be.pcap",
    "ng-basic-le.pcapng", "ng-basic-be.pcapng", "ng-options-le.pcapng",
    "ng-sections-be.pcapng", "ng-pb-le.pcapng", "ng-spb-be.pcapng",
    "ng-unknown-blocks-le.pcapng", "ng-tsoffset-tsresol-be.pcapng",
    "ng-tsresol-94-le.pcapng", "ng-idb-linktype-be.pcapng",
)
TRAILER_1_10_3 = "block total length in header and trailer don't match"


class _Any:
    """Matches any value (a field whose master value is not derivable)."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __repr__(self) -> str:
        return "<any>"


ANY = _Any()


def master_view(rec: dict, data: bytes) -> dict:
    """libpcap master's record for a damaged file, from 1.10.3's record
    (nanosecond open), for the differences known between the two:
    versions before 2.0, the reserved link-type field, the trailer-mismatch
    text, and signed 32-bit time stamps."""
    rec = dict(rec)
    order = None
    if len(data) >= 4:
        for e in "<>":
            if struct.unpack(e + "I", data[:4])[0] in (
                    gen.MAGIC_USEC, gen.MAGIC_NSEC, gen.MAGIC_KUZNETZOV):
                order = e
    if order and rec["open_error"] == "archaic pcap savefile format":
        major, minor = struct.unpack(order + "HH", data[4:8])
        rec["open_error"] = f"unsupported pcap savefile version {major}.{minor}"
    if order and rec["open_error"] is None:
        linktype = struct.unpack(order + "I", data[20:24])[0]
        if linktype & 0x03FF0000:
            return gen.open_error_record(rec, gen.Prefix(
                "savefile linktype reserved field not zero (0x"))
        # 1.10.3 sign-extends fields >= 2^31; in a nanosecond open that
        # shows as a negative second or fraction.  Master's value is the
        # unsigned one, which the record no longer tells: match any.
        rec["packets"] = [[ANY, ANY, *p[2:]] if p[0] < 0 or p[1] < 0 else p
                          for p in rec["packets"]]
    trailer = gen.Prefix("block total length in header ")
    if rec["open_error"] == TRAILER_1_10_3:
        rec["open_error"] = trailer
    if rec.get("read_error") == TRAILER_1_10_3:
        rec["read_error"] = trailer
    return rec


@pytest.fixture(scope="module")
def mutated(tmp_path_factory: pytest.TempPathFactory) -> Variants:
    by_name = {c.name: c for c in gen.cases()}
    bases = [by_name[n] for n in MUTANT_BASES]
    directory = tmp_path_factory.mktemp("mutants")
    return directory, gen.write_cases(directory, gen.mutants(bases, MUTANT_COUNT))


def test_damaged_files_c_library(oracle: Tools, ours: Tools, mutated: Variants) -> None:
    """Thousands of damaged captures: ours never crashes, never allocates
    without bound (512 MiB address space) and gives master's record."""
    directory, cases = mutated
    files = [directory / c.name for c in cases]
    expected = [master_view(r, c.data) for c, r in zip(cases, oracle.read(files, ["-n"]))]
    got = ours.read(files, ["-n"], memory_limit=512 << 20)
    compare_cases("damaged files (nano): C library vs master", cases, got, expected)


def test_damaged_files_native_api(oracle: Tools, native: Any, mutated: Variants) -> None:
    directory, cases = mutated
    files = [directory / c.name for c in cases]
    expected = []
    for c, r in zip(cases, oracle.read(files, ["-n"])):
        m = master_view(r, c.data)
        m["packets"] = [[ANY if s is ANY else s * 10**9 + f, cap, w, h]
                        for s, f, cap, w, h in m["packets"]]
        expected.append(m)
    got = [native_record(native, str(p), p.name, p.stat().st_size) for p in files]
    keys = ["open_error", "linktype", "snaplen", "swapped", "version_major",
            "version_minor", "packets", "read_error"]
    # Where libpcap refuses what the native Reader reads past, the damage
    # may lie further on: ours must give at least libpcap's packets, and
    # whatever follows is the other readers' business (test_pcapng_read).
    for i, (case, exp) in enumerate(zip(cases, expected)):
        if native_reads_past(case, exp):
            n = len(exp["packets"])
            if len(got[i]["packets"]) >= n:
                got[i] = dict(got[i], packets=got[i]["packets"][:n],
                              read_error=exp["read_error"])
    compare_cases("damaged files: native API vs master", cases, got, expected, keys)


@pytest.fixture(scope="module")
def mutated_corpus(conformance: Conformance,
                   tmp_path_factory: pytest.TempPathFactory) -> Variants:
    """Damaged copies of every 20th capture of the tcpdump corpus (real
    files: many link types, pcapng options, odd records)."""
    files = conformance.files("corpus/tcpdump")[::20]
    bases = [gen.Case(p.name, p.read_bytes(), "corpus file") for p in files]
    directory = tmp_path_factory.mktemp("corpus-mutants")
    return directory, gen.write_cases(directory, gen.mutants(bases, 2000, seed=2))


def test_damaged_corpus_files_c_library(oracle: Tools, ours: Tools,
                                        mutated_corpus: Variants) -> None:
    directory, cases = mutated_corpus
    files = [directory / c.name for c in cases]
    expected = [master_view(r, c.data) for c, r in zip(cases, oracle.read(files, ["-n"]))]
    got = ours.read(files, ["-n"], memory_limit=512 << 20)
    compare_cases("damaged corpus files (nano): C library vs master", cases, got,
                  expected)


def test_generator_covers_the_task() -> None:
    """The variants the task lists are all generated (a guard against a
    generator edit silently dropping a family)."""
    names = {c.name for c in gen.cases()}
    for needed in ("pcap-usec-le.pcap", "pcap-usec-be.pcap", "pcap-nsec-le.pcap",
                   "pcap-nsec-be.pcap", "pcap-v2.0-le.pcap", "pcap-v2.1-be.pcap",
                   "pcap-v2.2-le.pcap", "pcap-v2.3-be.pcap", "pcap-v543.0-le.pcap",
                   "pcap-kuznetzov-en10mb-le.pcap", "pcap-caplen-gt-snaplen-le.pcap",
                   "pcap-snaplen-0-le.pcap", "pcap-snaplen-ffffffff-be.pcap",
                   "pcap-linktype-reserved-00300000-le.pcap",
                   "pcap-linktype-ext-44000000-le.pcap",
                   "pcap-ts-unsigned-usec-le.pcap", "pcap-lt101-le.pcap",
                   "ng-basic-le.pcapng", "ng-basic-be.pcapng", "ng-sections-le.pcapng",
                   "ng-tsresol-09-le.pcapng", "ng-tsresol-94-be.pcapng",
                   "ng-tsoffset--1000-le.pcapng", "ng-pb-le.pcapng", "ng-spb-be.pcapng",
                   "ng-unknown-blocks-le.pcapng", "ng-options-be.pcapng",
                   "broken-record-header.pcap", "ng-truncated-block-le.pcapng",
                   "broken-garbage.pcap", "ng-huge-block-le.pcapng",
                   "pcap-caplen-huge-le.pcap", "broken-record-past-end.pcap",
                   "ng-zero-length-block-be.pcapng", "ng-bad-bom-le.pcapng",
                   "ng-sections-byte-order-pal-le.pcapng"):
        assert needed in names, needed


# --------------------------------------------------------------------------
# Writing

COPY_MODES: Dict[str, Tuple[List[str], List[str]]] = {
    # name: (pcap_dump_copy options, reader options to read the result)
    "micro": ([], ["-m"]),
    "nano": (["-n"], ["-n"]),
    "fopen": (["-F"], ["-m"]),
    "dead-nano": (["-d", "1", "65535", "1"], ["-n"]),
    "dead-raw": (["-d", "12", "1500", "0", "-c", "3"], ["-m"]),
}


def run_copies(tool: Tools, workdir: Path, inputs: Sequence[Path],
               options: Sequence[str]) -> Tuple[List[dict], List[Optional[bytes]]]:
    """Copy each input to workdir/<name>.out (relative names, so that error
    texts quoting the output path are the same for both builds)."""
    workdir.mkdir(parents=True, exist_ok=True)
    pairs = [(p, Path(p.name + ".out")) for p in inputs]
    reports = tool.copy_many(pairs, options, workdir=workdir)
    outputs = []
    for _, out in pairs:
        f = workdir / out
        outputs.append(f.read_bytes() if f.exists() else None)
    return reports, outputs


def master_open_error(case: gen.Case, oracle_report: dict) -> Optional[str]:
    """Master's open error for ``case`` when it differs from 1.10.3's."""
    if case.master is None:
        return None
    probe = {"file": case.name, "file_size": 0,
             "open_error": oracle_report.get("open_error"), "linktype": 1,
             "snaplen": 1, "swapped": False, "version_major": 2,
             "version_minor": 4, "ts_precision": "micro", "packets": [],
             "read_error": None}
    fixed = case.master(probe)
    if fixed["open_error"] == probe["open_error"]:
        return None
    return fixed["open_error"]


# DLT_ values libpcap master writes to savefiles and 1.10.3 refuses ("link-
# layer type N isn't supported in savefiles"): DLT_REDBACK_SMARTEDGE (32,
# written as LINKTYPE_REDBACK_SMARTEDGE 32) and the LINKTYPE_ values
# registered after 1.10.3, which master's matching range (written unchanged)
# now covers.  For these, ours must write the file, and the oracle must
# read it back as the packets that went in.
MASTER_WRITABLE = frozenset({32} | set(range(290, 300)))
UNSUPPORTED_IN_SAVEFILES = "isn't supported in savefiles"


def master_writes(report: dict, dlt: int) -> bool:
    err = report.get("dump_open_error") or ""
    return dlt in MASTER_WRITABLE and UNSUPPORTED_IN_SAVEFILES in err


def read_back_problems(oracle: Tools, written: Sequence[Path],
                       originals: Sequence[Path], read_options: Sequence[str],
                       limit: Optional[int] = None) -> List[str]:
    """The oracle's reading of what we wrote, against its reading of the
    inputs (same link type, snaplen and packets)."""
    back = oracle.read(written, read_options)
    orig = oracle.read(originals, read_options)
    out = []
    for w, b, o in zip(written, back, orig):
        packets = o["packets"] if limit is None else o["packets"][:limit]
        got = (b["open_error"], b["linktype"], b["snaplen"], b["packets"])
        want = (None, o["linktype"], o["snaplen"], packets)
        if got != want:
            out.append(f"{w.name}: read back {got[:3]} / {len(got[3])} packets, "
                       f"expected {want[:3]} / {len(packets)} packets"
                       + ("" if got[3] == packets[:len(got[3])] else " (differ)"))
    return out


@pytest.mark.parametrize("mode", sorted(COPY_MODES))
def test_dump_matches_oracle(oracle: Tools, ours: Tools, variants: Variants,
                             tmp_path: Path, mode: str) -> None:
    _, cases = variants
    files = paths(variants)
    options, read_options = COPY_MODES[mode]
    want_reports, want_bytes = run_copies(oracle, tmp_path / "oracle", files, options)
    got_reports, got_bytes = run_copies(ours, tmp_path / "ours", files, options)
    failures = []
    newer: List[Tuple[Path, Path]] = []
    for case, wr, gr, wb, gb in zip(cases, want_reports, got_reports,
                                    want_bytes, got_bytes):
        lt = int(case.name[len("pcap-lt"):].split("-")[0]) \
            if "linktype" in case.tags else -1
        if "-d" not in options and master_writes(wr, lt):
            if gr.get("dump_open_error") is not None or gb is None:
                failures.append(f"{case.name}: master writes LINKTYPE {lt}, "
                                f"ours: {gr.get('dump_open_error')!r}")
            else:
                newer.append((tmp_path / "ours" / (case.name + ".out"),
                              Path(wr["in"])))
            continue
        refused = master_open_error(case, wr)
        if refused is not None:
            # Master does not open the file, so writes nothing.
            if not (refused == gr.get("open_error")) or gb is not None:
                failures.append(f"{case.name}: open_error {gr.get('open_error')!r}"
                                f", expected {refused!r}, output "
                                f"{'absent' if gb is None else 'written'}")
            continue
        keys = None
        if case.master is not None:
            # Master reads these differently (a read error text, unsigned
            # time stamps): what is written is checked in
            # test_dump_unsigned_timestamps; here only the writer calls.
            keys = sorted((set(wr) | set(gr)) - {"read_error"})
        diffs = diff_records(gr, wr, keys)
        if diffs:
            failures.append(f"{case.name}: " + "; ".join(diffs[:3]))
        elif gb != wb and "ts-unsigned" not in case.tags:
            failures.append(f"{case.name}: written bytes differ "
                            f"({_first_difference(gb, wb)})")
    if newer:
        failures += read_back_problems(oracle, [a for a, _ in newer],
                                       [b for _, b in newer], read_options)
    Conformance.report(f"dump ({mode}): C library vs oracle (master)",
                       len(cases) - len(failures), len(cases))
    assert not failures, "\n".join(failures[:30])


@pytest.mark.parametrize("nano_copy", [False, True])
@pytest.mark.parametrize("file_res", ["usec", "nsec"])
def test_dump_unsigned_timestamps(ours: Tools, variants: Variants,
                                  tmp_path: Path, file_res: str,
                                  nano_copy: bool) -> None:
    """Time stamp fields >= 2^31 survive a read/write cycle as master does
    it: unsigned, scaled between micro and nano without sign extension."""
    directory, cases = variants
    name = f"pcap-ts-unsigned-{file_res}-le.pcap"
    case = next(c for c in cases if c.name == name)
    (report,), (data,) = run_copies(ours, tmp_path, [directory / name],
                                    ["-n"] if nano_copy else [])
    assert report["dump_open_error"] is None and data is not None, report
    src = gen.parse_pcap(case.data)
    out = gen.parse_pcap(data)
    assert out["magic"] == (gen.MAGIC_NSEC if nano_copy else gen.MAGIC_USEC)
    assert len(out["records"]) == len(src["records"])
    for (ssec, sfrac, *_), (osec, ofrac, *_) in zip(src["records"], out["records"]):
        if file_res == "usec" and nano_copy:
            frac = sfrac * 1000
        elif file_res == "nsec" and not nano_copy:
            frac = sfrac // 1000
        else:
            frac = sfrac
        assert (osec, ofrac) == (ssec, frac & 0xFFFFFFFF), (ssec, sfrac)


def test_dump_round_trip_keeps_packets(oracle: Tools, ours: Tools,
                                       variants: Variants, tmp_path: Path) -> None:
    """Files written by our pcap_dump give back, through the oracle, the
    packets that were read from the original (same precision)."""
    directory, cases = variants
    chosen = [c for c in cases if "roundtrip" in c.tags]
    assert chosen
    inputs = [directory / c.name for c in chosen]
    for copy_opts, read_opts in (([], ["-m"]), (["-n"], ["-n"])):
        reports, _ = run_copies(ours, tmp_path / "-".join(copy_opts or ["m"]),
                                inputs, copy_opts)
        originals = oracle.read(inputs, read_opts)
        outs = [tmp_path / "-".join(copy_opts or ["m"]) / (p.name + ".out")
                for p in inputs]
        back = oracle.read(outs, read_opts)
        for case, rep, orig, rb in zip(chosen, reports, originals, back):
            assert rep["dump_open_error"] is None, (case.name, rep)
            assert rep["written"] == len(orig["packets"]), (case.name, rep)
            assert rb["read_error"] is None, (case.name, rb)
            assert rb["packets"] == orig["packets"], case.name
            assert rb["linktype"] == orig["linktype"], case.name
            assert rb["snaplen"] == orig["snaplen"], case.name
            assert (rb["version_major"], rb["version_minor"]) == (2, 4)


DEAD_DLTS = sorted(set(range(0, 300)) | {1000, 65535, -1})


@pytest.mark.parametrize("prec", [0, 1])
def test_dump_dead_handles_match_oracle(oracle: Tools, ours: Tools,
                                        variants: Variants, tmp_path: Path,
                                        prec: int) -> None:
    """pcap_dump_open on pcap_open_dead handles of every DLT: the LINKTYPE
    written (or libpcap's refusal) and the bytes match the oracle."""
    directory, _ = variants
    source = directory / "pcap-usec-le.pcap"
    failures = []
    settings = [(dlt, 65535) for dlt in DEAD_DLTS] + [(1, 0), (1, -5), (1, 300000)]
    for dlt, snap in settings:
        opts = ["-d", str(dlt), str(snap), str(prec), "-c", "2"]
        (wr,), (wb,) = run_copies(oracle, tmp_path / "o", [source], opts)
        (gr,), (gb,) = run_copies(ours, tmp_path / "g", [source], opts)
        diffs = diff_records(gr, wr)
        if master_writes(wr, dlt):
            out = tmp_path / "g" / (source.name + ".out")
            if gr.get("dump_open_error") is not None or gb is None:
                failures.append(f"dead({dlt}, {snap}, {prec}): master writes "
                                f"it, ours: {gr.get('dump_open_error')!r}")
            elif gen.parse_pcap(gb)["linktype"] != dlt:
                failures.append(f"dead({dlt}, {snap}, {prec}): LINKTYPE "
                                f"{gen.parse_pcap(gb)['linktype']} written")
            else:
                # The copy reads in microseconds and the dumper writes the
                # fields as they are: read back in the file's own precision.
                back = oracle.read([out], ["-n" if prec else "-m"])[0]
                orig = oracle.read([source], ["-m"])[0]
                if (back["linktype"], back["snaplen"], back["packets"]) != (
                        dlt, snap, orig["packets"][:2]):
                    failures.append(f"dead({dlt}, {snap}, {prec}): read back "
                                    f"{back['linktype']}, {back['snaplen']}, "
                                    f"{len(back['packets'])} packets")
        elif diffs:
            failures.append(f"dead({dlt}, {snap}, {prec}): " + "; ".join(diffs))
        elif gb != wb:
            failures.append(f"dead({dlt}, {snap}, {prec}): bytes differ "
                            f"({_first_difference(gb, wb)})")
        for d in (tmp_path / "o", tmp_path / "g"):
            for f in d.iterdir():
                f.unlink()
    Conformance.report(f"dump on dead handles (precision {prec}): C library vs "
                       "oracle (master)",
                       len(settings) - len(failures), len(settings))
    assert not failures, "\n".join(failures[:30])


def _pcap(e: str = "<", **hdr: int) -> bytes:
    recs = [gen.rec(5, 6, gen.payload(70, "append"))]
    return gen.pcap_file(e, recs, **hdr)


# (name, initial content of the output or None, copy options, input case)
APPEND_SCENARIOS: List[Tuple[str, Any, List[str], str]] = [
    ("new-file", None, [], "pcap-usec-le.pcap"),
    ("empty-file", b"", [], "pcap-usec-le.pcap"),
    ("same-format", _pcap(), [], "pcap-usec-le.pcap"),
    ("same-format-nano", _pcap(magic=gen.MAGIC_NSEC), ["-n"], "pcap-usec-le.pcap"),
    ("nano-onto-micro", _pcap(), ["-n"], "pcap-usec-le.pcap"),
    ("micro-onto-nano", _pcap(magic=gen.MAGIC_NSEC), [], "pcap-usec-le.pcap"),
    ("other-linktype", _pcap(linktype=105), [], "pcap-usec-le.pcap"),
    ("other-snaplen", _pcap(snaplen=100), [], "pcap-usec-le.pcap"),
    ("byte-swapped", _pcap(">"), [], "pcap-usec-le.pcap"),
    ("byte-swapped-nano", _pcap(">", magic=gen.MAGIC_NSEC), ["-n"], "pcap-usec-le.pcap"),
    ("version-2.3", _pcap(minor=3), [], "pcap-usec-le.pcap"),
    ("version-2.2", _pcap(minor=2), [], "pcap-usec-le.pcap"),
    ("version-3.0", _pcap(major=3, minor=0), [], "pcap-usec-le.pcap"),
    ("kuznetzov", _pcap(magic=gen.MAGIC_KUZNETZOV), [], "pcap-usec-le.pcap"),
    ("pcapng", gen.shb("<") + gen.idb("<"), [], "pcap-usec-le.pcap"),
    ("truncated-header", _pcap()[:10], [], "pcap-usec-le.pcap"),
    ("header-only", _pcap()[:24], [], "pcap-usec-le.pcap"),
    ("garbage", gen.payload(100, "garbage-append"), [], "pcap-usec-le.pcap"),
    ("from-pcapng", _pcap(), [], "ng-basic-le.pcapng"),
    ("dead-other-dlt", _pcap(), ["-d", "12", "65535", "0"], "pcap-usec-le.pcap"),
    ("directory", "dir", [], "pcap-usec-le.pcap"),
]


@pytest.mark.parametrize("scenario", [s[0] for s in APPEND_SCENARIOS])
def test_dump_open_append_matches_oracle(oracle: Tools, ours: Tools,
                                         variants: Variants, tmp_path: Path,
                                         scenario: str) -> None:
    directory, _ = variants
    _, initial, opts, source = next(s for s in APPEND_SCENARIOS if s[0] == scenario)
    results = {}
    for tool in (oracle, ours):
        work = tmp_path / tool.kind
        work.mkdir()
        out = work / "target.pcap"
        if initial == "dir":
            out.mkdir()
        elif initial is not None:
            out.write_bytes(initial)
        (report,) = tool.copy_many([(directory / source, Path("target.pcap"))],
                                   ["-a", *opts], workdir=work)
        content = out.read_bytes() if out.is_file() else None
        results[tool.kind] = (report, content)
    (wr, wb), (gr, gb) = results["oracle"], results["ours"]
    assert not diff_records(gr, wr), diff_records(gr, wr)
    assert gb == wb, f"file after append differs ({_first_difference(gb, wb)})"


def _first_difference(a: Optional[bytes], b: Optional[bytes]) -> str:
    if a is None or b is None:
        return f"ours {'absent' if a is None else len(a)} bytes, " \
               f"oracle {'absent' if b is None else len(b)} bytes"
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"first at byte {i}: {x:#04x} vs {y:#04x}; sizes {len(a)}/{len(b)}"
    return f"sizes {len(a)}/{len(b)}"


def test_generated_files_are_what_they_claim() -> None:
    """A few structural checks on the generator itself."""
    c = {x.name: x for x in gen.cases()}
    magic, major, minor = struct.unpack("<IHH", c["pcap-usec-le.pcap"].data[:8])
    assert (magic, major, minor) == (gen.MAGIC_USEC, 2, 4)
    magic, = struct.unpack(">I", c["pcap-nsec-be.pcap"].data[:4])
    assert magic == gen.MAGIC_NSEC
    ng = c["ng-basic-be.pcapng"].data
    assert ng[:4] == b"\n\r\r\n" and struct.unpack(">I", ng[8:12])[0] == gen.BYTE_ORDER_MAGIC
    assert len(c["ng-sections-byte-order-pal-le.pcapng"].data) > 0x40400
