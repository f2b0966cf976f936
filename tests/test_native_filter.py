"""libpcap.Filter, the native API's hand-built BPF program, and
Reader.set_filter.

The expected values come from elsewhere than the code under test: what a
program returns comes from the C engine's ``bpf_filter`` through the
compatibility layer (and, for the Reader, from a Python evaluation of the
predicate), the printed formats from ``bpf_dump`` on the C stdout and from
the conformance listings of libpcap master (shared/conformance), the
parsed text from the instructions the test wrote.  Hostile inputs must
raise, never crash; a loop checks for leaks.
"""
from __future__ import annotations

import ctypes as ct
import gc
import io
import itertools
import json
import os
import pickle
import random
import struct
import sys
import threading
import tracemalloc
from pathlib import Path
from typing import Any, Iterator, List, Sequence, Tuple

import pytest

import libpcap
if not hasattr(libpcap, "Filter"):  # pragma: no cover
    pytest.skip("the native API is not built", allow_module_level=True)

from libpcap import Filter, Packet, PcapError, Reader

import gen_captures as gen
from _bpf_tools import CStdout

Insn = Tuple[int, int, int, int]

# The 49 opcodes of the classic machine, by family.
RETS = [0x06, 0x16]                                   # ret #k, ret a
LOADS_ABS = [0x20, 0x28, 0x30]                        # ld/ldh/ldb [k]
LOADS_IND = [0x40, 0x48, 0x50]                        # ld/ldh/ldb [x + k]
LOADS_OTHER = [0x80, 0x81, 0xB1, 0x00, 0x01]          # len, ldx len, msh, ld/ldx #k
MEMS = [0x60, 0x61, 0x02, 0x03]                       # ld/ldx M[k], st, stx
ALU_OPS = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xA0]
ALUS = [0x04 | op | src for op in ALU_OPS for src in (0x00, 0x08)] + [0x84]
JUMPS = [0x05 | op | src for op in (0x10, 0x20, 0x30, 0x40) for src in (0x00, 0x08)]
MISC = [0x07, 0x87]                                   # tax, txa
JA = 0x05
BODY = LOADS_ABS + LOADS_IND + LOADS_OTHER + MEMS + ALUS + JUMPS + MISC + [JA] + RETS
assert len(set(BODY)) == 49

RET1 = (0x06, 0, 0, 1)
ETH_IP = [(0x28, 0, 0, 12), (0x15, 0, 1, 0x0800), (0x06, 0, 0, 262144), (0x06, 0, 0, 0)]


def random_program(rng: random.Random, defect_rate: float = 0.3) -> List[Insn]:
    """Well-formed instructions (mostly a valid program; sometimes one
    defect, so both verdicts come up)."""
    n = rng.randint(1, 24)
    prog: List[Insn] = []
    for i in range(n - 1):
        code = rng.choice(BODY)
        room = n - i - 1  # instructions after this one
        jt = jf = 0
        k = rng.choice([rng.randrange(64), rng.randrange(1 << 32), 0, 1, 0xFFFFFFFF])
        if code in MEMS:
            k = rng.randrange(16)
        elif code & 0x07 == 0x04 and code & 0xF0 in (0x30, 0x90) and not code & 0x08:
            k = rng.choice([1, 3, 7, rng.randrange(1, 1 << 32)])
        elif code & 0x07 == 0x04 and code & 0xF0 in (0x60, 0x70):
            k = rng.randrange(40)
        elif code == JA:
            k = rng.randrange(room)
        elif code in JUMPS:
            jt, jf = rng.randrange(min(room, 256)), rng.randrange(min(room, 256))
        elif code in LOADS_ABS + LOADS_IND + [0xB1]:
            k = rng.choice([rng.randrange(80), rng.randrange(1 << 32), 0xFFFFFFFF])
        prog.append((code, jt, jf, k))
    prog.append((rng.choice(RETS), 0, 0, rng.choice([0, 1, 0xFFFF, rng.randrange(1 << 32)])))
    if rng.random() < defect_rate:
        i = rng.randrange(n)
        c, t, f, k = prog[i]
        kind = rng.randrange(5)
        if kind == 0:
            prog[i] = (rng.randrange(1 << 16), t, f, k)
        elif kind == 1:
            prog[i] = (rng.choice(JUMPS), rng.randrange(256), rng.randrange(256), k)
        elif kind == 2:
            prog[i] = (rng.choice(MEMS), 0, 0, rng.randrange(16, 1 << 32))
        elif kind == 3:
            prog[i] = (0x34, 0, 0, 0)  # div #0
        else:
            prog[-1] = (rng.choice(LOADS_ABS), 0, 0, 0)  # no final ret
    return prog


def random_packet(rng: random.Random) -> Tuple[bytes, int]:
    data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 90)))
    return data, len(data) + rng.choice([0, 0, 10, 1500, 0xFFFFFFFF - len(data)])


