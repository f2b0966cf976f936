"""libpcap master's filter-compiler records (shared/conformance/filter),
compiled by our core through tests/c/cc_runner.c (tools/filter_conformance.py
does the work; records needing the hosts/ethers/networks fixtures run in a
private mount namespace with an overlay of /etc).

Part-1 link types (issue 7) must match completely: every accept listing byte
for byte (optimized and unoptimized, including the Linux-extension and
savefile byte-order records), every optimizer refusal and every reject
error.  The other link types are counted and printed, not yet required.
The counts go to the terminal summary of every run.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import sys

import pytest

from conftest import Conformance, load_source, sanitizer_flags

ROOT = pathlib.Path(__file__).resolve().parent.parent
fc = load_source("filter_conformance", ROOT / "tools" / "filter_conformance.py")

pytestmark = pytest.mark.skipif(shutil.which("make") is None or shutil.which("gcc") is None,
                                reason="make and gcc are needed to build the conformance runner")


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory, shared_dir: pathlib.Path) -> pathlib.Path:
    os.environ.setdefault("LIBPCAP_SHARED", str(shared_dir))
    flags = " ".join(sanitizer_flags())
    if flags:
        os.environ["SAN_CFLAGS"] = flags
    return fc.build_runner(tmp_path_factory.mktemp("ccrunner"))


def _run(runner: pathlib.Path, dlts, kind: str):
    records = fc.load_records((kind,), dlts)
    results, skipped = fc.run_records(records, fork=False, runner=runner)
    return results, skipped


def _check(results, skipped, label: str, required: bool) -> None:
    s = fc.summarize(results, skipped)
    for key, (ok, bad) in sorted(s.counts.items()):
        if key != "skipped":
            Conformance.report(f"filter {label} {key}", ok, ok + bad)
    Conformance.report(f"filter {label} skipped (not run on this OS)", s.counts["skipped"][0],
                       s.counts["skipped"][0])
    if required and s.failures:
        shown = "\n".join(f"{r.record.id}: expr {r.record.rec.get('expr')!r}\n{r.detail[:600]}"
                          for r in s.failures[:10])
        pytest.fail(f"{len(s.failures)} of {len(results)} records differ:\n{shown}")


@pytest.mark.parametrize("kind", ["accept", "reject"])
def test_part1_link_types(runner: pathlib.Path, kind: str) -> None:
    results, skipped = _run(runner, fc.PART1_DLTS, kind)
    assert results, "no record ran"
    if kind == "accept" and os.geteuid() == 0:
        # With root the fixture records must have run, not been skipped.
        assert not any("fixtures" in why for why in skipped), skipped
    _check(results, skipped, f"part1 {kind}", required=True)


@pytest.mark.parametrize("kind", ["accept", "reject"])
def test_other_link_types_counted(runner: pathlib.Path, kind: str) -> None:
    others = sorted({r.rec.get("dlt") for r in fc.load_records((kind,), None)}
                    - set(fc.PART1_DLTS) - {None})
    results, skipped = _run(runner, others, kind)
    _check(results, skipped, f"other-DLT {kind}", required=False)
    crashes = [r.record.id for r in results if r.status in ("CRASH", "MISSING")]
    assert not crashes, f"records that crashed the compiler: {crashes[:20]}"
