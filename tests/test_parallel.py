"""The forked map: results in input order whatever the workers do, and no hang on errors."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time

import pytest

from dedup import parallel
from dedup.parallel import WorkerDied, batched, parallel_map


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

    started: list[int] = []
    fork = os.fork

    def second_fork_fails() -> int:
        if started:
            raise OSError("cannot fork")
        started.append(pid := fork())
        return pid

    monkeypatch.setattr(os, "fork", second_fork_fails)
    with pytest.raises(OSError, match="cannot fork"):
        list(parallel_map(abs, iter(range(10)), n=2))
    assert gc.get_freeze_count() == 0
    with pytest.raises(ProcessLookupError):  # the worker that did start is killed and reaped
        os.kill(started[0], 0)


def _dies_at_five(x: int) -> int:
    if x == 5:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return x


def test_a_worker_killed_mid_map_is_an_error_not_a_hang() -> None:
    """multiprocessing.Pool replaced a dead worker and waited for its lost chunk for ever."""
    with pytest.raises(WorkerDied, match="killed by SIGKILL"):
        list(parallel_map(_dies_at_five, iter(range(1000)), n=2))


def test_a_worker_killed_while_it_waits_for_a_chunk_is_an_error_not_a_hang() -> None:
    """The OOM killer may pick a worker with nothing to do; its next chunk was lost."""

    def slowly():
        for x in range(100):
            time.sleep(0.05)
            yield x

    before = set(multiprocessing.active_children())
    results = parallel_map(abs, slowly(), n=2)
    assert next(results) == 0
    worker = next(iter(set(multiprocessing.active_children()) - before))
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(WorkerDied, match="killed by SIGKILL"):
        list(results)


def test_an_error_reading_the_chunks_comes_in_its_place() -> None:
    def chunks():
        yield from range(7)
        raise ValueError("unreadable input")

    results = parallel_map(abs, chunks(), n=2)
    assert [next(results) for _ in range(7)] == list(range(7))
    with pytest.raises(ValueError, match="unreadable input"):
        next(results)


def test_a_result_that_cannot_be_sent_back_is_an_error() -> None:
    with pytest.raises(Exception, match="pickle"):
        list(parallel_map(_lock_for, iter(range(10)), n=2))


def _lock_for(_x: int) -> object:
    return threading.Lock()


def test_a_chunk_that_cannot_be_sent_is_an_error_in_its_place() -> None:
    chunks = [[1], [2], [threading.Lock()], [4]]
    results = parallel_map(len, iter(chunks), n=2)
    assert [next(results), next(results)] == [1, 1]
    with pytest.raises(TypeError, match="pickle"):
        next(results)


def _unreadable(message: str) -> None:
    raise ValueError(message)


class _Unreadable:
    """Pickled by a worker, but cannot be unpickled (as a class the parent lacks)."""

    def __reduce__(self) -> tuple:
        return _unreadable, ("cannot be read here",)


def test_a_result_that_cannot_be_read_back_is_an_error_not_a_hang() -> None:
    with pytest.raises(ValueError, match="cannot be read here"):
        list(parallel_map(lambda x: _Unreadable() if x == 3 else x, iter(range(10)), n=2))


def test_a_workers_error_says_where_it_was_raised() -> None:
    with pytest.raises(ValueError, match="five") as caught:
        list(parallel_map(_fails_at_five, iter(range(10)), n=2))
    assert "_fails_at_five" in "\n".join(caught.value.__notes__)


def test_forkserver_workers() -> None:
    """The context a WARC reader uses from its thread: workers started by a server process."""
    assert list(parallel_map(abs, iter(range(-30, 0)), n=2, context="forkserver")) == list(
        range(30, 0, -1)
    )


def test_batched() -> None:
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]]
    sizes = [len(b) for b in batched(range(20), 8, start=2)]
    assert sizes == [2, 4, 8, 6]  # doubling from start up to size


def test_one_ahead_computes_the_next_item_while_the_caller_holds_the_current() -> None:
    """Results in order; while the caller handles result k, item k + 1 is already being
    computed in another thread (and the caller's thread alone reads the items)."""
    caller = threading.get_ident()
    started: list[int] = []
    read_by: set[int] = set()

    def items():
        for x in range(5):
            read_by.add(threading.get_ident())
            yield x

    def fn(x: int) -> tuple[int, int]:
        started.append(x)
        return x * x, threading.get_ident()

    seen = []
    for k, (value, thread) in enumerate(parallel.one_ahead(fn, items())):
        assert thread != caller
        if k < 4:  # the next item was handed over before this result was given
            deadline = time.monotonic() + 5
            while k + 1 not in started and time.monotonic() < deadline:
                time.sleep(0.001)
            assert k + 1 in started
        seen.append(value)
    assert seen == [x * x for x in range(5)]
    assert read_by == {caller}


def test_one_ahead_passes_errors_and_may_stop_early() -> None:
    with pytest.raises(ValueError, match="five"):
        list(parallel.one_ahead(_fails_at_five, range(10)))
    results = parallel.one_ahead(_slow_first, range(10))
    assert next(results) == 0
    results.close()  # waits for the item in flight, leaves no thread behind
