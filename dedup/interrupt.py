"""Interrupts: Ctrl-C and SIGTERM end a command with one line and exit 130 / 143.

The signal becomes :class:`Interrupted`, a ``BaseException`` that no ``except Exception``
swallows, so it unwinds through ``store.open_db`` (which rolls back and removes a database
the command created) up to the command line. Forked workers leave the stopping to their
parent: they ignore Ctrl-C (the terminal sends it to the whole process group), die on
SIGTERM, and are killed when their parent dies, even by SIGKILL. Reads and leaves no table.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

MESSAGE = "interrupted; the database is as it was before this command"
SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Linux prctl option: the signal a process gets when its parent dies
PR_SET_PDEATHSIG = 1


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM; ``code`` is the shell's exit code for it (128 + signal)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.code = 128 + signum


def _raise(signum: int, _frame: object) -> None:
    for sig in SIGNALS:  # a second Ctrl-C must not break the rollback under way
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


@contextmanager
def handled() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` for the block; when one ends it,
    print the one line and exit with 130 or 143."""
    previous = {sig: signal.signal(sig, _raise) for sig in SIGNALS}
    try:
        yield
    except Interrupted as err:
        sys.stderr.write(MESSAGE + "\n")
        sys.stderr.flush()
        raise SystemExit(err.code) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while forking: a child must not run the parent's
    handler before :func:`in_child` replaced it. The parent gets them after the block."""
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def in_child(parent: int | None = None) -> None:
    """Set up a forked child: ignore Ctrl-C, die on SIGTERM and with ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
