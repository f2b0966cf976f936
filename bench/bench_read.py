#!/usr/bin/env python3
"""Savefile reading benchmark: our core and both Python layers against libpcap and the usual peers.

One run prints one table.  Every row reads the same deterministic mixed capture
(bench/gen_mixed.py, 1,000,000 packets by default) start to finish and does the
same work per packet: count it, add its caplen, add its middle byte to a
checksum.  Each row runs in a process of its own (the C loops, and
bench/py_rows.py for the Python ones), so our core never shares a process with
the system libpcap that pcapy-ng and the original binding load; the libpcap
shared objects each row has mapped are checked.  Every row's packet count,
byte count and checksum must equal the first row's, or the row is marked.

Rows, in order (the first is the reference of the ratio column):
  libpcap C          bench/read_loop.c built against the system libpcap (-lpcap)
  ours C             the same source built against our core (python -m libpcap --cflags/--libs)
  ours native iter   for p in libpcap.Reader(path)
  ours native batch  Reader.read() batches
  ours compat        the next_ex loop of API.md C.3 (ctypes, our core)
  original binding   the same loop with the PyPI "libpcap" over the system libpcap (bench/.venv-orig)
  pcapy-ng next()    / pcapy-ng loop()
  dpkt               dpkt.pcap.Reader
  scapy              PcapReader (on a prefix of the capture, see --scapy-count)

Each row runs --passes times (open to close each time, a new process each
time, in rounds over all rows) and the best pass counts, by the process's CPU
time unless --clock wall (the machine is shared: wall time swings with load).
Peers that are not installed are skipped (bench/setup_peers.sh installs them).
Not a test: nothing here asserts a speed; the targets are reported, not enforced.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_mixed  # noqa: E402  (sibling module)

__all__ = ["main"]

ORIG_PYTHON = os.path.join(HERE, ".venv-orig", "bin", "python")
PY_ROWS = os.path.join(HERE, "py_rows.py")
READ_LOOP = os.path.join(HERE, "read_loop.c")
CC = os.environ.get("CC", "cc")
C_FLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra"]
ROW_TIMEOUT = 900

# Targets: (row whose speed is judged, row it is compared with, minimum ratio).
TARGETS = [
    ("ours C", "libpcap C", 1.0),
    ("ours native iter", "pcapy-ng next()", 2.5),
    ("ours compat", "original binding", 1.0),
]


@dataclass
class Row:
    name: str
    argv: List[str]
    env: Dict[str, str]
    file: str
    ours: bool                       # runs our core (must not map the system libpcap)
    note: str = ""
    skip: str = ""                   # reason the row did not run
    packets: int = 0
    bytes: int = 0
    checksum: int = 0
    best_ns: int = 0                 # the best pass on the clock chosen (--clock)
    passes_ns: List[int] = field(default_factory=list)      # wall time of each pass
    passes_cpu: List[int] = field(default_factory=list)     # CPU time of each pass
    best_wall: int = 0
    best_cpu: int = 0
    lib: str = ""
    loaded: List[str] = field(default_factory=list)
    problem: str = ""                # a wrong count/checksum or a wrong library

    @property
    def pps(self) -> float:
        return self.packets * 1e9 / self.best_ns if self.best_ns else 0.0


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(argv: Sequence[str], env: Optional[Dict[str, str]] = None, timeout: int = 120,
        cwd: str = "/") -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def base_env() -> Dict[str, str]:
    """The environment of the peer rows: nothing that could put our package on the path."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("LD_LIBRARY_PATH", None)
    env.pop("LD_PRELOAD", None)
    return env


def ours_env(installed: bool) -> Dict[str, str]:
    env = base_env()
    if not installed:
        env["PYTHONPATH"] = REPO
    return env


# --------------------------------------------------------------------------- build


def system_libpcap() -> Optional[str]:
    """The real path of the system libpcap (for the mapped-library checks)."""
    out = run(["ldconfig", "-p"]).stdout
    m = re.search(r"libpcap\.so\.0\.8 \(libc6,x86-64\) => (\S+)", out) or re.search(r"libpcap\.so\.\S+ .*=> (\S+)", out)
    return os.path.realpath(m.group(1)) if m else None


