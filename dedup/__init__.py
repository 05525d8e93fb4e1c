"""dedup: trace news syndication (shared passages, wire sources, derivation) into DuckDB.

The API is :mod:`dedup.api`: ``dedup.run``, ``dedup.query``, ``dedup.trace``, ``dedup.Settings``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dedup")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"


class DedupError(Exception):
    """An error the command line reports as one line and a non-zero exit."""


__all__ = ["DedupError", "Settings", "__version__", "query", "run", "trace"]


def __getattr__(name: str) -> object:
    """The API (dedup.api) on first use: ``import dedup`` stays light for the workers."""
    if name in ("run", "query", "trace", "Settings"):
        from dedup import api

        return getattr(api, name)
    raise AttributeError(f"module 'dedup' has no attribute {name!r}")
