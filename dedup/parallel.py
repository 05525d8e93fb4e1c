"""Parallel map over both cores with forked workers, a bounded number of chunks ahead.

Forking shares the parent's memory copy-on-write, so large read-only inputs set up before
the map (texts, lexicons) reach the workers for free. Results come back in input order, so
the output never depends on the number of workers. Only a few chunks are out at a time, so
memory stays bounded by them, not by the corpus.

Each worker has a pipe of its own each way, not the shared queue of ``multiprocessing.Pool``,
whose workers take turns at a lock: a worker killed while it held that lock (a SIGTERM to the
whole process group from ``timeout`` or Slurm, the OOM killer) left the parent waiting for
it for ever. Here a worker that dies ends the map with :class:`WorkerDied`, and stopping
early kills the workers, who hold nothing the parent needs.

:func:`one_ahead` is the light form for work that lets go of the GIL (polars, numpy) between
a read and a write of the one DuckDB connection: one thread computes the next item while the
caller stores the last, no fork.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from functools import partial
from itertools import chain, islice
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

from dedup import DedupError, interrupt

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(DedupError):
    """A worker process ended while the map still needed it (the OOM killer, a signal sent
    to it alone): its chunk would never come back."""


def workers() -> int:
    """Worker processes to use: ``DEDUP_WORKERS`` or the number of cores."""
    return max(1, int(os.environ.get("DEDUP_WORKERS", "0")) or os.cpu_count() or 1)


def parallel_map(
    fn: Callable[[T], R], chunks: Iterable[T], n: int | None = None, context: str = "fork"
) -> Iterator[R]:
    """``map(fn, chunks)`` on ``n`` forked workers (inline when one worker suffices).

    ``context="forkserver"`` starts workers from a clean server process instead: slower to
    start and without the parent's memory, but safe to call from a thread of a process that
    already runs a pool (a reader feeding another ``parallel_map``).

    At most ``2 * n`` chunks are handed out ahead of the one being returned, so a generator
    of chunks is read only as fast as the workers go. Each worker is sent its next chunk
    while it works on the last, so it never waits for the parent, nor for a slow neighbour
    (its results wait, in order)."""
    n = n or workers()
    it = iter(chunks)
    first = list(islice(it, 2))
    if n <= 1 or len(first) < 2 or context not in multiprocessing.get_all_start_methods():
        yield from map(fn, first)
        yield from map(fn, it)
        return
    crew = _Crew(fn, chain(first, it), n, multiprocessing.get_context(context))
    finished = False
    try:
        yield from crew.results()
        finished = True
    finally:
        crew.stop(finished)


def preload(module: str) -> None:
    """Have the forkserver import ``module`` once, for every worker it starts (what their
    ``fn`` needs), ignoring Ctrl-C from its start (:mod:`dedup.ignore_ctrl_c`)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["dedup.ignore_ctrl_c", module])


def batched(items: Iterable[T], size: int, start: int | None = None) -> Iterator[list[T]]:
    """Lists of ``size`` items; with ``start``, the first lists are smaller, doubling from
    ``start`` up to ``size``, so that a short input still makes work for every core."""
    it = iter(items)
    step = min(start or size, size)
    while batch := list(islice(it, step)):
        yield batch
        step = min(2 * step, size)


