"""Tabular inputs: CSV, Parquet and Excel (.xlsx) files, one article per row.

Dispatched from :mod:`dedup.readers`, whose record rules they share (reads no table, leaves
none). A CSV record survives a stray quote and is read in the separator of its header; a
Parquet timestamp of any unit is read as text; every sheet of a workbook is a table.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from dedup import first_line
from dedup.decoding import decode, decode_by_line
from dedup.exports import READ
from dedup.readers import (
    Article,
    Reject,
    Skipped,
    _records,
    preview,
    unreadable,
)

#: a table's row as :func:`dedup.readers._records` takes it: (fields, encoding, where)
Row = tuple[dict, str, str]

if TYPE_CHECKING:
    import pyarrow as pa
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet


#: field separators a CSV file may use: a spreadsheet saves "CSV" with semicolons where the
#: decimal mark is a comma (Excel in Indonesian, German, French, ...), and a tab-separated
#: export is often named .csv
SEPARATORS = (",", ";", "\t")
#: the field names dedup reads from a table (README "Input", other tools' exports, a manifest)
KNOWN = {"file", *READ}


def separator(header: str) -> str:
    """The separator that splits the header line into the most field names dedup reads, then
    into the most fields; a comma on a tie. The header decides for the file, not the rows,
    whose text is full of commas and semicolons; the names, not a count, decide a header
    such as ``id,text,topics;places;people``."""

    def names(sep: str) -> tuple[int, int]:
        fields = [f.strip().lower() for f in next(csv.reader([header], delimiter=sep), [])]
        return sum(f in KNOWN for f in fields), len(fields)

    return max(SEPARATORS, key=names)


def csv_records(lines: list[str]) -> Iterator[tuple[int, list[str] | tuple[str, str]]]:
    """(first line number, fields) per CSV record, the header first, in the separator its
    header uses (:func:`separator`) or a first line such as ``sep=;`` names (Excel's way).

    A record the parser fails on (an unterminated quote runs to the end of the file), or one
    that spans several lines with another field count than the header (a stray quote closed
    by a later one), is ``(line, (that line, reason))`` and parsing resumes at the next line:
    one stray quote costs its own record, never the good rows after it. So does a NUL byte
    (binary data or a broken encoding within text). A failing header raises
    :class:`csv.Error` (there is no record boundary to trust).
    """
    # the csv module refuses a field over 131,072 characters, a long article's body; the
    # article limits (``--max-article-chars``) are what bounds a record, after reading
    csv.field_size_limit(sys.maxsize)
    start, width = 0, None
    delimiter = separator(lines[0]) if lines else ","
    if lines and (said := re.fullmatch(r"sep=(.)\r?\n?", lines[0])):  # Excel's own first line
        start, delimiter = 1, said[1]
    while start < len(lines):
        pos = start

        def feed() -> Iterator[str]:
            nonlocal pos
            while pos < len(lines):
                pos += 1
                yield lines[pos - 1]

        reader = csv.reader(feed(), strict=True, delimiter=delimiter)
        while True:
            begin = pos
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                if width is None:
                    raise
                reason = f"malformed CSV row: {err}"
            else:
                nul = any("\x00" in field for field in row)  # binary data, a broken encoding
                if width is None:
                    if nul:
                        raise csv.Error("NUL byte in the header")
                    width = len(row)
                if pos - begin == 1 or len(row) == width:
                    yield begin + 1, (lines[begin], "NUL byte in the CSV row") if nul else row
                    continue
                reason = f"malformed CSV row: a quote left open over {pos - begin} lines"
            yield begin + 1, (lines[begin], reason)
            start = begin + 1
            break


def datetimes_as_text(table: pa.Table) -> pa.Table:
    """Timestamp columns as ISO text: Python datetimes hold neither nanoseconds nor years past
    9999, so each value is parsed (or warned about) by ``readers.parse_published`` instead."""
    import pyarrow as pa

    for i, column in enumerate(table.schema):
        if pa.types.is_timestamp(column.type):
            values = table.column(i)
            if column.type.tz is not None:  # as the instant in UTC: arrow writes an offset
                # without its seconds (Jakarta's +07:07:12 of 1920 as +0707)
                values = values.cast(pa.timestamp(column.type.unit, "UTC"))
            table = table.set_column(i, column.name, values.cast(pa.string()))
    return table


def read_csv_rows(path: Path) -> Iterator[Row | Reject | Skipped]:
    """CSV rows (:func:`table_rows`), in the separator its header uses; a file that is not
    UTF-8 as a whole is decoded line by line, and each row says its own encoding."""
    try:
        raw = path.read_bytes()
        text, encoding = decode(raw, keep_nul=True)
    except OSError as err:
        yield unreadable(path, err)
        return
    except ValueError as err:  # binary
        yield Reject(str(path), "", str(err))
        return
    by_line: str | list[str] = encoding
    if encoding.endswith("(fallback)"):
        text, by_line = decode_by_line(raw)
    try:
        yield from table_rows(str(path), csv_records(io.StringIO(text).readlines()), by_line)
    except csv.Error as err:  # only the header raises: a later record's error is its reject
        yield Reject(str(path), "", f"malformed CSV header: {err}")


def table_rows(
    where: str, records: Iterator[tuple], encoding: str | list[str], kind: str = "CSV"
) -> Iterator[Row | Reject | Skipped]:
    """Rows of a table (a CSV file, a sheet) as (a dict keyed by its header in lower case,
    the encoding, ``where:line``), as :func:`dedup.readers._records` takes them ("Text" is
    the text column); a malformed row is a reject, a blank one (spreadsheet padding)
    skipped. ``records``: (line number, cells or (line, reject reason)); ``encoding``: the
    file's, or each line's (a row takes a fallback any of its lines took)."""
    try:
        header = [str(h or "").strip().lower() for h in next(records)[1]]
    except StopIteration:
        return
    # which of two columns to read is not ours to guess; others (unnamed ones too) are unread
    if twice := sorted({h for h in header if h in KNOWN and header.count(h) > 1}):
        reason = f"{kind} header names a column twice (in any letter case): {', '.join(twice)}"
        yield Reject(where, "", reason)
        return
    for lineno, row in records:
        if isinstance(row, tuple):
            yield Reject(f"{where}:{lineno}", preview(row[0]), row[1])
        elif not any(str(cell).strip() for cell in row if cell is not None):
            yield Skipped(where, f"blank {kind} row")
        elif len(row) != len(header):
            reason = f"malformed {kind} row: expected {len(header)} fields, got {len(row)}"
            yield Reject(f"{where}:{lineno}", preview(",".join(map(str, row))), reason)
        else:
            yield (
                dict(zip(header, row, strict=True)),
                _of(encoding, lineno, row),
                f"{where}:{lineno}",
            )


def _of(encoding: str | list[str], lineno: int, row: list) -> str:
    """A row's encoding: the file's, or the first fallback among the lines it spans (one,
    and one more per line break its quoted fields hold)."""
    if isinstance(encoding, str):
        return encoding
    span = encoding[lineno - 1 : lineno + sum(str(cell).count("\n") for cell in row)]
    return next((e for e in span if e != "utf-8"), "utf-8")


def read_csv(path: Path) -> Iterator[Article | Reject | Skipped]:
    """A CSV (or TSV) file's rows as articles, rejects or skipped blank rows."""
    yield from _records(read_csv_rows(path), str(path))


def read_parquet(path: Path) -> Iterator[Article | Reject]:
    """A Parquet file's rows as articles or rejects (one reject when it cannot be read)."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises several types for broken files
        yield Reject(str(path), "", f"unreadable Parquet file: {err}")
        return
    rows = datetimes_as_text(table).to_pylist()
    yield from _records(((r, "utf-8", f"{path}:{n}") for n, r in enumerate(rows, 1)), str(path))


#: how an OLE2 file opens: an old .xls workbook, or an .xlsx saved with a password
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_xlsx(path: Path) -> Iterator[Article | Reject | Skipped]:
    """Every sheet of an Excel workbook (hidden ones too), each a table whose first non-blank
    row names the fields (:func:`table_rows`); its articles say ``file[sheet]``, its
    rejects ``file[sheet]:row``. Cells are read as stored: a formula's last
    computed value, a date as a date, a number without its display format; a cell showing an
    error (``#N/A``) makes its row a reject. A sheet that fails to read part-way keeps the
    rows read before, and gets its reject."""
    from openpyxl import load_workbook  # 0.1 s to import: only for workbooks

    try:
        with path.open("rb") as fh:
            if fh.read(len(OLE2)) == OLE2:
                reason = (
                    "an old .xls or a password-protected workbook: save it as .xlsx without one"
                )
                yield Reject(str(path), "", reason)
                return
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as err:
        yield unreadable(path, err)
        return
    except Exception as err:  # zip, XML and openpyxl errors: a damaged file, or not a workbook
        yield Reject(str(path), "", f"unreadable Excel file: {first_line(err)}")
        return
    try:
        for sheet in book.worksheets:
            where = f"{path}[{sheet.title}]"
            try:
                yield from _records(_sheet_rows(sheet, where), where)
            except Exception as err:  # the sheet's XML is cut short or damaged
                yield Reject(where, "", f"unreadable Excel sheet: {first_line(err)}")
    finally:
        book.close()


def _sheet_rows(sheet: ReadOnlyWorksheet, where: str) -> Iterator[Row | Reject | Skipped]:
    # a sheet's stated size may reach column XFD (a whole column formatted): every row would
    # then be 16,384 cells wide, 12 times slower to read; each row is read as it is stored
    sheet.reset_dimensions()
    rows = enumerate(sheet.iter_rows(), start=1)
    lineno, header = next(((n, r) for n, r in rows if any(c.value is not None for c in r)), (0, ()))
    names = _fitted([c.value for c in header], 0)
    cells = ((n, _values(row, len(names))) for n, row in rows)
    return table_rows(where, chain([(lineno, names)], cells), "xlsx", kind="sheet")


def _values(row: tuple, width: int) -> list | tuple[str, str]:
    """A row's values as wide as its header, or (the row, reason) when a cell shows an error."""
    values = [c.value for c in row]
    if errors := [c.value for c in row if c.data_type == "e"]:
        shown = ", ".join("" if v is None else str(v) for v in values)
        return shown, f"Excel error value {errors[0]} in the row"
    return _fitted(values, width)


def _fitted(row: list, width: int) -> list:
    """A sheet's row as wide as its header: empty cells past the header are let go, and a row
    whose last cells are empty is padded."""
    cells = row + [None] * (width - len(row))
    while len(cells) > width and cells[-1] is None:
        cells.pop()
    return cells
