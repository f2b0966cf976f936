"""Helpers shared by the BPF tests and bench/bench_filter.py.

* ``assemble`` turns a ``tcpdump -d`` listing (the text ``bpf_dump(prog, 1)``
  prints) back into instructions.  It is a parser of the text, written from
  the listing format alone, so that the golden test can feed the programs of
  shared/conformance/filter/accept.jsonl to our ``bpf_image`` and compare.
* ``CStdout`` captures what C code (``bpf_dump``) prints on descriptor 1.
* ``build_ours_runner`` / ``build_oracle`` compile the differential runner of
  tests/oracle/bpf_oracle.c against our BPF engine or the system libpcap
  (the latter in its own binary, without any include directory of ours).
"""
from __future__ import annotations

import ctypes as ct
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

__all__ = ["ROOT", "Insn", "AsmError", "assemble", "programs_text", "conformance_dir",
           "clean_env", "build_ours_runner", "build_oracle", "have_system_libpcap", "CStdout"]

ROOT = pathlib.Path(__file__).resolve().parent.parent
BPF_SRC = ROOT / "src" / "_libpcap" / "bpf"

# What a compiler or the oracle must not inherit: variables that would make
# it pick up other headers or libraries, or preload a sanitizer runtime (a
# sanitizer run of the suite preloads one into the Python process).
_INHERITED_BUILD_ENV = ("CPATH", "C_INCLUDE_PATH", "LIBRARY_PATH", "LD_LIBRARY_PATH",
                        "CFLAGS", "LDFLAGS", "PKG_CONFIG_PATH", "LD_PRELOAD")


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in _INHERITED_BUILD_ENV:
        env.pop(name, None)
    return env


def conformance_dir() -> pathlib.Path:
    """shared/conformance: $LIBPCAP_SHARED, else ../shared beside the repository."""
    shared = os.environ.get("LIBPCAP_SHARED")
    return (pathlib.Path(shared) if shared else ROOT.parent / "shared") / "conformance"

Insn = tuple[int, int, int, int]  # code, jt, jf, k

# Linux special offsets (SKF_AD_OFF + 4 * index) as the listings name them.
SKF_AD_OFF = 0xFFFFF000
SKF_NAMES = ["proto", "type", "ifidx", "nla", "nlan", "mark", "queue", "hatype",
             "rxhash", "cpu", "xor_x", "vlan_tci", "vlanp", "poff", "random",
             "vlan_tpid"]

_LINE = re.compile(r"^\((-?\d+)\) (\S+)(?: +(.*?))?$")
_COND = re.compile(r"^(.*?) +jt (-?\d+)\tjf (-?\d+)$")
_ALU = {"add": 0x00, "sub": 0x10, "mul": 0x20, "div": 0x30, "or": 0x40,
        "and": 0x50, "lsh": 0x60, "rsh": 0x70, "mod": 0x90, "xor": 0xA0}
_JMP = {"jgt": 0x20, "jge": 0x30, "jeq": 0x10, "jset": 0x40}
_SIZE = {"ld": 0x00, "ldh": 0x08, "ldb": 0x10}


class AsmError(ValueError):
    """A listing line that is not in bpf_image's format."""


def _num(text: str) -> int:
    value = int(text, 16) if text.lower().startswith(("0x", "-0x")) else int(text)
    if not -(1 << 31) <= value < (1 << 32):
        raise AsmError(f"operand out of range: {text}")
    return value & 0xFFFFFFFF


def _offset(n: int, target: int) -> int:
    return (target - n - 1) & 0xFFFFFFFF


def _packet_operand(text: str) -> tuple[str, int]:
    """'[12]', '[vlanp]' -> ('abs', k); '[x + 14]' -> ('ind', k)."""
    m = re.fullmatch(r"\[x \+ (-?\d+)\]", text)
    if m:
        return "ind", _num(m.group(1))
    m = re.fullmatch(r"\[(-?\d+)\]", text)
    if m:
        return "abs", _num(m.group(1))
    m = re.fullmatch(r"\[([a-z_]+)\]", text)
    if m and m.group(1) in SKF_NAMES:
        return "abs", SKF_AD_OFF + 4 * SKF_NAMES.index(m.group(1))
    raise AsmError(f"bad packet operand {text!r}")