def one_ahead(fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``map(fn, items)`` with ``fn`` of the next item computed in a thread while the caller
    handles the current result. For an ``fn`` that releases the GIL (polars, numpy) over
    items the caller reads and whose results it stores through one DuckDB connection,
    which only the calling thread may use: reading, computing and storing then overlap."""
    with ThreadPoolExecutor(1) as pool:
        pending = None
        for item in items:
            future = pool.submit(fn, item)
            if pending is not None:
                yield pending.result()
            pending = future
        if pending is not None:
            yield pending.result()


class _Crew:
    """``n`` worker processes; for each, a thread that sends it the next chunk once it has
    at most one chunk to do, and one thread that receives every worker's results."""

    def __init__(self, fn: Callable, chunks: Iterator, n: int, ctx: Any) -> None:
        self._chunks = chunks
        self._reading = threading.Lock()  # one feeder reads the chunks at a time
        self._taken = 0  # chunks read so far: the next one's index
        self._lock = threading.Condition()  # for all that follows
        self._total: int | None = None  # the number of chunks, once all are read
        self._done: dict[int, tuple[bool, Any]] = {}  # index: (ok, result or error)
        self._failure: Exception | None = None  # a worker died or sent what cannot be read
        self._stopping = False
        self._busy = [0] * n  # chunks sent to each worker and not yet answered
        self._slots = threading.Semaphore(2 * n)  # chunks read and not yet returned
        self._procs: list[Any] = []
        self._tasks: list[Connection] = []
        self._answers: list[Connection] = []
        self._threads: list[threading.Thread] = []
        # a forkserver's workers are the server's children, not ours: no parent check
        parent = os.getpid() if ctx.get_start_method() == "fork" else None
        gc.freeze()  # the workers' collector leaves the parent's objects alone (no scan, no copy)
        try:
            with interrupt.deferred():
                for _ in range(n):
                    self._start(fn, ctx, parent)
                # daemons: a map its caller never closed must not hold the interpreter's exit
                targets = [partial(self._feed, w) for w in range(n)] + [self._receive]
                for target in targets:
                    thread = threading.Thread(target=target, daemon=True)
                    thread.start()
                    self._threads.append(thread)
        except BaseException:
            self.stop(finished=False)
            raise
        finally:  # the parent collects as before, even when forking failed
            gc.unfreeze()

    def _start(self, fn: Callable, ctx: Any, parent: int | None) -> None:
        task_out, task_in = ctx.Pipe(duplex=False)
        answer_out, answer_in = ctx.Pipe(duplex=False)
        self._tasks.append(task_in)
        self._answers.append(answer_out)
        proc = ctx.Process(target=_serve, args=(fn, task_out, answer_in, parent), daemon=True)
        try:
            proc.start()
        finally:  # the worker's ends are the worker's: its death then reads as end of file
            task_out.close()
            answer_in.close()
        self._procs.append(proc)

    def _feed(self, w: int) -> None:
        with suppress(OSError):  # the worker is gone: the receiver says why
            while (task := self._next_task(w)) is not None:
                try:
                    message = ForkingPickler.dumps(task)
                except Exception as err:  # a chunk that cannot be pickled is its own error
                    self._record(w, task[0], (False, err))
                else:
                    self._tasks[w].send_bytes(message)
            self._tasks[w].send(None)  # the worker ends

    def _next_task(self, w: int) -> tuple[int, Any] | None:
        """The next chunk and its index, once worker ``w`` has at most one chunk to do and
        a slot is free; ``None`` when the chunks are all read or the map stops."""
        with self._lock:
            self._lock.wait_for(lambda: self._busy[w] < 2 or self._stopping)
        self._slots.acquire()
        with self._reading:
            if self._stopping or self._total is not None:
                return None
            index = self._taken
            try:
                chunk = next(self._chunks)
            except BaseException as err:  # the end, or an error (or the stop) in its place
                with self._lock:
                    if isinstance(err, StopIteration):
                        self._total = index
                    else:
                        self._done[index], self._total = (False, err), index + 1
                    self._lock.notify_all()
                return None
            if self._stopping:
                return None
            self._taken += 1
            with self._lock:
                self._busy[w] += 1
            return index, chunk

    def _receive(self) -> None:
        answers = {answer: w for w, answer in enumerate(self._answers)}
        ends = {proc.sentinel: w for w, proc in enumerate(self._procs)}
        while ends:
            for ready in wait([*answers, *ends]):
                if ready in answers and not self._take(ready, answers[ready]):
                    del answers[ready]  # end of file: the worker is ending
                elif ready in ends:
                    w = ends.pop(ready)
                    if self._answers[w] in answers:  # what it sent before it ended
                        while self._answers[w].poll() and self._take(self._answers[w], w):
                            pass
                        del answers[self._answers[w]]
                    with self._lock:  # a worker ends by itself only once all is read
                        if (self._busy[w] or self._total is None) and not self._stopping:
                            self._failure = WorkerDied(death_of(self._procs[w]))
                        self._lock.notify_all()

    def _take(self, answer: Connection, w: int) -> bool:
        """Receive one result from worker ``w``: False at the end of its answers."""
        try:
            index, *outcome = answer.recv()
        except (EOFError, OSError):
            return False
        except Exception as err:  # a result that cannot be unpickled here: the map fails
            with self._lock:
                self._failure = self._failure or err
                self._lock.notify_all()
            return True
        self._record(w, index, tuple(outcome))
        return True

    def _record(self, w: int, index: int, outcome: tuple[bool, Any]) -> None:
        with self._lock:
            self._done[index] = outcome
            self._busy[w] -= 1
            self._lock.notify_all()

    def results(self) -> Iterator[Any]:
        """The results in input order; an error is raised in its result's place."""
        index = 0
        while True:
            if interrupt.received():  # what a map read by a feeder thread has to go by: the
                raise interrupt.Interrupted("stopping")  # signal interrupts the main thread
            with self._lock:
                while not (index in self._done or self._failure or index == self._total):
                    self._lock.wait()
                if index in self._done:
                    ok, value = self._done.pop(index)
                elif self._failure:
                    raise self._failure
                else:
                    return
            self._slots.release()
            if not ok:
                raise value
            yield value
            index += 1

    def stop(self, finished: bool) -> None:
        """End the workers: told to after the last chunk, killed when the map stops early
        (an error, an interrupt, a consumer that had enough), which no lock can hold up."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        for _ in self._procs:  # feeders waiting for a slot see the stop
            self._slots.release()
        if not finished:
            for proc in self._procs:
                proc.kill()
        for thread in self._threads:
            thread.join()
        for proc in self._procs:
            proc.join()
        for conn in self._tasks + self._answers:
            conn.close()


def _serve(fn: Callable, tasks: Connection, answers: Connection, parent: int | None) -> None:
    """A worker: apply ``fn`` to each chunk it is sent until it is sent ``None``."""
    interrupt.in_child(parent)
    with suppress(EOFError, OSError):  # the parent is gone
        while (task := tasks.recv()) is not None:
            index, chunk = task
            try:
                reply = (index, True, fn(chunk))
            except Exception as err:  # raised in the parent in its result's place
                err.add_note("in a worker process:\n" + traceback.format_exc().rstrip())
                reply = (index, False, err)
            try:
                message = ForkingPickler.dumps(reply)
            except Exception as err:  # a result, or an error, that cannot be pickled
                lost = RuntimeError(f"a worker's result cannot be sent back: {err!r}")
                message = ForkingPickler.dumps((index, False, lost))
            answers.send_bytes(message)


def death_of(proc: Any) -> str:
    """How a worker process ended before its work was done, in one line."""
    proc.join()  # its sentinel says it is ending: the exit code comes once it is reaped
    code = proc.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"a worker process was killed by {name}{hint} before it finished its work"
    return f"a worker process ended with code {code} before it finished its work"
