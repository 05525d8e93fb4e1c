"""The forked map: results in input order whatever the workers do, and no hang on errors."""

from __future__ import annotations

import gc
import time

import pytest

from dedup import parallel
from dedup.parallel import batched, parallel_map


def _slow_first(x: int) -> int:
    if x == 0:
        time.sleep(0.2)  # the first chunk finishes last
    return x * x


def _fails_at_five(x: int) -> int:
    if x == 5:
        raise ValueError("five")
    return x


def test_results_keep_input_order() -> None:
    assert list(parallel_map(_slow_first, iter(range(40)), n=2)) == [x * x for x in range(40)]


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="five"):
        list(parallel_map(_fails_at_five, iter(range(1000)), n=2))


def test_a_consumer_may_stop_early() -> None:
    results = parallel_map(abs, iter(range(-1000, 0)), n=2)
    assert next(results) == 1000
    results.close()


def test_the_collector_is_never_left_frozen(monkeypatch) -> None:
    assert list(parallel_map(abs, iter(range(-10, 0)), n=2)) == list(range(10, 0, -1))
    assert gc.get_freeze_count() == 0

    class NoFork:
        def Pool(self, n: int, **options: object) -> None:  # noqa: N802 (multiprocessing's name)
            raise OSError("cannot fork")

    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda method: NoFork())
    with pytest.raises(OSError, match="cannot fork"):
        list(parallel_map(abs, iter(range(10)), n=2))
    assert gc.get_freeze_count() == 0


def test_batched() -> None:
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]]
    sizes = [len(b) for b in batched(range(20), 8, start=2)]
    assert sizes == [2, 4, 8, 6]  # doubling from start up to size
