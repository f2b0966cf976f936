"""The C sources of the core for a platform: the one list that setup.py and
the C test build (tests/c/Makefile, tests/fuzz) take.

Every directory of the core is portable except capture/, where a platform
compiles its own table of sources (``sources-PLATFORM.c``) and the backends
that table names.  ``python tools/build_sources.py`` prints the list, one path per
line, relative to the project root.
"""
from __future__ import annotations

import glob
import os
import sys

SRC = os.path.join("src", "_libpcap")
PORTABLE_DIRS = ("core", "savefile", "bpf", "compiler")
CAPTURE = os.path.join(SRC, "capture")

# capture/ files per platform (globs relative to capture/), table first.
PLATFORM_CAPTURE = {
    "linux": ["sources-linux.c", "linux*.c", "netfilter*.c", "replay*.c"],
}


def platform_name() -> str:
    if sys.platform.startswith("linux"):
        return "linux"
    raise RuntimeError(f"libpcap: no capture sources for platform {sys.platform!r}")


def core_sources(root: str = ".", platform: str | None = None) -> list[str]:
    """The core's .c files for platform (default: this one), sorted per
    directory, as paths relative to root."""
    files: list[str] = []
    def found(pattern: str) -> list[str]:
        return sorted(os.path.relpath(f, root)
                      for f in glob.glob(os.path.join(root, pattern)))

    for d in PORTABLE_DIRS:
        files += found(os.path.join(SRC, d, "*.c"))
    seen = set()
    for pattern in PLATFORM_CAPTURE[platform or platform_name()]:
        for f in found(os.path.join(CAPTURE, pattern)):
            if f not in seen:
                seen.add(f)
                files.append(f)
    return files


if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    print("\n".join(core_sources(root)))
