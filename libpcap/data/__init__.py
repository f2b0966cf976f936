"""Data files shipped with the package.

``sample.pcap`` is a small Ethernet capture (made by tools/make_sample.py)
for trying the library without a capture of one's own;
:func:`sample_path` gives its path.
"""
from __future__ import annotations

import os

__all__ = ["sample_path"]

_HERE = os.path.dirname(os.path.abspath(__file__))


def sample_path() -> str:
    """The path of the sample capture shipped with the package.

    A classic pcap savefile (link type EN10MB) that ``python -m libpcap
    --sample`` reads; open it with ``libpcap.Reader(libpcap.sample_path())``
    or ``libpcap.open_offline(libpcap.sample_path().encode(), errbuf)``.
    """
    return os.path.join(_HERE, "sample.pcap")
