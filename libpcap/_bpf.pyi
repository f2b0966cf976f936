"""Type stub of libpcap._bpf, written by tools/gen_compat_stubs.py: do not edit."""
from typing import Any, ClassVar, Optional, Union, overload

import ctypes as ct
from _ctypes import CFuncPtr, _CArgObject, _Pointer

from . import _libpcap

# What ctypes accepts for a parameter.
_CharP = Union[bytes, None, ct.c_char_p, ct.Array[ct.c_char], _CArgObject]
_VoidP = Any

__all__ = [
    'PCAP_DEPRECATED',
    'BPF_RELEASE',
    'bpf_int32',
    'bpf_u_int32',
    'BPF_ALIGNMENT',
    'BPF_WORDALIGN',
    'BPF_MEMWORDS',
    'BPF_CLASS',
    'BPF_LD',
    'BPF_LDX',
    'BPF_ST',
    'BPF_STX',
    'BPF_ALU',
    'BPF_JMP',
    'BPF_RET',
    'BPF_MISC',
    'BPF_SIZE',
    'BPF_W',
    'BPF_H',
    'BPF_B',
    'BPF_MODE',
    'BPF_IMM',
    'BPF_ABS',
    'BPF_IND',
    'BPF_MEM',
    'BPF_LEN',
    'BPF_MSH',
    'BPF_OP',
    'BPF_ADD',
    'BPF_SUB',
    'BPF_MUL',
    'BPF_DIV',
    'BPF_OR',
    'BPF_AND',
    'BPF_LSH',
    'BPF_RSH',
    'BPF_NEG',
    'BPF_MOD',
    'BPF_XOR',
    'BPF_JA',
    'BPF_JEQ',
    'BPF_JGT',
    'BPF_JGE',
    'BPF_JSET',
    'BPF_SRC',
    'BPF_K',
    'BPF_X',
    'BPF_RVAL',
    'BPF_A',
    'BPF_MISCOP',
    'BPF_TAX',
    'BPF_COP',
    'BPF_COPX',
    'BPF_TXA',
    'bpf_insn',
    'bpf_program',
    'BPF_STMT',
    'BPF_JUMP',
    'bpf_filter',
    'bpf_validate',
    'bpf_image',
    'bpf_dump',
]

def PCAP_DEPRECATED(func: Any, msg: Any) -> Any: ...

BPF_RELEASE: int

bpf_int32 = ct.c_int

bpf_u_int32 = ct.c_uint

BPF_ALIGNMENT: int

def BPF_WORDALIGN(x: Any) -> Any: ...

BPF_MEMWORDS: int

def BPF_CLASS(code: Any) -> Any: ...

BPF_LD: int

BPF_LDX: int

BPF_ST: int

BPF_STX: int

BPF_ALU: int

BPF_JMP: int

BPF_RET: int

BPF_MISC: int

def BPF_SIZE(code: Any) -> Any: ...

BPF_W: int

BPF_H: int

BPF_B: int

def BPF_MODE(code: Any) -> Any: ...

BPF_IMM: int

BPF_ABS: int

BPF_IND: int

BPF_MEM: int

BPF_LEN: int

BPF_MSH: int

def BPF_OP(code: Any) -> Any: ...

BPF_ADD: int

BPF_SUB: int

BPF_MUL: int

BPF_DIV: int

BPF_OR: int

BPF_AND: int

BPF_LSH: int

BPF_RSH: int

BPF_NEG: int

BPF_MOD: int

BPF_XOR: int

BPF_JA: int

BPF_JEQ: int

BPF_JGT: int

BPF_JGE: int

BPF_JSET: int

def BPF_SRC(code: Any) -> Any: ...

BPF_K: int

BPF_X: int

def BPF_RVAL(code: Any) -> Any: ...

BPF_A: int

def BPF_MISCOP(code: Any) -> Any: ...

BPF_TAX: int

BPF_COP: int

BPF_COPX: int

BPF_TXA: int

class bpf_insn(ct.Structure):
    code: int
    jt: int
    jf: int
    k: int

class bpf_program(ct.Structure):
    bf_len: int
    bf_insns: _Pointer[bpf_insn]

def BPF_STMT(code: Any, k: Any) -> Any: ...

def BPF_JUMP(code: Any, k: Any, jt: Any, jf: Any) -> Any: ...

class _bpf_filter(CFuncPtr):
    def __call__(self, insn: Union[_Pointer[bpf_insn], ct.Array[bpf_insn], _CArgObject, None], buffer: Union[_Pointer[ct.c_ubyte], ct.Array[ct.c_ubyte], _CArgObject, None], wirelen: int, buflen: int) -> int: ...
bpf_filter: _bpf_filter

class _bpf_validate(CFuncPtr):
    def __call__(self, insn: Union[_Pointer[bpf_insn], ct.Array[bpf_insn], _CArgObject, None], len: int) -> int: ...
bpf_validate: _bpf_validate

class _bpf_image(CFuncPtr):
    def __call__(self, insn: Union[_Pointer[bpf_insn], ct.Array[bpf_insn], _CArgObject, None], len: int) -> Optional[bytes]: ...
bpf_image: _bpf_image

class _bpf_dump(CFuncPtr):
    def __call__(self, prog: Union[_Pointer[bpf_program], ct.Array[bpf_program], _CArgObject, None], option: int) -> None: ...
bpf_dump: _bpf_dump
