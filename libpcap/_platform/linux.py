"""Linux definitions of the platform names: the core library, C types and
socket address structures.

``DLL_PATH`` is the file of the C core (the ``libpcap._libpcap`` extension,
which exports libpcap's C API); the original binding pointed it at a system
or bundled libpcap instead.  ``sockaddr`` keeps the original's generic
layout (not the kernel's 16-byte one): a family, then room where an IPv4
address (offset 4) or an IPv6 address (offset 8) lines up with
``sockaddr_in.sin_addr`` / ``sockaddr_in6.sin6_addr``; it is only ever used
through pointers handed out by ``findalldevs``, cast to the specific type.
"""
from __future__ import annotations

import ctypes as ct

from .._dll import DLL_PATH
from .capi import CFUNC, DLL, dlclose

__all__ = [
    "DLL_PATH", "DLL", "dlclose", "CFUNC",
    "time_t", "timeval",
    "SOCKET", "INVALID_SOCKET", "sockaddr",
    "in_addr", "sockaddr_in", "in6_addr", "sockaddr_in6",
]

time_t = ct.c_long
suseconds_t = ct.c_long


class timeval(ct.Structure):
    """``struct timeval`` as glibc lays it out."""

    _fields_ = [
        ("tv_sec", time_t),
        ("tv_usec", suseconds_t),
    ]


# Sockets are file descriptors on POSIX.
SOCKET = ct.c_int
INVALID_SOCKET = -1


class sockaddr(ct.Structure):
    """Generic address header with room for an IPv4 or IPv6 address."""

    _fields_ = [
        ("sa_family", ct.c_short),
        ("__pad1", ct.c_ushort),
        ("ipv4_addr", ct.c_byte * 4),
        ("ipv6_addr", ct.c_byte * 16),
        ("__pad2", ct.c_ulong),
    ]


class in_addr(ct.Structure):
    _fields_ = [("s_addr", ct.c_uint32)]


class sockaddr_in(ct.Structure):
    """``struct sockaddr_in``, padded to the size of ``sockaddr`` above."""

    _fields_ = [
        ("sin_family", ct.c_ushort),
        ("sin_port", ct.c_uint16),
        ("sin_addr", in_addr),
        ("sin_zero", ct.c_ubyte * (ct.sizeof(sockaddr) - 8)),
    ]


class in6_addr(ct.Union):
    _fields_ = [
        ("s6_addr", ct.c_uint8 * 16),
        ("s6_addr16", ct.c_uint16 * 8),
        ("s6_addr32", ct.c_uint32 * 4),
    ]


class sockaddr_in6(ct.Structure):
    _fields_ = [
        ("sin6_family", ct.c_ushort),
        ("sin6_port", ct.c_uint16),
        ("sin6_flowinfo", ct.c_uint32),
        ("sin6_addr", in6_addr),
        ("sin6_scope_id", ct.c_uint32),
    ]
