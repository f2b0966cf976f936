"""``python -m libpcap``: the command-line tool (see libpcap._cli)."""
from ._cli import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
