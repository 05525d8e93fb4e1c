"""Fault injection (issue 17): ``dedup run`` killed by SIGKILL, SIGINT and SIGTERM (to the
run, and to its process group) at random points leaves the database as it was or complete,
and the rerun equals an uninterrupted run. ``make faults`` runs 24 points on a larger
corpus; this runs 5 on a small one."""

from __future__ import annotations

from pathlib import Path

from bench.faults import check, make_corpus, snapshot


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in make_corpus(tmp_path / "a", 40)]
    assert first == [p.read_bytes() for p in make_corpus(tmp_path / "b", 40)]
    assert [p.count(b"\n") for p in first] == [20, 20]


def test_five_fault_points(tmp_path: Path) -> None:
    assert check(tmp_path, points=5, articles=120, seed=3) == []
    assert snapshot(tmp_path / "after.duckdb")["articles"]  # the runs did ingest
