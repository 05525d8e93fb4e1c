"""Ids included: incremental runs leave every column of every contract table as a full run
does, whatever the batches and their order.

Only run-specific columns are left out (README "Ids"): ``run_id`` (which run added a row),
``articles.source_path`` (the file a batch came from) and the ``runs`` table itself (one row
per command, with its times and counts).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS, FIFTH, JFID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate
from bench.sources import dataset_status
from dedup import export, pipeline

#: columns that say which run or which input file made a row, not what the row is
RUN_SPECIFIC = {"articles": ("run_id", "source_path"), "rejects": ("run_id",)}
SKIPPED = {"runs"}  # one row per command: its times, settings and counts


def contract(db: Path) -> dict[str, list]:
    """Every contract table, sorted, without its run-specific columns."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in export.TABLES:
            if table in SKIPPED:
                continue
            drop = RUN_SPECIFIC.get(table)
            cols = f"* EXCLUDE ({', '.join(drop)})" if drop else "*"
            out[table] = con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def assert_same(got: dict[str, list], want: dict[str, list]) -> None:
    for table in want:
        assert got[table] == want[table], table


@pytest.fixture(scope="module")
def seed_full(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    db = tmp_path_factory.mktemp("full") / "full.duckdb"
    pipeline.run([CORPUS], db)
    return contract(db)


@pytest.mark.parametrize("first", [FIFTH, JFID])
def test_seed_article_added_last_keeps_every_id(
    tmp_path: Path, seed_full: dict[str, list], first: str
) -> None:
    """One seed article held back, then the whole folder: alignment, cluster and trail ids
    (and the evidence text that cites them) equal a full run's."""
    part = tmp_path / "part"
    part.mkdir()
    for path in CORPUS.glob("*.txt"):
        if path.stem != first:
            shutil.copy(path, part)
    manifest = (CORPUS / "manifest.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (part / "manifest.csv").write_text(
        "".join(line for line in manifest if first not in line), encoding="utf-8"
    )
    db = tmp_path / "inc.duckdb"
    pipeline.run([part], db)
    pipeline.run([CORPUS], db)
    got = contract(db)
    assert_same(got, seed_full)
    assert seed_full["alignments"] and seed_full["clusters"], "the seeds share passages"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str], dict]:
    """(first batch, the other lines, the full run's tables) of a 160-article synthetic
    corpus. The first batch holds the stop-shingle and term samples (first articles by id
    and by md5 of the id), which freeze once taken (README "Incremental runs")."""
    missing = [reason for reason in dataset_status().values() if reason]
    if missing:
        pytest.skip("benchmark data absent: " + "; ".join(missing))
    tmp = tmp_path_factory.mktemp("synthetic")
    corpus, _ = generate(160, tmp / "gen", seed=5)
    lines = sorted(
        corpus.read_text(encoding="utf-8").splitlines(keepends=True),
        key=lambda line: json.loads(line)["id"],
    )
    by_md5 = sorted(lines, key=lambda line: hashlib.md5(json.loads(line)["id"].encode()).digest())
    first = list(dict.fromkeys(lines[:40] + by_md5[:40]))
    rest = [line for line in lines if line not in set(first)]
    full = tmp / "full.duckdb"
    pipeline.run([corpus], full, _SETTINGS)
    return first, rest, contract(full)


_SETTINGS = pipeline.Settings(maxdf_sample=40, maxdf_min_articles=5)


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**16), cuts=st.lists(st.floats(0.05, 0.95), min_size=1, max_size=2))
def test_batches_in_any_order_keep_every_id(
    synthetic: tuple[list[str], list[str], dict], tmp_path_factory: pytest.TempPathFactory,
    seed: int, cuts: list[float],
) -> None:  # fmt: skip
    """The non-sample articles shuffled and cut into 2-3 batches: every column of every
    contract table equals the full run's."""
    first, rest, want = synthetic
    rest = rest[:]
    random.Random(seed).shuffle(rest)
    bounds = sorted({int(c * len(rest)) for c in cuts})
    batches = [first + rest[: bounds[0]]]
    batches += [rest[a:b] for a, b in zip(bounds, [*bounds[1:], len(rest)], strict=True)]
    tmp = tmp_path_factory.mktemp("batches")
    db = tmp / "inc.duckdb"
    for i, batch in enumerate(batches):
        part = tmp / f"part{i}.jsonl"
        part.write_text("".join(batch), encoding="utf-8")
        pipeline.run([part], db, _SETTINGS)
    got = contract(db)
    assert len(want["alignments"]) > 50 and want["clusters"]
    assert_same(got, want)
