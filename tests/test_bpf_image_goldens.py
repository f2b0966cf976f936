"""Our bpf_image against the conformance goldens, byte for byte.

shared/conformance/filter/accept.jsonl holds thousands of ``bpf_dump(prog,
1)`` listings produced by libpcap master.  Each is assembled back into
instructions (tests/_bpf_tools.py), printed again by our ``bpf_dump`` through
the runner's dump mode, and must come out identical.  The special
``enumerate_bpf_image`` record (every defined opcode, jt=1 jf=0 k=15) is
rebuilt the way its README describes and compared too.
"""
from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

import pytest

from _bpf_tools import ROOT, AsmError, assemble, build_ours_runner, conformance_dir, programs_text

ACCEPT = conformance_dir() / "filter" / "accept.jsonl"

pytestmark = [
    pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is needed"),
    pytest.mark.skipif(not ACCEPT.exists(),
                       reason=f"{ACCEPT} not found (set LIBPCAP_SHARED)"),
]


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return build_ours_runner(tmp_path_factory.mktemp("bpf_goldens"))


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with open(ACCEPT, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run(runner: pathlib.Path, args: list[str], stdin: str) -> str:
    proc = subprocess.run([str(runner)] + args, input=stdin, capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_listings_reprint_identically(runner: pathlib.Path, records: list[dict]) -> None:
    cases = [r for r in records if r.get("expected") and not r.get("special")]
    assert len(cases) > 4000
    programs = []
    for rec in cases:
        try:
            programs.append(assemble(rec["expected"]))
        except AsmError as exc:  # the goldens must all be in bpf_image's format
            pytest.fail(f"{rec['id']}: {exc}")
    out = run(runner, ["dump", "1"], programs_text(programs))
    printed = out.split("=\n")
    assert printed[-1] == ""
    printed = printed[:-1]
    assert len(printed) == len(cases)
    bad = [(rec, got) for rec, got in zip(cases, printed) if got != rec["expected"]]
    report = "\n".join(f"{rec['id']} ({rec['expr']!r}):\n--- expected\n{rec['expected']}"
                       f"--- ours\n{got}" for rec, got in bad[:3])
    assert not bad, f"{len(bad)} of {len(cases)} listings differ\n{report}"


def test_listing_lines_cover_every_printer_form(records: list[dict]) -> None:
    # The goldens exercise named Linux offsets, indexed loads, every jump
    # form and operand-less instructions; make sure the corpus still does.
    text = "".join(r["expected"] for r in records if r.get("expected") and not r.get("special"))
    for needle in ("[vlanp]", "[x + ", "4*([", "\tjf ", " ja ", "M[", "#pktlen", ") tax\n"):
        assert needle in text, needle


def test_enumerate_bpf_image(runner: pathlib.Path, records: list[dict]) -> None:
    special = [r for r in records if r.get("special") == "enumerate_bpf_image"]
    assert len(special) == 1
    expected = special[0]["expected"]

    # Which opcodes are defined: ask our printer once for all of them.
    probe = "".join(f"0 {code} 1 0 15\n" for code in range(0x10000))
    images = run(runner, ["image"], probe).splitlines()
    assert len(images) == 0x10000
    defined = [code for code, text in enumerate(images) if not text.startswith("(000) unimp")]
    ret_class = [c for c in defined if c & 0x07 == 0x06]
    order = [c for c in defined if c & 0x07 != 0x06] + ret_class

    # Now print them with the line counter as the index, like the record.
    query = "".join(f"{n} {code} 1 0 15\n" for n, code in enumerate(order))
    lines = run(runner, ["image"], query).splitlines()
    ours = "".join(f"{text:<50}; 0x{code:04x}\n" for text, code in zip(lines, order))
    assert ours == expected

    # The record names every opcode we define, no more, no fewer.
    listed = [int(line.rsplit("; 0x", 1)[1], 16) for line in expected.splitlines()]
    assert listed == order
