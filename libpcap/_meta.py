"""Package metadata (the dunders the original binding exposed).

``__version__`` here is the one source of the version: pyproject.toml reads
it (``[tool.setuptools.dynamic]``), and ``__version_info__`` is parsed from
it.
"""
from typing import NamedTuple

__all__ = ["__title__", "__version__", "__version_info__", "__summary__",
           "__uri__", "__author__", "__email__", "__author_email__",
           "__maintainer__", "__maintainer_email__", "__license__",
           "__copyright__"]


class _VersionInfo(NamedTuple):
    major: int
    minor: int
    micro: int
    releaselevel: str
    serial: int


__title__ = "libpcap"
__version__ = "2.0.0"
_major, _minor, _micro = (int(part) for part in __version__.split(".")[:3])
__version_info__ = _VersionInfo(_major, _minor, _micro, "final", 0)
__summary__ = ("libpcap written anew in C inside a Python package: capture, "
               "savefiles, BPF, the libpcap C API, a ctypes-compatible layer "
               "and a fast native API")
__uri__ = "https://pypi.org/project/libpcap/"
__author__ = "libpcap for Python developers"
__email__ = "dev@libpcap-py.invalid"
__author_email__ = __email__
__maintainer__ = __author__
__maintainer_email__ = __email__
__license__ = "BSD-3-Clause"
__copyright__ = "Copyright (c) 2026 libpcap for Python developers"
