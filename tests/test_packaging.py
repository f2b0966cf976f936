"""Packaging facts of the installed package: the compatibility layer's type
stubs match the layer, the sample capture is reachable through the public
API, and the version has one source."""
from __future__ import annotations

import importlib.util
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest

import libpcap

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("modname", ["_dlt", "_bpf", "_pcap", "_compat"])
def test_compat_stub_is_current(modname: str) -> None:
    """The shipped stub is what tools/gen_compat_stubs.py writes from the
    layer as imported: a name added to (or dropped from) the layer without
    regenerating the stubs fails here."""
    gen = _tool("gen_compat_stubs")
    pkg = Path(libpcap.__file__).resolve().parent
    stub = pkg / f"{modname}.pyi"
    assert stub.is_file(), f"{stub} is not installed"
    assert stub.read_text() == gen.render(modname), \
        f"{stub.name} is stale: run python tools/gen_compat_stubs.py"


def test_stub_all_is_runtime_all() -> None:
    import ast

    from libpcap import _compat

    pkg = Path(libpcap.__file__).resolve().parent
    tree = ast.parse((pkg / "_compat.pyi").read_text())
    (stub_all,) = [ast.literal_eval(node.value) for node in tree.body
                   if isinstance(node, ast.Assign)
                   and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)]
    assert stub_all == list(_compat.__all__)
    assert {"open_offline", "PCAP_ERRBUF_SIZE", "pkthdr", "next_ex", "close"} <= set(stub_all)


def test_sample_path() -> None:
    path = Path(libpcap.sample_path())
    assert path.is_file() and path.name == "sample.pcap"
    assert "sample_path" in libpcap.__all__
    with libpcap.Reader(str(path)) as reader:
        assert reader.linktype == 1 and len(list(reader)) > 0


def test_one_version() -> None:
    assert libpcap.__version__ == metadata.version("libpcap")
    assert ".".join(map(str, libpcap.__version_info__[:3])) == libpcap.__version__
