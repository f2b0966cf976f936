"""Sphinx configuration of the libpcap documentation.

Build with the package installed (autodoc and the generated tables import
it)::

    python -m pip install -r docs/requirements.txt
    sphinx-build -W -b html docs docs/_build/html
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ext"))

import libpcap  # noqa: E402  (the installed package)

project = "libpcap"
author = libpcap.__author__
copyright = libpcap.__copyright__.replace("Copyright (c) ", "")
release = libpcap.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "myst_parser",
    "libpcap_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "requirements.txt"]
myst_heading_anchors = 3
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
html_theme = "alabaster"
html_static_path: list[str] = []
