"""Every capture of shared/conformance/corpus/tcpdump, read by our library,
must give libpcap master's record: the 1.10.3 expectations
(tcpdump.expected*.jsonl) with libpcap-master-delta.jsonl applied.

Checked through our C library (tests/oracle/pcap_reader_json.c linked
against it; every packet-reading entry point and both ways of opening) and
through the native Python API (``libpcap.Reader``, whose ``ts_ns`` must be
exactly ``ts_sec * 10**9 + ts_frac`` of the nanosecond record).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest

from conftest import (Conformance, Tools, as_native_expectation, diff_records,
                      native_record, native_sources)

SET = "corpus/tcpdump"
CORPUS_SIZE = 830


@pytest.fixture(scope="module")
def corpus(conformance: Conformance) -> List[Path]:
    files = conformance.files(SET)
    assert len(files) == CORPUS_SIZE, f"{len(files)} corpus files, not {CORPUS_SIZE}"
    return files


@pytest.mark.parametrize("mode", ["micro", "nano"])
def test_oracle_reproduces_the_kit(oracle: Tools, conformance: Conformance,
                                   corpus: List[Path], mode: str) -> None:
    """The harness itself: the oracle dumper gives the kit's 1.10.3 records,
    so a difference with ours is ours, not the dumper's."""
    got = oracle.read(corpus, ["-m" if mode == "micro" else "-n"])
    conformance.check_all(f"{SET} {mode}: oracle (system 1.10.3) vs kit",
                          got, conformance.expected_1_10_3(SET, mode))


@pytest.mark.parametrize("mode", ["micro", "nano"])
def test_corpus_c_library(ours: Tools, conformance: Conformance,
                          corpus: List[Path], mode: str) -> None:
    got = ours.read(corpus, ["-m" if mode == "micro" else "-n"])
    conformance.check_all(f"{SET} {mode}: C library", got,
                          conformance.expected(SET, mode))


# Other ways in through the C API; each must give the same records.
C_VARIANTS = {
    "precision-micro": (["-M"], "micro", None),
    "fopen-micro": (["-f"], "micro", None),
    "fopen-nano": (["-f", "-n"], "nano", None),
    "pcap_loop": (["-n", "-r", "loop"], "nano", None),
    "pcap_dispatch": (["-r", "dispatch"], "micro", None),
    # pcap_next cannot report a read error, so read_error is not compared.
    "pcap_next": (["-n", "-r", "next"], "nano",
                  ["open_error", "linktype", "snaplen", "swapped",
                   "version_major", "version_minor", "ts_precision", "packets"]),
}


@pytest.mark.parametrize("variant", sorted(C_VARIANTS))
def test_corpus_c_library_entry_points(ours: Tools, conformance: Conformance,
                                       corpus: List[Path], variant: str) -> None:
    options, mode, keys = C_VARIANTS[variant]
    got = ours.read(corpus, options)
    conformance.check_all(f"{SET} {mode} via {variant}: C library", got,
                          conformance.expected(SET, mode), keys)


def test_corpus_c_library_extras_match_oracle(oracle: Tools, ours: Tools,
                                              corpus: List[Path]) -> None:
    """pcap_datalink_ext, list_datalinks, set_datalink, stats, pcap_file,
    pcap_fileno (documented: PCAP_ERROR for a savefile),
    pcap_get_selectable_fd, next after the end and breakloop on every corpus file: same
    answers as the oracle (no release difference is known for these).  The
    datalink names and descriptions are not compared here: libpcap master
    added some after 1.10.3 (the datalink table tests own them)."""
    exp = {r["file"]: r for r in oracle.read(corpus, ["-x"])}
    got = ours.read(corpus, ["-x"])
    extra_keys = ["datalink_ext", "list_datalinks", "set_datalink_same", "datalink_after_set",
                  "set_datalink_other", "stats", "file_nonnull",
                  "fileno", "selectable_fd", "next_ex_after_end", "loop_after_breakloop"]
    failures = []
    for rec in got:
        diffs = diff_records(rec, exp[rec["file"]], extra_keys)
        if diffs:
            failures.append(f"{rec['file']}: {'; '.join(diffs[:3])}")
    Conformance.report(f"{SET} extras (-x): C library vs oracle",
                       len(got) - len(failures), len(corpus))
    assert not failures, "\n".join(failures[:25])


@pytest.mark.parametrize("how", ["path", "fileobj", "bytesio", "batches"])
def test_corpus_native_api(native: Any, conformance: Conformance,
                           corpus: List[Path], how: str) -> None:
    expected = {name: as_native_expectation(rec)
                for name, rec in conformance.expected(SET, "nano").items()}
    keys = ["open_error", "linktype", "snaplen", "swapped", "version_major",
            "version_minor", "packets", "read_error"]
    got = []
    for path in corpus:
        sources = native_sources(path)
        try:
            if how == "batches":
                got.append(native_record(native, sources["path"], path.name,
                                         path.stat().st_size, batch=7))
            else:
                got.append(native_record(native, sources[how], path.name,
                                         path.stat().st_size))
        finally:
            sources["fileobj"].close()
    conformance.check_all(f"{SET} nano: native API ({how})", got, expected, keys)
