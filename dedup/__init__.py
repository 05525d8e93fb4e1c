"""dedup: trace news syndication (shared passages, wire sources, derivation) into DuckDB."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dedup")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"


class DedupError(Exception):
    """An error the command line reports as one line and a non-zero exit."""
