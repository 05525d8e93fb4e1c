"""Ctrl-C, SIGTERM and SIGKILL stop the parent and its forked workers at once: one line,
exit 130 / 143, no traceback, no process left behind (issue 17)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import DEDUP

from bench.faults import alive, holding
from dedup import store
from dedup.interrupt import MESSAGE, Interrupted

ROOT = Path(__file__).resolve().parents[1]
#: a hang is what these tests catch; the contract's 5 seconds are measured by make faults
HANG = 60

#: a parallel map over forked workers that would run for minutes; "ready" once one
#: result came back. BUSY: the workers are at work when the signal comes; IDLE: they wait
#: for the next chunk (with multiprocessing.Pool, one then held its queue's lock, and a
#: SIGTERM to the group left the parent waiting for that lock for ever)
MAP = textwrap.dedent(
    """
    import sys, time
    from dedup import interrupt
    from dedup.parallel import parallel_map

    def slow(chunk):
        time.sleep(0.05)
        return chunk * 2

    def slowly(chunks):
        for chunk in chunks:
            time.sleep(0.05)
            yield chunk

    chunks = ([n] * 5000 for n in range(10**6))
    fn, chunks = (slow, chunks) if sys.argv[1] == "busy" else (len, slowly(chunks))
    with interrupt.handled():
        for i, _ in enumerate(parallel_map(fn, chunks, 2)):
            if i == 0:
                print("ready", flush=True)
    """
)


def _started(script: str, *args: str) -> subprocess.Popen:
    """``script`` run in a session of its own, once it printed "ready"."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


