"""Parallel map over both cores with forked workers, a bounded number of chunks ahead.

Forking shares the parent's memory copy-on-write, so large read-only inputs set up before
the map (texts, lexicons) reach the workers for free. Results come back in input order, so
the output never depends on the number of workers. Only a few chunks are out at a time, so
memory stays bounded by them, not by the corpus.

:func:`one_ahead` is the light form for work that lets go of the GIL (polars, numpy) between
a read and a write of the one DuckDB connection: one thread computes the next item while the
caller stores the last, no fork.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import chain, islice
from typing import TypeVar

from dedup import interrupt

T = TypeVar("T")
R = TypeVar("R")


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
    of chunks is read only as fast as the workers go, and no worker waits for a slow
    neighbour: each takes the next chunk as soon as it is free."""
    n = n or workers()
    it = iter(chunks)
    first = list(islice(it, 2))
    if n <= 1 or len(first) < 2 or context not in multiprocessing.get_all_start_methods():
        yield from map(fn, first)
        yield from map(fn, it)
        return
    slots, stop = threading.Semaphore(2 * n), threading.Event()

    def feed() -> Iterator[T]:
        for chunk in chain(first, it):
            slots.acquire()
            if stop.is_set():
                return
            yield chunk

    gc.freeze()  # the workers' collector leaves the parent's objects alone (no scan, no copy)
    try:
        with interrupt.deferred():
            # a forkserver's workers are the server's children, not ours: no parent check
            parent = os.getpid() if context == "fork" else None
            pool = multiprocessing.get_context(context).Pool(
                n, initializer=interrupt.in_child, initargs=(parent,)
            )
    finally:  # the parent collects as before, even when forking failed
        gc.unfreeze()
    with pool:
        try:
            for result in pool.imap(fn, feed()):
                slots.release()
                yield result
        finally:  # a consumer that stops early must not leave the feeder waiting
            stop.set()
            slots.release()


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
