"""The tool as the evaluation sees it: ``dedup run`` through its command line (a contract
that the refactoring of the stages leaves alone) on a fresh database, then its contract
tables read back."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]


def write_jsonl(records: Iterable[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def dedup_run(inputs: list[Path], db: Path) -> Path:
    """A fresh ``db`` holding one ``dedup run`` over ``inputs``; a failed run stops the eval
    with the tool's own one-line message."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "dedup.cli", "run", *map(str, inputs), "--db", str(db), "--quiet"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SystemExit(f"dedup run failed on {', '.join(map(str, inputs))}: {message}")
    return db


def derivations(db: Path) -> dict[str, dict]:
    """``article_derivation`` by article id."""
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute("SELECT * FROM article_derivation")
        names = [d[0] for d in cur.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def best_pair_scores(db: Path) -> dict[str, float]:
    """Each target's best ``article_pairs`` score from a source whose direction is decided:
    the article-level similarity a derivation could also rest on."""
    with duckdb.connect(str(db), read_only=True) as con:
        query = (
            "SELECT target_article_id, max(score) FROM article_pairs "
            "WHERE direction_basis <> 'undecided' GROUP BY ALL"
        )
        return dict(con.execute(query).fetchall())


def top_pairs(db: Path) -> dict[str, str]:
    """Each target's first source in ``article_pairs`` (rank 1): "which earlier story is
    this most like", whether or not the tool calls the target derived."""
    with duckdb.connect(str(db), read_only=True) as con:
        query = "SELECT target_article_id, source_article_id FROM article_pairs WHERE rank = 1"
        return dict(con.execute(query).fetchall())