def c_array(prog: Sequence[Insn]) -> Any:
    return (libpcap.bpf_insn * max(1, len(prog)))(*[libpcap.bpf_insn(*t) for t in prog])


def c_validate(prog: Sequence[Insn]) -> int:
    return libpcap.bpf_validate(c_array(prog) if prog else None, len(prog))


def c_filter(arr: Any, data: bytes, wirelen: int) -> int:
    buf = (ct.c_ubyte * max(1, len(data))).from_buffer_copy(data.ljust(1, b"\0"))
    return libpcap.bpf_filter(arr, buf, wirelen, len(data))


def c_dumps(programs: Sequence[Sequence[Insn]], option: int) -> List[str]:
    """bpf_dump(prog, option) of each program, through the compatibility layer."""
    keep = []
    with CStdout() as out:
        for prog in programs:
            arr = c_array(prog)
            keep.append(arr)
            bp = libpcap.bpf_program(len(prog), ct.cast(arr, ct.POINTER(libpcap.bpf_insn)))
            libpcap.bpf_dump(ct.byref(bp), option)
            CStdout.libc.puts(b"=")
    parts = out.text.split("=\n")
    assert parts[-1] == ""
    return parts[:-1]


# ---------------------------------------------------------------------------
# Construction


def test_every_form_of_instructions_builds_the_same_filter() -> None:
    arr = c_array(ETH_IP)
    prog = libpcap.bpf_program(len(ETH_IP), ct.cast(arr, ct.POINTER(libpcap.bpf_insn)))
    stmt_jump = [libpcap.BPF_STMT(0x28, 12), libpcap.BPF_JUMP(0x15, 0x0800, 0, 1),
                 libpcap.BPF_STMT(0x06, 262144), libpcap.BPF_STMT(0x06, 0)]
    forms = [ETH_IP, [list(t) for t in ETH_IP], tuple(ETH_IP), iter(ETH_IP),
             (t for t in ETH_IP), arr, list(arr), prog, stmt_jump]
    filters = [Filter(form) for form in forms] + [Filter(instructions=ETH_IP)]
    for f in filters:
        assert f.instructions == ETH_IP
        assert f == filters[0] and not f != filters[0]
        assert hash(f) == hash(filters[0])
        assert len(f) == 4
    # a Filter is immutable: "copying" it gives it back
    assert Filter(filters[0]) is filters[0]


def test_signed_k_is_twos_complement() -> None:
    f = Filter([(0x06, 0, 0, -1)])
    assert f.instructions == [(0x06, 0, 0, 0xFFFFFFFF)]
    assert Filter([(0x20, 0, 0, -0x1000 + 48), RET1]).instructions[0][3] == 0xFFFFF030


def test_value_protocols_and_pickle() -> None:
    f = Filter(ETH_IP)
    g = Filter(ETH_IP[:2] + [(0x06, 0, 0, 1), (0x06, 0, 0, 0)])
    assert f != g and f != ETH_IP and not (f == ETH_IP)
    assert len({f, Filter(list(ETH_IP)), g}) == 2
    assert pickle.loads(pickle.dumps(f)) == f
    assert repr(f) == "<Filter of 4 instructions>"
    assert repr(Filter([RET1])) == "<Filter of 1 instruction>"
    assert str(f) == f.dump() .rstrip("\n")
    assert str(f).count("\n") == 3
    insns = f.instructions
    insns.append((0, 0, 0, 0))  # a fresh list every time
    assert f.instructions == ETH_IP
    with pytest.raises(AttributeError):
        f.instructions = []  # type: ignore[misc]
    with pytest.raises(TypeError):
        type("Sub", (Filter,), {})
    with pytest.raises(TypeError):
        f < g  # type: ignore[operator]


# ---------------------------------------------------------------------------
# match() against the C engine's bpf_filter


def test_match_agrees_with_bpf_filter_on_random_programs() -> None:
    rng = random.Random(1234)
    valid = invalid = accepted = 0
    for _ in range(3000):
        prog = random_program(rng)
        verdict = c_validate(prog)
        try:
            f = Filter(prog)
        except PcapError as exc:
            assert verdict == 0, prog
            assert exc.message.startswith("BPF program is not valid")
            invalid += 1
            continue
        assert verdict == 1, prog
        assert f.instructions == prog
        valid += 1
        arr = c_array(prog)
        for _ in range(6):
            data, wirelen = random_packet(rng)
            want = c_filter(arr, data, wirelen)
            assert f.match(data, wirelen) == want, (prog, data, wirelen)
            accepted += bool(want)
    assert valid > 1000 and invalid > 300 and accepted > 1000