def _ended(proc: subprocess.Popen) -> tuple[int, str]:
    """The exit code and stderr of ``proc``, once it and every process of its group ended."""
    try:
        _, err = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the command hung after the signal")
    for _ in range(HANG * 10):
        if not alive(proc.pid):
            break
        subprocess.run(["sleep", "0.1"], check=True)
    left = alive(proc.pid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "worker processes left behind"
    return proc.returncode, err


@pytest.mark.parametrize("workers", ["busy", "idle"])
@pytest.mark.parametrize(
    ("sig", "group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143), (signal.SIGTERM, True, 143)],
    ids=["ctrl-c to the group", "sigterm to the parent", "sigterm to the group"],
)
def test_parallel_map_stops_with_one_line(
    sig: signal.Signals, group: bool, code: int, workers: str
) -> None:
    """SIGTERM to the group is how timeout, systemd and Slurm stop a job."""
    proc = _started(MAP, workers)
    (os.killpg if group else os.kill)(proc.pid, sig)
    assert _ended(proc) == (code, MESSAGE + "\n")


#: a command interrupted while a DuckDB-like connection is registered to be stopped
WATCHED = textwrap.dedent(
    """
    import os, signal, threading, time, weakref
    from dedup import interrupt

    class Connection:
        def interrupt(self):
            pass

    con = Connection()
    freed = weakref.ref(con)
    try:
        with interrupt.handled(), interrupt.stopping(con.interrupt):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)
    except SystemExit as end:
        del con
        print(end.code, freed() is None, threading.active_count())
    """
)


def test_the_signal_watcher_is_gone_when_the_command_ends() -> None:
    """The thread that stops the query under way must let go of the connection before the
    interpreter shuts down: a DuckDB connection freed in a thread then aborts the process
    (exit 134, "terminate called after throwing an instance of ''": 4 in 70 runs given
    `timeout -s TERM` about 4 s into a run of 3,000 articles)."""
    done = subprocess.run(
        [sys.executable, "-c", WATCHED], cwd=ROOT, capture_output=True, text=True, timeout=HANG
    )
    assert (done.stdout, done.stderr) == ("143 True 1\n", MESSAGE + "\n")


#: ingest's shape: the chunks of a map are read, by its feeder thread, from a map of their
#: own (a WARC's pages); here the second batch of the outer map never ends
NESTED = textwrap.dedent(
    """
    from dedup import interrupt
    from dedup.parallel import batched, parallel_map

    def pages():
        yield from parallel_map(abs, iter(range(10**9)), 2, context="forkserver")

    with interrupt.handled():
        for i, _ in enumerate(parallel_map(len, batched(pages(), 10**9, 1), 2)):
            if i == 0:
                print("ready", flush=True)
    """
)


def test_ctrl_c_stops_a_map_read_through_another_map() -> None:
    """The inner map's workers ignore Ctrl-C and went on feeding the outer map's feeder,
    which the outer map waits for: the command ended only when its batch was complete."""
    proc = _started(NESTED)
    subprocess.run(["sleep", "1"], check=True)
    os.killpg(proc.pid, signal.SIGINT)
    assert _ended(proc) == (130, MESSAGE + "\n")


#: a map on forkserver workers, whose server first imports the page extractor (most of a
#: second: trafilatura)
PRELOADING = textwrap.dedent(
    """
    from dedup import interrupt
    from dedup.parallel import parallel_map, preload

    preload("dedup.warc")
    with interrupt.handled():
        print("ready", flush=True)
        list(parallel_map(abs, iter(range(10**6)), 2, context="forkserver"))
    """
)


def test_ctrl_c_while_the_forkserver_starts_prints_one_line() -> None:
    """The server ignored Ctrl-C only once it had imported its modules: a Ctrl-C 1.2-2.2 s
    into a run of a 600-page WARC printed its KeyboardInterrupt traceback in 6 of 10 runs.
    It now ignores it from its first import (the ~0.1 s of Python's own start-up before it
    are left)."""
    proc = _started(PRELOADING)
    deadline = time.monotonic() + HANG  # until the server ignores Ctrl-C while it imports
    while not any(_deaf_while_importing(pid) for pid in alive(proc.pid) if pid != proc.pid):
        if time.monotonic() > deadline or proc.poll() is not None:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("the forkserver did not ignore Ctrl-C while it imported its modules")
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    assert _ended(proc) == (130, MESSAGE + "\n")


def _deaf_while_importing(pid: int) -> bool:
    """A forkserver that ignores SIGINT before it catches SIGCHLD: the server itself sets
    both (SIGCHLD first) once it has imported its modules."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        status = dict(line.split(":", 1) for line in lines)
    except OSError:
        return False
    ignored, caught = (int(status[key], 16) for key in ("SigIgn", "SigCgt"))
    return (
        b"forkserver" in cmdline
        and bool(ignored & 1 << (signal.SIGINT - 1))
        and not caught & 1 << (signal.SIGCHLD - 1)
    )


#: the ``dedup`` command (``dedup.main``) with a Ctrl-C (or the signal named in argv[1])
#: arriving while ``dedup.cli`` loads
STARTING = textwrap.dedent(
    """
    import os, signal, sys

    SENT = getattr(signal, sys.argv[1])

    class CtrlC:
        def find_spec(self, name, path, target=None):
            if name == "dedup.cli":
                os.kill(os.getpid(), SENT)

    sys.meta_path.insert(0, CtrlC())
    sys.argv = ["dedup", "--version"]
    import dedup

    dedup.main()
    """
)


@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_while_the_command_loads_prints_one_line(name: str, code: int) -> None:
    """Before the command handles signals (its modules take 0.5-1 s to load) Python's own
    KeyboardInterrupt came through as a traceback of the import, and SIGTERM ended it with
    no word (helper-46)."""
    done = subprocess.run(
        [sys.executable, "-c", STARTING, name],
        cwd=ROOT, capture_output=True, text=True, timeout=HANG,
    )  # fmt: skip
    assert (done.returncode, done.stderr, done.stdout) == (code, MESSAGE + "\n", "")


def test_workers_die_with_a_killed_parent() -> None:
    proc = _started(MAP, "busy")
    assert len(alive(proc.pid)) == 3  # the parent and its two workers
    os.kill(proc.pid, signal.SIGKILL)
    assert _ended(proc)[0] == -signal.SIGKILL


def test_sql_interrupted_mid_query(seed_db: Path) -> None:
    """Ctrl-C to the parent alone while DuckDB runs the query (a signal handler would
    otherwise wait for the query to end)."""
    query = "SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b"
    proc = subprocess.Popen(
        [DEDUP, "sql", query, "--db", str(seed_db)],
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    holding(proc, seed_db)
    subprocess.run(["sleep", "0.5"], check=True)
    os.kill(proc.pid, signal.SIGINT)
    assert _ended(proc) == (130, MESSAGE + "\n")


def test_interrupt_while_making_a_new_database_removes_it(tmp_path: Path, monkeypatch) -> None:
    """A signal can come while ``connect`` makes the tables, before the transaction starts
    (found by make faults: SIGINT 0.01 s after the run took its new database)."""
    db = tmp_path / "new.duckdb"
    made = store._claim

    def interrupted(con, path: Path, found: str | None) -> None:
        made(con, path, found)
        raise Interrupted("SIGINT")

    monkeypatch.setattr(store, "_claim", interrupted)
    with pytest.raises(Interrupted), store.open_db(db, write=True):
        pass
    assert not db.exists() and not db.with_name(db.name + ".wal").exists()


def test_a_signal_before_the_new_database_is_read_removes_it(tmp_path: Path, monkeypatch) -> None:
    """Between the connection that creates the file and the look at its tables (make faults:
    SIGINT 0.01 s into a run on a new database), the file that was not there is this
    command's."""

    def interrupted(_con):
        raise Interrupted("SIGINT")

    monkeypatch.setattr(store, "_marker", interrupted)
    db = tmp_path / "new.duckdb"
    with pytest.raises(Interrupted), store.open_db(db, write=True):
        pass
    assert not db.exists() and not db.with_name(db.name + ".wal").exists()


def test_a_signal_before_the_transaction_began_still_removes_the_new_database(
    tmp_path, monkeypatch
):
    """No transaction to roll back is no sign of a commit when the COMMIT was never reached
    (make faults: Ctrl-C 0.01 s into a run once gave "generator didn't yield")."""
    from contextlib import contextmanager

    from dedup import interrupt

    @contextmanager
    def signalled(_stop):
        interrupt._received.append(signal.SIGINT)
        raise Interrupted("SIGINT")
        yield

    monkeypatch.setattr(interrupt, "stopping", signalled)
    db = tmp_path / "x.duckdb"
    with pytest.raises(Interrupted), store.open_db(db, write=True):
        pass
    interrupt.discard()
    assert not db.exists() and not db.with_name(db.name + ".wal").exists()


@pytest.mark.parametrize(
    "error",
    [Interrupted("SIGTERM"), RuntimeError("Query interrupted")],
    ids=["handler", "duckdb"],
)
def test_a_signal_handled_just_after_the_commit_completes_the_command(tmp_path, monkeypatch, error):
    """Python runs a handler between bytecodes: a signal delivered during the COMMIT
    raises after it, as our Interrupted or, when DuckDB's own check for signals ran the
    handler, as its "Query interrupted" error (make faults caught that one: exit 130 with
    the work committed). The command is then complete, not 'as it was before'."""
    from contextlib import contextmanager

    from dedup import interrupt

    @contextmanager
    def late_handler():
        yield  # the COMMIT runs here
        interrupt._received.append(signal.SIGTERM)
        raise error

    monkeypatch.setattr(interrupt, "finishing", late_handler)
    db = tmp_path / "x.duckdb"
    with store.open_db(db, write=True) as con:
        con.execute("INSERT INTO meta VALUES ('late', 'kept')")
    assert not interrupt.received()
    with store.open_db(db) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'late'").fetchone() == ("kept",)


#: a Ctrl-C that another thread of the process takes (a signal goes to any thread that does
#: not block it) while the main thread finishes: the work must not stop half-way
FINISHING = textwrap.dedent(
    """
    import signal, threading
    from dedup import interrupt

    go = threading.Event()

    def another_thread():
        go.wait()
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)

    helper = threading.Thread(target=another_thread)
    helper.start()
    with interrupt.handled():
        with interrupt.finishing():
            go.set()
            helper.join()
            renamed = sum(range(100_000))  # bytecodes: a handler would run among them
            print("finished", flush=True)
    print("after", flush=True)
    """
)


def test_a_signal_another_thread_takes_waits_for_the_finish() -> None:
    """``finishing`` (a commit, the renames of a report or an export) held signals back by
    blocking them in the main thread alone; the kernel gave them to another thread and the
    handler ran between two renames: half the files of the new report, half of the old
    (helper-46). The work now finishes, and the command with it."""
    done = subprocess.run(
        [sys.executable, "-c", FINISHING], cwd=ROOT, capture_output=True, text=True, timeout=HANG
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "finished\nafter\n", "")
