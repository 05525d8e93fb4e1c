"""dedup: trace news syndication (shared passages, wire sources, derivation) into DuckDB.

The API is :mod:`dedup.api`: ``dedup.run``, ``dedup.query``, ``dedup.trace``, ``dedup.Settings``.
"""

from functools import cache


@cache
def _version() -> str:
    """The installed version (reading it takes 0.03 s: only when asked for)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dedup")
    except PackageNotFoundError:  # running from a source tree without install
        return "0.0.0+src"


class DedupError(Exception):
    """An error the command line reports as one line and a non-zero exit."""


def first_line(err: BaseException) -> str:
    """The first line of an error's message (DuckDB's run to several), or its type's name
    when it has none: what a one-line error quotes."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


__all__ = ["DedupError", "Settings", "__version__", "query", "run", "trace"]


def __getattr__(name: str) -> object:
    """The API (dedup.api) and ``__version__`` on first use: ``import dedup`` stays light
    for the workers and for a run's start."""
    if name == "__version__":
        return _version()
    if name in ("run", "query", "trace", "Settings"):
        from dedup import api

        return getattr(api, name)
    raise AttributeError(f"module 'dedup' has no attribute {name!r}")


class _Terminated(BaseException):
    """SIGTERM before the command handles signals itself."""


def _terminated(_signum: int, _frame: object) -> None:
    raise _Terminated


def main() -> None:
    """The ``dedup`` command (:func:`dedup.cli.entry`), started from this light module: a
    Ctrl-C or SIGTERM while the command line's modules load (0.5-1 s, before the command
    handles signals itself) ends it with the command's one line and exit 130 or 143, not a
    traceback or a silent end."""
    import signal
    import sys

    signal.signal(signal.SIGTERM, _terminated)
    try:
        from dedup.cli import entry

        entry()
    except (KeyboardInterrupt, _Terminated) as stopped:
        from dedup.interrupt import MESSAGE

        sys.stderr.write(f"{MESSAGE}\n")
        raise SystemExit(143 if isinstance(stopped, _Terminated) else 130) from None