def test_match_takes_buffers_and_packets_without_copying() -> None:
    f = Filter([(0x80, 0, 0, 0), (0x16, 0, 0, 0)])  # ret wirelen
    g = Filter(ETH_IP)
    frame = bytes(12) + b"\x08\x00" + bytes(10)
    assert f.match(b"abc") == 3
    assert f.match(b"abc", 1000) == 1000
    assert f.match(b"abc", wirelen=7) == 7
    assert f.match(data=b"abcd") == 4
    assert f.match(b"abc", None) == 3
    assert f.match(bytearray(5)) == 5
    assert f.match(memoryview(frame)[2:]) == len(frame) - 2
    assert g.match(memoryview(frame)) == 262144
    assert g.match(memoryview(frame)[2:]) == 0
    assert g.match(frame[:13]) == 0  # ldh [12] past the captured bytes
    assert g.match(b"") == 0
    pkt = Packet(frame, 5, wirelen=1514)
    assert f.match(pkt) == 1514
    assert f.match(pkt, 60) == 60
    assert g.match(pkt) == 262144
    assert f.match(b"", 0xFFFFFFFF) == 0xFFFFFFFF
    import array
    assert f.match(array.array("I", [1, 2])) == 8


@pytest.mark.parametrize("args,kwargs,exc", [
    ((), {}, TypeError),
    (("text",), {}, TypeError),
    ((12,), {}, TypeError),
    ((None,), {}, TypeError),
    ((b"x", -1), {}, OverflowError),
    ((b"x", 1 << 32), {}, OverflowError),
    ((b"x", 1.5), {}, TypeError),
    ((b"x", 1, 2), {}, TypeError),
    ((b"x",), {"wirelen": 1, "extra": 2}, TypeError),
    ((b"x",), {"data": b"y"}, TypeError),
    ((b"x", 3), {"wirelen": 3}, TypeError),
])
def test_match_argument_errors(args: tuple, kwargs: dict, exc: type) -> None:
    with pytest.raises(exc):
        Filter([RET1]).match(*args, **kwargs)


def test_match_refuses_non_contiguous_buffers() -> None:
    view = memoryview(bytes(range(20)))[::2]
    with pytest.raises((TypeError, BufferError, ValueError)):
        Filter([RET1]).match(view)


# ---------------------------------------------------------------------------
# Printing: dump() against bpf_dump, and the conformance listings


@pytest.mark.parametrize("option", [-3, 0, 1, 2, 3, 4, 1 << 40, -(1 << 40)])
def test_dump_is_bpf_dump_text(option: int) -> None:
    rng = random.Random(99)
    programs = []
    while len(programs) < 300:
        prog = random_program(rng, defect_rate=0)
        if c_validate(prog):
            programs.append(prog)
    programs.append([(0x81, 0, 0, 0), (0x07, 0, 0, 0), (0x16, 0, 0, 0)])  # master's forms
    c_option = max(-1, min(option, 4))  # the C int option, same meaning
    expected = c_dumps(programs, c_option)
    for prog, text in zip(programs, expected):
        f = Filter(prog)
        assert f.dump(option) == text
        assert f.dump(option=option) == text
        if c_option <= 1:
            assert str(f) + "\n" == text
    assert Filter(programs[0]).dump() == c_dumps([programs[0]], 1)[0]


def test_dump_formats_read_back() -> None:
    rng = random.Random(5)
    for _ in range(300):
        prog = random_program(rng, defect_rate=0)
        try:
            f = Filter(prog)
        except PcapError:
            continue
        assert Filter.from_ddd(f.dump(3)) == f
        assert Filter.from_dd(f.dump(2)) == f
        assert Filter.from_ddd(f.dump(3).encode()) == f
        assert Filter.from_dd(bytearray(f.dump(2).encode())) == f


def conformance_listings() -> List[str]:
    shared = os.environ.get("LIBPCAP_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parent.parent.parent / "shared"
    path = base / "conformance" / "filter" / "accept.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not found (set LIBPCAP_SHARED)")
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return [r["expected"] for r in records if r.get("expected") and not r.get("special")]


def test_str_prints_the_conformance_listings() -> None:
    from _bpf_tools import assemble
    listings = conformance_listings()
    assert len(listings) > 4000
    bad = []
    for text in listings:
        f = Filter(assemble(text))
        if str(f) + "\n" != text or f.dump(1) != text or f.dump(0) != text:
            bad.append(text)
        else:
            assert Filter.from_ddd(f.dump(3)) == f
    assert not bad, f"{len(bad)} listings differ, first:\n{bad[0]}"


# ---------------------------------------------------------------------------
# tcpdump text


