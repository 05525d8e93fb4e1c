"""Excel workbooks as input: every sheet a table, bad cells and damaged sheets as rejects."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from conftest import ingest, query
from openpyxl import Workbook


def test_excel_workbook_every_sheet_a_table(tmp_path: Path) -> None:
    """Each sheet's first row names its fields in any case and order; a number id, a date
    cell, a row whose last cells are empty and a blank row are read as a spreadsheet user
    means them; a bad row is a reject located by sheet and row."""
    book = Workbook()
    first = book.active
    first.title = "Kompas"
    first.append(["ID", "Text", "Outlet", "Published"])
    first.append([101, "Judul satu\n\nIsi berita pertama.", "Kompas", datetime(2024, 5, 20, 6, 45)])
    first.append(["a2", "Judul dua\n\nIsi berita kedua."])  # its last cells empty
    first.append([None, None, None, None])  # spreadsheet padding
    first.append(["a3", 12345, "Kompas", None])  # a number where the text goes
    second = book.create_sheet("Wire")
    second.append(["kind", "text", "id"])
    second.append(["wire", "Wire headline\n\nThe wire story.", "w1"])
    path = tmp_path / "corpus.xlsx"
    book.save(path)
    db = tmp_path / "x.duckdb"
    counts = ingest(db, path)
    rows = query(db, "SELECT article_id, outlet, kind, published, title FROM articles ORDER BY 1")
    assert rows == [
        ("101", "Kompas", "outlet", datetime(2024, 5, 20, 6, 45), "Judul satu"),
        ("a2", None, "outlet", None, "Judul dua"),
        ("w1", None, "wire", None, "Wire headline"),
    ]
    [(where, reason)] = query(db, "SELECT source_path, reason FROM rejects")
    assert (where, reason) == (f"{path}[Kompas]:5", "text is not a string")
    assert counts["skipped"] == {"blank sheet row": 1}
    sources = query(db, "SELECT DISTINCT source_path FROM articles ORDER BY 1")
    assert sources == [(f"{path}[Kompas]",), (f"{path}[Wire]",)]


def test_a_damaged_workbook_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    [(reason,)] = query(db, "SELECT reason FROM rejects")
    assert reason.startswith("unreadable Excel file: ")


def test_error_cells_unnamed_columns_and_rows_above_the_header(tmp_path: Path) -> None:
    """A cell showing #N/A makes its row a reject (never an outlet called "#N/A"); a column
    without a name is one more column dedup does not read; blank rows above the header are
    a sheet's margin."""
    book = Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["id", None, "text", None, "outlet"])
    sheet.append(["a1", "note", "Judul\n\nIsi berita.", None, "=NA()"])
    sheet.append(["a2", None, "Judul dua\n\nIsi kedua.", None, "Tempo"])
    path = tmp_path / "in.xlsx"
    book.save(path)
    _set_cached_error(path, "E3", "#N/A")  # as Excel saves a formula that failed
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT article_id, outlet FROM articles") == [("a2", "Tempo")]
    [(where, reason)] = query(db, "SELECT source_path, reason FROM rejects")
    assert (where, reason) == (f"{path}[Sheet]:3", "Excel error value #N/A in the row")


def _set_cached_error(path: Path, ref: str, error: str) -> None:
    """Give the formula cell ``ref`` of the first sheet the cached error value Excel stores."""

    def with_error(xml: bytes) -> bytes:
        text = xml.decode()
        start = text.index(f'<c r="{ref}"')
        end = text.index("</c>", start) + len("</c>")
        return (
            text[:start] + f'<c r="{ref}" t="e"><f>NA()</f><v>{error}</v></c>' + text[end:]
        ).encode()

    _rewrite_sheet(path, with_error)


def _rewrite_sheet(path: Path, edit: Callable[[bytes], bytes]) -> None:
    """The workbook with its first sheet's XML edited."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = edit(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_sheet_cut_short_keeps_its_rows_before_the_cut_and_the_other_inputs(
    tmp_path: Path,
) -> None:
    book = Workbook()
    book.active.append(["id", "text"])
    for i in range(200):
        book.active.append([f"k{i}", f"Judul {i}\n\nIsi berita nomor {i}."])
    path = tmp_path / "cut.xlsx"
    book.save(path)
    _rewrite_sheet(path, lambda xml: xml[: len(xml) // 2])
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": "j1", "text": "Judul lain\\n\\nIsi lain."}\n')
    db = tmp_path / "x.duckdb"
    ingest(db, path, other)
    ids = {row[0] for row in query(db, "SELECT article_id FROM articles")}
    assert "j1" in ids and "k0" in ids and 10 < len(ids) < 200
    [(where, reason)] = query(db, "SELECT source_path, reason FROM rejects")
    assert where == f"{path}[Sheet]" and reason.startswith("unreadable Excel sheet: ")


def test_an_old_xls_or_password_protected_workbook_says_so(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    [(reason,)] = query(db, "SELECT reason FROM rejects")
    assert reason.startswith("an old .xls or a password-protected workbook")
