"""Peak memory is the run's own: not that of the process that started it.

Linux keeps in a child's ``ru_maxrss`` the memory of the process it was forked from, across
exec, so a run started from a large process (a notebook, the bench after its peers) reported
that process's peak as its own.
"""

from __future__ import annotations

import signal
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
    if inherited < HELD_MB:
        pytest.skip("this kernel does not hand the parent's peak to its children")
    assert own < SMALL_MB


def test_the_bench_measures_the_child_it_starts(large_parent) -> None:
    _, idle = measured([sys.executable, "-c", "pass"])
    assert idle < SMALL_MB
    grow = f"held = b'x' * ({HELD_MB} * 2**20)"
    _, grown = measured([sys.executable, "-c", grow])
    assert HELD_MB <= grown < HELD_MB + SMALL_MB


def test_a_failed_or_killed_command_is_an_error_with_its_code() -> None:
    with pytest.raises(subprocess.CalledProcessError) as failed:
        measured([sys.executable, "-c", "raise SystemExit(3)"])
    assert failed.value.returncode == 3
    killed = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    with pytest.raises(subprocess.CalledProcessError) as failed:
        measured([sys.executable, "-c", killed])
    assert failed.value.returncode == -signal.SIGKILL


def test_what_the_command_prints_is_not_read_as_the_measure() -> None:
    wall, peak = measured([sys.executable, "-c", "print('1 2 3')"])
    assert wall > 0 and 0 < peak < SMALL_MB
