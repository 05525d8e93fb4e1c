"""Store: one DuckDB file, its schema, runs, and all-or-nothing writes.

Every command that writes does so inside one transaction (``open_db(..., write=True)``):
a failure rolls back, and a database file that the failed command created is removed,
so a failed run never leaves a half-written database behind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

import dedup
from dedup import DedupError, first_line, interrupt
from dedup.text import FOLDS_DIGEST

#: DuckDB's own memory budget (buffer pool) in MB, so a run's peak stays predictable (an
#: incremental run widens it: see state.py). The 100k bench peaked at 2.1 GiB with 700 MB
#: here; before :func:`registered` let go of the frames a run stores, at 3.6-3.8 GiB with
#: 700 MB and 3.7-4.1 GiB with 1,000 MB (about 5 s faster then); since then 1,400 MB is not
#: faster (README "Benchmarks": 139.7 and 162.1 s against 142.7 and 150.6 s, alternating)
DUCKDB_MEMORY_MB = 700
DUCKDB_MEMORY = os.environ.get("DEDUP_DUCKDB_MEMORY", f"{DUCKDB_MEMORY_MB}MB")


def schema_sql() -> str:
    return files("dedup").joinpath("data/schema.sql").read_text(encoding="utf-8")


#: what a query may reach besides the database: no file, no network, no extension to
#: download or load (``dedup sql`` runs what a user types; ``files`` opens local files)
SANDBOX = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}


def connect(db: Path, read_only: bool = False, files: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database (one-line DedupError when it cannot be opened), sandboxed unless
    ``files``; for writing, only a new file or one of ours (see :func:`_claim`)."""
    return _connect(db, read_only, files)[0]


def _connect(
    db: Path, read_only: bool, files: bool
) -> tuple[duckdb.DuckDBPyConnection, Callable[[], None] | None]:
    """:func:`connect`, and what undoes the database when this command makes it (the file a
    symlink leads to, not the link): it held no table when the connection took the file's
    lock, so no one else's work is in it (a file missing when looked at may be another
    run's by the time it is opened, and then this command's connection fails on the lock).
    Until the tables are read, a file that was not there counts as made. What it made is
    undone here if making it fails."""
    if read_only and not db.exists():
        raise DedupError(f"database not found: {db}")
    require_utf8(db, "cannot open database")
    made = Path(os.path.realpath(db))
    con, fresh, placeholder = None, False, False
    try:
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
            placeholder = not read_only and made.is_file() and made.stat().st_size == 0
            if placeholder:
                made.unlink()  # an empty file (mktemp's) is a new database to DuckDB's eyes too
            fresh = not read_only and not os.path.lexists(made)
            config = SANDBOX | {"enable_external_access": files}
            con = duckdb.connect(str(db), read_only=read_only, config=config)
        except (duckdb.Error, OSError) as err:
            fresh = False  # not opened: a file there is another command's (its lock)
            raise DedupError(f"cannot open database {db}: {first_line(err)}") from err
        # DuckDB would otherwise cache up to 80% of the machine's memory; beyond it spills
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        found = _marker(con)
        if not read_only:
            fresh = found == ""
            _claim(con, db, found)
        elif found and found != SCHEMA_VERSION:
            # another dedup version's tables are not the contract this version documents
            # and its reports read (a foreign database is not refused: it is only read)
            raise _other_version(db, found)
    except BaseException:
        if con is not None:
            con.close()
        if fresh:
            _undo(made, placeholder)
        raise
    return con, partial(_undo, made, placeholder) if fresh else None


def _undo(db: Path, placeholder: bool = False) -> None:
    """Remove a database this command made (and its WAL), leaving the empty file it was
    given in its place (``placeholder``)."""
    _remove(db)
    if placeholder:
        with suppress(OSError):
            db.touch()


#: the shape of the internal tables, of the text keys stored in them (normalised hashes,
#: terms, anchors, sentence and clause bounds) and of the rules whose results an incremental
#: run keeps (13: a date without a time is a day, matched needs the wire first, translation
#: ties go to the earlier source; 14: so do retrieval's ties, and a rewrite is read against
#: what its most likely source copied); a database made with another must be built anew
SCHEMA_VERSION = "14"


def _claim(con: duckdb.DuckDBPyConnection, db: Path, found: str | None) -> None:
    """Make sure ``db`` is ours before writing to it: an empty database gets our tables and
    the ``schema`` row in ``meta`` that marks it, in one transaction; one with tables must
    carry that mark (or be an older dedup database: ``meta`` and ``articles`` without it),
    else nothing is written to it; its keys must have been made with today's character
    folds (``data/characters.tsv``). ``found``: its :func:`_marker`."""
    if found == "":
        con.execute("BEGIN TRANSACTION")
        make_schema(con)
        con.execute("COMMIT")
    elif found is None:
        raise DedupError(
            f"{db} is not a dedup database (no dedup schema mark in a meta table): "
            "dedup writes only to databases it made; use a new --db"
        )
    elif found != SCHEMA_VERSION:
        raise _other_version(db, found)
    elif scalar(con, "SELECT value FROM meta WHERE key = 'characters'") != FOLDS_DIGEST:
        raise DedupError(
            f"{db} holds text keys made with other character folds (dedup/data/characters.tsv "
            "changed since): run again with a new --db"
        )
    else:
        con.execute(schema_sql())


