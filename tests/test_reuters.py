"""Reuters-21578: re-sent stories cluster with their twins as wholly derived, and stories
that share only the agency's standard lines are never joined."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.sources import DATA_ROOT, dataset_status
from dedup import pipeline
from eval.reuters import twins_found, write_corpus

MISSING = dataset_status().get("reuters21578")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=str(MISSING))


@pytest.fixture(scope="module")
def reuters_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All stories with a body, as ``make eval`` runs them (see :func:`eval.reuters.write_corpus`)."""
    folder = tmp_path_factory.mktemp("reuters")
    path = write_corpus(DATA_ROOT / "reuters21578", folder / "reuters.jsonl")
    db = folder / "reuters.duckdb"
    pipeline.run([path], db)
    return db


def test_twins_cluster_as_wholly_derived(reuters_db: Path) -> None:
    con = duckdb.connect(str(reuters_db), read_only=True)
    good, total = twins_found(con)
    assert total > 150
    assert good / total >= 0.99


def test_standard_lines_alone_join_nothing(reuters_db: Path) -> None:
    """Lines printed in many stories (sign-offs, the agency's formulas) are not passages:
    no alignment consists of such a line alone."""
    con = duckdb.connect(str(reuters_db), read_only=True)
    common = con.execute(
        """
        SELECT norm_key FROM paragraphs GROUP BY norm_key
        HAVING count(DISTINCT article_id) >= 0.01 * (SELECT count(*) FROM articles)
        """
    ).fetchall()
    assert common, "the collection has standard lines (e.g. the 'Reuter' sign-off)"
    hits = con.execute(
        """
        SELECT count(*) FROM alignments a
        JOIN paragraphs p ON p.paragraph_id = a.target_paragraph_id
        WHERE p.norm_key IN (
            SELECT norm_key FROM paragraphs GROUP BY norm_key
            HAVING count(DISTINCT article_id) >= 0.01 * (SELECT count(*) FROM articles))
        """
    ).fetchone()[0]
    assert hits == 0