def assemble_line(line: str) -> Insn:
    m = _LINE.match(line)
    if not m:
        raise AsmError(f"not a listing line: {line!r}")
    n, op, rest = int(m.group(1)), m.group(2), m.group(3) or ""
    jt = jf = 0
    c = _COND.match(rest)
    if c:
        rest, jt, jf = c.group(1), int(c.group(2)) - n - 1, int(c.group(3)) - n - 1
        if not (0 <= jt <= 255 and 0 <= jf <= 255) or op not in _JMP:
            raise AsmError(f"bad conditional jump: {line!r}")
    mem = re.fullmatch(r"M\[(\d+)\]", rest)
    if op == "ret":
        if rest == "":
            return (0x16, 0, 0, 0)
        if rest.startswith("#"):
            return (0x06, 0, 0, _num(rest[1:]))
    elif op in _SIZE and rest.startswith("["):
        mode, k = _packet_operand(rest)
        return ((0x20 if mode == "abs" else 0x40) | _SIZE[op], 0, 0, k)
    elif op in ("ld", "ldx") and rest == "#pktlen":
        return (0x80 if op == "ld" else 0x81, 0, 0, 0)
    elif op in ("ld", "ldx") and rest.startswith("#0x"):
        return (0x00 if op == "ld" else 0x01, 0, 0, _num(rest[1:]))
    elif op in ("ld", "ldx", "st", "stx") and mem:
        code = {"ld": 0x60, "ldx": 0x61, "st": 0x02, "stx": 0x03}[op]
        return (code, 0, 0, int(mem.group(1)))
    elif op == "ldxb":
        mm = re.fullmatch(r"4\*\(\[(-?\d+)\]&0xf\)", rest)
        if mm:
            return (0xB1, 0, 0, _num(mm.group(1)))
    elif op == "ja" and re.fullmatch(r"-?\d+", rest):
        return (0x05, 0, 0, _offset(n, int(rest)))
    elif op in _JMP and c:
        if rest == "x":
            return (0x05 | _JMP[op] | 0x08, jt, jf, 0)
        if rest.startswith("#0x"):
            return (0x05 | _JMP[op], jt, jf, _num(rest[1:]))
    elif op in _ALU:
        if rest == "x":
            return (0x04 | _ALU[op] | 0x08, 0, 0, 0)
        if rest.startswith("#"):
            return (0x04 | _ALU[op], 0, 0, _num(rest[1:]))
    elif op in ("neg", "tax", "txa") and rest == "":
        return ({"neg": 0x84, "tax": 0x07, "txa": 0x87}[op], 0, 0, 0)
    raise AsmError(f"cannot assemble {line!r}")


def assemble(listing: str) -> list[Insn]:
    """Instructions of a listing; line i must be numbered (i)."""
    out = []
    for i, line in enumerate(listing.splitlines()):
        if not line.startswith(f"({i:03d}) "):
            raise AsmError(f"line {i} is numbered wrongly: {line!r}")
        out.append(assemble_line(line))
    return out


def programs_text(programs: list[list[Insn]]) -> str:
    """The stdin format of the runner's dump mode."""
    parts = []
    for prog in programs:
        parts.append(str(len(prog)))
        parts.extend(f"{c} {t} {f} {k}" for c, t, f, k in prog)
    return "\n".join(parts) + "\n"


def have_system_libpcap() -> bool:
    return (shutil.which("gcc") is not None
            and pathlib.Path("/usr/include/pcap/pcap.h").exists())


def _cflags() -> list[str]:
    return ["-std=c11", "-O2", "-Wall", "-Wextra", "-D_GNU_SOURCE"]


def _sanitizer_flags() -> list[str]:
    """The sanitizers the suite runs under (SAN_CFLAGS, LIBPCAP_CFLAGS)."""
    flags: list[str] = []
    for name in ("SAN_CFLAGS", "LIBPCAP_CFLAGS"):
        for flag in shlex.split(os.environ.get(name, "")):
            if flag.startswith(("-fsanitize", "-fno-sanitize")) and flag not in flags:
                flags.append(flag)
    return flags


def build_ours_runner(outdir: pathlib.Path, extra: list[str] | None = None) -> pathlib.Path:
    """Our runner, built from the bpf/ sources, under the suite's sanitizers."""
    san = _sanitizer_flags()
    exe = outdir / "bpf_ours_runner"
    srcs = sorted(str(p) for p in BPF_SRC.glob("*.c"))
    cmd = (["gcc"] + _cflags() + ["-Werror", "-fvisibility=hidden"] + san + (extra or [])
           + ["-I", str(ROOT / "src/_libpcap/include"), "-I", str(ROOT / "src/_libpcap/core"),
              "-I", str(BPF_SRC), str(ROOT / "tests/c/bpf_ours_runner.c")]
           + srcs + ["-o", str(exe)])
    _compile(cmd)
    return exe


def build_oracle(outdir: pathlib.Path) -> pathlib.Path:
    """The same runner against the system libpcap: no include dir of ours."""
    exe = outdir / "bpf_oracle"
    cmd = (["gcc"] + _cflags() + [str(ROOT / "tests/oracle/bpf_oracle.c"), "-lpcap",
                                   "-o", str(exe)])
    _compile(cmd)
    return exe


def _compile(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=clean_env())
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}\n{proc.stdout}{proc.stderr}")


class CStdout:
    """What C code writes to file descriptor 1 (bpf_dump prints there),
    in ``text`` once the block ends; ``libc.puts`` writes a separator."""

    libc = ct.CDLL(None)
    libc.fflush.argtypes = [ct.c_void_p]
    libc.puts.argtypes = [ct.c_char_p]

    def __enter__(self) -> "CStdout":
        sys.stdout.flush()
        self.libc.fflush(None)
        self.tmp = tempfile.TemporaryFile()
        self.saved = os.dup(1)
        os.dup2(self.tmp.fileno(), 1)
        return self

    def __exit__(self, *exc: object) -> None:
        self.libc.fflush(None)
        os.dup2(self.saved, 1)
        os.close(self.saved)
        self.tmp.seek(0)
        self.text = self.tmp.read().decode("ascii")
        self.tmp.close()
