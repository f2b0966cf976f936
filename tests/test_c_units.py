"""Build and run the C unit tests of tests/c (one pytest case per program).

SAN_CFLAGS in the environment (e.g. "-fsanitize=address,undefined
-fno-sanitize-recover=all") builds them under the sanitizers.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CDIR = ROOT / "tests" / "c"
TESTS = sorted(p.stem for p in CDIR.glob("test_*.c"))

pytestmark = pytest.mark.skipif(shutil.which("make") is None or shutil.which("gcc") is None,
                                reason="make and gcc are needed to build the C unit tests")


@pytest.fixture(scope="session")
def c_build(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    build = tmp_path_factory.mktemp("ctests")
    jobs = str(os.cpu_count() or 1)
    proc = subprocess.run(["make", "-s", "-j", jobs, "-C", str(CDIR), f"BUILD={build}", "all"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return build


@pytest.mark.parametrize("name", TESTS)
def test_c_program(c_build: pathlib.Path, name: str) -> None:
    proc = subprocess.run([str(c_build / name)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
