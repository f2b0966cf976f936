"""The 43 libpcap test savefiles of shared/conformance/savefiles, read by our
library, must give libpcap master's records (savefiles.expected*.jsonl with
libpcap-master-delta.jsonl applied), and the savefile cases of
filter/reject.jsonl must fail to open with master's error text.

Through our C library and through the native Python API.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import (Conformance, Tools, as_native_expectation, load_jsonl,
                      native_record)

SET = "savefiles"
SAVEFILES = 43


@pytest.fixture(scope="module")
def savefiles(conformance: Conformance) -> List[Path]:
    files = conformance.files(SET)
    assert len(files) == SAVEFILES, f"{len(files)} savefiles, not {SAVEFILES}"
    return files


@pytest.fixture(scope="module")
def rejects(conformance: Conformance) -> List[Dict[str, Any]]:
    recs = [r for r in load_jsonl(conformance.root / "filter" / "reject.jsonl")
            if "savefile" in r]
    assert len(recs) == 6, f"{len(recs)} savefile rejects, not 6"
    return recs


@pytest.mark.parametrize("mode", ["micro", "nano"])
def test_oracle_reproduces_the_kit(oracle: Tools, conformance: Conformance,
                                   savefiles: List[Path], mode: str) -> None:
    got = oracle.read(savefiles, ["-m" if mode == "micro" else "-n"])
    conformance.check_all(f"{SET} {mode}: oracle (system 1.10.3) vs kit",
                          got, conformance.expected_1_10_3(SET, mode))


@pytest.mark.parametrize("mode", ["micro", "nano"])
@pytest.mark.parametrize("how", ["path", "fopen"])
def test_savefiles_c_library(ours: Tools, conformance: Conformance,
                             savefiles: List[Path], mode: str, how: str) -> None:
    options = ["-m" if mode == "micro" else "-n"] + (["-f"] if how == "fopen" else [])
    got = ours.read(savefiles, options)
    conformance.check_all(f"{SET} {mode} ({how}): C library", got,
                          conformance.expected(SET, mode))


def test_savefiles_native_api(native: Any, conformance: Conformance,
                              savefiles: List[Path]) -> None:
    expected = {name: as_native_expectation(rec)
                for name, rec in conformance.expected(SET, "nano").items()}
    keys = ["open_error", "linktype", "snaplen", "swapped", "version_major",
            "version_minor", "packets", "read_error"]
    got = [native_record(native, str(p), p.name, p.stat().st_size)
           for p in savefiles]
    conformance.check_all(f"{SET} nano: native API", got, expected, keys)


def test_reject_savefiles_c_library(ours: Tools, conformance: Conformance,
                                    rejects: List[Dict[str, Any]]) -> None:
    paths = [conformance.root / "savefiles" / r["savefile"] for r in rejects]
    failures = []
    for mode in ("-m", "-n"):
        for r, rec in zip(rejects, ours.read(paths, [mode])):
            want = r["expected_errbuf_substring"]
            if rec["open_error"] is None or want not in rec["open_error"]:
                failures.append(f"{r['id']} ({mode}): open_error "
                                f"{rec['open_error']!r}, must contain {want!r}")
    Conformance.report("filter/reject.jsonl savefiles: C library",
                       2 * len(rejects) - len(failures), 2 * len(rejects))
    assert not failures, "\n".join(failures)


def test_reject_savefiles_native_api(native: Any, conformance: Conformance,
                                     rejects: List[Dict[str, Any]]) -> None:
    failures = []
    for r in rejects:
        path = conformance.root / "savefiles" / r["savefile"]
        want = r["expected_errbuf_substring"]
        try:
            with native.Reader(str(path)):
                pass
        except native.PcapError as exc:
            if want not in exc.message or want not in str(exc):
                failures.append(f"{r['id']}: message {exc.message!r} / "
                                f"str {str(exc)!r}, must contain {want!r}")
        else:
            failures.append(f"{r['id']}: Reader opened the file")
    Conformance.report("filter/reject.jsonl savefiles: native API",
                       len(rejects) - len(failures), len(rejects))
    assert not failures, "\n".join(failures)
