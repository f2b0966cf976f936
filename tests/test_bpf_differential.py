"""Differential test of the BPF engine against the system libpcap.

Both sides run tests/oracle/bpf_oracle.c: once built against the system
libpcap 1.10 (a separate binary, no include directory of ours), once against
our engine (tests/c/bpf_ours_runner.c).  Same seed, same programs, same
packets; the runners print one digest per thousand programs of everything
bpf_validate, bpf_image and bpf_filter said, and those must be identical.

BPF_DIFF_COUNT (default 1,000,000) and BPF_DIFF_SEED change the run.
The oracle's image text is brought to libpcap master's before hashing for
the two documented printer differences (docs/bpf-differences.md); the
verdict differences (undefined opcodes, `ja` onto itself) are exercised by
test_documented_differences, and programs libpcap cannot run at all by the
"unsafe" mode, on ours alone.
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess

import pytest

from _bpf_tools import (ROOT, build_oracle, build_ours_runner, clean_env, have_system_libpcap,
                        programs_text)

COUNT = int(os.environ.get("BPF_DIFF_COUNT", "1000000"))
SEED = int(os.environ.get("BPF_DIFF_SEED", "20240917"))

pytestmark = pytest.mark.skipif(not have_system_libpcap(),
                                reason="gcc and the system libpcap headers are needed")


@pytest.fixture(scope="module")
def runners(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, pathlib.Path]:
    out = tmp_path_factory.mktemp("bpf_diff")
    return build_ours_runner(out), build_oracle(out)


def run_both(runners: tuple[pathlib.Path, pathlib.Path], args: list[str], stdin: str | None = None,
             timeout: int = 600) -> tuple[str, str]:
    """Run ours and the oracle side by side (two cores).  Ours inherits the
    environment (sanitizer options); the oracle gets a clean one."""
    envs = [None, clean_env()]
    procs = [subprocess.Popen([str(exe)] + args, stdin=subprocess.PIPE if stdin else None,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              env=env)
             for exe, env in zip(runners, envs)]
    outs = []
    for proc in procs:
        out, err = proc.communicate(stdin, timeout=timeout)
        assert proc.returncode == 0, f"{proc.args[0]} exited {proc.returncode}:\n{out[-2000:]}\n{err}"
        outs.append(out)
    return outs[0], outs[1]


def first_difference(a: str, b: str) -> str:
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines())):
        if x != y:
            return f"line {i}:\n  ours:   {x!r}\n  oracle: {y!r}"
    return "one output is a prefix of the other"


def test_random_programs_agree(runners: tuple[pathlib.Path, pathlib.Path]) -> None:
    assert COUNT >= 1, "BPF_DIFF_COUNT must be positive"
    ours, oracle = run_both(runners, ["diff", str(SEED), str(COUNT)])
    mismatches = [line for line in ours.splitlines() if "MISMATCH" in line]
    assert not mismatches, "our entry points disagree:\n" + "\n".join(mismatches[:10])
    total = re.search(r"^total programs (\d+) valid (\d+) filter_runs (\d+)$", ours, re.M)
    assert total and int(total.group(1)) == COUNT
    # Both verdicts must be well represented, and many filter runs made.
    valid, runs = int(total.group(2)), int(total.group(3))
    assert COUNT * 0.4 < valid < COUNT * 0.9
    assert runs >= COUNT * 2
    if ours != oracle:
        chunk = next(i for i, (x, y) in enumerate(zip(ours.splitlines(), oracle.splitlines()))
                     if x != y)
        lo, hi = chunk * 1000, chunk * 1000 + 1000
        d_ours, d_oracle = run_both(runners, ["detail", str(SEED), str(lo), str(hi)])
        pytest.fail(f"ours and libpcap differ in programs {lo}..{hi}:\n"
                    + first_difference(d_ours, d_oracle))


def test_every_opcode_image_agrees(runners: tuple[pathlib.Path, pathlib.Path]) -> None:
    ours, oracle = run_both(runners, ["images"])
    assert len(ours.splitlines()) > 6 * 0x10000
    assert ours == oracle, first_difference(ours, oracle)


_UNIMP_81 = re.compile(r"^\((-?\d+)\) unimp    0x81$", re.M)


def to_master_text(listing: str) -> str:
    """libpcap 1.10's -d text brought to master's (see docs/bpf-differences.md)."""
    listing = re.sub(r" +$", "", listing, flags=re.M)
    return _UNIMP_81.sub(lambda m: f"({m.group(1)}) ldx      #pktlen", listing)


@pytest.mark.parametrize("option", [-1, 0, 1, 2, 3, 7])
def test_bpf_dump_formats_agree(runners: tuple[pathlib.Path, pathlib.Path], option: int) -> None:
    ours, oracle = run_both(runners, ["dumpgen", str(SEED), "20000", str(option)])
    if option <= 1:
        oracle = to_master_text(oracle)
    assert len(ours) > 100000
    assert ours == oracle, first_difference(ours, oracle)


# Programs where our verdict departs from libpcap 1.10's on purpose.  Only
# bpf_validate runs here (on both sides): libpcap's bpf_filter would abort()
# or loop forever on them.
RET = (0x06, 0, 0, 1)
DIFFERENCES = {
    "undefined opcode 0x08 (ldh #k)": [(0x08, 0, 0, 1), RET],
    "undefined opcode 0x8c (neg x)": [(0x8C, 0, 0, 0), RET],
    "undefined opcode 0x0e (ret x)": [(0x0E, 0, 0, 0)],
    "undefined opcode 0x18": [(0x18, 0, 0, 0), RET],
    "undefined opcode 0xa0 (ld msh)": [(0xA0, 0, 0, 0), RET],
    "undefined opcode above 0xff": [(0x104, 0, 0, 0), RET],
    "undefined jump 0x0d (ja x)": [(0x0D, 0, 0, 0), RET],
    "ja onto itself": [(0x00, 0, 0, 0), (0x05, 0, 0, 0xFFFFFFFF), RET],
}


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
def test_documented_differences(runners: tuple[pathlib.Path, pathlib.Path], name: str) -> None:
    ours, oracle = run_both(runners, ["validate"], programs_text([DIFFERENCES[name]]))
    assert oracle == "1\n=\n", "libpcap 1.10 no longer accepts it: update the docs"
    assert ours == "0\n=\n"


def test_backward_jumps_stay_legal(runners: tuple[pathlib.Path, pathlib.Path]) -> None:
    # libpcap's own protochain code jumps backward; both accept it.
    prog = [(0x00, 0, 0, 3), (0x14, 0, 0, 1), (0x15, 1, 0, 0), (0x05, 0, 0, 0xFFFFFFFC), RET]
    ours, oracle = run_both(runners, ["validate"], programs_text([prog]))
    assert ours == oracle == "1\n=\n"


def test_hostile_programs_ours_alone(runners: tuple[pathlib.Path, pathlib.Path]) -> None:
    ours = runners[0]
    proc = subprocess.run([str(ours), "unsafe", str(SEED), str(COUNT)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    m = re.search(r"^unsafe programs (\d+) accepted (\d+) rejected (\d+) ran_raw (\d+)$",
                  proc.stdout, re.M)
    assert m and int(m.group(1)) == COUNT
    assert int(m.group(2)) > 0 and int(m.group(3)) > 0 and int(m.group(4)) > COUNT // 10