def test_from_ddd_accepts_tcpdump_output_variants() -> None:
    want = Filter(ETH_IP)
    assert Filter.from_ddd("4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n") == want
    assert Filter.from_ddd("\n 4 \r\n40\t0 0 12\r\n\n21 0  1 2048\n6 0 0 262144\n6 0 0 0") == want
    assert Filter.from_dd("{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n"
                          "{ 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n") == want
    assert Filter.from_dd("{40,0,0,12}\n\n{ 0X15 , 0 , 1 , 2048 }\n{6,0,0,0x40000},\n"
                          "  {0x6, 0x0, 0, 0}  ") == want


@pytest.mark.parametrize("text,line,what", [
    ("", None, "instruction count"),
    ("\n  \n", None, "instruction count"),
    ("x\n", 1, "instruction count"),
    ("4 0\n", 1, "instruction count"),
    ("-1\n", 1, "instruction count"),
    ("2\n6 0 0 1\n", 1, "the count says 2 instructions, but 1 follows"),
    ("1\n6 0 0 1\n\n6 0 0 2\n", 4, "more instructions than the count of 1"),
    ("1\n6 0 0\n", 2, "four decimal numbers"),
    ("1\n6 0 0 1 1\n", 2, "four decimal numbers"),
    ("1\n6 0 0 0x1\n", 2, "four decimal numbers"),
    ("1\n6,0,0,1\n", 2, "four decimal numbers"),
    ("1\n6 0 0 -1\n", 2, "four decimal numbers"),
    ("1\n\n\n65536 0 0 1\n", 4, "code is out of range"),
    ("1\n6 256 0 1\n", 2, "jt is out of range"),
    ("1\n6 0 300 1\n", 2, "jf is out of range"),
    ("1\n6 0 0 4294967296\n", 2, "k is out of range"),
    ("1\n6 0 0 99999999999999999999999999\n", 2, "k is out of range"),
])
def test_from_ddd_errors_name_the_line(text: str, line: int | None, what: str) -> None:
    with pytest.raises(ValueError) as info:
        Filter.from_ddd(text)
    msg = str(info.value)
    assert what in msg
    if line is not None:
        assert msg.startswith(f"line {line}: ")


@pytest.mark.parametrize("text,line,what", [
    ("{ 0x6, 0, 0 },", 1, "{ code, jt, jf, k },"),
    ("{ 0x6, 0, 0, 1 }\n{ 0x6, 0, 0, 1 }}", 2, "{ code, jt, jf, k },"),
    ("\n{ 0x6, 0, 0, 1 }, {", 2, "{ code, jt, jf, k },"),
    ("struct sock_filter f[] = {", 1, "{ code, jt, jf, k },"),
    ("{ 0xg, 0, 0, 1 },", 1, "{ code, jt, jf, k },"),
    ("{ 0x, 0, 0, 1 },", 1, "{ code, jt, jf, k },"),
    ("{ 010, 0, 0, 1 },", 1, "{ code, jt, jf, k },"),
    ("{ 6 0 0 1 },", 1, "{ code, jt, jf, k },"),
    ("{ 0x6, 0, 0, 1 },,", 1, "{ code, jt, jf, k },"),
    ("{ 0x10000, 0, 0, 1 },", 1, "code is out of range"),
    ("\n\n{ 0x6, 0x100, 0, 1 },", 3, "jt is out of range"),
    ("{ 0x6, 0, 0, 0x100000000 },", 1, "k is out of range"),
])
def test_from_dd_errors_name_the_line(text: str, line: int, what: str) -> None:
    with pytest.raises(ValueError) as info:
        Filter.from_dd(text)
    assert str(info.value).startswith(f"line {line}: ")
    assert what in str(info.value)


def test_text_parsers_refuse_other_types_and_invalid_programs() -> None:
    for parse in (Filter.from_ddd, Filter.from_dd):
        for bad in (None, 5, [1, 2], object()):
            with pytest.raises(TypeError):
                parse(bad)  # type: ignore[arg-type]
    with pytest.raises(PcapError, match="^BPF program is not valid: the program is empty$"):
        Filter.from_dd("")
    with pytest.raises(PcapError, match="^BPF program is not valid: the program is empty$"):
        Filter.from_ddd("0\n")
    with pytest.raises(PcapError, match="instruction 0: the last instruction is not a return"):
        Filter.from_ddd("1\n40 0 0 12\n")
    with pytest.raises(ValueError):
        Filter.from_ddd("1\n6 0 0 1\x00\n")


# ---------------------------------------------------------------------------
# Invalid programs and hostile input


