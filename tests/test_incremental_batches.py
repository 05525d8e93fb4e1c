"""Incremental runs equal one full run on every contract table, without ../shared: the
committed corpus ``tests/data/incremental.jsonl`` (seed articles and variants of them, see
``tests/data/make_incremental_corpus.py``) is added in three batches whose dates interleave.

Ids numbered per run (``alignment_id``, ``cluster_id``, ``trail_id``, and the evidence text
that names them) are compared through what they stand for: an alignment by its spans, a
cluster by its alignments' spans, a trail by its quotes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from dedup import pipeline
from dedup.export import TABLES

CORPUS = Path(__file__).with_name("data") / "incremental.jsonl"
CONTRACT = tuple(t for t in TABLES if t != "runs")
SPAN = (
    "source_paragraph_id",
    "source_start",
    "source_end",
    "target_paragraph_id",
    "target_start",
    "target_end",
)


def _dicts(con: duckdb.DuckDBPyConnection, table: str) -> list[dict]:
    cursor = con.execute(f"FROM {table}")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def contract_tables(db: Path) -> dict[str, list[tuple]]:
    """Every contract table's rows, run ids dropped and per-run ids replaced by content."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {t: _dicts(con, t) for t in CONTRACT}
    finally:
        con.close()
    span = {r["alignment_id"]: tuple(r[c] for c in SPAN) for r in tables["alignments"]}
    members: dict[int, list] = {}
    for r in tables["alignments"]:
        members.setdefault(r["cluster_id"], []).append(span[r["alignment_id"]])
    cluster = {cid: tuple(sorted(spans)) for cid, spans in members.items() if cid is not None}
    quotes: dict[int, list] = {}
    for r in tables["quotes"]:
        quotes.setdefault(r["trail_id"], []).append(r["quote_id"])
    trail = {tid: tuple(sorted(ids)) for tid, ids in quotes.items() if tid is not None}

    def evidence(text: str | None) -> str | None:
        if text is None:
            return None
        text = re.sub(r"alignment (\d+)", lambda m: f"alignment {span[int(m[1])]}", text)
        return re.sub(r"quote trail (\d+)", lambda m: f"quote trail {trail[int(m[1])]}", text)

    replace = {
        "alignment_id": lambda v: span.get(v),
        "cluster_id": lambda v: cluster.get(v),
        "trail_id": lambda v: trail.get(v),
        "evidence": evidence,
    }
    out = {}
    for name, rows in tables.items():
        canonical = [
            tuple((k, replace.get(k, lambda v: v)(v)) for k, v in row.items() if k != "run_id")
            for row in rows
        ]
        out[name] = sorted(canonical, key=repr)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """The corpus added in three batches (every third line), and in one full run."""
    tmp_path = tmp_path_factory.mktemp("batches")
    lines = CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)
    parts = []
    for i in range(3):
        part = tmp_path / f"part{i}.jsonl"
        part.write_text("".join(lines[i::3]), encoding="utf-8")
        parts.append(part)
    inc = tmp_path / "inc.duckdb"
    for part in parts:
        counts = pipeline.run([part], inc)
        assert counts["articles_new"] > 0
    full = tmp_path / "full.duckdb"
    pipeline.run(parts, full)
    return inc, full, lines


#: where a reused id's first text came from: the file in one run, "the database" later
FIRST_SEEN = re.compile(r"already has a different text \(in .*\)$")


@pytest.mark.parametrize("table", CONTRACT)
def test_three_interleaved_batches_equal_one_full_run(
    built: tuple[Path, Path, list[str]], table: str
) -> None:
    got, want = (contract_tables(db)[table] for db in built[:2])
    assert want, f"{table} is empty: the corpus does not exercise it"
    if table == "rejects":  # the exact text is test_rejects_name_the_same_first_text's
        got, want = ([repr(r) for r in rows] for rows in (got, want))
        got, want = ([FIRST_SEEN.sub("", r) for r in rows] for rows in (got, want))
    assert got == want


def test_rejects_name_the_same_first_text(built: tuple[Path, Path, list[str]]) -> None:
    got, want = (contract_tables(db)["rejects"] for db in built[:2])
    assert got == want


def test_the_batches_interleave(built: tuple[Path, Path, list[str]]) -> None:
    _check_the_batches_interleave(built[1], built[2])


def _check_the_batches_interleave(db: Path, lines: list[str]) -> None:
    """The corpus does what the test needs: a later batch holds the source of an article
    already stored, outlet templates and same-outlet pairs occur, and ids are compared."""
    batch = {json.loads(line)["id"]: i % 3 for i, line in enumerate(lines)}
    con = duckdb.connect(str(db), read_only=True)
    try:
        pairs = con.execute(
            "SELECT DISTINCT source_article_id, target_article_id FROM alignments "
            "WHERE NOT same_outlet"
        ).fetchall()
        assert any(batch[s] > batch[t] for s, t in pairs)
        assert con.execute("SELECT bool_or(same_outlet) FROM alignments").fetchone()[0]
        reasons = {r for (r,) in con.execute("SELECT role_reason FROM paragraphs").fetchall()}
        assert "outlet template" in reasons
        methods = {m for (m,) in con.execute("SELECT method FROM attributions").fetchall()}
        assert {"explicit", "propagated", "matched"} <= methods
        assert con.execute("SELECT count(*) FROM quote_trails").fetchone()[0] > 1
        assert con.execute("SELECT count(*) FROM clusters").fetchone()[0] > 5
    finally:
        con.close()


def test_the_corpus_is_small() -> None:
    assert CORPUS.stat().st_size < 300_000
