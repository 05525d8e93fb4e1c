"""A database that is not ours is never written to, and no query dedup runs reaches a file,
the network or an extension unless asked (issue 17)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from dedup import DedupError, pipeline, store
from dedup.cli import app

runner = CliRunner()


def _foreign(path: Path, sql: str) -> str:
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE notes (id INTEGER, body VARCHAR); INSERT INTO notes VALUES (1, 'mine')",
        "CREATE TABLE articles (x INTEGER); INSERT INTO articles VALUES (1)",
        "CREATE TABLE meta (k INTEGER); INSERT INTO meta VALUES (7)",
        "CREATE TABLE meta (key VARCHAR, value VARCHAR)",
        "CREATE VIEW v AS SELECT 42 AS answer",
    ],
    ids=[
        "other table",
        "our table name, other columns",
        "meta of other columns",
        "meta only",
        "a view",
    ],
)
def test_foreign_database_is_refused_untouched(tmp_path: Path, sql: str) -> None:
    db = tmp_path / "mine.duckdb"
    digest = _foreign(db, sql)
    result = runner.invoke(app, ["run", str(CORPUS), "--db", str(db), "-q"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {db} is not a dedup database (no dedup schema mark in a meta table): dedup writes only to databases it made; use a new --db\n"
    )
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert not db.with_name(db.name + ".wal").exists()


def test_older_dedup_database_keeps_its_message(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    pipeline.run([CORPUS], db)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM meta WHERE key = 'schema'")  # dedup's first schema had no mark
    con.close()
    with pytest.raises(DedupError, match="another version of dedup .internal tables 1,"):
        pipeline.run([CORPUS], db)


@pytest.mark.parametrize(
    ("key", "message"),
    [("schema", "another version of dedup"), ("characters", "other character folds")],
    ids=["other internal tables", "other character folds"],
)
def test_a_database_made_otherwise_is_refused(tmp_path: Path, key: str, message: str) -> None:
    """Another schema, or stored keys (normalised hashes, terms) made with other folds of
    data/characters.tsv: growing it would mix old rows or keys with new ones."""
    db = tmp_path / "other.duckdb"
    pipeline.run([CORPUS], db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = 'other' WHERE key = ?", [key])
    con.close()
    with pytest.raises(DedupError, match=message):
        pipeline.run([CORPUS], db)


@pytest.mark.parametrize("command", ["report", "export", "sql"])
def test_reading_a_database_of_another_version_is_refused_in_one_line(
    tmp_path: Path, command: str
) -> None:
    """Reports and exports read the contract tables of this version (schema 9 added
    article_derivation.copied_chars): an older database gets the one-line message, not a
    binder error from the first query that names a new column."""
    db = tmp_path / "old.duckdb"
    pipeline.run([CORPUS], db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '8' WHERE key = 'schema'")
    con.close()
    args = [command, "--db", str(db)]
    args += ["SELECT 1"] if command == "sql" else ["--out", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: {db} was made by another version of dedup (internal tables 8, this version"
        f" needs {store.SCHEMA_VERSION}): run again with a new --db\n"
    )


@pytest.mark.parametrize("empty", ["no file", "empty file", "database without tables"])
def test_new_or_empty_database_is_ours(tmp_path: Path, empty: str) -> None:
    db = tmp_path / "new.duckdb"
    if empty == "empty file":
        db.write_bytes(b"")
    elif empty == "database without tables":
        duckdb.connect(str(db)).close()
    pipeline.run([CORPUS], db)
    with store.open_db(db) as con:
        assert (
            store.scalar(con, "SELECT value FROM meta WHERE key = 'schema'") == store.SCHEMA_VERSION
        )
        assert store.scalar(con, "SELECT count(*) FROM articles") == 5


HOSTILE = [
    "COPY articles TO '{out}'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM glob('/root/*')",
    "ATTACH '{other}' (READ_WRITE)",
    "INSTALL sqlite",
    "LOAD httpfs",
    "SELECT * FROM read_csv('https://example.com/a.csv')",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_sql_reaches_no_file_network_or_extension(
    seed_db: Path, tmp_path: Path, query: str
) -> None:
    out, other = tmp_path / "out.csv", tmp_path / "other.duckdb"
    result = runner.invoke(app, ["sql", query.format(out=out, other=other), "--db", str(seed_db)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert not out.exists() and not other.exists()


def test_sql_allow_files_copies(seed_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    query = f"COPY (SELECT article_id FROM articles ORDER BY 1) TO '{out}'"
    result = runner.invoke(app, ["sql", "--allow-files", query, "--db", str(seed_db)])
    assert result.exit_code == 0
    assert out.read_text().splitlines()[0] == "article_id"


@pytest.mark.parametrize("query", ["", "  \n "])
def test_sql_empty_query(seed_db: Path, query: str) -> None:
    result = runner.invoke(app, ["sql", query, "--db", str(seed_db)])
    assert (result.exit_code, result.stderr) == (2, "error: empty query\n")


def test_every_connection_is_sandboxed(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    for con in (store.connect(seed_db, read_only=True), store.connect(db)):
        with pytest.raises(duckdb.PermissionException):
            con.execute("SELECT * FROM read_csv('/etc/passwd')")
        con.close()
