"""Write the type stubs of the compatibility layer (libpcap/_{dlt,bpf,pcap}.pyi).

The layer's names are made at import time (ctypes prototypes bound to the
core, ``__all__`` lists extended in loops), so a type checker reading the
.py files sees almost none of them.  This tool imports the layer and writes,
for each module, a stub that declares every name of its ``__all__``:

* integers and strings as such, ctypes structures with their fields,
  aliases as aliases, names taken from another module as re-exports;
* every prototype as a ``CFuncPtr`` subclass whose ``__call__`` has the C
  function's keyword names, parameter types that accept what ctypes
  converts (``bytes`` for ``char *``, pointers, arrays and ``byref()`` for
  pointers) and the Python type ctypes returns (``int``, ``bytes | None``,
  a ``_Pointer``), so that the prototype's ``argtypes``/``restype`` stay
  visible too;
* ``compile`` with two overloads: pcap_compile's and the native one.

Usage::

    python tools/gen_compat_stubs.py          # rewrite the stubs
    python tools/gen_compat_stubs.py --check  # exit 1 if they are stale

tests/test_packaging.py runs the check, so a stub never drifts from the
layer.  Run it against a built package (an editable install).
"""
from __future__ import annotations

import argparse
import ctypes as ct
import inspect
import sys
import types
from pathlib import Path
from typing import Any, Dict, List, Tuple

__all__ = ["render", "main"]

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("_dlt", "_bpf", "_pcap", "_compat")
ORDER = ["_platform", "_dll", "_dlt", "_bpf", "_pcap"]

_INT_TYPES = tuple({ct.c_byte, ct.c_ubyte, ct.c_short, ct.c_ushort, ct.c_int, ct.c_uint,
                    ct.c_long, ct.c_ulong, ct.c_longlong, ct.c_ulonglong, ct.c_size_t,
                    ct.c_ssize_t, ct.c_int8, ct.c_int16, ct.c_int32, ct.c_int64,
                    ct.c_uint8, ct.c_uint16, ct.c_uint32, ct.c_uint64})

HEADER = '''"""Type stub of libpcap.{mod}, written by tools/gen_compat_stubs.py: do not edit."""
from typing import Any, ClassVar, Optional, Union, overload

import ctypes as ct
from _ctypes import CFuncPtr, _CArgObject, _Pointer

from . import _libpcap
'''

ALIASES = '''
# What ctypes accepts for a parameter.
_CharP = Union[bytes, None, ct.c_char_p, ct.Array[ct.c_char], _CArgObject]
_VoidP = Any
'''

COMPILE = '''
class _pcap_compile(CFuncPtr):
    """pcap_compile's prototype, also the native API's compile (see _pcap)."""
    @overload
    def __call__(self, expr: Union[str, bytes], linktype: Union[int, str] = ...,
                 snaplen: int = ..., optimize: Union[bool, int] = ...,
                 netmask: Union[int, str, None] = ...) -> _libpcap.Filter: ...
    @overload
    def __call__(self, pcap: {pcap_p}, prog: {prog_p}, buffer: _CharP, optimize: int,
                 mask: int) -> int: ...

compile: _pcap_compile
'''


def _public_name(owner: types.ModuleType, t: Any) -> str | None:
    """The name under which *owner* exports the object *t*, if any."""
    names = list(getattr(owner, "__all__", ()))
    if getattr(t, "__name__", None) in names and getattr(owner, t.__name__) is t:
        return str(t.__name__)
    for name in names:
        if getattr(owner, name, None) is t:
            return str(name)
    return None


def ctype_name(t: Any, mod: types.ModuleType) -> str:
    """The stub expression for a ctypes type."""
    if t is None:
        return "None"
    if getattr(ct, t.__name__, None) is t:
        return f"ct.{t.__name__}"
    own = _public_name(mod, t)
    if own is not None:
        return own
    for other in ORDER:
        name = _public_name(sys.modules[f"libpcap.{other}"], t)
        if name is not None:
            return f"_{other.strip('_')}_{name}"
    if issubclass(t, ct._Pointer):  # type: ignore[attr-defined]
        return f"_Pointer[{ctype_name(t._type_, mod)}]"
    raise ValueError(f"no stub name for {t!r}")


