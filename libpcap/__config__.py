"""The original binding's configuration module: ``config`` is the (read-only)
mapping of what ``libpcap.config(...)`` was given; ``set_config`` is that
function.  Settings change nothing: this package always runs on its own core."""
from ._compat import config as set_config, settings as config

__all__ = ["config", "set_config"]
