"""C <limits.h> values for this platform's ctypes integer types.

Clients of the original binding (its own tests among them) read e.g.
``libpcap._platform.limits.INT_MAX``; the values are derived from the sizes
ctypes reports, so they follow the platform's data model (LP64, ILP32, ...).
"""
from __future__ import annotations

import ctypes

__all__ = [
    "CHAR_BIT",
    "SCHAR_MIN", "SCHAR_MAX", "UCHAR_MAX",
    "SHRT_MIN", "SHRT_MAX", "USHRT_MAX",
    "INT_MIN", "INT_MAX", "UINT_MAX",
    "LONG_MIN", "LONG_MAX", "ULONG_MAX",
    "LLONG_MIN", "LLONG_MAX", "ULLONG_MAX",
]

CHAR_BIT = 8


def _bits(ctype: type) -> int:
    return ctypes.sizeof(ctype) * CHAR_BIT


def _signed_range(ctype: type) -> tuple[int, int]:
    top = 1 << (_bits(ctype) - 1)
    return -top, top - 1


def _unsigned_max(ctype: type) -> int:
    return (1 << _bits(ctype)) - 1


SCHAR_MIN, SCHAR_MAX = _signed_range(ctypes.c_byte)
UCHAR_MAX = _unsigned_max(ctypes.c_ubyte)
SHRT_MIN, SHRT_MAX = _signed_range(ctypes.c_short)
USHRT_MAX = _unsigned_max(ctypes.c_ushort)
INT_MIN, INT_MAX = _signed_range(ctypes.c_int)
UINT_MAX = _unsigned_max(ctypes.c_uint)
LONG_MIN, LONG_MAX = _signed_range(ctypes.c_long)
ULONG_MAX = _unsigned_max(ctypes.c_ulong)
LLONG_MIN, LLONG_MAX = _signed_range(ctypes.c_longlong)
ULLONG_MAX = _unsigned_max(ctypes.c_ulonglong)
