"""CSV and TSV tables: the separator a header uses, one encoding per row, and a bad row
costing only itself (a stray quote, a wrong field count, a NUL byte)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import ingest, query


def test_csv_header_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    """ "text" and "Text" are one column once letter case is ignored: which to read is not
    ours to guess; two "Note" columns dedup does not read are no question."""
    (tmp_path / "in.csv").write_text("id,text,Text\na1,Isi berita lengkap.,Ringkasan saja\n")
    (tmp_path / "notes.csv").write_text("id,text,Note,note\nb1,Isi berita lengkap.,x,y\n")
    db = tmp_path / "x.duckdb"
    ingest(db, tmp_path / "in.csv", tmp_path / "notes.csv")
    assert query(db, "SELECT article_id FROM articles") == [("b1",)]
    [(reason,)] = query(db, "SELECT reason FROM rejects")
    assert reason == "CSV header names a column twice (in any letter case): text"


@pytest.mark.parametrize("sep", [";", "\t"])
def test_csv_in_the_separator_its_header_uses(tmp_path: Path, sep: str) -> None:
    """Excel in a decimal-comma locale (Indonesian, German) saves "CSV" with semicolons, and a
    tab-separated export is often named .csv: the header's separator is the file's, and the
    commas and semicolons inside the text stay text."""
    text = "Judul; subjudul\n\nIsi berita, dengan koma; dan titik koma."
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)
    writer.writerows([["ID", "Text", "Outlet"], ["a1", text, "Kompas"], ["a2", text + "!", ""]])
    table = tmp_path / ("in.csv" if sep == ";" else "in.tsv")
    table.write_text(out.getvalue(), encoding="utf-8")
    (tmp_path / "a.txt").write_text("Judul\n\nIsi berita pertama yang cukup panjang.\n")
    (tmp_path / "manifest.csv").write_text(f"file{sep}outlet\na.txt{sep}Tempo, Jakarta\n")
    db = tmp_path / "x.duckdb"
    ingest(db, table, tmp_path)
    rows = query(db, "SELECT article_id, outlet, text FROM articles ORDER BY 1")
    assert rows == [
        ("a", "Tempo, Jakarta", "Judul\n\nIsi berita pertama yang cukup panjang.\n"),
        ("a1", "Kompas", text),
        ("a2", None, text + "!"),
    ]
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]


@pytest.mark.parametrize(
    ("data", "outlet"),
    [
        # more semicolons than commas, but the comma splits off the names dedup reads
        ('id,text,topics;places;people;orgs\na1,"Judul\n\nIsi, dengan koma.",x;y;z;w\n', None),
        # Excel's own first line names the separator
        ('sep=;\nid;text;outlet\na1;"Judul\n\nIsi, dengan koma.";Kompas\n', "Kompas"),
    ],
)
def test_the_header_names_not_the_count_decide_the_separator(
    tmp_path: Path, data: str, outlet: str | None
) -> None:
    (tmp_path / "in.csv").write_text(data, encoding="utf-8")
    db = tmp_path / "x.duckdb"
    ingest(db, tmp_path / "in.csv")
    rows = query(db, "SELECT article_id, outlet, text FROM articles")
    assert rows == [("a1", outlet, "Judul\n\nIsi, dengan koma.")]
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]


def test_malformed_csv_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('id,text\nok,"Fine title\n\nFine body."\nbad,too,many,fields\n')
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT article_id FROM articles") == [("ok",)]
    (reason,) = query(db, "SELECT reason FROM rejects")[0]
    assert "expected 2 fields, got 4" in reason


def test_blank_csv_rows_are_counted_not_dropped(tmp_path: Path) -> None:
    """Rows of empty cells (a spreadsheet saved with padding) hold no record: counted as
    skipped in runs.counts, as a WARC's image records are, neither articles nor rejects."""
    path = tmp_path / "in.csv"
    path.write_text('id,text,outlet\n,,\nok,"Fine title\n\nFine body.",X\n"","",""\n  ,  ,  \n')
    counts = ingest(tmp_path / "x.duckdb", path)
    assert (counts["articles_new"], counts["rejects"]) == (1, 0)
    assert counts["skipped"] == {"blank CSV row": 3}


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
@pytest.mark.parametrize("first", [b"", b"sep=,"])
def test_a_cp1252_row_leaves_the_utf8_rows_of_a_csv_as_written(
    tmp_path: Path, newline: bytes, first: bytes
) -> None:
    """A file that is not UTF-8 as a whole is decoded line by line: a row pasted from a
    cp1252 file (its byte on the second line of a quoted text) is read as cp1252, and the
    UTF-8 rows around it keep their letters and their encoding."""
    lines = [
        *([first] if first else []),
        b"id,text,outlet",
        '"u1","Judul\n\ncaf\u00e9 \u201cquote\u201d",K\u00f6mpas'.encode(),
        b'"w1","Judul dua',
        b"",
        b'caf\xe9 dua",Tempo',
        '"u2","Judul tiga",K\u00f6mpas'.encode(),
    ]
    path = tmp_path / "mixed.csv"
    path.write_bytes(newline.join(lines) + newline)
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT article_id, outlet, encoding, text FROM articles ORDER BY 1") == [
        ("u1", "K\u00f6mpas", "utf-8", "Judul\n\ncaf\u00e9 \u201cquote\u201d"),
        ("u2", "K\u00f6mpas", "utf-8", "Judul tiga"),
        ("w1", "Tempo", "cp1252 (fallback)", "Judul dua\n\ncaf\u00e9 dua"),
    ]
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]


def test_a_nul_byte_costs_its_row_not_the_file(tmp_path: Path) -> None:
    """A NUL byte inside one row (a fragment of binary data, a broken encoding) is that row's
    reject; the rows around it, one spanning lines included, land. A NUL in the header, or a
    file of mostly control bytes, is still the file's reject."""
    rows = [
        b"id,text,outlet",
        b'a1,"Judul\n\nBanjir melanda Jakarta pada Senin.",Kompas',
        b'a2,"Harga beras naik \x00\x00 lagi.",Tempo',
        b'a3,"Judul tiga\n\nPresiden meresmikan jembatan baru.",Antara',
    ]
    (tmp_path / "rows.csv").write_bytes(b"\n".join(rows) + b"\n")
    (tmp_path / "header.csv").write_bytes(b"id,te\x00xt\n" + b"\n".join(rows[1:2] * 40) + b"\n")
    (tmp_path / "image.csv").write_bytes(b"id,text\n" + bytes(range(32)) * 64)
    db = tmp_path / "x.duckdb"
    ingest(db, *(tmp_path / name for name in ("rows.csv", "header.csv", "image.csv")))
    assert query(db, "SELECT article_id FROM articles ORDER BY 1") == [("a1",), ("a3",)]
    assert query(db, "SELECT source_path, reason FROM rejects ORDER BY 1") == [
        (str(tmp_path / "header.csv"), "malformed CSV header: NUL byte in the header"),
        (str(tmp_path / "image.csv"), "binary file (control characters)"),
        (f"{tmp_path / 'rows.csv'}:5", "NUL byte in the CSV row"),
    ]
