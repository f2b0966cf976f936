"""Loading C libraries and declaring C functions, as the platform does it.

``DLL`` loads a shared library (``ctypes.CDLL`` on POSIX, symbols kept
local to the library so that they never pre-empt another libpcap loaded
later in the process), ``dlclose`` drops a reference taken by ``DLL``, and
``CFUNC`` builds C-calling-convention function types.
"""
from __future__ import annotations

import ctypes
from typing import Union

import _ctypes

__all__ = ["DLL", "dlclose", "CFUNC"]

DLL = ctypes.CDLL
CFUNC = ctypes.CFUNCTYPE


def dlclose(handle: Union[ctypes.CDLL, int]) -> None:
    """Release one reference to a library loaded with ``DLL``.

    Accepts the ``CDLL`` object itself or its raw handle.  The library stays
    mapped while anything else (the native extension, another ``DLL`` call)
    still holds it, as ``dlclose(3)`` does.
    """
    raw = handle._handle if isinstance(handle, ctypes.CDLL) else int(handle)
    _ctypes.dlclose(raw)
