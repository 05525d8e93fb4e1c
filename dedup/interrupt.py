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
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MESSAGE = "interrupted; the database is as it was before this command"
SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Linux prctl option: the signal a process gets when its parent dies
PR_SET_PDEATHSIG = 1


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM (the shell's exit code for it is 128 + the signal's number)."""


#: the signals :func:`_raise` got: DuckDB turns an exception raised while it checks for
#: signals into its own "Query interrupted" error, which may reach the command line first
_received: list[int] = []


def received() -> bool:
    """Whether a signal is ending the command (its errors are then not worth a line)."""
    return bool(_received)


def discard() -> None:
    """Forget the signal: it came when the command's work was already committed (Python
    runs a handler between bytecodes, so one delivered during the COMMIT runs after it)."""
    _received.clear()


#: whether a :func:`finishing` block runs, and the signals that came meanwhile
_finishing: list[bool] = [False]
_held: list[int] = []


def _raise(signum: int, _frame: object) -> None:
    if _finishing[0]:
        _held.append(signum)
        return
    for sig in SIGNALS:  # a second Ctrl-C must not break the rollback under way
        signal.signal(sig, signal.SIG_IGN)
    _received.append(signum)
    raise Interrupted(signal.Signals(signum).name)


#: what stops the native work under way (a DuckDB query: ``con.interrupt``); Python runs
#: a signal handler only between bytecodes, never while a query runs in DuckDB
_stoppers: list[Callable[[], None]] = []


@contextmanager
def stopping(stop: Callable[[], None]) -> Iterator[None]:
    """Call ``stop`` when a signal comes during the block."""
    _stoppers.append(stop)
    try:
        yield
    finally:
        _stoppers.remove(stop)


#: what :func:`handled` writes to end the thread that watches for signals (the wakeup fd
#: writes signal numbers, never 0)
_QUIT = b"\0"


def _watch(fd: int) -> None:
    while os.read(fd, 1) not in (_QUIT, b""):
        if not _finishing[0]:
            for stop in list(_stoppers):
                stop()


@contextmanager
def handled() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` for the block; when one ends it,
    print the one line and exit with 130 or 143. A thread woken by the signal stops the
    native work meanwhile, so the handler runs at once."""
    read, write = os.pipe()
    os.set_blocking(write, False)
    previous = {sig: signal.signal(sig, _raise) for sig in SIGNALS}
    wakeup = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    watcher = threading.Thread(target=_watch, args=(read,), daemon=True)
    watcher.start()
    _received.clear()
    try:
        yield
    except BaseException:
        if not _received:
            raise
        # work abandoned mid-way (a suspended generator's cleanup) must not print later
        sys.unraisablehook = lambda _unraisable: None
        sys.stderr.write(MESSAGE + "\n")
        sys.stderr.flush()
        raise SystemExit(128 + _received[0]) from None
    finally:
        signal.set_wakeup_fd(wakeup)
        # the watcher lets go of the connection it stopped while the interpreter still runs:
        # DuckDB aborts the process when a connection is freed in a thread at its shutdown
        os.write(write, _QUIT)
        watcher.join()
        os.close(write)
        os.close(read)
        # after an interrupt or a commit they stay ignored while the process exits
        if signal.getsignal(signal.SIGINT) is _raise:
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


@contextmanager
def finishing() -> Iterator[None]:
    """For a commit, or the renames that put a report in place: a signal waits until it is
    done, and once it is, the command's own handlers ignore signals (the work is complete;
    the command ends anyway); if the block fails, the signal ends the command. The handler
    itself waits: a signal blocked in the main thread alone goes to another thread, and its
    handler ran between two renames (half a new report, half the old one)."""
    _finishing[0] = True
    try:
        yield
    except BaseException:
        _finishing[0] = False
        if _held:
            signum = _held[0]
            _held.clear()
            _raise(signum, None)
        raise
    finally:
        _finishing[0] = False
    _held.clear()
    if signal.getsignal(signal.SIGINT) is _raise:
        for sig in SIGNALS:
            signal.signal(sig, signal.SIG_IGN)


def in_child(parent: int | None = None) -> None:
    """Set up a forked child: ignore Ctrl-C, die on SIGTERM and with ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
