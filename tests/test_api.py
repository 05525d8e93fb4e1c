"""The Python API: run a corpus into a database and read the results, as the CLI does."""

from __future__ import annotations

import json
import re
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


def test_trace_times_say_utc_and_a_day_stays_a_day(tmp_path: Path) -> None:
    """A time given with its zone is shown in UTC with "Z"; a date given without a time is
    the day alone, not its midnight as if it were a time."""
    body = (
        "Gunung Lewotobi di Flores Timur kembali meletus pada Selasa pagi dan memaksa lebih dari "
        "dua ribu warga mengungsi ke tempat yang lebih aman, kata pejabat setempat kepada wartawan."
    )
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        json.dumps({"id": "a", "outlet": "Kompas", "text": body,
                    "published": "2024-11-05T07:30:00+07:00"}) + "\n"
        + json.dumps({"id": "b", "outlet": "Tempo", "text": body, "published": "2024-11-06"})
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    db = tmp_path / "t.duckdb"
    dedup.run([corpus], db)
    first, second = dedup.trace(db, "a"), dedup.trace(db, "b")
    assert (first["published"], second["published"]) == ("2024-11-05T00:30:00Z", "2024-11-06")
    [aligned] = [a for p in second["paragraphs"] for a in p["aligned"]]
    assert (aligned["article_id"], aligned["published"]) == ("a", "2024-11-05T00:30:00Z")


def test_unknown_article_and_missing_database(tmp_path: Path) -> None:
    with pytest.raises(dedup.DedupError):
        dedup.query(tmp_path / "missing.duckdb", "SELECT 1")
    db = tmp_path / "api.duckdb"
    dedup.run([CORPUS], db, stages=("ingest",))
    with pytest.raises(LookupError):
        dedup.trace(db, "no-such-article")


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        ({"wholly": -5}, "0 <= partially <= wholly <= 1"),
        ({"partially": 0.7}, "0 <= partially <= wholly <= 1"),
        ({"threshold": 0}, "Settings.threshold must be in (0, 1]"),
        ({"maxdf_share": 1.5}, "Settings.maxdf_share must be in [0, 1]"),
        ({"maxdf_sample": 0}, "Settings.maxdf_sample must be at least 1"),
    ],
)
def test_settings_that_make_no_sense_are_refused(knobs: dict, message: str) -> None:
    """``wholly=-5`` used to call every article of the seed corpus wholly derived; a share
    of 0 (the count alone decides) is a setting."""
    with pytest.raises(ValueError, match=re.escape(message)):
        dedup.Settings(**knobs)
    dedup.Settings(maxdf_share=0, template_min_share=0, maxdf_min_articles=0)


def test_one_input_path_and_wrong_types(tmp_path: Path) -> None:
    """A single path is one input (``"corpus"`` was read as the inputs "c", "o", ...);
    arguments of the wrong type say which."""
    db = tmp_path / "api.duckdb"
    assert dedup.run(str(CORPUS), db, stages=("ingest",))["articles_new"] == 5
    with pytest.raises(TypeError, match="settings must be dedup.Settings, not dict"):
        dedup.run([CORPUS], db, settings={"wholly": 0.5})
    with pytest.raises(TypeError, match="article_id must be text, not int"):
        dedup.trace(db, 123)
    with pytest.raises(TypeError, match="sql must be text, not NoneType"):
        dedup.query(db, None)
