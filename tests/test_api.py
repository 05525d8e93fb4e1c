"""The Python API: run a corpus into a database and read the results, as the CLI does."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, INEWS

import dedup


def test_run_query_and_trace(tmp_path: Path) -> None:
    db = tmp_path / "api.duckdb"
    counts = dedup.run([CORPUS], db)
    assert counts["tables"]["articles"] == 5
    frame = dedup.query(db, "SELECT article_id FROM articles ORDER BY 1")
    assert frame.height == 5 and INEWS in frame["article_id"].to_list()
    provenance = dedup.trace(db, INEWS)
    assert provenance["article_id"] == INEWS and provenance["paragraphs"]
    again = dedup.run([CORPUS], db)  # incremental: nothing new
    assert again["articles_new"] == 0 and again["articles_unchanged"] == 5


def test_unknown_article_and_missing_database(tmp_path: Path) -> None:
    with pytest.raises(dedup.DedupError):
        dedup.query(tmp_path / "missing.duckdb", "SELECT 1")
    db = tmp_path / "api.duckdb"
    dedup.run([CORPUS], db, stages=("ingest",))
    with pytest.raises(LookupError):
        dedup.trace(db, "no-such-article")
