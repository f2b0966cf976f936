"""The compatibility layer in one namespace: what ``import libpcap`` offered.

Gathers the ctypes declarations of ``_pcap``, ``_bpf`` and ``_dlt`` (and the
platform names the original re-exported along with them) and defines their
``__all__``, so that ``from ._compat import *`` in the package gives scripts
written for the original binding every name they used, with the same ctypes
objects.  ``config`` is the original's library selector, kept callable: our
layer always runs on its own core, so it records the settings and changes
nothing.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

from . import _bpf, _dlt, _pcap
from ._bpf import *  # noqa: F401,F403
from ._dlt import *  # noqa: F401,F403
from ._pcap import *  # noqa: F401,F403

_settings: dict[str, Any] = {}
settings: Mapping[str, Any] = MappingProxyType(_settings)


def config(**kwargs: Any) -> None:
    """Accept the original's configuration keywords and change nothing.

    The original picked the C library to load from ``LIBPCAP`` (a path,
    ``"tcpdump"``, ``"npcap"``, ``"wpcap"``, ...).  Ours has one core built
    into the package, so no value reloads anything; the values are kept in
    the read-only mapping ``settings`` for callers that read them back.
    """
    _settings.update(kwargs)


def _gather(*modules: Any) -> list[str]:
    names: list[str] = []
    for module in modules:
        names.extend(name for name in module.__all__ if name not in names)
    return names


__all__ = _gather(_dlt, _bpf, _pcap) + ["config"]
