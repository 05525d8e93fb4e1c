"""The report's workbook (report.xlsx): every query a sheet of typed cells, what Excel
cannot hold written as text or counted as cut, and nothing half-written left behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_report import JF, QUERIES, build_fixture_db


def test_workbook_holds_every_table_typed_and_formula_text_as_text(hostile) -> None:
    """report.xlsx has the about sheet and a sheet per query with the CSV file's rows; a
    hostile outlet name is a text cell, not a formula, and needs no apostrophe there."""
    from openpyxl import load_workbook
    from test_export import HOSTILE

    out, result = hostile
    book = load_workbook(result["xlsx"], read_only=True)
    names = sorted(p.stem for p in QUERIES.glob("*.sql"))
    assert book.sheetnames == ["about", *names]
    about = list(book["about"].iter_rows(values_only=True))
    assert about[0][:4] == ("sheet", "title", "description", "rows")
    con = duckdb.connect()
    for name, _, _, rows, kept, cut in about[1:]:
        (n_csv,) = con.execute(f"SELECT count(*) FROM read_csv('{out}/csv/{name}.csv')").fetchone()
        sheet = list(book[name].iter_rows())
        assert rows == kept == n_csv == len(sheet) - 1 and cut == 0
    rows = list(book["01_articles_per_outlet"].iter_rows())
    cells = [c for row in rows for c in row]
    outlet = next(c for c in cells if c.value == HOSTILE[JF][0])
    assert outlet.data_type == "s"
    # DuckDB's sums are DECIMAL(38, 0): numbers still, while they hold 15 digits
    total = [c.value for c in rows[0]].index("total_chars")
    assert {row[total].data_type for row in rows[1:]} == {"n"}
    assert all(
        c.data_type != "f" for sheet in book.worksheets for r in sheet.iter_rows() for c in r
    )


def test_workbook_keeps_excel_limits_and_says_what_it_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    from openpyxl import load_workbook

    from dedup import workbook

    monkeypatch.setattr(workbook, "SHEET_ROWS", 4)  # Excel's 1,048,576, made small
    long = "kata " * 8000  # 40,000 characters: more than a cell holds
    emoji = "😀" * 20_000  # 20,000 characters, 40,000 UTF-16 units: Excel's count
    with workbook.ReportBook(tmp_path / "r.xlsx") as book:
        book.add("q", "A long text", "", pa.table({"text": [long, emoji], "n": [1, 2]}))
        book.add("q", "Many rows", "", pa.table({"n": list(range(5))}))
    read = load_workbook(tmp_path / "r.xlsx", read_only=True)
    about = list(read["about"].iter_rows(values_only=True))
    assert about[1:] == [("q", "A long text", None, 2, 2, 2), ("q~2", "Many rows", None, 5, 3, 0)]
    rows = list(read["q"].iter_rows(values_only=True))
    assert rows[1] == (long[: workbook.CELL_CHARS], 1)
    assert rows[2] == (emoji[: workbook.CELL_CHARS // 2], 2)
    assert [r[0] for r in read["q~2"].iter_rows(values_only=True)] == ["n", 0, 1, 2]


def test_workbook_values_excel_cannot_hold_are_text(tmp_path: Path) -> None:
    """A 64-bit hash id keeps its digits (Excel keeps 15), a date before 1900 or past 9999
    stays readable, "#N/A" stays text, and characters XML refuses are dropped, not fatal."""
    import datetime as dt

    from openpyxl import load_workbook

    from dedup.workbook import ReportBook

    db = duckdb.connect()
    db.execute("SET TimeZone = 'Asia/Jakarta'")
    table = db.sql(
        "SELECT * FROM (VALUES (4447653796611719400, 42, DATE '1850-05-05', DATE '9999-12-31' + 1,"
        " TIMESTAMPTZ '2024-05-20 13:45:00+07', '#N/A', 'Wire' || chr(65535) || 'News',"
        " 12345678901234567890.5::DECIMAL(38, 1)), (7, 43, NULL, NULL, NULL, NULL, NULL, NULL))"
        " AS t(cluster_id, n, old, far, published, code, outlet, amount)"
    ).to_arrow_table()
    with ReportBook(tmp_path / "r.xlsx") as book:
        book.add("q", "", "", table)
    rows = list(load_workbook(tmp_path / "r.xlsx", read_only=True)["q"].iter_rows())
    assert [(c.value, c.data_type) for c in rows[1]] == [
        ("4447653796611719400", "s"),
        (42, "n"),
        ("1850-05-05", "s"),
        ("10000-01-01", "s"),
        (dt.datetime(2024, 5, 20, 6, 45), "d"),  # in UTC
        ("#N/A", "s"),
        ("WireNews", "s"),
        ("12345678901234567890.5", "s"),
    ]
    assert (rows[2][0].value, rows[2][0].data_type) == ("7", "s")  # its column is text


def test_a_workbook_that_fails_to_save_leaves_the_old_one(tmp_path: Path) -> None:
    """A full disk while the workbook is written (the second sheet, here) leaves the last
    report.xlsx as it was, and no writer prints its traceback at exit."""
    old = tmp_path / "report.xlsx"
    old.write_bytes(b"the last report")
    script = (
        "import sys, pyarrow as pa; from pathlib import Path\n"
        "import openpyxl.writer.excel as excel; from dedup.workbook import ReportBook\n"
        "write, n = excel.ExcelWriter.write_worksheet, []\n"
        "def full(self, ws):\n"
        "    n.append(ws)\n"
        "    if len(n) == 2: raise OSError(28, 'No space left on device')\n"
        "    return write(self, ws)\n"
        "excel.ExcelWriter.write_worksheet = full\n"
        "try:\n"
        "    with ReportBook(Path(sys.argv[1])) as book:\n"
        "        book.add('a', '', '', pa.table({'n': list(range(1000))}))\n"
        "        book.add('b', '', '', pa.table({'n': [1]}))\n"
        "except OSError as err:\n    print(err.strerror)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(old)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert (done.stdout.strip(), done.stderr) == ("No space left on device", "")
    assert old.read_bytes() == b"the last report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_a_failing_query_leaves_no_workbook_and_no_traceback(tmp_path: Path) -> None:
    """The sheets written before a query fails are closed and dropped in silence: openpyxl
    prints its writers' tracebacks at exit when a workbook is left unsaved."""
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "01_fine.sql").write_text("SELECT article_id FROM articles")
    (queries / "02_broken.sql").write_text("SELECT no_such_column FROM articles")
    db = build_fixture_db(tmp_path / "f.duckdb")
    script = (
        "import sys; from pathlib import Path; from dedup.report import report\n"
        "try:\n    report(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))\n"
        "except Exception as err:\n    print(type(err).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(db), str(tmp_path / "out"), str(queries)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert done.stdout.strip() == "DedupError" and done.stderr == ""
    assert not (tmp_path / "out" / "report.xlsx").exists()