def param_type(t: Any, mod: types.ModuleType) -> str:
    if t in _INT_TYPES:
        return "int"
    if t is ct.c_char:
        return "Union[bytes, ct.c_char]"
    if t is ct.c_char_p:
        return "_CharP"
    if t is ct.c_void_p:
        return "_VoidP"
    if isinstance(t, type) and issubclass(t, ct._Pointer):  # type: ignore[attr-defined]
        target = ctype_name(t._type_, mod)
        return (f"Union[_Pointer[{target}], ct.Array[{target}], _CArgObject, None]")
    if isinstance(t, type) and issubclass(t, ct._CFuncPtr):  # type: ignore[attr-defined]
        return f"Optional[{ctype_name(t, mod)}]"
    return ctype_name(t, mod)


def return_type(t: Any, mod: types.ModuleType) -> str:
    if t is None:
        return "None"
    if t in _INT_TYPES:
        return "int"
    if t is ct.c_char_p:
        return "Optional[bytes]"
    if t is ct.c_void_p:
        return "Optional[int]"
    if isinstance(t, type) and issubclass(t, ct._Pointer):  # type: ignore[attr-defined]
        return f"_Pointer[{ctype_name(t._type_, mod)}]"
    return ctype_name(t, mod)


COMPAT = '''"""Type stub of libpcap._compat, written by tools/gen_compat_stubs.py: do not edit.

The names are declared in the stubs of _dlt, _bpf and _pcap; the star
imports re-export them, and __all__ is the runtime one, literally.
"""
from typing import Any, Mapping

from ._bpf import *
from ._dlt import *
from ._pcap import *

__all__ = [
{names},
]

settings: Mapping[str, Any]

def config(**kwargs: Any) -> None: ...
'''


