"""BPF part of the compatibility layer: pcap/bpf.h for ctypes.

Instruction and program structures, the opcode encodings, the macro-style
helpers (as lambdas; BPF_STMT/BPF_JUMP build the 4-tuples the original
returned, ready for ``bpf_insn(*t)``) and the four bpf_* functions of the
core, which keep their C names.
"""
from __future__ import annotations

import ctypes as ct
from typing import Any, Callable

from ._dll import check_complete, function

__all__ = [
    "PCAP_DEPRECATED", "BPF_RELEASE", "bpf_int32", "bpf_u_int32",
    "BPF_ALIGNMENT", "BPF_WORDALIGN", "BPF_MEMWORDS",
    "BPF_CLASS", "BPF_LD", "BPF_LDX", "BPF_ST", "BPF_STX", "BPF_ALU",
    "BPF_JMP", "BPF_RET", "BPF_MISC",
    "BPF_SIZE", "BPF_W", "BPF_H", "BPF_B",
    "BPF_MODE", "BPF_IMM", "BPF_ABS", "BPF_IND", "BPF_MEM", "BPF_LEN", "BPF_MSH",
    "BPF_OP", "BPF_ADD", "BPF_SUB", "BPF_MUL", "BPF_DIV", "BPF_OR", "BPF_AND",
    "BPF_LSH", "BPF_RSH", "BPF_NEG", "BPF_MOD", "BPF_XOR",
    "BPF_JA", "BPF_JEQ", "BPF_JGT", "BPF_JGE", "BPF_JSET",
    "BPF_SRC", "BPF_K", "BPF_X",
    "BPF_RVAL", "BPF_A",
    "BPF_MISCOP", "BPF_TAX", "BPF_COP", "BPF_COPX", "BPF_TXA",
    "bpf_insn", "bpf_program", "BPF_STMT", "BPF_JUMP",
    "bpf_filter", "bpf_validate", "bpf_image", "bpf_dump",
]

# The C headers mark deprecated functions; the original kept a no-op marker
# with the same name, and so do we (no warnings are emitted).
PCAP_DEPRECATED: Callable[[Any, str], None] = lambda func, msg: None

BPF_RELEASE = 199606  # BSD style release date

bpf_int32 = ct.c_int32
bpf_u_int32 = ct.c_uint32

# Programs are arrays of 32-bit words on every OS the layer supports
# (NetBSD, which aligns to long, is not one of them).
BPF_ALIGNMENT = ct.sizeof(bpf_int32)
BPF_WORDALIGN: Callable[[int], int] = (
    lambda x: (x + (BPF_ALIGNMENT - 1)) & ~(BPF_ALIGNMENT - 1)
)

# Instruction classes.
BPF_CLASS: Callable[[int], int] = lambda code: code & 0x07
BPF_LD = 0x00
BPF_LDX = 0x01
BPF_ST = 0x02
BPF_STX = 0x03
BPF_ALU = 0x04
BPF_JMP = 0x05
BPF_RET = 0x06
BPF_MISC = 0x07

# ld/ldx operand size and addressing mode.
BPF_SIZE: Callable[[int], int] = lambda code: code & 0x18
BPF_W = 0x00
BPF_H = 0x08
BPF_B = 0x10
BPF_MODE: Callable[[int], int] = lambda code: code & 0xE0
BPF_IMM = 0x00
BPF_ABS = 0x20
BPF_IND = 0x40
BPF_MEM = 0x60
BPF_LEN = 0x80
BPF_MSH = 0xA0

# alu/jmp operations.
BPF_OP: Callable[[int], int] = lambda code: code & 0xF0
BPF_ADD = 0x00
BPF_SUB = 0x10
BPF_MUL = 0x20
BPF_DIV = 0x30
BPF_OR = 0x40
BPF_AND = 0x50
BPF_LSH = 0x60
BPF_RSH = 0x70
BPF_NEG = 0x80
BPF_MOD = 0x90
BPF_XOR = 0xA0
BPF_JA = 0x00
BPF_JEQ = 0x10
BPF_JGT = 0x20
BPF_JGE = 0x30
BPF_JSET = 0x40

# Operand source: the constant k or the index register X.
BPF_SRC: Callable[[int], int] = lambda code: code & 0x08
BPF_K = 0x00
BPF_X = 0x08

# ret: BPF_K and BPF_X apply too, and A.
BPF_RVAL: Callable[[int], int] = lambda code: code & 0x18
BPF_A = 0x10

