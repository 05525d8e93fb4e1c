"""Peak memory is the run's own: not that of the process that started it.

Linux keeps in a child's ``ru_maxrss`` the memory of the process it was forked from, across
exec, so a run started from a large process (a notebook, the bench after its peers) reported
that process's peak as its own.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.run import measured

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the inherited peak is Linux's behaviour"
)

HELD_MB = 300
#: a child Python that imports dedup's progress module stays well under this
SMALL_MB = 150


@pytest.fixture
def large_parent():
    """This process holding HELD_MB of touched memory while children start."""
    held = b"\x01" * (HELD_MB * 2**20)
    yield
    del held


def test_a_stage_peak_is_the_process_own(large_parent) -> None:
    code = (
        "import resource\n"
        "from dedup.progress import Reporter\n"
        "rep = Reporter(quiet=True)\n"
        "rep.stage('nothing', lambda: None)\n"
        "print(rep.peaks['nothing'], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    own, inherited = map(float, done.stdout.split())
    assert inherited >= HELD_MB  # what ru_maxrss says: the parent's memory
    assert own < SMALL_MB


def test_the_bench_measures_the_child_it_starts(large_parent) -> None:
    _, idle = measured([sys.executable, "-c", "pass"])
    assert idle < SMALL_MB
    grow = f"held = b'x' * ({HELD_MB} * 2**20)"
    _, grown = measured([sys.executable, "-c", grow])
    assert HELD_MB <= grown < HELD_MB + SMALL_MB


def test_a_failed_command_is_an_error() -> None:
    with pytest.raises(subprocess.CalledProcessError):
        measured([sys.executable, "-c", "raise SystemExit(3)"])
