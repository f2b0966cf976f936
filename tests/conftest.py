"""Shared fixtures of the test suite: the conformance data, the test oracle
and our library seen from C.

* ``shared_dir``: the shared data kit (env ``LIBPCAP_SHARED``, else
  ``../shared`` next to the repository).
* ``oracle``: tests/oracle/*.c built against the *system* libpcap (gcc ...
  -lpcap, none of our include directories).  Only ever run as a separate
  process: its libpcap never meets ours.
* ``ours``: the same programs built against our package (``<pkg>/include``
  and ``<pkg>/lib/libpcap.so`` with an rpath), with the flags of
  ``python -m libpcap --cflags/--libs`` when that works, else the same flags
  computed from the package directory.
* ``conformance``: helpers to load the expected records (with libpcap
  master's delta applied), compare records, read captures through the native
  API, and report ``N/total`` lines in the terminal summary.

Tests skip, with the reason, when gcc, the system libpcap headers or the
built package are missing.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import pytest

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
ORACLE_SOURCES = {
    "reader": TESTS / "oracle" / "pcap_reader_json.c",
    "copy": TESTS / "oracle" / "pcap_dump_copy.c",
}
SYSTEM_HEADER = Path("/usr/include/pcap/pcap.h")
RUN_TIMEOUT = 300

# Environment variables that would let a compiler pick up other headers or
# libraries than the ones we name, or preload a sanitizer runtime (a
# sanitizer build's test run preloads it for the Python process; the
# compiler and the oracle must not inherit it).
_COMPILER_ENV = ("CPATH", "C_INCLUDE_PATH", "LIBRARY_PATH", "LD_LIBRARY_PATH",
                 "CFLAGS", "LDFLAGS", "PKG_CONFIG_PATH", "LD_PRELOAD")

_SUMMARY: List[str] = []

Record = Dict[str, Any]


# --------------------------------------------------------------------------
# Locating things


def _shared_dir() -> Optional[Path]:
    env = os.environ.get("LIBPCAP_SHARED")
    path = Path(env) if env else REPO.parent / "shared"
    return path if (path / "conformance").is_dir() else None


def pytest_report_header(config: Any) -> str:
    """Say once, at the top of the run, where the shared test-data kit is
    (or that the tests needing it will skip)."""
    path = _shared_dir()
    if path is not None:
        return f"shared test-data kit: {path}"
    return ("shared test-data kit: NOT FOUND (set LIBPCAP_SHARED or put it at "
            "../shared next to the repository); the tests that need it skip")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = _shared_dir()
    if path is None:
        pytest.skip("shared data kit not found (set LIBPCAP_SHARED or put it "
                    "at ../shared next to the repository)")
    return path


def clean_env() -> Dict[str, str]:
    env = dict(os.environ)
    for name in _COMPILER_ENV:
        env.pop(name, None)
    return env


def python_env() -> Dict[str, str]:
    """Environment for a child Python that loads our extension: like
    clean_env, but keeps LD_PRELOAD, which the sanitizer run needs (the ASan
    runtime must come first in a process that loads a sanitized module)."""
    env = clean_env()
    if "LD_PRELOAD" in os.environ:
        env["LD_PRELOAD"] = os.environ["LD_PRELOAD"]
    return env


def _need_gcc() -> str:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc not found: cannot build the C test programs")
    return gcc


def package_dir() -> Optional[Path]:
    """The ``libpcap`` package the tests import (in place or installed)."""
    spec = importlib.util.find_spec("libpcap")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def child_env(**extra: str) -> Dict[str, str]:
    """os.environ for a child Python that must import the very package
    under test (in place or installed, e.g. the sanitizer run's build): its
    parent folder goes first on PYTHONPATH.  ``extra`` overrides."""
    env = dict(os.environ)
    pkg = package_dir()
    if pkg is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pkg.parent), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def package_with(attr: str) -> Path:
    """The package under test, for tests that run it as a program: skip
    unless it is importable with ``libpcap.<attr>`` (its native API)."""
    path = package_dir()
    if path is None:
        pytest.skip("the libpcap package is not importable")
    try:
        import libpcap
        getattr(libpcap, attr)
    except (ImportError, OSError, AttributeError) as exc:
        pytest.skip(f"the native API is not available (libpcap.{attr}): {exc}")
    return path


def load_source(name: str, path: Path) -> ModuleType:
    """Import a Python file that is not part of a package (tools/*.py), once."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def make_sample() -> ModuleType:
    """tools/make_sample.py: the frame builders of the shipped sample."""
    return load_source("_make_sample_for_tests", REPO / "tools" / "make_sample.py")


def env_flags(name: str) -> List[str]:
    return shlex.split(os.environ.get(name, ""))


def sanitizer_flags() -> List[str]:
    """Sanitizer flags the core was built with, as the environment tells
    (LIBPCAP_CFLAGS/LDFLAGS while building, SAN_CFLAGS in CI's test run)."""
    flags = []
    for name in ("LIBPCAP_CFLAGS", "LIBPCAP_LDFLAGS", "SAN_CFLAGS"):
        for f in env_flags(name):
            if f.startswith(("-fsanitize", "-fno-sanitize")) and f not in flags:
                flags.append(f)
    return flags


def uses_sanitizer(binary: Path) -> bool:
    """Whether ``binary`` or a library it loads has a sanitizer runtime."""
    proc = subprocess.run(["ldd", str(binary)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=clean_env(), timeout=60)
    text = proc.stdout.decode("utf-8", "replace")
    return any(name in text for name in ("libasan", "libubsan", "libtsan"))


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("c-programs")


# --------------------------------------------------------------------------
# The C programs


class Tools:
    """The reader and copy programs of one build (oracle or ours)."""

    def __init__(self, kind: str, reader: Path, copy: Path,
                 env: Optional[Dict[str, str]] = None) -> None:
        self.kind = kind
        self.reader = reader
        self.copy = copy
        self.env = env  # None: inherit ours (sanitizer options and all)
        self.sanitized = uses_sanitizer(reader)

    def read(self, files: Sequence[Path], options: Sequence[str] = (),
             workdir: Optional[Path] = None,
             memory_limit: Optional[int] = None) -> List[Record]:
        """One record per file, in order (``pcap_reader_json -l``).

        ``memory_limit`` caps the program's address space (bytes), so that
        an allocation sized from a hostile length field fails visibly
        instead of being quietly overcommitted.  Ignored for sanitizer
        builds, whose shadow memory needs a huge address space.
        """
        listing = "".join(f"{f}\n" for f in files)
        limit = None
        if memory_limit is not None and not self.sanitized:
            def limit() -> None:
                resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        proc = subprocess.run(
            [str(self.reader), *options, "-l", "-"], input=listing.encode(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT,
            cwd=workdir, preexec_fn=limit, env=self.env)
        return self._parse(proc, len(files), "reader")

    def copy_many(self, pairs: Sequence[Tuple[Path, Path]],
                  options: Sequence[str] = (),
                  workdir: Optional[Path] = None) -> List[Record]:
        """One report per (input, output) pair (``pcap_dump_copy -l``)."""
        listing = "".join(f"{a}\t{b}\n" for a, b in pairs)
        proc = subprocess.run(
            [str(self.copy), *options, "-l", "-"], input=listing.encode(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT,
            cwd=workdir, env=self.env)
        return self._parse(proc, len(pairs), "copy")

    def _parse(self, proc: "subprocess.CompletedProcess[bytes]", n: int,
               what: str) -> List[Record]:
        lines = proc.stdout.decode("utf-8", "replace").splitlines()
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                break
        if proc.returncode != 0 or len(records) != n:
            where = records[-1].get("file") if records else None
            raise AssertionError(
                f"{self.kind} {what} program failed (status {proc.returncode}, "
                f"{len(records)}/{n} records, last complete: {where}); "
                f"stderr: {proc.stderr.decode('utf-8', 'replace')[-2000:]}")
        return records


def compile_c(sources: Sequence[Path], output: Path, cflags: Sequence[str],
              libs: Sequence[str], extra: Sequence[str] = ()) -> None:
    gcc = _need_gcc()
    cmd = [gcc, "-std=c11", "-O1", "-Wall", "-Wextra", *cflags,
           *[str(s) for s in sources], "-o", str(output), *libs, *extra]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=clean_env(), timeout=RUN_TIMEOUT)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise AssertionError(f"compile failed: {shlex.join(cmd)}\n{out}")
    if compiler_warnings(out):
        raise AssertionError(f"compile warnings: {shlex.join(cmd)}\n{out}")


def compiler_warnings(output: str) -> List[str]:
    """The compiler's warning lines (the linker's, e.g. about a sanitizer
    runtime's use of tmpnam, are not about the code compiled)."""
    return [line for line in output.splitlines()
            if "warning" in line and not re.match(r"^\S*ld(\.\w+)?: ", line)]


@pytest.fixture(scope="session")
def oracle(build_dir: Path) -> Tools:
    """The C programs linked against the system libpcap (1.10.3)."""
    _need_gcc()
    if not SYSTEM_HEADER.is_file():
        pytest.skip("system libpcap headers missing (install libpcap-dev): "
                    "no test oracle")
    out = build_dir / "oracle"
    out.mkdir(exist_ok=True)
    built = {}
    for name, src in ORACLE_SOURCES.items():
        built[name] = out / name
        try:
            compile_c([src], built[name], [], ["-lpcap"])
        except AssertionError as exc:
            if "cannot find -lpcap" in str(exc):
                pytest.skip("system libpcap library missing: no test oracle")
            raise
    return Tools("oracle", built["reader"], built["copy"], env=clean_env())


def _python_flags(pkg: Path, option: str) -> Optional[List[str]]:
    """``python -m libpcap OPTION`` run on the package at ``pkg``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(pkg.parent)
    try:
        proc = subprocess.run([sys.executable, "-m", "libpcap", option],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, cwd=str(pkg.parent), timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return shlex.split(proc.stdout.decode())


@pytest.fixture(scope="session")
def ours_package() -> Path:
    """Our built package directory (with lib/libpcap.so and include/)."""
    pkg = package_dir()
    if pkg is None:
        pytest.skip("the libpcap package is not importable (install it: "
                    "python -m pip install -e .)")
    if not (pkg / "lib" / "libpcap.so").is_file():
        pytest.skip(f"{pkg}/lib/libpcap.so missing: the package is not built")
    if not (pkg / "include" / "pcap" / "pcap.h").is_file():
        pytest.skip(f"{pkg}/include/pcap/pcap.h missing: the package is not built")
    return pkg


@pytest.fixture(scope="session")
def ours_flags(ours_package: Path) -> Tuple[List[str], List[str], str]:
    """(cflags, libs, source) for C programs that use our library."""
    cflags = _python_flags(ours_package, "--cflags")
    libs = _python_flags(ours_package, "--libs")
    if cflags is not None and libs is not None and libs:
        return cflags, libs, "python -m libpcap"
    lib = ours_package / "lib"
    return ([f"-I{ours_package / 'include'}"],
            [f"-L{lib}", f"-Wl,-rpath,{lib}", "-lpcap"], "computed")


def linked_libpcap(binary: Path) -> List[str]:
    """The libpcap files ``ldd`` resolves for ``binary``."""
    proc = subprocess.run(["ldd", str(binary)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=clean_env(), timeout=60)
    found = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        name = line.strip().split(" ", 1)[0]
        if name.startswith("libpcap"):
            found.append(line.strip())
    return found


@pytest.fixture(scope="session")
def ours(build_dir: Path, ours_package: Path,
         ours_flags: Tuple[List[str], List[str], str]) -> Tools:
    """The C programs linked against our library."""
    cflags, libs, _ = ours_flags
    out = build_dir / "ours"
    out.mkdir(exist_ok=True)
    built = {}
    # A sanitizer build of the core needs its runtime in the program too
    # (first in the list of libraries, which linking with the flags does).
    extra = sanitizer_flags()
    for name, src in ORACLE_SOURCES.items():
        built[name] = out / name
        compile_c([src], built[name], cflags, libs, extra)
        links = linked_libpcap(built[name])
        ours_lib = str((ours_package / "lib" / "libpcap.so").resolve())
        if len(links) != 1 or ours_lib not in links[0]:
            raise AssertionError(
                f"{built[name]} does not load our library: {links}")
    return Tools("ours", built["reader"], built["copy"])


# --------------------------------------------------------------------------
# Records


def load_jsonl(path: Path) -> List[Record]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def diff_records(got: Record, exp: Record, keys: Optional[Iterable[str]] = None,
                 ) -> List[str]:
    """Differences between two records, as short texts ([] when equal)."""
    out = []
    names = list(keys) if keys is not None else sorted(set(got) | set(exp))
    for key in names:
        a, b = got.get(key, "<absent>"), exp.get(key, "<absent>")
        if key == "packets" and isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(f"packets: {len(a)} read, expected {len(b)}")
            for i, (pa, pb) in enumerate(zip(a, b)):
                if list(pa) != list(pb):
                    out.append(f"packet {i}: got {pa}, expected {pb}")
                    break
        elif not (b == a):
            out.append(f"{key}: got {a!r}, expected {b!r}")
    return out


class Conformance:
    """Helpers around shared/conformance (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.delta = load_jsonl(root / "libpcap-master-delta.jsonl")

    # Expected records ----------------------------------------------------

    def expected(self, set_name: str, mode: str) -> Dict[str, Record]:
        """file name -> record libpcap master gives (1.10.3 + delta)."""
        if set_name == "corpus/tcpdump":
            base = self.root / "corpus" / "tcpdump"
        else:
            base = self.root / set_name
        suffix = ".expected.jsonl" if mode == "micro" else ".expected-nano.jsonl"
        recs = {r["file"]: r for r in load_jsonl(base.parent / (base.name + suffix))}
        for d in self.delta:
            if d["set"] == set_name and d["open_mode"] == mode:
                master = d["master"]
                assert master["file"] in recs, master["file"]
                recs[master["file"]] = master
        return recs

    def expected_1_10_3(self, set_name: str, mode: str) -> Dict[str, Record]:
        base = (self.root / "corpus" / "tcpdump" if set_name == "corpus/tcpdump"
                else self.root / set_name)
        suffix = ".expected.jsonl" if mode == "micro" else ".expected-nano.jsonl"
        return {r["file"]: r for r in load_jsonl(base.parent / (base.name + suffix))}

    def files(self, set_name: str) -> List[Path]:
        base = (self.root / "corpus" / "tcpdump" if set_name == "corpus/tcpdump"
                else self.root / set_name)
        return sorted(p for p in base.iterdir() if p.is_file())

    # Comparing -----------------------------------------------------------

    def check_all(self, label: str, got: Sequence[Record],
                  expected: Dict[str, Record],
                  keys: Optional[Iterable[str]] = None) -> None:
        """Compare records by file name, report N/total, fail on any miss."""
        keys = list(keys) if keys is not None else None
        failures = []
        for rec in got:
            exp = expected.get(rec["file"])
            if exp is None:
                failures.append(f"{rec['file']}: no expected record")
                continue
            diffs = diff_records(rec, exp, keys)
            if diffs:
                failures.append(f"{rec['file']}: " + "; ".join(diffs[:3]))
        missing = set(expected) - {r["file"] for r in got}
        failures += [f"{name}: not read" for name in sorted(missing)]
        total = len(expected)
        self.report(label, total - len(failures), total)
        if failures:
            shown = "\n  ".join(f[:400] for f in failures[:25])
            raise AssertionError(
                f"{label}: {total - len(failures)}/{total} match; "
                f"{len(failures)} differ:\n  {shown}")

    @staticmethod
    def report(label: str, ok: int, total: int) -> None:
        line = f"{label}: {ok}/{total}"
        print(line)
        _SUMMARY.append(line)


@pytest.fixture(scope="session")
def conformance(shared_dir: Path) -> Conformance:
    return Conformance(shared_dir / "conformance")


# --------------------------------------------------------------------------
# The native API, seen as records


@pytest.fixture(scope="session")
def native() -> Any:
    """Our package's native API (skip when it has not landed yet)."""
    if package_dir() is None:
        pytest.skip("the libpcap package is not importable")
    try:
        import libpcap
    except ImportError as exc:
        pytest.skip(f"import libpcap failed: {exc}")
    for name in ("Reader", "PcapError"):
        if not hasattr(libpcap, name):
            pytest.skip(f"libpcap.{name} is not there yet (native API)")
    return libpcap


def native_record(lib: Any, source: Any, name: str, size: Optional[int],
                  batch: int = 0) -> Record:
    """Read ``source`` with ``lib.Reader`` into the record format, with the
    nanosecond time stamps split into ``ts_sec``/``ts_frac``, as
    ``pcap_open_offline_with_tstamp_precision(..., NANO)`` would.

    ``batch`` > 0 reads with ``Reader.read(batch)`` instead of iterating.
    """
    rec: Record = {"file": name, "file_size": size}
    try:
        reader = lib.Reader(source)
    except lib.PcapError as exc:
        rec.update(open_error=exc.message, linktype=None, snaplen=None,
                   swapped=None, version_major=None, version_minor=None,
                   ts_precision=None, packets=[], read_error=None)
        return rec
    packets: List[list] = []
    read_error = None
    with reader:
        major, minor = reader.version
        rec.update(open_error=None, linktype=reader.linktype,
                   snaplen=reader.snaplen, swapped=bool(reader.swapped),
                   version_major=major, version_minor=minor,
                   ts_precision="nano")
        try:
            if batch > 0:
                while True:
                    chunk = reader.read(batch)
                    if not chunk:
                        break
                    if len(chunk) > batch:
                        raise AssertionError(f"read({batch}) gave {len(chunk)}")
                    packets += [_native_packet(p) for p in chunk]
            else:
                for p in reader:
                    packets.append(_native_packet(p))
        except lib.PcapError as exc:
            read_error = exc.message
    assert reader.closed
    rec["packets"] = packets
    rec["read_error"] = read_error
    return rec


def _native_packet(p: Any) -> list:
    data = bytes(p.data)
    if len(data) != p.caplen:
        raise AssertionError(f"len(data) {len(data)} != caplen {p.caplen}")
    return [p.ts_ns, p.caplen, p.wirelen, hashlib.sha256(data).hexdigest()]


def as_native_expectation(rec: Record) -> Record:
    """A nanosecond record with each [sec, frac, ...] turned into
    [sec * 10**9 + frac, ...], which is what ``Packet.ts_ns`` must be."""
    out = dict(rec)
    out["packets"] = [[s * 10**9 + f, c, w, h] for s, f, c, w, h in rec["packets"]]
    return out


def native_sources(path: Path) -> Dict[str, Any]:
    """Ways of handing a file to ``Reader``: path, open file, BytesIO."""
    return {
        "path": str(path),
        "fileobj": open(path, "rb"),
        "bytesio": io.BytesIO(path.read_bytes()),
    }


# --------------------------------------------------------------------------
# Terminal summary


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _SUMMARY:
        terminalreporter.section("conformance counts")
        for line in _SUMMARY:
            terminalreporter.write_line(line)


# In CI (CI=true) everything the tests need is installed by .ci/run, so a
# skip for a missing prerequisite means a broken install, not a lesser
# machine: turn those skips into failures.
_CI_FORBIDDEN_SKIPS = (
    "not importable", "not built", "import libpcap failed", "could not import",
    "libpcap-dev", "system libpcap", "no test oracle", "gcc not found", "gcc is needed",
    "shared data kit not found", "native API is not available", "not there yet",
    "tcpdump is not installed", "make and gcc", "clang not found",
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    outcome = yield
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
        if any(s in reason for s in _CI_FORBIDDEN_SKIPS):
            report.outcome = "failed"
            report.longrepr = f"skipped in CI for a missing prerequisite: {reason}"


# A live test whose body also holds over replay devices: it runs twice,
# test[netns] (root) and test[replay] (any user; pytest -k replay).
REPLAYABLE = pytest.mark.parametrize("ns", ["netns", "replay"], indirect=True)


@pytest.fixture
def ns(request: Any) -> Any:
    """A fresh network namespace for a live test (see tests/netns.py); the
    test is skipped, with the reason, where namespaces cannot be made.
    Parametrised indirectly with "replay" (REPLAYABLE above), it is a
    replaynet.ReplayNet instead: replay devices, no root needed."""
    import netns

    if getattr(request, "param", "netns") == "replay":
        from replaynet import ReplayNet

        with ReplayNet() as net:
            yield net
        return
    reason = netns.skip_reason()
    if reason:
        pytest.skip(reason)
    with netns.Netns() as space:
        yield space
