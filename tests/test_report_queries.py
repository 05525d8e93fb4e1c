"""The report's queries (reports/queries/*.sql) on a small corpus whose answers are known."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

import dedup

QUERIES = Path(__file__).resolve().parents[1] / "reports" / "queries"
STORY = [
    "The central bank raised its benchmark interest rate by half a percentage point on Tuesday.",
    "Governor Maria Santos told reporters in the capital that inflation had stayed too high.",
    "Markets fell sharply after the announcement, with the main index losing two percent.",
    "Analysts said further increases were likely before the end of the year, citing prices.",
]


def _rows(db: Path, name: str) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql((QUERIES / name).read_text(encoding="utf-8")).pl().to_dicts()
    finally:
        con.close()


def test_a_story_three_outlets_took_is_one_row(tmp_path: Path) -> None:
    """The wire story's four paragraphs, copied by two outlets, are four reuse clusters of
    three outlets each: "Stories shared by three or more outlets" lists the story once, with
    its four passages (it listed each passage as a story, helper-47)."""
    records = [
        {"id": "w", "text": "\n\n".join(STORY), "title": "Bank raises rates", "kind": "wire",
         "outlet": "Reuters", "published": "2024-03-05T08:00:00Z"},
        {"id": "a", "text": "\n\n".join(STORY), "outlet": "Daily A",
         "published": "2024-03-05T09:00:00Z"},
        {"id": "b", "text": "\n\n".join(STORY[::-1]), "outlet": "Daily B",
         "published": "2024-03-05T10:00:00Z"},
    ]  # fmt: skip
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    dedup.run([path], db)
    assert dedup.query(db, "SELECT count(*) FROM clusters WHERE n_outlets = 3").item() == 4
    [story] = _rows(db, "04_clusters_three_plus_outlets.sql")
    assert (story["origin_article_id"], story["origin_title"]) == ("w", "Bank raises rates")
    assert (story["n_passages"], story["n_articles"], story["n_outlets"]) == (4, 3, 3)
    assert story["outlets"].split(", ") == sorted(["Daily A", "Daily B", "Reuters"])