def render(modname: str) -> str:
    """The stub text of libpcap.<modname>."""
    import libpcap  # noqa: F401  (loads the whole layer)
    from libpcap import _dll

    if modname == "_compat":
        from libpcap import _compat
        return COMPAT.format(names=",\n".join(f"    {n!r}" for n in _compat.__all__))

    mod = sys.modules[f"libpcap.{modname}"]
    bound: Dict[int, Tuple[str, Tuple[str, ...]]] = {
        id(p): (sym, names) for p, sym, names in _dll.bound}
    imports: List[str] = []
    body: List[str] = []
    extra_imports: Dict[str, str] = {}

    def note_import(t: Any) -> None:
        """Import the ctypes types that other modules define under a private alias."""
        if isinstance(t, type) and issubclass(t, ct._Pointer):  # type: ignore[attr-defined]
            note_import(t._type_)
            return
        if t is None or getattr(ct, getattr(t, "__name__", ""), None) is t:
            return
        if _public_name(mod, t) is not None:
            return
        for other in ORDER:
            name = _public_name(sys.modules[f"libpcap.{other}"], t)
            if name is not None:
                alias = f"_{other.strip('_')}_{name}"
                extra_imports[alias] = f"from .{other} import {name} as {alias}"
                return

    for name in mod.__all__:
        obj = getattr(mod, name)
        if obj is ct:  # imported by the header
            continue
        source = None
        # Modules this one imports from (in the order they are loaded).
        for other in ORDER[:ORDER.index(modname)]:
            owner = sys.modules[f"libpcap.{other}"]
            if getattr(owner, name, None) is obj and name in getattr(owner, "__all__", [name]) \
                    and not isinstance(obj, (int, str, bytes)):
                source = other
                break
        if source is None and isinstance(obj, (int, str, bytes)) and not isinstance(obj, bool):
            body.append(f"{name}: {type(obj).__name__}")
            continue
        if source is not None:
            imports.append(f"from .{source} import {name} as {name}")
            continue
        if isinstance(obj, bool):
            body.append(f"{name}: bool")
        elif isinstance(obj, type) and issubclass(obj, (ct.Structure, ct.Union)):
            if obj.__name__ != name and getattr(mod, obj.__name__, None) is obj:
                body.append(f"{name} = {obj.__name__}")
                continue
            base = "ct.Union" if issubclass(obj, ct.Union) else "ct.Structure"
            lines = [f"class {name}({base}):"]
            for field in getattr(obj, "_fields_", ()):
                fname, ftype = field[0], field[1]
                note_import(ftype)
                lines.append(f"    {fname}: {return_type(ftype, mod) if ftype not in _INT_TYPES else 'int'}")
            if len(lines) == 1:
                lines.append("    ...")
            body.append("\n".join(lines))
        elif isinstance(obj, type) and issubclass(obj, ct._CFuncPtr):  # type: ignore[attr-defined]
            body.append(f"class {name}(CFuncPtr):\n    _restype_: ClassVar[Any]\n"
                        f"    _argtypes_: ClassVar[Any]\n    _flags_: ClassVar[int]")
        elif isinstance(obj, type) and issubclass(obj, ct._SimpleCData):  # type: ignore[attr-defined]
            body.append(f"{name} = {ctype_name(obj, mod)}")
        elif name == "compile":
            note_import(next(p for p, s, _ in _dll.bound if s == "pcap_compile").argtypes[0])
            pcap_p = param_type(ct.POINTER(sys.modules["libpcap._pcap"].pcap), mod)
            prog_p = param_type(ct.POINTER(sys.modules["libpcap._bpf"].bpf_program), mod)
            note_import(sys.modules["libpcap._bpf"].bpf_program)
            body.append(COMPILE.format(pcap_p=pcap_p, prog_p=prog_p).strip("\n"))
        elif isinstance(obj, ct._CFuncPtr):  # type: ignore[attr-defined]
            symbol, names = bound[id(obj)]
            params = []
            for pname, ptype in zip(names, obj.argtypes):
                note_import(ptype)
                params.append(f"{pname}: {param_type(ptype, mod)}")
            note_import(obj.restype)
            sig = ", ".join(["self"] + params)
            body.append(
                f"class _{symbol}(CFuncPtr):\n"
                f"    def __call__({sig}) -> {return_type(obj.restype, mod)}: ...\n"
                f"{name}: _{symbol}")
        elif callable(obj):
            sig = inspect.signature(obj)
            params = []
            for p in sig.parameters.values():
                ann = p.annotation if p.annotation is not inspect.Parameter.empty else "Any"
                ann = ann if isinstance(ann, str) else getattr(ann, "__name__", "Any")
                prefix = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
                default = " = ..." if p.default is not inspect.Parameter.empty else ""
                params.append(f"{prefix}{p.name}: {ann}{default}")
            ret = sig.return_annotation
            ret = "Any" if ret is inspect.Signature.empty else (ret if isinstance(ret, str) else ret.__name__)
            body.append(f"def {name}({', '.join(params)}) -> {ret}: ...")
        else:
            raise ValueError(f"libpcap.{modname}.{name}: no stub for {obj!r}")

    all_lines = ",\n".join(f"    {n!r}" for n in mod.__all__)
    text = HEADER.format(mod=modname)
    text += "".join(f"{line}\n" for line in imports + sorted(extra_imports.values()))
    text += ALIASES
    text += f"\n__all__ = [\n{all_lines},\n]\n\n"
    text += "\n\n".join(body) + "\n"
    return text


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a stub differs from what would be written")
    args = parser.parse_args(argv)
    import libpcap

    pkg = Path(libpcap.__file__).resolve().parent
    stale = []
    for modname in MODULES:
        path = pkg / f"{modname}.pyi"
        text = render(modname)
        if args.check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.write_text(text)
    if stale:
        print("stale stubs (run tools/gen_compat_stubs.py): " + ", ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