def build_system_loop(outdir: str) -> Tuple[Optional[str], str]:
    exe = os.path.join(outdir, "read_loop-system")
    r = run([CC, *C_FLAGS, READ_LOOP, "-lpcap", "-o", exe])
    if r.returncode != 0:
        return None, f"build against the system libpcap failed: {r.stderr.strip()[:300]}"
    return exe, f"{CC} {' '.join(C_FLAGS)} read_loop.c -lpcap"


def our_flags(env: Dict[str, str]) -> Tuple[Optional[List[str]], Optional[List[str]], str]:
    """Compile and link flags for our core: python -m libpcap --cflags/--libs, else the in-place tree."""
    cf = run([sys.executable, "-m", "libpcap", "--cflags"], env=env)
    lf = run([sys.executable, "-m", "libpcap", "--libs"], env=env)
    if cf.returncode == 0 and lf.returncode == 0 and cf.stdout.strip() and lf.stdout.strip():
        libs = shlex.split(lf.stdout)
        # Without an rpath the loader would resolve -lpcap to the system libpcap at run time.
        if not any("rpath" in a for a in libs):
            libs += [f"-Wl,-rpath,{a[2:]}" for a in libs if a.startswith("-L")]
        return shlex.split(cf.stdout), libs, "python -m libpcap --cflags / --libs"
    inc = os.path.join(REPO, "libpcap", "include")
    lib = os.path.join(REPO, "libpcap", "lib", "libpcap.so")
    if os.path.exists(os.path.join(inc, "pcap", "pcap.h")) and os.path.exists(lib):
        return ([f"-I{inc}"], [lib, f"-Wl,-rpath,{os.path.dirname(lib)}"],
                "in-place tree (python -m libpcap --cflags/--libs not available)")
    return None, None, "our core is not built (python setup.py build_ext --inplace)"


def build_our_loop(outdir: str, env: Dict[str, str]) -> Tuple[Optional[str], str]:
    cflags, libs, how = our_flags(env)
    if cflags is None or libs is None:
        return None, how
    exe = os.path.join(outdir, "read_loop-ours")
    r = run([CC, *C_FLAGS, *cflags, READ_LOOP, *libs, "-o", exe])
    if r.returncode != 0:
        return None, f"build against our core failed: {r.stderr.strip()[:300]}"
    return exe, f"{CC} {' '.join(C_FLAGS)} {' '.join(cflags)} read_loop.c {' '.join(libs)}  [{how}]"


# --------------------------------------------------------------------------- probes


PROBE = r"""
import importlib.util, json, sys
out = {}
for m in ("pcapy", "dpkt", "scapy"):
    out[m] = importlib.util.find_spec(m) is not None
if sys.argv[1] == "ours":
    try:
        import libpcap
        out["file"] = libpcap.__file__
        from libpcap import _libpcap  # noqa: F401
        out["ext"] = True
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"
    else:
        R = getattr(libpcap, "Reader", None)
        out["reader"] = R is not None
        out["batch"] = R is not None and hasattr(R, "read")
        out["compat"] = all(hasattr(libpcap, n) for n in ("open_offline", "next_ex", "close", "pkthdr"))
print(json.dumps(out))
"""


def probe(python: str, env: Dict[str, str], what: str) -> dict:
    import json
    r = run([python, "-c", PROBE, what], env=env)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(r.stdout)


# --------------------------------------------------------------------------- rows


LINE = re.compile(r"pass=(\d+) ns=(\d+) cpu_ns=(\d+) packets=(\d+) bytes=(\d+) sum=(\d+)")