# misc operations.
BPF_MISCOP: Callable[[int], int] = lambda code: code & 0xF8
BPF_TAX = 0x00
BPF_COP = 0x20
BPF_COPX = 0x40
BPF_TXA = 0x80

# Scratch memory words (BPF_LD|BPF_MEM, BPF_ST).
BPF_MEMWORDS = 16


class bpf_insn(ct.Structure):
    """``struct bpf_insn``: one instruction."""

    _fields_ = [
        ("code", ct.c_ushort),
        ("jt", ct.c_ubyte),
        ("jf", ct.c_ubyte),
        ("k", bpf_u_int32),
    ]


class bpf_program(ct.Structure):
    """``struct bpf_program``: what pcap_compile fills and setfilter takes."""

    _fields_ = [
        ("bf_len", ct.c_uint),
        ("bf_insns", ct.POINTER(bpf_insn)),
    ]


def _backing_insns(objects: object, ptr: int, seen: set) -> "int | None":
    """How many bpf_insn fit from address ptr to the end of the ctypes
    object (kept alive in a structure's _objects) that holds ptr, or None
    when no such object is known (memory from C, e.g. pcap_compile's)."""
    if id(objects) in seen:
        return None
    seen.add(id(objects))
    if isinstance(objects, dict):
        for value in objects.values():
            n = _backing_insns(value, ptr, seen)
            if n is not None:
                return n
        return None
    if isinstance(objects, (ct.Array, ct.Structure)):
        start = ct.addressof(objects)
        end = start + ct.sizeof(objects)
        if start <= ptr < end:
            return (end - ptr) // ct.sizeof(bpf_insn)
        return _backing_insns(getattr(objects, "_objects", None), ptr, seen)
    if isinstance(objects, ct._Pointer):
        return _backing_insns(getattr(objects, "_objects", None), ptr, seen)
    return None


_program_p = ct.POINTER(bpf_program)
_plain_from_param = _program_p.from_param     # ctypes' own (its metaclass's)


def _checked_from_param(cls: type, obj: object) -> object:
    """``POINTER(bpf_program)``'s argument conversion, which refuses,
    before C reads it, a program whose ``bf_len`` runs past the Python
    array behind ``bf_insns`` (C libpcap would read beyond it and crash the
    interpreter): such a program is passed as the empty program, which the
    C function refuses the libpcap way ("BPF program is not valid", or
    nothing to free).  Set on the pointer type itself, so the prototypes'
    argtypes stay the original binding's."""
    prog = obj
    if type(obj).__name__ == "CArgObject":
        prog = getattr(obj, "_obj", None)
    elif isinstance(obj, _program_p):
        prog = obj.contents if obj else None
    if isinstance(prog, bpf_program) and prog.bf_len:
        ptr = ct.cast(prog.bf_insns, ct.c_void_p).value
        fits = (0 if ptr is None else
                _backing_insns(getattr(prog, "_objects", None), ptr, set()))
        if fits is not None and prog.bf_len > fits:
            return ct.byref(bpf_program(0, None))
    return _plain_from_param(obj)


_program_p.from_param = classmethod(_checked_from_param)  # type: ignore[method-assign]


# Instruction initialisers: tuples in bpf_insn field order.
BPF_STMT: Callable[[int, int], tuple] = lambda code, k: (ct.c_ushort(code), 0, 0, k)
BPF_JUMP: Callable[[int, int, int, int], tuple] = (
    lambda code, k, jt, jf: (ct.c_ushort(code), jt, jf, k)
)

_insns = ct.POINTER(bpf_insn)

bpf_filter = function(
    "bpf_filter", ct.c_uint,
    ("insn", _insns), ("buffer", ct.POINTER(ct.c_ubyte)),
    ("wirelen", ct.c_uint), ("buflen", ct.c_uint),
)
PCAP_DEPRECATED(bpf_filter, "use pcap_offline_filter()")
bpf_validate = function(
    "bpf_validate", ct.c_int,
    ("insn", _insns), ("len", ct.c_int),
)
bpf_image = function(
    "bpf_image", ct.c_char_p,
    ("insn", _insns), ("len", ct.c_int),
)
bpf_dump = function(
    "bpf_dump", None,
    ("prog", ct.POINTER(bpf_program)), ("option", ct.c_int),
)

del _insns
check_complete()
