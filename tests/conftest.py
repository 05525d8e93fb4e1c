"""Shared fixtures: the seed corpus run through the whole pipeline once per session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dedup import pipeline

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED_DATA = ROOT.parent / "shared" / "data"
JFID = "000_e02669d256bd932c"
INEWS = "001_5718ed46a52a3cac"
JURNAS = "002_92ca4320c77d5cb0"
SAMUDRA = "003_3b51c1f6be3a65c5"
FIFTH = "004_c040663b4dfb9712"
#: the installed command line, for tests that need its real entry point (signals, exit)
DEDUP = str(Path(sys.executable).with_name("dedup"))


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seed") / "seed.duckdb"
    pipeline.run([CORPUS], db)
    return db


@pytest.fixture()
def seed_con(seed_db: Path):
    con = duckdb.connect(str(seed_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The report (folder, result) of the hostile corpus: formula payloads, HTML and TeX in
    metadata (``test_export.HOSTILE``)."""
    from test_export import build_hostile_db

    from dedup.report import report

    folder = tmp_path_factory.mktemp("hostile-report")
    out = folder / "out"
    return out, report(build_hostile_db(folder), out, ROOT / "reports" / "queries")


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def query(db: Path, sql: str) -> list[tuple]:
    """The rows of ``sql`` on a database no run holds open."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ingest(db: Path, *inputs: Path) -> dict:
    """The ingest stage alone on ``inputs``: its counts."""
    return pipeline.run(list(inputs), db, stages=("ingest",))


def span_text(con: duckdb.DuckDBPyConnection, article_id: str, start: int, end: int) -> str:
    text = con.execute("SELECT text FROM articles WHERE article_id = ?", [article_id]).fetchone()[0]
    return text[start:end]


def holder(script: str, db: Path, ready: str) -> subprocess.Popen:
    """``script`` run on ``db`` in another process, once it printed ``ready``: it holds the
    database until a line comes on its stdin."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == f"{ready}\n"
    return proc
