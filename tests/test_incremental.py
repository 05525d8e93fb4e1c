"""Incremental runs: adding articles gives exactly what a rebuild gives; re-running adds
nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import CORPUS, FIFTH

from dedup import pipeline

TABLES = {
    "alignments": "SELECT * EXCLUDE (alignment_id, cluster_id) FROM alignments ORDER BY ALL",
    "article_derivation": "SELECT * FROM article_derivation ORDER BY ALL",
    "attributions": "SELECT * EXCLUDE (alignment_id, evidence) FROM attributions ORDER BY ALL",
    "clusters": "SELECT n_articles, n_outlets, n_alignments, origin_article_id FROM clusters ORDER BY ALL",
}


def _tables(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        con.close()


def test_adding_articles_equals_full_rebuild(tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    for path in CORPUS.glob("*.txt"):
        if path.stem != FIFTH:
            shutil.copy(path, first)
    shutil.copy(CORPUS / "manifest.csv", first)
    incremental = tmp_path / "inc.duckdb"
    pipeline.run([first], incremental)
    added = pipeline.run([CORPUS], incremental)
    assert added["articles_new"] == 1 and added["articles_unchanged"] == 4
    full = tmp_path / "full.duckdb"
    pipeline.run([CORPUS], full)
    assert _tables(incremental) == _tables(full)
    assert _tables(full)["alignments"], "the seeds share passages"


def test_rerun_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    pipeline.run([CORPUS], db)
    before = _tables(db)
    again = pipeline.run([CORPUS], db)
    assert again["articles_new"] == 0 and again["pairs_aligned_new"] == 0
    assert _tables(db) == before
