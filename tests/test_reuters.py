"""Reuters-21578: re-sent stories cluster with their twins as wholly derived, and stories
that share only the agency's standard lines are never joined."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from bench.sources import DATA_ROOT, dataset_status, reuters_stories
from dedup import pipeline

MISSING = dataset_status().get("reuters21578")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=str(MISSING))


@pytest.fixture(scope="module")
def reuters_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All stories with a body. Reuters-21578 does not say which desk sent a story, so the
    outlet is left empty (each story its own outlet): the re-sends are then visible as
    derivations instead of being marked as one outlet's own reuse."""
    folder = tmp_path_factory.mktemp("reuters")
    path = folder / "reuters.jsonl"
    with path.open("w") as fh:
        for story in reuters_stories(DATA_ROOT / "reuters21578"):
            fh.write(json.dumps(story | {"outlet": None}) + "\n")
    db = folder / "reuters.duckdb"
    pipeline.run([path], db)
    return db


def test_twins_cluster_as_wholly_derived(reuters_db: Path) -> None:
    con = duckdb.connect(str(reuters_db), read_only=True)
    texts = con.execute("SELECT article_id, text FROM articles").fetchall()
    groups: dict[str, list[str]] = defaultdict(list)
    for article_id, text in texts:
        groups[" ".join(text.split())].append(article_id)
    order = dict(
        con.execute(
            "SELECT article_id, row_number() OVER (ORDER BY published NULLS LAST, kind <> 'wire', article_id) FROM articles"
        ).fetchall()
    )
    derivation = dict(
        con.execute("SELECT article_id, derivation FROM article_derivation").fetchall()
    )
    clusters: dict[str, set[int]] = defaultdict(set)
    for cluster_id, a, b in con.execute(
        "SELECT cluster_id, source_article_id, target_article_id FROM alignments WHERE cluster_id IS NOT NULL"
    ).fetchall():
        clusters[a].add(cluster_id)
        clusters[b].add(cluster_id)
    total = good = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        first, *later = sorted(members, key=order.__getitem__)
        for article in later:
            total += 1
            good += derivation[article] == "wholly" and bool(clusters[article] & clusters[first])
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