@pytest.mark.parametrize("prog,reason", [
    ([], "the program is empty"),
    ([(0x28, 0, 0, 12)], "instruction 0: the last instruction is not a return"),
    ([RET1, (0x28, 0, 0, 12)], "instruction 1: the last instruction is not a return"),
    ([RET1, (0x08, 0, 0, 1), RET1], "instruction 1: undefined opcode 0x8"),
    ([RET1, (0x1006, 0, 0, 1)], "instruction 1: undefined opcode 0x1006"),
    ([(0x60, 0, 0, 16), RET1], "instruction 0: scratch memory index 16 is out of range (0..15)"),
    ([RET1, RET1, (0x02, 0, 0, 0xFFFFFFFF), RET1],
     "instruction 2: scratch memory index 4294967295 is out of range (0..15)"),
    ([(0x34, 0, 0, 0), RET1], "instruction 0: division by the constant 0"),
    ([(0x94, 0, 0, 0), RET1], "instruction 0: modulo by the constant 0"),
    ([(0x15, 0, 1, 0), RET1], "instruction 0: jump target 2 is outside the program (2 instructions)"),
    ([RET1, (0x15, 200, 0, 0), RET1],
     "instruction 1: jump target 202 is outside the program (3 instructions)"),
    ([(0x05, 0, 0, 1), RET1], "instruction 0: jump target 2 is outside the program (2 instructions)"),
    ([RET1, (0x05, 0, 0, 0xFFFFFFFF), RET1], "instruction 1: the jump lands on itself"),
    ([(0x05, 0, 0, 0xFFFFFFF0), RET1],
     "instruction 0: jump target 4294967281 is outside the program (2 instructions)"),
])
def test_invalid_programs_say_where(prog: List[Insn], reason: str) -> None:
    assert c_validate(prog) == 0  # the C engine refuses it too
    with pytest.raises(PcapError) as info:
        Filter(prog)
    assert info.value.message == "BPF program is not valid: " + reason
    assert str(info.value) == info.value.message
    assert info.value.code == libpcap.PCAP_ERROR


def test_backward_jump_inside_the_program_is_valid() -> None:
    prog = [(0x00, 0, 0, 3), (0x14, 0, 0, 1), (0x15, 1, 0, 0), (0x05, 0, 0, 0xFFFFFFFC), RET1]
    assert c_validate(prog) == 1
    f = Filter(prog)
    assert f.match(b"") == c_filter(c_array(prog), b"", 0)


@pytest.mark.parametrize("item,exc", [
    ((6, 0, 0), ValueError),
    ((6, 0, 0, 1, 5), ValueError),
    ((1 << 16, 0, 0, 1), ValueError),
    ((-1, 0, 0, 1), ValueError),
    ((6, 256, 0, 1), ValueError),
    ((6, 0, -1, 1), ValueError),
    ((6, 0, 0, 1 << 32), ValueError),
    ((6, 0, 0, -(1 << 31) - 1), ValueError),
    ((6, 0, 0, 1 << 100), ValueError),
    ((6.0, 0, 0, 1), TypeError),
    ((6, 0, 0, "1"), TypeError),
    ((6, 0, 0, None), TypeError),
    (6, TypeError),
    ("6001", TypeError),
    (b"\x06\x00\x00\x00", TypeError),
    (None, TypeError),
    (object(), TypeError),
])
def test_unrepresentable_instructions_are_refused(item: Any, exc: type) -> None:
    with pytest.raises(exc) as info:
        Filter([RET1, item, RET1])
    assert str(info.value).startswith("instruction 1: ")


def test_non_iterables_and_text_are_refused() -> None:
    for bad in (5, None, 1.5):
        with pytest.raises(TypeError):
            Filter(bad)  # type: ignore[arg-type]
    for text in ("6 0 0 1", b"\x06\x00\x00\x00\x01\x00\x00\x00", bytearray(8)):
        with pytest.raises(TypeError, match="from_ddd"):
            Filter(text)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Filter()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Filter([RET1], [RET1])  # type: ignore[call-arg]


def test_too_long_programs_are_refused_without_reading_everything() -> None:
    consumed = itertools.count()

    def endless() -> Iterator[Insn]:
        for _ in consumed:
            yield RET1

    with pytest.raises(PcapError, match="too long: more than 1048576 instructions"):
        Filter(endless())
    assert next(consumed) == (1 << 20) + 1  # read one past the limit, no more
    assert len(Filter(itertools.repeat(RET1, 1 << 20))) == 1 << 20
    # a bpf_program claiming 2**32-1 instructions is not sliced
    prog = libpcap.bpf_program(0xFFFFFFFF, ct.cast(c_array([RET1]), ct.POINTER(libpcap.bpf_insn)))
    with pytest.raises(PcapError, match="too long"):
        Filter(prog)
    with pytest.raises(ValueError, match="bf_insns is NULL"):
        Filter(libpcap.bpf_program(3, None))
    with pytest.raises(PcapError, match="empty"):
        Filter(libpcap.bpf_program())


