"""Reuters-21578 duplicate groups: stories re-sent with the same body must come out as
wholly derived from the group's first story and share a cluster with it (>= 99%).

Shared with ``tests/test_reuters.py``, which imports :func:`write_corpus` and
:func:`twins_found` so the rule lives in one place.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb

from bench.sources import reuters_stories
from eval import tool

#: the order in which the tool picks a source: earliest, then wire, then id
ORDER_SQL = """
SELECT article_id, row_number() OVER (ORDER BY published NULLS LAST, kind <> 'wire', article_id)
FROM articles
"""


def write_corpus(root: Path, path: Path) -> Path:
    """All stories with a body. Reuters-21578 does not say which desk sent a story, so the
    outlet is left empty (each story its own outlet): the re-sends are then visible as
    derivations instead of being marked as one outlet's own reuse."""
    return tool.write_jsonl((story | {"outlet": None} for story in reuters_stories(root)), path)


def twins_found(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(found, total) over the later members of each group of identical bodies (whitespace
    aside): found when wholly derived and in a cluster with the group's first story."""
    groups: dict[str, list[str]] = defaultdict(list)
    for article_id, text in con.execute("SELECT article_id, text FROM articles").fetchall():
        groups[" ".join(text.split())].append(article_id)
    order = dict(con.execute(ORDER_SQL).fetchall())
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
    return good, total


def run(shared_data: Path, work: Path) -> dict:
    root = shared_data / "reuters21578"
    if not any(root.glob("reut2-*.sgm.gz")):
        return {"skipped": f"no reut2-*.sgm.gz in {root}"}
    db = tool.dedup_run([write_corpus(root, work / "reuters.jsonl")], work / "reuters.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        good, total = twins_found(con)
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    return {
        "systems": {"dedup": {"twins_found": good / total if total else 0.0}},
        "info": {"articles": n_articles, "twins": total, "twins_found": good},
    }
