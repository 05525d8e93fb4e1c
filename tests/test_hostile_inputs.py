"""Hostile input records: each bad record is one reject (or a kept article with a warning)
with its reason, the rest of the file lands, and no traceback escapes (issue 17)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ingest, query

from dedup import pipeline
from dedup.folders import SUBFOLDER, TABLE, UNKNOWN

GOOD = {"id": "good", "text": "Harbour reopens\n\nThe harbour reopened on Monday after repairs."}


def _article(i: int) -> dict:
    return {"id": f"a{i}", "text": f"Story {i}\n\nCouncil vote number {i} passed on Tuesday."}


def test_jsonl_hostile_records_are_one_reject_each(tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD).encode(),
        b'{"id": "deep", "text": "x", "extra": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        b'{"id": ' + b"7" * 5000 + b', "text": "A long id.\\n\\nBody."}',
        b'{"id": "big", "text": "Huge number\\n\\nBody.", "score": 1e400, "n": -1e999}',
        b'{"id": "sur", "text": "Lone \\ud800 surrogate\\n\\nBody."}',
        b'{"id": "sur2", "text": "Fine text\\n\\nBody.", "outlet": "Bad \\udfff outlet"}',
        b'{"id": "bytes", "text": "Invalid \x81\x8d\x8f\x90\x9d bytes"}',
    ]
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines))
    db = tmp_path / "x.duckdb"
    counts = ingest(db, tmp_path / "in.jsonl")
    ids = {r[0] for r in query(db, "SELECT article_id FROM articles")}
    assert ids == {"good", "big"}
    reasons = sorted(r[0] for r in query(db, "SELECT reason FROM rejects"))
    assert len(reasons) == 5 and counts["rejects"] == 5
    assert "JSON nested too deep" in reasons and "invalid UTF-8 bytes" in reasons
    assert any("4300 digits" in r for r in reasons)
    assert sum("lone surrogate" in r for r in reasons) == 2
    records = [r[0] for r in query(db, "SELECT record FROM rejects WHERE reason LIKE 'lone%'")]
    assert any("\\ud800" in r for r in records)  # escaped, so the reject could be stored


def test_dates_out_of_range_keep_the_article_with_a_warning(tmp_path: Path) -> None:
    dates = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "next Tuesday-ish"]
    records = [_article(i) | {"published": d} for i, d in enumerate(dates)]
    records.append(_article(9) | {"published": "2024-03-01T10:00:00+02:00", "outlet": [1, 2]})
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = tmp_path / "x.duckdb"
    counts = ingest(db, tmp_path / "in.jsonl")
    stored = dict(query(db, "SELECT article_id, published FROM articles"))
    assert stored == {"a0": None, "a1": None, "a2": None, "a9": datetime(2024, 3, 1, 8)}
    warnings = query(db, "SELECT record, reason FROM rejects ORDER BY record, reason")
    assert counts["rejects"] == 0 and counts["warnings"] == 4
    assert all(reason.startswith("warning: kept the article without its") for _, reason in warnings)
    assert ("a9", "warning: kept the article without its outlet: not a text value") in warnings


def test_booleans_and_infinities_are_no_text_values(tmp_path: Path) -> None:
    """An outlet of ``true`` or a title of ``Infinity`` is dropped with a warning, as a list
    is, not stored as "True" or "inf"; a number stays, written as text."""
    records = [
        _article(1) | {"outlet": True, "title": float("inf"), "url": 7},
        _article(2) | {"outlet": float("-inf")},
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = tmp_path / "x.duckdb"
    ingest(db, tmp_path / "in.jsonl")
    assert query(db, "SELECT article_id, outlet, url FROM articles ORDER BY 1") == [
        ("a1", None, "7"),
        ("a2", None, None),
    ]
    assert query(db, "SELECT record, reason FROM rejects ORDER BY 1, 2") == [
        ("a1", "warning: kept the article without its outlet: not a text value"),
        ("a1", "warning: kept the article without its title: not a text value"),
        ("a2", "warning: kept the article without its outlet: not a text value"),
    ]


def test_parquet_timestamps_of_every_unit(tmp_path: Path) -> None:
    texts = [_article(i)["text"] for i in range(7)]
    columns = {
        "s": pa.array([1_700_000_000], pa.timestamp("s")),
        "ms": pa.array([1_700_000_000_123], pa.timestamp("ms")),
        "us": pa.array([1_700_000_000_123_456], pa.timestamp("us")),
        "ns": pa.array([1_700_000_000_123_456_789], pa.timestamp("ns")),
        "tz9999": pa.array([253_402_304_400], pa.timestamp("s", tz="Asia/Tokyo")),  # year 10000
        "tokyo": pa.array([1_700_000_000], pa.timestamp("s", tz="Asia/Tokyo")),
        # 1920-05-01 12:00 UTC, when Jakarta was at +07:07:12 (arrow's text drops the 12 s)
        "jakarta": pa.array([-1_567_425_600], pa.timestamp("s", tz="Asia/Jakarta")),
    }
    for i, (name, published) in enumerate(columns.items()):
        table = pa.table({"id": [name], "text": [texts[i]], "published": published})
        pq.write_table(table, tmp_path / f"{name}.parquet")
    db = tmp_path / "x.duckdb"
    ingest(db, *sorted(tmp_path.glob("*.parquet")))
    stored = dict(query(db, "SELECT article_id, published FROM articles"))
    base = datetime.fromtimestamp(1_700_000_000, UTC).replace(tzinfo=None)
    assert stored["s"] == stored["tokyo"] == base
    assert stored["ms"] == base.replace(microsecond=123_000)
    assert stored["us"] == stored["ns"] == base.replace(microsecond=123_456)
    assert stored["tz9999"] is None
    assert stored["jakarta"] == datetime(1920, 5, 1, 12)
    assert query(db, "SELECT count(*) FROM rejects WHERE reason LIKE 'warning:%'") == [(1,)]


def test_duplicate_id_in_one_input_rejects_the_later_record(tmp_path: Path) -> None:
    first, later = _article(1), _article(1) | {"outlet": "Later"}
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in (first, later)))
    db = tmp_path / "x.duckdb"
    for _ in range(2):  # the rerun keeps the same rule (and adds no second reject)
        ingest(db, tmp_path / "in.jsonl")
        assert query(db, "SELECT article_id, outlet FROM articles") == [("a1", None)]
        (reason,) = query(db, "SELECT reason FROM rejects")
        assert reason[0].startswith("duplicate id in input: 'a1' (first in ")


def test_rerun_does_not_grow_rejects(tmp_path: Path) -> None:
    lines = [json.dumps(GOOD), "{not json", json.dumps({"id": "e", "text": "  "}), "[1]"]
    (tmp_path / "in.jsonl").write_text("\n".join(lines))
    db = tmp_path / "x.duckdb"
    for _ in range(3):
        ingest(db, tmp_path / "in.jsonl")
        assert query(db, "SELECT count(*) FROM rejects") == [(3,)]


def test_csv_unterminated_quote_costs_only_its_own_record(tmp_path: Path) -> None:
    rows = [
        "id,text,outlet",
        'a1,"Story one\n\nFirst body, with a comma.",X',
        'bad,"Story left open,Y',
        'a2,"Story two\n\nSecond body.",Z',
        "a3,Story three,W",
        'bad2,"Another open quote,V',
    ]
    (tmp_path / "in.csv").write_text("\n".join(rows) + "\n")
    db = tmp_path / "x.duckdb"
    counts = ingest(db, tmp_path / "in.csv")
    stored = dict(query(db, "SELECT article_id, outlet FROM articles"))
    assert stored == {"a1": "X", "a2": "Z", "a3": "W"}
    rejects = query(db, "SELECT source_path, record FROM rejects")
    assert counts["rejects"] == 2
    located = sorted((int(p.rsplit(":", 1)[1]), r.strip()) for p, r in rejects)
    assert located == [(5, rows[2]), (10, rows[5])]  # physical lines (a1 spans three)


def test_csv_article_longer_than_the_csv_modules_field_limit(tmp_path: Path) -> None:
    """A quoted body of 300,000 characters (Python's csv refuses fields over 131,072 by
    default) is one article, and the row after it is read as a row, not as 1,000 rejects."""
    body = "\n\n".join(f"Paragraph {i}, with a comma: " + "kata " * 58 for i in range(1000))
    assert len(body) > 300_000
    (tmp_path / "in.csv").write_text(
        f'id,text\nlong,"Judul\n\n{body}"\nshort,Kalimat pendek.\n', encoding="utf-8"
    )
    db = tmp_path / "x.duckdb"
    counts = ingest(db, tmp_path / "in.csv")
    assert counts["rejects"] == 0
    assert dict(query(db, "SELECT article_id, length(text) FROM articles")) == {
        "long": len("Judul\n\n" + body),
        "short": len("Kalimat pendek."),
    }


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_jsonl_that_fails_to_read_is_a_reject(tmp_path: Path) -> None:
    """A read error after the file opened (EIO, as from a failing disk; /proc/self/mem
    gives one at offset 0) is a reject row naming it, not a traceback."""
    (tmp_path / "mem.jsonl").symlink_to("/proc/self/mem")
    db = tmp_path / "x.duckdb"
    assert ingest(db, tmp_path / "mem.jsonl")["rejects"] == 1
    [(reason,)] = query(db, "SELECT reason FROM rejects")
    assert reason == "unreadable file: Input/output error"


def test_folder_entries_of_every_kind(tmp_path: Path) -> None:
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    (corpus / "a.txt").write_text(_article(1)["text"])
    (corpus / "C.TXT").write_text(_article(2)["text"])
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04 not an article")
    (corpus / "sources.csv").write_text("id,text\nz,A table is read as an input of its own.\n")
    (corpus / "more.JSONL").write_text('{"id": "y", "text": "Nor is this one read here."}\n')
    (corpus / "nested").mkdir()
    (corpus / "nested" / "n.txt").write_text(_article(3)["text"])
    os.mkfifo(corpus / "x.txt")  # opening it would block forever
    (corpus / "inside.txt").symlink_to(corpus / "a.txt")
    (outside / "secret.txt").write_text(_article(4)["text"])
    (corpus / "away.txt").symlink_to(outside / "secret.txt")
    db = tmp_path / "x.duckdb"
    counts = ingest(db, corpus)
    ids = {r[0] for r in query(db, "SELECT article_id FROM articles")}
    assert ids == {"a", "C", "inside"}
    reasons = dict(query(db, "SELECT source_path, reason FROM rejects"))
    assert reasons == {
        str(corpus / "x.txt"): "not a regular file (a pipe, socket or device)",
        str(corpus / "away.txt"): (
            "symlink leads outside the input folder (give --follow-links to read it)"
        ),
    }
    assert counts["skipped"] == {SUBFOLDER: 1, TABLE: 2, UNKNOWN: 1}
    followed = pipeline.run([corpus], tmp_path / "y.duckdb", stages=("ingest",), follow_links=True)
    assert followed["articles_new"] == 4 and followed["rejects"] == 1


def test_cli_follow_links_option(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dedup.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "away.txt").write_text(_article(5)["text"])
    (corpus / "away.txt").symlink_to(tmp_path / "away.txt")
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", str(db), "--follow-links"])
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT article_id FROM articles") == [("away",)]


def test_new_metadata_for_same_text_is_a_warning_and_removed_articles_are_counted(
    tmp_path: Path,
) -> None:
    first = [_article(1) | {"outlet": "Ledger", "published": "2024-01-02"}, _article(2)]
    (tmp_path / "one.jsonl").write_text("\n".join(json.dumps(r) for r in first))
    db = tmp_path / "x.duckdb"
    assert ingest(db, tmp_path / "one.jsonl")["articles_not_in_input"] == 0
    moved = [first[0] | {"outlet": "Courier", "kind": "wire", "published": "2024-01-03T08:00"}]
    (tmp_path / "two.jsonl").write_text(json.dumps(moved[0]))
    counts = ingest(db, tmp_path / "two.jsonl")
    assert counts["articles_unchanged"] == 1 and counts["articles_not_in_input"] == 1
    assert query(db, "SELECT outlet, kind FROM articles WHERE article_id = 'a1'") == [
        ("Ledger", "outlet")
    ]
    (reason,) = query(db, "SELECT reason FROM rejects")[0]
    assert reason == (
        "warning: same id and text with other metadata: kept the stored"
        " outlet 'Ledger' (not 'Courier'), kind 'outlet' (not 'wire'),"
        " published '2024-01-02T00:00:00' (not '2024-01-03T08:00:00')"
    )
