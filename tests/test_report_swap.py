"""``make report`` never deletes or replaces a database another process holds (issue 17):
it builds next to it and swaps the new file in only when nobody holds the old one."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import duckdb
import pytest
from conftest import holder

from dedup import DedupError
from dedup.swap import swap

ROOT = Path(__file__).resolve().parents[1]

#: a writer in the middle of its work: it holds the database until told to commit
WRITER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("BEGIN TRANSACTION")
    con.execute("CREATE TABLE work AS SELECT range AS n FROM range(3000)")
    print("holding", flush=True)
    sys.stdin.readline()
    con.execute("COMMIT")
    con.close()
    """
)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_report_leaves_a_held_database_alone(tmp_path: Path) -> None:
    db = tmp_path / "syndication.duckdb"
    writer = holder(WRITER, db, "holding")
    made = subprocess.run(
        ["make", "--no-print-directory", "-s", "report", f"DB={db}", f"OUT={tmp_path / 'out'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    writer.communicate("\n", timeout=60)
    assert made.returncode != 0
    assert f"error: {db} is in use by another process" in made.stderr
    assert writer.returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM work").fetchone() == (3000,)
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["syndication.duckdb"]


def test_swap_replaces_a_free_database(tmp_path: Path) -> None:
    db, new = tmp_path / "a.duckdb", tmp_path / "a.duckdb.new"
    for path, n in ((db, 1), (new, 2)):
        con = duckdb.connect(str(path))
        con.execute(f"CREATE TABLE t AS SELECT {n} AS n")
        con.close()
    stale = tmp_path / "a.duckdb.wal"
    stale.write_bytes(b"left by a crash of the old database")
    swap(new, db)
    assert not new.exists() and not stale.exists()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT n FROM t").fetchone() == (2,)
    con.close()


def test_swap_refuses_a_new_database_with_a_log(tmp_path: Path) -> None:
    new = tmp_path / "n.duckdb"
    new.write_bytes(b"")
    Path(f"{new}.wal").write_bytes(b"x")
    with pytest.raises(DedupError, match="write-ahead log"):
        swap(new, tmp_path / "db.duckdb")


def test_the_swap_names_the_database_now_in_place(tmp_path: Path, capsys) -> None:
    """The run's summary named the temporary file it built: the swap says where it went."""
    from dedup.swap import main

    new, db = tmp_path / "s.duckdb.x1Yz", tmp_path / "s.duckdb"
    duckdb.connect(str(new)).close()
    assert main([str(new), str(db)]) == 0
    assert capsys.readouterr().err == f"{db}: the database just built (as {new}) is in place\n"