def test_exceptions_of_the_caller_propagate() -> None:
    class Boom(Exception):
        pass

    def gen() -> Iterator[Insn]:
        yield RET1
        raise Boom

    class BadIndex:
        def __index__(self) -> int:
            raise Boom

    class BadAttr:
        code, jt, jf = 6, 0, 0

        @property
        def k(self) -> int:
            raise Boom

    class Missing:
        code, jt, jf = 6, 0, 0

    for bad in (gen(), [(6, 0, 0, BadIndex())], [BadAttr()]):
        with pytest.raises(Boom):
            Filter(bad)
    with pytest.raises(TypeError, match="instruction 0: expected"):
        Filter([Missing()])


def test_list_mutated_while_read_does_not_crash() -> None:
    victim: list = [6, 0, 0, 1]

    class Shrink:
        def __index__(self) -> int:
            victim.clear()
            return 0

    victim[1] = Shrink()
    with pytest.raises((RuntimeError, ValueError, TypeError)):
        Filter([victim])


def test_random_hostile_instructions_never_crash() -> None:
    rng = random.Random(4321)
    pick = [0, 1, 255, 256, 65535, 65536, -1, 1 << 31, (1 << 32) - 1, 1 << 32, 1 << 64]
    for _ in range(3000):
        prog = [tuple(rng.choice(pick + [rng.randrange(-(1 << 33), 1 << 33)]) for _ in range(4))
                for _ in range(rng.randint(0, 6))]
        try:
            f = Filter(prog)
        except (ValueError, PcapError):
            continue
        for _ in range(3):
            data, wirelen = random_packet(rng)
            assert f.match(data, wirelen) == c_filter(c_array(f.instructions), data, wirelen)


def test_random_hostile_text_never_crashes() -> None:
    rng = random.Random(77)
    base = Filter(ETH_IP)
    seeds = [base.dump(3), base.dump(2)]
    alphabet = "0123456789 \t\n\r,{}xX-abcdefg\x00\u00e9"
    for i in range(4000):
        text = list(seeds[i % 2])
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(text) + 1)
            op = rng.randrange(3)
            if op == 0:
                text.insert(pos, rng.choice(alphabet))
            elif op == 1 and pos < len(text):
                del text[pos]
            elif pos < len(text):
                text[pos] = rng.choice(alphabet)
        s = "".join(text)
        for parse in (Filter.from_ddd, Filter.from_dd):
            try:
                f = parse(s)
            except (ValueError, PcapError):
                continue
            assert f.match(bytes(20)) == c_filter(c_array(f.instructions), bytes(20), 20)
    for _ in range(500):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
        for parse in (Filter.from_ddd, Filter.from_dd):
            try:
                parse(junk)
            except (ValueError, PcapError):
                pass


# ---------------------------------------------------------------------------
# Reader.set_filter


def frame(kind: int, i: int) -> bytes:
    """Ethernet frames: kind 0 IPv4, 1 ARP, 2 IPv6; the index in the payload."""
    ethertype = (0x0800, 0x0806, 0x86DD)[kind]
    return bytes(12) + struct.pack("!HI", ethertype, i) + bytes(i % 50)


def capture_bytes(n: int, seed: int = 3) -> Tuple[bytes, List[Tuple[int, bytes]]]:
    rng = random.Random(seed)
    recs = [(i, frame(rng.choice([0, 0, 1, 2]), i)) for i in range(n)]
    return gen.pcap_bytes([(1000 + i, 0, data, len(data)) for i, data in recs]), recs


IPV4 = Filter(ETH_IP)
ARP = Filter([(0x28, 0, 0, 12), (0x15, 0, 1, 0x0806), (0x06, 0, 0, 96), (0x06, 0, 0, 0)])


def ethertype(data: bytes) -> int:
    return struct.unpack_from("!H", data, 12)[0]


def index_of(p: Packet) -> int:
    return p.ts_sec - 1000


def sources(blob: bytes, tmp_path: Path) -> dict:
    path = tmp_path / "f.pcap"
    path.write_bytes(blob)
    return {"path": lambda: Reader(path), "bytesio": lambda: Reader(io.BytesIO(blob))}


