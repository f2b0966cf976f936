"""Finding and loading the C core for the ctypes compatibility layer.

The extension module ``libpcap._libpcap`` is a shared object that, besides
the native API, exports every ``pcap_*``/``bpf_*`` function of the core.
The compatibility layer's ctypes prototypes bind to those exports, so this
module loads that very file with ``ctypes.CDLL``: both Python layers then
share one copy of the core in the process (``dlopen`` of a file that is
already mapped returns the same library).  Only the extension's file is
needed here, never the module object, so this stays importable on its own.

The original binding chose a system or bundled libpcap here, steered by
``libpcap.config(LIBPCAP=...)``; ours always uses its own core.
"""
from __future__ import annotations

import ctypes
import importlib.util
from pathlib import Path
from typing import Any

__all__ = [
    "CORE_MODULE", "DLL_PATH", "find_core", "dll",
    "prototype", "function", "check_complete",
]

CORE_MODULE = "libpcap._libpcap"


def find_core() -> Path:
    """Path of the core's shared object, without importing it.

    Raises OSError (as a failed library load does) when the extension has
    not been built, with a hint on how to build it.
    """
    try:
        spec = importlib.util.find_spec(CORE_MODULE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.has_location or not spec.origin:
        raise OSError(
            f"libpcap: the C core ({CORE_MODULE}) is not built; install the "
            "package (`python -m pip install .`, then run Python from outside "
            "the checkout, whose libpcap folder would shadow it) or install it "
            "in editable mode (`python -m pip install -e .`)"
        )
    return Path(spec.origin)


DLL_PATH: Path = find_core()

# Default mode (RTLD_LOCAL): our pcap_* symbols must not become global and
# pre-empt a system libpcap that another extension may load later.
dll: ctypes.CDLL = ctypes.CDLL(str(DLL_PATH))


# Declaring the core's functions ---------------------------------------------
#
# Every function of the layer is a ctypes prototype instance built exactly as
# the original built it, CFUNCTYPE(restype, *argtypes)((symbol, dll),
# ((1, name), ...)), so that users keep introspectable argtypes/restype,
# keyword arguments, "required argument ... missing" TypeErrors and
# ArgumentErrors.  No errcheck: errors stay C-style.

_missing: list[str] = []

#: (prototype, symbol, keyword names) of every bound function, since ctypes
#: keeps a prototype's name and paramflags private; tools/gen_compat_stubs.py
#: writes the type stubs from them and the prototypes' argtypes and restype.
bound: list[tuple[Any, str, tuple[str, ...]]] = []


def prototype(symbol: str, restype: Any, *params: tuple[str, Any]) -> Any:
    """Bind *symbol* of the core; AttributeError if the core lacks it."""
    argtypes = tuple(argtype for _, argtype in params)
    paramflags = tuple((1, name) for name, _ in params)
    proto = ctypes.CFUNCTYPE(restype, *argtypes)((symbol, dll), paramflags)
    bound.append((proto, symbol, tuple(name for name, _ in params)))
    return proto


def function(symbol: str, restype: Any, *params: tuple[str, Any]) -> Any:
    """Bind a symbol the core must export.

    The original silently dropped a name when its library lacked the symbol;
    our core implements all of libpcap's API, so a missing one is a build
    bug.  It is recorded and reported together with any others by
    ``check_complete()`` at the end of the declaring module's import.
    """
    try:
        return prototype(symbol, restype, *params)
    except AttributeError:
        _missing.append(symbol)
        return None


def check_complete() -> None:
    """Fail the import if any symbol declared with ``function`` is missing."""
    if _missing:
        raise ImportError(
            f"libpcap: the C core {DLL_PATH} does not export "
            + ", ".join(sorted(set(_missing)))
        )
