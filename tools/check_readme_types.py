"""Type-check the README's Python examples with ``mypy --strict``.

Every literal block of README.rst that imports libpcap (the native API's
and the compatibility layer's examples) is written to a file of its own
and checked with ``mypy --strict``, against the package of this checkout
(its .py files and type stubs: libpcap/_libpcap.pyi for the extension,
libpcap/_{compat,dlt,bpf,pcap}.pyi for the compatibility layer), so that a
name a type checker cannot see in either layer fails here.

    python tools/check_readme_types.py [mypy options...]

Exits with mypy's status (1 also when the README has no such example).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List

__all__ = ["readme_examples", "main"]

ROOT = Path(__file__).resolve().parent.parent


def readme_examples(text: str) -> List[str]:
    """The literal blocks (after ``::``) that import libpcap, dedented."""
    examples = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].rstrip().endswith("::") and not lines[i].lstrip().startswith(".."):
            j = i + 1
            block: List[str] = []
            while j < len(lines) and (not lines[j].strip() or lines[j].startswith("   ")):
                block.append(lines[j][4:] if lines[j].startswith("    ") else lines[j].strip())
                j += 1
            code = "\n".join(block).strip("\n") + "\n"
            if re.search(r"^import libpcap\b", code, re.M):
                examples.append(code)
            i = j
        else:
            i += 1
    return examples


def main(argv: List[str]) -> int:
    examples = readme_examples((ROOT / "README.rst").read_text(encoding="utf-8"))
    if not examples:
        print("check_readme_types: no Python example in README.rst", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, code in enumerate(examples, 1):
            path = Path(tmp) / f"readme_example_{n}.py"
            path.write_text(code, encoding="utf-8")
            files.append(str(path))
        env = dict(os.environ, MYPYPATH=str(ROOT))
        cmd = [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
               "--cache-dir", os.path.join(tmp, ".mypy_cache"), *argv, *files]
        print(f"check_readme_types: mypy --strict on {len(files)} README examples")
        return subprocess.call(cmd, env=env, cwd=tmp)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
