"""Progress bars and stage timings on stderr, silent with ``quiet``.

Results go to stdout and the database; everything a person watches a long run by goes here,
so that ``--quiet`` silences it in one place.
"""

from __future__ import annotations

import logging
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

log = logging.getLogger("dedup")
T = TypeVar("T")


def peak_mb() -> float:
    """This process's peak resident memory in MiB.

    On Linux, VmHWM: the peak of this program's own memory, which starts afresh at exec (a
    forked worker's starts at what it shares with its parent). ``ru_maxrss`` would not do:
    the kernel keeps in it the memory of the process that started this one, across exec (a
    run started by the bench after its peers reported the bench's 7 GB). Elsewhere
    ``ru_maxrss``."""
    with suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return maxrss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def maxrss_mb(maxrss: int) -> float:
    """``ru_maxrss`` in MiB: macOS counts it in bytes, Linux in KiB."""
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


class Reporter:
    """Progress bars and stage timings on stderr (silent with ``quiet``)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.timings: dict[str, float] = {}
        #: peak resident memory (MiB) of this process by the end of each stage
        self.peaks: dict[str, float] = {}

    def track(
        self,
        items: Iterable[T],
        description: str,
        total: int | None = None,
        status: Callable[[], str] | None = None,
    ) -> Iterator[T]:
        """Yield ``items`` with a progress bar; ``status`` adds a live note (e.g. rejects)."""
        if self.quiet:
            yield from items
            return
        # imported here: a quiet run (a script's, the bench's) never loads rich (0.02 s)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[status]}"),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task(description, total=total, status="")
            started = time.perf_counter()
            for n, item in enumerate(items, 1):
                yield item
                if status is not None and n % 100 == 0:
                    rate = n / max(time.perf_counter() - started, 1e-9)
                    progress.update(task, status=f"{rate:,.0f}/s {status()}")
                progress.advance(task)

    def stage(self, name: str, fn: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = fn()
        self.timings[name] = round(time.perf_counter() - started, 3)
        self.peaks[name] = round(peak_mb(), 1)
        log.info("%s: %.2fs", name, self.timings[name])
        return result
