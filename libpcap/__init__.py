"""libpcap for Python: libpcap written anew in C, inside a Python package.

Two ways in, over one C core:

* the compatibility layer - every name of the libpcap 1.0-1.10 API that the
  original ctypes binding offered (``libpcap.open_offline``,
  ``libpcap.next_ex``, ``libpcap.pcap_handler``, ...), with the same ctypes
  calling conventions;
* the native API - ``Reader``, ``Writer``, ``Packet`` and friends: iterators,
  batches and integer nanosecond timestamps, raising ``PcapError``.

The C core is also a plain C library with libpcap's headers:
``python -m libpcap --cflags --libs`` prints the flags to build against it.
"""
from ._meta import (__title__, __version__, __version_info__, __summary__,
                    __uri__, __author__, __email__, __author_email__,
                    __maintainer__, __maintainer_email__, __license__,
                    __copyright__)
from . import __config__  # noqa: F401
from ._compat import *  # noqa: F401,F403
from ._compat import __all__ as _compat_all
from ._native import *  # noqa: F401,F403
from ._native import __all__ as _native_all
from .data import sample_path

__all__ = list(_compat_all) + list(_native_all) + ["sample_path"]
