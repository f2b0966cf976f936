"""Platform facts and C-level helper names of the compatibility layer.

The original ctypes binding kept here what depends on the operating system
and the interpreter: ``is_*`` flags, ``defined``, the library location and
loader (``DLL_PATH``, ``DLL``, ``dlclose``, ``CFUNC``), C limits and the
socket/time structures.  Clients import from this module directly (pcap-ct:
``from libpcap._platform import defined, is_windows, is_macos,
sockaddr_in``), so every name they use lives on.  ``__all__`` is the same
subset the original exported with ``*``.
"""
from __future__ import annotations

import ctypes as _ctypes
import os
import platform as _platform_mod
import sys
from typing import Any

from . import capi, limits

__all__ = [
    "is_windows", "is_linux", "is_macos", "defined",
    "DLL_PATH", "DLL", "dlclose", "CFUNC",
    "limits", "time_t", "timeval",
    "SOCKET", "INVALID_SOCKET", "sockaddr",
    "in_addr", "sockaddr_in", "in6_addr", "sockaddr_in6",
]

is_windows: bool = sys.platform in ("win32", "cygwin", "msys")
is_cygwin: bool = sys.platform == "cygwin"
is_msys: bool = sys.platform == "msys"
is_linux: bool = sys.platform.startswith("linux")
is_macos: bool = sys.platform == "darwin"
is_bsd: bool = sys.platform.startswith(("freebsd", "openbsd", "netbsd", "dragonfly"))
is_sunos: bool = sys.platform.startswith(("sunos", "solaris"))
is_aix: bool = sys.platform.startswith("aix")
is_android: bool = hasattr(sys, "getandroidapilevel")
is_posix: bool = os.name == "posix"
is_wsl: bool = "microsoft" in _platform_mod.uname().release.lower()
is_32bits: bool = sys.maxsize < 2**32
is_ucs2: bool = sys.maxunicode < 0x10FFFF
is_cpython: bool = sys.implementation.name == "cpython"
is_pypy: bool = sys.implementation.name == "pypy"
is_ironpython: bool = sys.implementation.name == "ironpython"


def _arch_name() -> str | None:
    """The machine name, spelled as the original's per-arch directories."""
    machine = _platform_mod.machine().lower()
    aliases = {
        "amd64": "x86_64", "x64": "x86_64",
        "i386": "x86", "i486": "x86", "i586": "x86", "i686": "x86",
        "arm64": "aarch64",
    }
    machine = aliases.get(machine, machine)
    if machine == "x86_64" and is_32bits:
        return "x86"
    return machine or None


arch: str | None = _arch_name()


def defined(varname: str) -> bool:
    """True if *varname* is bound in the caller's local or global scope.

    The Python stand-in for the C preprocessor's ``defined(NAME)``.
    """
    frame = sys._getframe(1)
    try:
        return varname in frame.f_locals or varname in frame.f_globals
    finally:
        del frame


def from_oid(oid: int | None) -> Any:
    """The Python object whose ``id()`` is *oid* (None for 0 or None).

    The object must still be alive; callbacks use this to get back an object
    passed through a C ``void *`` user argument as ``id(obj)``.
    """
    return _ctypes.cast(oid, _ctypes.py_object).value if oid else None


if is_linux:
    from . import linux
    from .linux import (
        CFUNC, DLL, DLL_PATH, INVALID_SOCKET, SOCKET, dlclose, in6_addr,
        in_addr, sockaddr, sockaddr_in, sockaddr_in6, time_t, timeval,
    )
else:  # pragma: no cover - the C core has a Linux backend only for now
    raise ImportError(f"libpcap: platform {sys.platform!r} is not supported yet")