def make_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Our tables in an empty database, and the ``meta`` rows that mark it as ours."""
    con.execute(schema_sql())
    con.execute("INSERT INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION])
    con.execute("INSERT INTO meta VALUES ('characters', ?)", [FOLDS_DIGEST])


def _other_version(db: Path, found: str) -> DedupError:
    return DedupError(
        f"{db} was made by another version of dedup (internal tables {found}, "
        f"this version needs {SCHEMA_VERSION}): run again with a new --db"
    )


def _marker(con: duckdb.DuckDBPyConnection) -> str | None:
    """The schema version that marks the database ('' when it holds no table at all,
    '1' for dedup's first one, which had no mark; None when it is not ours)."""
    tables = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database()"
        ).fetchall()
    }
    if not tables:
        return ""
    if "meta" not in tables:
        return None
    try:
        found = scalar(con, "SELECT value FROM meta WHERE key = 'schema'")
    except duckdb.Error:  # a table named meta, not ours
        return None
    return str(found) if found is not None else ("1" if "articles" in tables else None)


@contextmanager
def open_db(
    db: Path, write: bool = False, files: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection (reaching local files with ``files``); with ``write`` everything
    happens in one transaction."""
    con, undo = _connect(db, read_only=not write, files=files)
    committing = False
    try:
        with interrupt.stopping(con.interrupt):
            if write:
                con.execute("BEGIN TRANSACTION")
                _compact(con)
            yield con
        if write:
            committing = True
            with interrupt.finishing():
                con.execute("COMMIT")
    except BaseException:
        committed = False
        if write:
            try:
                con.execute("ROLLBACK")
            except duckdb.TransactionException as gone:  # none left: the COMMIT went through,
                # if it was reached (a signal before the BEGIN leaves none either)
                committed = committing and "no transaction is active" in str(gone)
            except duckdb.Error:
                pass
        con.close()
        if committed and interrupt.received():
            # the signal's handler ran during the COMMIT (DuckDB, checking for signals,
            # reports it as its own "Query interrupted" error) or just after it: the
            # command is complete
            interrupt.discard()
            return
        if undo is not None:
            undo()
        raise
    con.close()


def _remove(db: Path) -> None:
    """Remove a database this command created (nothing to do where none could be made)."""
    for path in (db, db.with_name(db.name + ".wal")):
        with suppress(OSError):  # none made, or not ours to remove (a folder in its place)
            path.unlink()


#: share of a table's stored rows that may be deleted ones before a run compacts it
#: (PostgreSQL's autovacuum waits for the same share: its default scale factor is 0.2)
COMPACT_DEAD_SHARE = 0.2


def dead_shares(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Per table, the share of its stored rows that are deleted ones."""
    stored = con.execute(
        "SELECT table_name, estimated_size FROM duckdb_tables() "
        "WHERE NOT temporary AND database_name = current_database() AND estimated_size > 0"
    ).fetchall()
    if not stored:
        return {}
    live = dict(
        con.execute(
            " UNION ALL ".join(f"SELECT '{name}', count(*) FROM {name}" for name, _ in stored)
        ).fetchall()
    )
    return {name: 1 - live[name] / size for name, size in stored}


def _compact(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the tables that hold many deleted rows; leave DuckDB's vacuum off.

    An incremental run deletes and re-inserts a few rows in many tables. DuckDB's vacuum
    would rewrite their row groups at every commit to reclaim a percent or two (0.2 s of a
    0.45 s commit at 100,000 articles), yet it does not always reclaim much more. Instead a
    table is rewritten once a fifth of it is deleted rows: wholly deleted row groups are
    dropped at the checkpoint, vacuum or not."""
    con.execute("SET max_vacuum_tasks = 0")
    for name, share in dead_shares(con).items():
        if share > COMPACT_DEAD_SHARE:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _live AS SELECT * FROM {name}; "
                f"DELETE FROM {name}; INSERT INTO {name} SELECT * FROM _live; DROP TABLE _live"
            )


#: a frame of at least this many rows is copied into a temporary table (see registered)
COPY_ROWS = 50_000


Frame = pl.DataFrame | pa.Table


def _arrow(data: Frame) -> pa.Table:
    return data.to_arrow() if isinstance(data, pl.DataFrame) else data


def _rows(data: Frame) -> int:
    return data.height if isinstance(data, pl.DataFrame) else data.num_rows


def _write_from(con: duckdb.DuckDBPyConnection, data: Frame, statement: str) -> None:
    """Run ``statement`` (``INSERT INTO t BY NAME``, ``CREATE TABLE t AS``) over ``data``
    through a relation, whose query text reads the frame only while the relation lives: it
    lets go of the data when the statement is done (see :func:`registered`)."""
    source = con.from_arrow(_arrow(data))
    con.execute(f"{statement} {source.sql_query()}")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: Frame) -> Iterator[None]:
    """Polars frames or Arrow tables that SQL can read under the given names, for a block.

    A view made by ``con.register`` keeps its Python object alive until the transaction
    ends, even once unregistered (duckdb-python issue 469), and a run is one transaction:
    every large frame a 25k run registered stayed in memory, 540 MB of its 1.9 GB peak. So
    a large frame is copied into a temporary table, from a relation that lets go of it when
    the copy is done. The table's blocks are DuckDB's until the commit, within its memory
    limit, spilled to disk beyond it. A small frame is registered (twice as fast: 1 ms,
    against 2 ms for a table, and an incremental run registers about a hundred)."""
    copied = {name for name, data in tables.items() if _rows(data) >= COPY_ROWS}
    for name, data in tables.items():
        if name in copied:
            _write_from(con, data, f"CREATE OR REPLACE TEMP TABLE {name} AS")
        else:
            con.register(name, _arrow(data))
    try:
        yield
    finally:
        for name in tables:
            # closed (interrupted) or aborted (the block failed): nothing left, and the
            # block's own error is the one to report
            with suppress(duckdb.ConnectionException, duckdb.TransactionException):
                if name in copied:
                    con.execute(f"DROP TABLE IF EXISTS temp.main.{name}")
                else:
                    con.unregister(name)


def picked(table: str, columns: str, key: str, keys: str, fresh: str | None = None) -> str:
    """A query: ``columns`` of the rows of ``table`` whose ``key`` is in the table ``keys``.

    The rows are found on the key column alone, and only they are read: a SEMI JOIN would
    read the wide columns (texts, signatures) of every row. Rows written by this run
    (their keys in the table ``fresh``) are picked apart from the stored ones: mixed in one
    list, DuckDB reads every stored row again (3,500 signatures, 160 of them stored, out of
    960,000: 0.19 s mixed, 0.08 s apart, 0.02 s once cached)."""

    def rows(wanted: str) -> str:
        return (
            f"SELECT {columns} FROM {table} "
            f"WHERE rowid IN (SELECT rowid FROM {table} SEMI JOIN {wanted} USING ({key}))"
        )

    if fresh is None:
        return rows(keys)
    return (
        rows(f"(SELECT {key} FROM {keys} ANTI JOIN {fresh} USING ({key}))")
        + " UNION ALL "
        + rows(f"(SELECT {key} FROM {keys} SEMI JOIN {fresh} USING ({key}))")
    )


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: Frame) -> int:
    """Bulk-insert a polars frame or Arrow table by column name."""
    rows = _rows(frame)
    if rows == 0:
        return 0
    # straight from the frame: no temporary copy (see :func:`registered`)
    _write_from(con, frame, f"INSERT INTO {table} BY NAME")
    return rows


def shown_path(path: Path) -> str:
    """A path as UTF-8 text, a byte that is not UTF-8 shown as ``\\xff`` (a file name may
    hold any bytes; DuckDB's text and JSON hold only UTF-8)."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def require_utf8(path: Path, doing: str) -> None:
    """Refuse, in one line, a path that DuckDB and the tables cannot hold (not UTF-8)."""
    if shown_path(path) != str(path):
        raise DedupError(f"{doing} {shown_path(path)}: its path is not UTF-8")


def start_run(con: duckdb.DuckDBPyConnection, command: str, settings: dict[str, Any]) -> int:
    run_id = scalar(con, "SELECT coalesce(max(run_id), 0) + 1 FROM runs")
    con.execute(
        "INSERT INTO runs (run_id, command, started, tool_version, settings) VALUES (?, ?, ?, ?, ?)",
        [run_id, command, datetime.now(), dedup.__version__, json.dumps(settings, sort_keys=True)],
    )
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, counts: dict[str, Any]) -> None:
    con.execute(
        "UPDATE runs SET finished = ?, counts = ? WHERE run_id = ?",
        [datetime.now(), json.dumps(counts, sort_keys=True, default=str), run_id],
    )


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("articles", "paragraphs", "alignments", "clusters", "attributions", "rejects")
    return {t: scalar(con, f"SELECT count(*) FROM {t}") for t in tables}


def sql_text(name: str) -> str:
    """The text of the SQL file ``data/<name>``."""
    return files("dedup").joinpath(f"data/{name}").read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    """Run the statements of ``data/<name>`` in order, each with the parameters it names."""
    text = sql_text(name)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    for statement in "\n".join(lines).split(";\n"):
        if not statement.strip():
            continue
        used = {k: v for k, v in params.items() if f"${k}" in statement}
        con.execute(statement, used or None)


def scalar(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> Any:
    """The first value of a query's result, fetched completely (see :func:`frame`)."""
    rows = con.execute(query, params).fetchall()
    return rows[0][0] if rows else None


def relation(
    con: duckdb.DuckDBPyConnection, query: str, params: list | None = None
) -> duckdb.DuckDBPyRelation:
    """The relation of one query; DedupError for several statements (DuckDB runs them all and
    shows the last one's result alone) or a statement without rows (';', a comment alone)."""
    if (n := len(con.extract_statements(query))) > 1:
        raise DedupError(f"one query at a time: this holds {n} statements, not one query")
    found = con.sql(query, params=params)
    if found is None:
        raise DedupError("this is not a query: it returns no rows")
    return found


def frame(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> pl.DataFrame:
    """A query's full result as a polars frame (fetched completely, so the connection is
    free for the next statement: DuckDB 2 refuses work while a result is unfinished)."""
    return pl.from_arrow(relation(con, query, params).to_arrow_table())  # type: ignore[return-value]


#: articles whose texts are read at once (:func:`article_texts`): polars works over many at a
#: time, few enough that its working memory stays small (10,000 raised the 100k run's peak
#: by 300 MB)
TEXTS_CHUNK = 2_500


def article_texts(
    con: duckdb.DuckDBPyConnection, ids_table: str, role: str = "role"
) -> Iterator[pl.DataFrame]:
    """(article_id, language, text) of the articles in a table, TEXTS_CHUNK at a time: the
    body and headline paragraphs, one a line (a line break inside one becomes a space);
    ``role="base_role"`` reads the roles an article has on its own (before outlet templates,
    which change as the corpus grows). Blocks are ranges of ids, so a block holds its own
    rows only and DuckDB skips the row groups outside its range."""
    blocks = con.execute(
        f"""
        SELECT min(article_id), max(article_id) FROM (
            SELECT article_id, (row_number() OVER (ORDER BY article_id) - 1) // {TEXTS_CHUNK} AS b
            FROM {ids_table})
        GROUP BY b ORDER BY b
        """
    ).fetchall()
    for block in blocks:
        yield frame(
            con,
            f"""
            SELECT p.article_id, any_value(a.language) AS language,
                   string_agg(replace(p.text, chr(10), ' '), chr(10) ORDER BY p.seq) AS text
            FROM paragraphs AS p SEMI JOIN {ids_table} USING (article_id)
            JOIN articles AS a USING (article_id)
            WHERE p.{role} IN ('body', 'headline') AND p.article_id BETWEEN $1 AND $2
              AND a.article_id BETWEEN $1 AND $2
            GROUP BY p.article_id
            """,
            list(block),
        )


def signatures(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, np.ndarray]:
    """A query's columns as numpy arrays, its ``hashvalues`` lists as one uint32 matrix read
    straight from the Arrow buffer (no per-row copy)."""
    table = con.sql(query).to_arrow_table()
    out = {
        name: table.column(name).to_numpy() for name in table.column_names if name != "hashvalues"
    }
    lists = table.column("hashvalues").combine_chunks()
    bounds = lists.offsets.to_numpy()  # not flatten(): it imports pyarrow.compute (0.07 s)
    values = lists.values.slice(bounds[0], bounds[-1] - bounds[0]).to_numpy(zero_copy_only=False)
    out["hashvalues"] = values.astype(np.uint32, copy=False).reshape(
        len(lists), -1 if len(lists) else 0
    )
    return out


def signature_table(hashes: np.ndarray, counts: np.ndarray, sigs: np.ndarray) -> pa.Table:
    """Rows for ``signatures``: each signature a list viewed on the matrix (no per-row copy)."""
    return pa.table(
        {
            "norm_hash": pa.array(hashes, pa.uint64()),
            "n_shingles": pa.array(counts, pa.int32()),
            "hashvalues": pa.FixedSizeListArray.from_arrays(
                pa.array(np.ascontiguousarray(sigs, dtype=np.uint32).ravel()), sigs.shape[1]
            ),
        }
    )


def article_rows(
    con: duckdb.DuckDBPyConnection, columns: str, ids: set[str], fresh: str | None = "new_articles"
) -> list[tuple]:
    """Columns of the articles with the given ids (``fresh``: see :func:`picked`)."""
    keys = pl.DataFrame({"article_id": sorted(ids)}, schema={"article_id": pl.String})
    with registered(con, _ids=keys):
        return con.execute(picked("articles", columns, "article_id", "_ids", fresh)).fetchall()