@pytest.mark.parametrize("source", ["path", "bytesio"])
@pytest.mark.parametrize("mode", ["iter", "read", "read_n", "read_buffer"])
@pytest.mark.parametrize("after", [0, 1, 37, 255, 256, 700])
def test_set_filter_mid_iteration(tmp_path: Path, source: str, mode: str, after: int) -> None:
    blob, recs = capture_bytes(1500)
    with sources(blob, tmp_path)[source]() as r:
        head = [next(r) for _ in range(after)]
        assert [index_of(p) for p in head] == list(range(after))
        r.set_filter(IPV4)
        if mode == "iter":
            rest = [(index_of(p), p.data) for p in r]
        elif mode in ("read", "read_n"):
            rest = []
            while True:
                batch = r.read() if mode == "read" else r.read(7)
                if not batch:
                    break
                rest += [(index_of(p), p.data) for p in batch]
        else:
            rest = []
            while True:
                data, index = r.read_buffer()
                if not index:
                    break
                for j in range(len(index) // 4):
                    ts, cap, _, off = index[4 * j:4 * j + 4]
                    rest.append((ts // 10**9 - 1000, data[off:off + cap]))
    want = [(i, d) for i, d in recs[after:] if ethertype(d) == 0x0800]
    assert rest == want


def test_filters_change_exactly_at_the_next_packet(tmp_path: Path) -> None:
    blob, recs = capture_bytes(3000)
    ip_even = Filter([(0x28, 0, 0, 12), (0x15, 0, 3, 0x0800), (0x20, 0, 0, 14),
                      (0x45, 1, 0, 1), (0x06, 0, 0, 1), (0x06, 0, 0, 0)])
    with Reader(io.BytesIO(blob)) as r:
        r.set_filter(IPV4)
        first = [index_of(p) for p in r.read(50)]
        assert first == [i for i, d in recs if ethertype(d) == 0x0800][:50]
        r.set_filter(ip_even)  # narrower
        second = [index_of(p) for p in r.read(50)]
        assert second == [i for i, d in recs[first[-1] + 1:]
                          if ethertype(d) == 0x0800 and i % 2 == 0][:50]
        r.set_filter(ARP)  # disjoint from the last one
        third = [index_of(p) for p in r.read(5)]
        assert third == [i for i, d in recs[second[-1] + 1:] if ethertype(d) == 0x0806][:5]
        r.set_filter(None)  # wider: what ARP skipped while reading ahead comes
        tail = [index_of(p) for p in r]
    assert tail == list(range(third[-1] + 1, 3000))


def test_find_then_read_on(tmp_path: Path) -> None:
    blob, recs = capture_bytes(2000)
    for source in sources(blob, tmp_path).values():
        with source() as r:
            r.set_filter(ARP)
            found = index_of(next(r))
            r.set_filter(None)
            assert [index_of(p) for p in r] == list(range(found + 1, 2000))


def test_long_stretches_without_a_match(tmp_path: Path) -> None:
    n = 3000
    frames = [frame(1 if i in (n - 1, 1500) else 0, i) + bytes(100) for i in range(n)]
    blob = gen.pcap_bytes([(1000 + i, 0, data, len(data)) for i, data in enumerate(frames)])
    with Reader(io.BytesIO(blob)) as r:
        r.set_filter(ARP)
        assert [index_of(p) for p in r] == [1500, n - 1]
    with Reader(io.BytesIO(blob)) as r:
        r.set_filter(ARP)
        data, index = r.read_buffer(5)
        assert [index[4 * j] // 10**9 - 1000 for j in range(len(index) // 4)] == [1500, n - 1]
    with Reader(io.BytesIO(blob)) as r:
        r.set_filter(Filter([(0x06, 0, 0, 0)]))  # rejects everything
        assert r.read() == [] and list(r) == []
        # the Reader went past every packet: none comes back
        r.set_filter(None)
        assert list(r) == []


def test_filters_switch_and_stay_after_set(tmp_path: Path) -> None:
    blob, recs = capture_bytes(800)
    with Reader(io.BytesIO(blob)) as r:
        r.set_filter(ARP)
        r.set_filter(ARP)  # installing twice is harmless
        arps = [index_of(p) for p in r.read(20)]
        r.set_filter(IPV4)
        ips = [index_of(p) for p in r]
    assert arps == [i for i, d in recs if ethertype(d) == 0x0806][:20]
    assert ips == [i for i, d in recs[arps[-1] + 1:] if ethertype(d) == 0x0800]


def test_set_filter_on_a_pipe(tmp_path: Path) -> None:
    blob, recs = capture_bytes(400)
    rfd, wfd = os.pipe()

    def feed() -> None:
        with os.fdopen(wfd, "wb") as w:
            w.write(blob)

    t = threading.Thread(target=feed)
    t.start()
    try:
        with os.fdopen(rfd, "rb") as f, Reader(f) as r:
            head = [index_of(next(r)) for _ in range(10)]
            r.set_filter(ARP)
            rest = [index_of(p) for p in r]
    finally:
        t.join()
    assert head == list(range(10))
    assert rest == [i for i, d in recs[10:] if ethertype(d) == 0x0806]


def test_set_filter_argument_and_state_errors(tmp_path: Path) -> None:
    blob, _ = capture_bytes(5)
    r = Reader(io.BytesIO(blob))
    for bad in (ETH_IP, 5, Filter):  # a str is an expression (test_compile_api.py)
        with pytest.raises(TypeError, match="Filter, an expression"):
            r.set_filter(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        r.set_filter()  # type: ignore[call-arg]
    r.close()
    with pytest.raises(ValueError):
        r.set_filter(IPV4)
    with pytest.raises(ValueError):
        r.set_filter(None)


def test_set_filter_while_another_thread_reads(tmp_path: Path) -> None:
    """The filter runs without the GIL while a batch is read: changing it
    then is refused, as every call on a busy Reader is."""
    blob, recs = capture_bytes(50)
    rfd, wfd = os.pipe()
    w = os.fdopen(wfd, "wb", buffering=0)
    w.write(blob[:24 + 16 + len(recs[0][1])])  # the header and one packet
    got: list = []
    with os.fdopen(rfd, "rb") as f, Reader(f) as r:
        r.set_filter(IPV4 if ethertype(recs[0][1]) == 0x0800 else ARP)
        assert index_of(next(r)) == 0
        t = threading.Thread(target=lambda: got.append(next(r)))
        t.start()
        try:
            import time
            time.sleep(0.3)  # the thread now waits for the pipe, GIL released
            assert t.is_alive()
            with pytest.raises(RuntimeError, match="in use"):
                r.set_filter(None)
        finally:
            w.write(blob[24 + 16 + len(recs[0][1]):])
            w.close()
            t.join()
    assert got and got[0].ts_sec >= 1001


def test_reader_keeps_the_filter_alive(tmp_path: Path) -> None:
    blob, recs = capture_bytes(300)
    with Reader(io.BytesIO(blob)) as r:
        r.set_filter(Filter(ETH_IP))
        gc.collect()
        got = [index_of(p) for p in r]
    assert got == [i for i, d in recs if ethertype(d) == 0x0800]


# ---------------------------------------------------------------------------
# Leaks


def exercise(blob: bytes) -> None:
    arr = c_array(ETH_IP)
    f = Filter(ETH_IP)
    Filter(arr)
    Filter(libpcap.bpf_program(4, ct.cast(arr, ct.POINTER(libpcap.bpf_insn))))
    Filter([libpcap.BPF_STMT(6, 1)])
    f.match(b"x" * 20)
    f.match(memoryview(b"y" * 20), 99)
    f.match(Packet(b"z" * 20))
    f.dump(1), f.dump(2), f.dump(3), str(f), repr(f), f.instructions, hash(Filter(ETH_IP)), len(f)
    assert f == Filter.from_ddd(f.dump(3)) == Filter.from_dd(f.dump(2).encode())
    pickle.loads(pickle.dumps(f))
    for bad in ([], [(8, 0, 0, 0), RET1], [(6, 0, 0)], [(6, 0, 0, "x")], [None]):
        try:
            Filter(bad)
        except (PcapError, ValueError, TypeError):
            pass
    for text in ("2\n6 0 0 1\n", "x", "1\n6 0 0 1 2"):
        try:
            Filter.from_ddd(text)
        except ValueError:
            pass
    try:
        f.match("str")
    except TypeError:
        pass
    with Reader(io.BytesIO(blob)) as r:
        next(r)
        r.set_filter(f)
        r.read(3)
        r.set_filter(None)
        list(r)


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_no_leaks_in_repeated_use() -> None:
    blob, _ = capture_bytes(40)
    for _ in range(100):
        exercise(blob)
    gc.collect()
    refs = sys.getrefcount(Filter), sys.getrefcount(Reader), sys.getrefcount(PcapError)
    passes = 400
    tracemalloc.start()
    try:
        # CPython's free lists (4-tuples above all) and pickle's caches
        # keep filling for a few thousand passes (about 13 KiB in all, the
        # same after 3,000 or 6,000 passes); what they hold is bounded, a
        # leak is not
        for _ in range(4000):
            exercise(blob)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(passes):
            exercise(blob)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < passes * 16, after - before
    assert (sys.getrefcount(Filter), sys.getrefcount(Reader), sys.getrefcount(PcapError)) == refs


def under_asan() -> bool:
    flags = os.environ.get("SAN_CFLAGS", "") + os.environ.get("LIBPCAP_CFLAGS", "")
    return "address" in flags or "libasan" in os.environ.get("LD_PRELOAD", "")


@pytest.mark.skipif(under_asan(), reason="ASan keeps freed memory in quarantine "
                                          "(and finds leaks itself)")
def test_no_leaks_outside_python_allocators() -> None:
    """The predecoded program and the dump's memory stream come from
    malloc, which tracemalloc does not see: watch the resident size over
    programs large enough that a leak would show."""
    big = [(0x28, 0, 0, 12), (0x15, 0, 0, 0x0800)] * 2000 + [RET1]
    text = Filter(big).dump(1)
    for _ in range(50):
        Filter(big).dump(1)
    gc.collect()
    start = rss_bytes()
    for _ in range(1000):
        f = Filter(big)  # 4001 instructions: ~32 KiB of copy, more predecoded
        assert f.dump(1) == text  # ~200 KiB of text
        f.match(bytes(14))
        del f
    gc.collect()
    # leaking either allocation would add well over 30 MiB
    assert rss_bytes() - start < 16 << 20
