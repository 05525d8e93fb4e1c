"""Oversized articles: each is ingested or rejected with its size; the batch still lands."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from conftest import CORPUS
from typer.testing import CliRunner

from dedup import fingerprint, pipeline, store
from dedup.cli import app
from dedup.fingerprint import FingerprintSettings, StopList
from dedup.limits import ArticleLimit


def _batch(path: Path, *big: dict) -> Path:
    """The seed articles and ``big`` as one JSONL file."""
    rows = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in CORPUS.glob("*.txt")]
    path.write_text("".join(json.dumps(r) + "\n" for r in [*rows, *big]), encoding="utf-8")
    return path


def _many_paragraphs(n: int) -> dict:
    text = "\n\n".join(f"Line {i} of the council minutes was read aloud." for i in range(n))
    return {"id": "many", "text": text}


def _huge(megabytes: int) -> dict:
    sentence = "The harbour authority published its annual tonnage figures today. "
    return {"id": "huge", "text": sentence * (megabytes * 2**20 // len(sentence))}


def test_default_limits_reject_oversized_articles_and_keep_the_batch(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    many, huge = _many_paragraphs(20_000), _huge(30)
    assert 800_000 < len(many["text"]) < ArticleLimit().max_chars
    pipeline.run([_batch(tmp_path / "in.jsonl", many, huge)], db)
    con = duckdb.connect(str(db), read_only=True)
    reasons = dict(con.execute("SELECT record[:4], reason FROM rejects").fetchall())
    stored = {r for (r,) in con.execute("SELECT article_id FROM articles").fetchall()}
    aligned = con.execute("SELECT count(*) FROM alignments").fetchone()[0]
    con.close()
    assert reasons == {
        "Line": "article too large: 20,000 paragraphs (limit 10,000)",
        "The ": f"article too large: {len(huge['text']):,} characters (limit 2,000,000)",
    }
    assert stored == {p.stem for p in CORPUS.glob("*.txt")} and aligned > 0


def test_limits_are_options_of_dedup_run(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    small = {"id": "small", "text": "A short note.\n\nIt has three paragraphs.\n\nThis is one."}
    batch = _batch(tmp_path / "in.jsonl", small)
    args = ["run", str(batch), "--db", str(db), "-q", "--max-article-paragraphs", "2"]
    result = CliRunner().invoke(app, [*args, "--max-article-chars", "0"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    reasons = con.execute("SELECT reason FROM rejects").fetchall()
    con.close()
    assert ("article too large: 3 paragraphs (limit 2)",) in reasons


def test_stop_list_pass_holds_twenty_thousand_paragraphs(tmp_path: Path) -> None:
    """With the limits off, the stop-list pass no longer copies an article's text per
    sentence (it ran out of memory on an 874 KB article of 20,000 paragraphs). Three copies
    of that article make its shingles stop shingles (in 3 articles, the rule needs more than
    2)."""
    db = tmp_path / "x.duckdb"
    many = _many_paragraphs(20_000)
    copies = [many | {"id": f"many{i}"} for i in range(3)]
    limits_off = pipeline.Settings(article_limit=ArticleLimit(0, 0))
    pipeline.run([_batch(tmp_path / "in.jsonl", *copies)], db, limits_off, stages=("ingest",))
    with store.open_db(db, write=True) as con:
        changed = fingerprint.update_stoplist(con, FingerprintSettings(), StopList(0.2, 2, 100))
        stop = store.scalar(con, "SELECT count(*) FROM stop_shingles")
        sentences = store.scalar(con, "SELECT count(*) FROM units WHERE article_id = 'many0'")
    assert changed and stop > 0 and sentences >= 20_000


def test_twenty_thousand_paragraphs_run_through_without_limits(tmp_path: Path) -> None:
    """Fingerprinting cuts passages from texts fetched once too: with the limits off, the
    article of 20,000 paragraphs goes through every stage with the batch."""
    db = tmp_path / "x.duckdb"
    limits_off = pipeline.Settings(article_limit=ArticleLimit(0, 0))
    pipeline.run([_batch(tmp_path / "in.jsonl", _many_paragraphs(20_000))], db, limits_off)
    con = duckdb.connect(str(db), read_only=True)
    n = con.execute("SELECT count(*) FROM paragraphs WHERE article_id = 'many'").fetchone()[0]
    aligned = con.execute("SELECT count(*) FROM alignments").fetchone()[0]
    con.close()
    assert n == 20_000 and aligned > 0
