"""Parallel map over both cores with forked workers, in bounded waves.

Forking shares the parent's memory copy-on-write, so large read-only inputs set up before
the map (texts, lexicons) reach the workers for free. Results come back in input order, so
the output never depends on the number of workers. Work is sent in waves of a few chunks,
so memory stays bounded by the wave, not the corpus.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """Worker processes to use: ``DEDUP_WORKERS`` or the number of cores."""
    return max(1, int(os.environ.get("DEDUP_WORKERS", "0")) or os.cpu_count() or 1)


def parallel_map(fn: Callable[[T], R], chunks: Iterable[T], n: int | None = None) -> Iterator[R]:
    """``map(fn, chunks)`` on ``n`` forked workers (inline when one worker suffices)."""
    n = n or workers()
    it = iter(chunks)
    first = list(islice(it, 2))
    if n <= 1 or len(first) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(fn, first)
        yield from map(fn, it)
        return
    with multiprocessing.get_context("fork").Pool(n) as pool:
        wave = first + list(islice(it, 2 * n - len(first)))
        while wave:
            yield from pool.map(fn, wave)
            wave = list(islice(it, 2 * n))


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch
