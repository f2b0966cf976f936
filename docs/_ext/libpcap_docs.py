"""Sphinx directives that write parts of the docs from the package itself.

``.. compat-table::``
    The compatibility layer name by name: every name of
    ``libpcap._compat.__all__`` with its kind, the C declaration it binds
    (symbol, argument and result types, read from the ctypes prototype) or
    its value, and how it compares with the original ctypes binding; then
    the original's names that this layer leaves out, and why.
``.. cli-help::``
    The output of ``python -m libpcap --help``.
``.. header-list::``
    The public headers the package installs.
"""
from __future__ import annotations

import ctypes as ct
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

from docutils import nodes
from docutils.parsers.rst import Directive

__all__ = ["setup"]

# The original binding's remote-capture (rpcap) functions: bound only when
# the core exports them, which it does not (no remote support, as a libpcap
# built without it); the original likewise dropped them for such a library.
REMOTE = ["createsrcstr", "parsesrcstr", "findalldevs_ex", "setsampling",
          "remoteact_accept", "remoteact_accept_ex", "remoteact_list",
          "remoteact_close", "remoteact_cleanup", "open"]


def _ctype(t: Any) -> str:
    if t is None:
        return "void"
    if isinstance(t, type) and issubclass(t, ct._Pointer):  # type: ignore[attr-defined]
        return _ctype(t._type_) + " *"
    if isinstance(t, type) and issubclass(t, ct._CFuncPtr):  # type: ignore[attr-defined]
        from libpcap import _compat

        for name in _compat.__all__:
            if getattr(_compat, name) is t:
                return name
    return str(getattr(t, "__name__", t))


def _describe(name: str, obj: Any, symbols: Dict[int, str]) -> List[str]:
    if isinstance(obj, ct._CFuncPtr):  # type: ignore[attr-defined]
        symbol = symbols.get(id(obj), "pcap_" + name)
        args = ", ".join(_ctype(a) for a in obj.argtypes or ())
        return ["function", f"{_ctype(obj.restype)} {symbol}({args})"]
    if isinstance(obj, type) and issubclass(obj, (ct.Structure, ct.Union)):
        fields = ", ".join(f[0] for f in getattr(obj, "_fields_", ()))
        what = "struct" if issubclass(obj, ct.Structure) else "union"
        return ["type", f"{what} {obj.__name__}" + (f" {{{fields}}}" if fields else " (opaque)")]
    if isinstance(obj, type) and issubclass(obj, ct._CFuncPtr):  # type: ignore[attr-defined]
        return ["callback type", f"{_ctype(obj._restype_)} (*)"
                f"({', '.join(_ctype(a) for a in obj._argtypes_)})"]
    if isinstance(obj, type):
        return ["type", obj.__name__]
    if isinstance(obj, bool):
        return ["constant", repr(obj)]
    if isinstance(obj, (int, bytes, str)):
        return ["constant", repr(obj) if not isinstance(obj, int) or obj < 256 else hex(obj)]
    if callable(obj):
        return ["macro / helper", "Python function"]
    return ["object", type(obj).__name__]


def _table(header: List[str], rows: List[List[str]], widths: List[int]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(header))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    thead = nodes.thead()
    group += thead
    tbody = nodes.tbody()
    group += tbody
    for target, cells in [(thead, header)] + [(tbody, r) for r in rows]:
        row = nodes.row()
        for col, text in enumerate(cells):
            entry = nodes.entry()
            para = nodes.paragraph()
            para += nodes.literal(text=text) if target is tbody and col < 3 else nodes.Text(text)
            entry += para
            row += entry
        target += row
    return table


class CompatTable(Directive):
    def run(self) -> List[nodes.Node]:
        from libpcap import _compat, _dll

        symbols = {id(p): s for p, s, _ in _dll.bound}
        symbols[id(_compat.compile)] = "pcap_compile"
        rows = []
        for name in _compat.__all__:
            kind, decl = _describe(name, getattr(_compat, name), symbols)
            note = "as in the original"
            if name == "compile":
                note = "as in the original; also the native compile(expr, ...)"
            elif name == "config":
                note = "accepted, changes nothing (one built-in core)"
            rows.append([name, kind, decl, note])
        for name in REMOTE:
            if name not in _compat.__all__:
                rows.append([name, "function", f"pcap_{name}",
                             "absent, as the original with a libpcap built "
                             "without remote capture"])
        return [_table(["Name", "Kind", "C declaration / value", "Against the original binding"],
                       rows, [22, 12, 46, 30])]


class CliHelp(Directive):
    def run(self) -> List[nodes.Node]:
        out = subprocess.run([sys.executable, "-m", "libpcap", "--help"], check=True,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout
        return [nodes.literal_block(out, out)]


class HeaderList(Directive):
    def run(self) -> List[nodes.Node]:
        import libpcap

        inc = Path(libpcap.__file__).resolve().parent / "include"
        items = nodes.bullet_list()
        for h in sorted(inc.rglob("*.h")):
            item = nodes.list_item()
            para = nodes.paragraph()
            para += nodes.literal(text=str(h.relative_to(inc)))
            item += para
            items += item
        if not len(items):
            raise self.error(f"no headers under {inc}: is the package built?")
        return [items]


def setup(app: Any) -> Dict[str, Any]:
    app.add_directive("compat-table", CompatTable)
    app.add_directive("cli-help", CliHelp)
    app.add_directive("header-list", HeaderList)
    app.connect("autodoc-process-docstring", escape_plain_docstring)
    return {"parallel_read_safe": True, "version": "1"}


_TRAILING_UNDERSCORE = __import__("re").compile(r"\b([A-Za-z][A-Za-z0-9]*)_(?![A-Za-z0-9_`])")


def escape_plain_docstring(app: Any, what: str, name: str, obj: Any, options: Any,
                           lines: List[str]) -> None:
    """The extension's docstrings are plain text, not reST: a word ending in
    an underscore there ("DLT_ name") is prose, not a hyperlink reference.
    Escape it outside ``literals``."""
    for i, line in enumerate(lines):
        parts = line.split("``")
        for j in range(0, len(parts), 2):
            parts[j] = _TRAILING_UNDERSCORE.sub(r"\1\\_", parts[j])
        lines[i] = "``".join(parts)
