"""The store lets go of the frames a run writes or reads, inside the run's one transaction."""

from __future__ import annotations

import gc
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from conftest import holder

from dedup import store


def _frame(n: int) -> pa.Table:
    """A frame whose buffers sit in Arrow's memory pool, where they can be counted."""
    return pa.table({"key": pa.array(range(n), pa.uint64()), "norm_hash": pa.array(range(n))})


def test_frames_are_let_go_inside_the_run_transaction(tmp_path: Path) -> None:
    """A view from ``con.register`` kept its frame alive until the transaction ended, so a
    run held every frame it ever stored (1.6 GiB of the 100k bench's peak)."""
    n = 4 * store.COPY_ROWS
    with store.open_db(tmp_path / "db.duckdb", write=True) as con:
        before = pa.total_allocated_bytes()
        store.insert(con, "band_keys", _frame(n))
        with store.registered(con, _probe=_frame(n), _small=_frame(10)):
            found = con.execute(
                "SELECT count(*) FROM band_keys SEMI JOIN _probe USING (key) "
                "WHERE norm_hash IN (SELECT norm_hash FROM _small)"
            ).fetchall()
        gc.collect()
        # the small frame is only registered: it may stay, and it is a few hundred bytes
        assert pa.total_allocated_bytes() - before < 4096
        assert found == [(10,)]
        assert con.execute("SELECT count(*), sum(key) FROM band_keys").fetchall() == [
            (n, n * (n - 1) // 2)
        ]


def test_a_failed_insert_reports_its_own_error(tmp_path: Path) -> None:
    """The statement's own error, not a later one of the aborted transaction (the command
    names a constraint or out of memory by it)."""
    con = store.connect(tmp_path / "db.duckdb")
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE TEMP TABLE keyed (id INTEGER PRIMARY KEY)")
        store.insert(con, "keyed", pa.table({"id": [1]}))
        with pytest.raises(duckdb.ConstraintException, match="duplicate key"):
            store.insert(con, "keyed", pa.table({"id": [1]}))
    finally:
        con.close()


#: holds a new database open for writing until told to let go
HOLD = (
    "import sys; from pathlib import Path; from dedup import store\n"
    "with store.open_db(Path(sys.argv[1]), write=True):\n"
    "    print('ready', flush=True); sys.stdin.readline()\n"
)


def test_a_run_that_finds_the_database_locked_leaves_it(tmp_path: Path, monkeypatch) -> None:
    """Two runs on one new database at once: the one that finds it locked removed the file
    the other had just made, when it had looked before the other made it (helper-46: 8 of
    30 tries lost the database). That look is made here to find no file."""
    from dedup import DedupError

    db = tmp_path / "x.duckdb"
    other = holder(HOLD, db, "ready")
    try:
        monkeypatch.setattr(store.os.path, "lexists", lambda _path: False)
        with pytest.raises(DedupError, match="cannot open database"), store.open_db(db, write=True):
            pass
        monkeypatch.undo()
        assert db.exists()
    finally:
        other.communicate("\n", timeout=60)
    assert other.returncode == 0 and db.exists()


def test_a_failed_run_leaves_an_empty_file_empty(tmp_path: Path) -> None:
    """``mktemp``'s empty file given as --db (the Makefile's way) is a new database; a run
    that fails leaves it as it was, empty, not a database of empty tables (helper-46)."""
    from dedup import DedupError, pipeline

    db = tmp_path / "e.duckdb"
    db.write_bytes(b"")
    with pytest.raises(DedupError):
        pipeline.run([tmp_path / "missing.jsonl"], db)
    assert db.exists() and db.stat().st_size == 0
    assert not db.with_name("e.duckdb.wal").exists()