def run_row(row: Row, clock: str) -> None:
    """One pass of a row, in a new process; the best pass so far is kept."""
    try:
        r = run([*row.argv, "1"], env=row.env, timeout=ROW_TIMEOUT)
    except subprocess.TimeoutExpired:
        row.skip = f"timed out after {ROW_TIMEOUT} s"
        return
    before = len(row.passes_ns)
    for line in r.stdout.splitlines():
        if line.startswith("lib="):
            row.lib = line[4:]
        elif line.startswith("loaded="):
            row.loaded = [x for x in line[7:].split(",") if x]
        m = LINE.match(line)
        if m:
            ns, cpu, packets, nbytes, checksum = (int(x) for x in m.groups()[1:])
            row.passes_ns.append(ns)
            row.passes_cpu.append(cpu)
            t = cpu if clock == "cpu" else ns
            if not row.best_ns or t < row.best_ns:
                row.best_ns, row.best_wall, row.best_cpu = t, ns, cpu
            row.packets, row.bytes, row.checksum = packets, nbytes, checksum
    if r.returncode != 0 or len(row.passes_ns) == before:
        tail = (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
        row.skip = f"failed: {tail[:200]}"


def check_row(row: Row, ref: Dict[str, Tuple[int, int, int]], syslib: Optional[str], ourlibs: List[str]) -> None:
    want = ref.get(row.file)
    if want and (row.packets, row.bytes, row.checksum) != want:
        row.problem = (f"read {row.packets} pkts/{row.bytes} B/sum {row.checksum}, "
                       f"libpcap read {want[0]}/{want[1]}/{want[2]}")
    loaded = [os.path.realpath(p) for p in row.loaded]
    if row.ours and syslib and syslib in loaded:
        row.problem += " system libpcap mapped in our process!"
    if not row.ours and any(p in loaded for p in ourlibs):
        row.problem += " our core mapped in a peer's process!"


def c_row_loaded(exe: str) -> List[str]:
    """What the dynamic loader resolves libpcap to for a C loop (ldd)."""
    out = run(["ldd", exe]).stdout
    return [m.group(1) for m in re.finditer(r"libpcap\S* => (\S+)", out)]


def pcapng_copy(capture: str) -> str:
    """The capture as pcapng, written by Wireshark's editcap (not by us), cached beside it."""
    out = capture + ".pcapng"
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(capture):
        if shutil.which("editcap") is None:
            raise SystemExit("--pcapng needs editcap (apt-get install wireshark-common)")
        done = run(["editcap", "-F", "pcapng", capture, out + ".tmp"], timeout=600)
        if done.returncode != 0:
            raise SystemExit("editcap failed: " + done.stderr.strip())
        os.replace(out + ".tmp", out)
    return out


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--count", type=int, default=1_000_000, help="packets in the capture (default 1000000)")
    ap.add_argument("-p", "--passes", type=int, default=3, help="passes per row, best one counts (default 3)")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="which time ranks the passes and gives packets/s: the process's CPU time (default; "
                    "steady on a shared machine) or wall time")
    ap.add_argument("--scapy-count", type=int, default=100_000,
                    help="scapy reads only this prefix of the capture (default 100000; 0 = whole file)")
    ap.add_argument("--rows", help="comma-separated, case-sensitive substrings: run only the rows whose name "
                    "contains one (the first row always runs), e.g. 'C,native'")
    ap.add_argument("--pcapng", action="store_true",
                    help="read a pcapng copy of the capture (made by editcap, one interface) instead")
    ap.add_argument("--installed", action="store_true",
                    help="use the installed libpcap package instead of the in-place build of this checkout")
    args = ap.parse_args(argv)

    capture = gen_mixed.ensure(args.count)
    if args.pcapng:
        capture = pcapng_copy(capture)
    scapy_n = args.scapy_count if 0 < args.scapy_count < args.count else args.count
    wanted = [w.strip() for w in (args.rows or "").split(",") if w.strip()]
    scapy_wanted = not wanted or any(w in "scapy" for w in wanted)
    scapy_file = gen_mixed.ensure(scapy_n) if scapy_n != args.count and scapy_wanted else capture

    args.load_start = os.getloadavg()
    tmp = tempfile.mkdtemp(prefix="libpcap-bench-")
    try:
        return _bench(args, capture, scapy_file, scapy_n, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _bench(args: argparse.Namespace, capture: str, scapy_file: str, scapy_n: int, tmp: str) -> int:
    penv, oenv = base_env(), ours_env(args.installed)
    syslib = system_libpcap()
    sys_exe, sys_how = build_system_loop(tmp)
    our_exe, our_how = build_our_loop(tmp, oenv)
    ours = probe(sys.executable, oenv, "ours")
    peers = probe(sys.executable, penv, "peers")
    ext = ours.get("file", "")
    ourlibs = [os.path.realpath(os.path.join(os.path.dirname(ext), "lib", "libpcap.so"))] if ext else []
    if ext:
        ourlibs += [os.path.realpath(p) for p in _extension_files(os.path.dirname(ext))]
    our_missing = "" if ours.get("ext") else f"our package does not import ({ours.get('error', '?')})"

    def py(rowname: str, key: str, f: str = capture, python: str = sys.executable,
           env: Optional[Dict[str, str]] = None, flags: Sequence[str] = (), ours_row: bool = False,
           note: str = "", skip: str = "") -> Row:
        return Row(rowname, [python, *flags, PY_ROWS, key, f], env or penv, f, ours_row, note, skip)

    rows = [
        Row("libpcap C", [sys_exe or "", capture], penv, capture, False, "system libpcap, pcap_next_ex",
            "" if sys_exe else sys_how),
        Row("ours C", [our_exe or "", capture], penv, capture, True, "same C source, our core",
            "" if our_exe else our_how),
        py("ours native iter", "native_iter", env=oenv, ours_row=True, note="for p in Reader(path)",
           skip=our_missing or ("" if ours.get("reader") else "libpcap.Reader not there yet")),
        py("ours native batch", "native_batch", env=oenv, ours_row=True, note="Reader.read() batches",
           skip=our_missing or ("" if ours.get("batch") else "Reader.read not there yet")),
        py("ours native read_buffer", "native_buffer", env=oenv, ours_row=True,
           note="Reader.read_buffer(4096)",
           skip=our_missing or ("" if ours.get("batch") else "Reader.read not there yet")),
        py("ours compat", "compat_next_ex", env=oenv, ours_row=True, note="ctypes next_ex loop (API.md C.3)",
           skip=our_missing or ("" if ours.get("compat") else "compat next_ex not there yet")),
        py("original binding", "orig_next_ex", python=ORIG_PYTHON, flags=["-I"],
           note="same loop, PyPI libpcap + system libpcap",
           skip="" if os.path.exists(ORIG_PYTHON) else "no bench/.venv-orig (run bench/setup_peers.sh)"),
        py("pcapy-ng next()", "pcapy_next", skip="" if peers.get("pcapy") else "pcapy-ng not installed"),
        py("pcapy-ng loop()", "pcapy_loop", skip="" if peers.get("pcapy") else "pcapy-ng not installed"),
        py("dpkt", "dpkt", note="dpkt.pcap.Reader", skip="" if peers.get("dpkt") else "dpkt not installed"),
        py("scapy", "scapy", f=scapy_file,
           note=f"PcapReader, first {scapy_n:,} packets" if scapy_file != capture else "PcapReader",
           skip="" if peers.get("scapy") else "scapy not installed"),
    ]
    if args.rows:
        wanted = [w.strip() for w in args.rows.split(",") if w.strip()]
        rows = [r for r in rows if r is rows[0] or any(w in r.name for w in wanted)]

    # Reference counts per file: the system libpcap's answer (the first row's, and the scapy prefix's).
    # Passes go in rounds (every row once, then again), so that a change in the
    # load of this shared machine hits all rows alike rather than a few.
    ref: Dict[str, Tuple[int, int, int]] = {}
    for rnd in range(1, max(1, args.passes) + 1):
        log(f"bench: round {rnd}/{max(1, args.passes)}")
        for row in rows:
            if not row.skip:
                log(f"bench:   {row.name}")
                run_row(row, args.clock)
    for row in rows:
        if row.argv[0] in (sys_exe, our_exe) and row.argv[0]:
            row.loaded = c_row_loaded(row.argv[0])
    if not rows[0].skip:
        ref[capture] = (rows[0].packets, rows[0].bytes, rows[0].checksum)
    if sys_exe and scapy_file != capture:
        r = Row("prefix", [sys_exe, scapy_file], penv, scapy_file, False)
        run_row(r, args.clock)
        if not r.skip:
            ref[scapy_file] = (r.packets, r.bytes, r.checksum)
    for row in rows:
        if not row.skip:
            check_row(row, ref, syslib, ourlibs)

    report(args, capture, rows, sys_how, our_how)
    return 0


def _extension_files(pkgdir: str) -> List[str]:
    try:
        return [os.path.join(pkgdir, f) for f in os.listdir(pkgdir) if f.startswith("_libpcap") and f.endswith(".so")]
    except OSError:
        return []


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def report(args: argparse.Namespace, capture: str, rows: List[Row], sys_how: str, our_how: str) -> None:
    size = os.path.getsize(capture)
    load = os.getloadavg()
    print(f"capture: {capture} ({size / 1e6:.1f} MB)")
    print(f"machine: {_cpu()}, {os.cpu_count()} CPUs, load average {args.load_start[0]:.2f} at start, "
          f"{load[0]:.2f} at end; Python {platform.python_version()}")
    print(f"each pass: a process of its own that opens the file, reads every packet (count, caplen, one byte)"
          f" and closes it; best of {max(1, args.passes)} passes per row, taken in rounds over all rows")
    other = "wall" if args.clock == "cpu" else "cpu"
    print(f"seconds and packets/s: {'CPU time (user+sys) of the process' if args.clock == 'cpu' else 'wall time'}"
          f" of the best pass; '{other} s' gives the same pass's {other} time")
    print(f"C loops: system: {sys_how}")
    print(f"         ours:   {our_how}")
    print()
    ref = rows[0].pps if rows and not rows[0].skip else 0.0
    head = f"{'row':<20} {'packets':>10} {'seconds':>9} {'packets/s':>12} {'ratio':>7} {other + ' s':>8}  notes"
    print(head)
    print("-" * len(head))
    for row in rows:
        if row.skip:
            print(f"{row.name:<20} {'-':>10} {'-':>9} {'-':>12} {'-':>7} {'-':>8}  skipped: {row.skip}")
            continue
        ratio = f"{row.pps / ref:.2f}x" if ref else "-"
        notes = row.note + (f"  !! {row.problem.strip()}" if row.problem else "")
        alt = row.best_wall if args.clock == "cpu" else row.best_cpu
        print(f"{row.name:<20} {row.packets:>10,} {row.best_ns / 1e9:>9.3f} {row.pps:>12,.0f} {ratio:>7} "
              f"{alt / 1e9:>8.3f}  {notes}")
    print()
    print("all passes, CPU/wall seconds:")
    for row in rows:
        if not row.skip:
            print(f"  {row.name:<18} " + "  ".join(f"{c / 1e9:.3f}/{w / 1e9:.3f}"
                                                  for c, w in zip(row.passes_cpu, row.passes_ns)))
    print()
    print("libraries:")
    for row in rows:
        if not row.skip:
            print(f"  {row.name:<18} {row.lib or '?'}; libpcap objects: {', '.join(row.loaded) or 'none'}")
    print()
    print("targets:")
    by = {r.name: r for r in rows}
    for mine, other, need in TARGETS:
        a, b = by.get(mine), by.get(other)
        if not a or not b or a.skip or b.skip:
            missing = [x for x, r in ((mine, a), (other, b)) if not r or r.skip]
            print(f"  {mine} >= {need}x {other}: not measured ({', '.join(missing)} did not run)")
            continue
        got = a.pps / b.pps if b.pps else 0.0
        verdict = "met" if got >= need else "MISSED"
        print(f"  {mine} >= {need}x {other}: {got:.2f}x  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
