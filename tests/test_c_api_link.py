"""A C program written for libpcap (tests/c_api_example.c) builds against
the package with the flags of ``python -m libpcap --cflags`` and
``--libs`` alone, loads our libpcap.so (no system libpcap, no Python), and
reads and writes captures.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import gen_captures as gen
from conftest import REPO, clean_env, compiler_warnings, linked_libpcap

EXAMPLE = REPO / "tests" / "c_api_example.c"


def run_env() -> Dict[str, str]:
    """The environment to run programs in: no LD_LIBRARY_PATH (the rpath
    of --libs must find the library), but a preloaded sanitizer runtime
    of a sanitizer build stays."""
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    return env


def python_m_libpcap(pkg: Path, *args: str) -> subprocess.CompletedProcess:
    env = run_env()
    env["PYTHONPATH"] = str(pkg.parent)
    return subprocess.run([sys.executable, "-m", "libpcap", *args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, cwd=str(pkg.parent), timeout=120)


@pytest.fixture(scope="module")
def flags(ours_package: Path) -> Tuple[List[str], List[str]]:
    out = []
    for option in ("--cflags", "--libs"):
        proc = python_m_libpcap(ours_package, option)
        assert proc.returncode == 0, (
            f"python -m libpcap {option} failed ({proc.returncode}): "
            f"{proc.stderr.decode('utf-8', 'replace')[-1000:]}")
        out.append(shlex.split(proc.stdout.decode()))
    return out[0], out[1]


@pytest.fixture(scope="module")
def example(flags: Tuple[List[str], List[str]],
            tmp_path_factory: pytest.TempPathFactory) -> Path:
    cflags, libs = flags
    exe = tmp_path_factory.mktemp("c-api") / "c_api_example"
    # The compiler's default dialect, as an ordinary client would build.
    compile_c_default(exe, cflags, libs)
    return exe


def compile_c_default(exe: Path, cflags: List[str], libs: List[str]) -> None:
    cmd = ["gcc", "-Wall", "-Wextra", *cflags, str(EXAMPLE), "-o", str(exe), *libs]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=clean_env(), timeout=300)
    text = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, f"{shlex.join(cmd)}\n{text}"
    assert not compiler_warnings(text), f"{shlex.join(cmd)}\n{text}"


def test_flags_point_into_the_package(ours_package: Path,
                                      flags: Tuple[List[str], List[str]]) -> None:
    cflags, libs = flags
    include = os.path.realpath(ours_package / "include")
    libdir = os.path.realpath(ours_package / "lib")
    assert any(f.startswith("-I") and os.path.realpath(f[2:]) == include
               for f in cflags), cflags
    assert any(f.startswith("-L") and os.path.realpath(f[2:]) == libdir
               for f in libs) or any(libdir in os.path.realpath(f) for f in libs
                                     if f.endswith(".so")), libs
    assert "-lpcap" in libs or any(f.endswith("libpcap.so") for f in libs), libs
    # Nothing of the system's pcap, and both options together work too.
    assert not any("/usr/include/pcap" in f for f in cflags + libs)
    both = python_m_libpcap(ours_package, "--cflags", "--libs")
    assert both.returncode == 0
    assert shlex.split(both.stdout.decode()) == cflags + libs


def test_headers_come_from_the_package(ours_package: Path,
                                       flags: Tuple[List[str], List[str]]) -> None:
    """Every pcap header the example includes is ours (gcc -M)."""
    cflags, _ = flags
    proc = subprocess.run(["gcc", *cflags, "-M", str(EXAMPLE)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=clean_env(), timeout=120)
    assert proc.returncode == 0, proc.stdout.decode()
    deps = proc.stdout.decode().replace("\\\n", " ").split()
    pcap_headers = [d for d in deps if re.search(r"(^|/)pcap[^/]*(/|\.h$)", d)]
    assert pcap_headers, deps
    include = str(ours_package / "include")
    foreign = [h for h in pcap_headers
               if not os.path.realpath(h).startswith(os.path.realpath(include))]
    assert not foreign, f"headers from outside the package: {foreign}"
    for name in ("pcap.h", "pcap/pcap.h", "pcap/bpf.h", "pcap/dlt.h"):
        assert any(h.endswith(name) for h in pcap_headers), name


def test_links_our_library_only(ours_package: Path, example: Path) -> None:
    links = linked_libpcap(example)
    ours = os.path.realpath(ours_package / "lib" / "libpcap.so")
    assert len(links) == 1 and ours in links[0], links
    proc = subprocess.run(["readelf", "-d", str(example)], stdout=subprocess.PIPE,
                          env=clean_env(), timeout=60)
    needed = re.findall(r"\(NEEDED\).*\[(.*?)\]", proc.stdout.decode())
    assert "libpcap.so" in needed and not any(".so.0.8" in n for n in needed), needed


def test_library_has_no_python_and_exports_only_the_api(ours_package: Path) -> None:
    lib = ours_package / "lib" / "libpcap.so"
    proc = subprocess.run(["ldd", str(lib)], stdout=subprocess.PIPE,
                          env=clean_env(), timeout=60)
    assert "libpython" not in proc.stdout.decode(), proc.stdout.decode()
    proc = subprocess.run(["nm", "-D", "--defined-only", str(lib)],
                          stdout=subprocess.PIPE, env=clean_env(), timeout=60)
    names = [line.split()[-1] for line in proc.stdout.decode().splitlines()
             if line.strip()]
    # __odr_asan.<name>: AddressSanitizer's one-definition-rule marker for an
    # exported global (pcap_version), present only in sanitizer builds.
    allowed = re.compile(r"^(pcap_|bpf_|__odr_asan\.pcap_|_init$|_fini$|_edata$|_end$|__bss_start$)")
    stray = [n for n in names if not allowed.match(n)]
    assert not stray, f"exported symbols outside the API: {stray[:20]}"
    for name in ("pcap_open_offline", "pcap_next_ex", "pcap_dump_open",
                 "pcap_lib_version", "bpf_filter", "pcap_compile", "pcap_nametoport",
                 "pcap_ether_aton", "pcap_next_etherent", "pcap_version"):
        assert name in names, name


def _expected_lines(data: bytes) -> List[str]:
    parsed = gen.parse_pcap(data)
    return [f"{sec}.{frac:06d} {cap} {wire}"
            for sec, frac, cap, wire, _ in parsed["records"]]


def test_example_reads_and_writes(example: Path, tmp_path: Path) -> None:
    case = next(c for c in gen.cases() if c.name == "pcap-usec-le.pcap")
    src = tmp_path / case.name
    src.write_bytes(case.data)
    out = tmp_path / "copy.pcap"
    proc = subprocess.run([str(example), str(src), str(out)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=run_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    assert lines[0].startswith("version: ") and len(lines[0]) > len("version: ")
    assert lines[1] == "linktype: 1 EN10MB (ethernet)"
    assert lines[2] == "snaplen: 65535"
    want = _expected_lines(case.data)
    assert lines[3:-1] == want
    assert lines[-1] == f"packets: {len(want)}"
    # pcap_dump of what was read gives the same file back.
    assert out.read_bytes() == case.data


def test_example_reports_errors(example: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(b"not a capture file at all, just text\n")
    proc = subprocess.run([str(example), str(bad)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=run_env(), timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == "pcap_open_offline: unknown file format"


def test_example_on_the_shipped_sample(ours_package: Path, example: Path) -> None:
    samples = sorted((ours_package / "data").glob("*.pcap"))
    if not samples:
        pytest.skip("the package ships no sample capture yet (libpcap/data/*.pcap)")
    for sample in samples:
        proc = subprocess.run([str(example), str(sample)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=run_env(), timeout=60)
        assert proc.returncode == 0, (sample, proc.stderr.decode())
        count = int(proc.stdout.decode().splitlines()[-1].split()[-1])
        assert count > 0, sample
