"""The report's queries (reports/queries/*.sql) on a small corpus whose answers are known."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from test_report import build_fixture_db

import dedup
from dedup import DedupError
from dedup.report import report

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


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("COPY (SELECT 1) TO '{tmp}/written.csv'", "failed: Permission Error"),
        ("SELECT * FROM read_csv('{tmp}/queries/01_q.sql')", "failed: Permission Error"),
        ("ATTACH '{tmp}/other.duckdb' AS other", "failed: Permission Error"),
        ("-- title: nothing here", "is not a query: it returns no rows"),
        ("SET autoinstall_known_extensions = true", "failed: Invalid Input Error"),
        ("SELECT 1; SELECT 2", "holds 2 statements, not one query"),
    ],
)
def test_report_queries_reach_no_file(tmp_path: Path, sql: str, message: str) -> None:
    """A query of the queries folder runs as ``dedup sql`` runs one: it reads the database
    and writes nothing but the report's own files."""
    db = build_fixture_db(tmp_path / "f.duckdb")
    (queries := tmp_path / "queries").mkdir()
    (queries / "01_q.sql").write_text(sql.format(tmp=tmp_path))
    with pytest.raises(DedupError, match=message):
        report(db, tmp_path / "out", queries)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.duckdb", "queries"]
