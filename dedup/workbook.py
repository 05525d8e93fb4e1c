"""The report's tables as one Excel workbook (``report.xlsx``): a sheet per report query,
after an ``about`` sheet that says what each holds and what Excel's limits cut.

Why a workbook beside the CSV files: Excel opens a double-clicked CSV file in the list
separator and code page of the computer's locale, so where the decimal mark is a comma
(Indonesian, German, French) every row lands in one column, and UTF-8 text shows as
mojibake; a workbook carries its own types and encoding. Numbers, dates and booleans stay
typed; text is text, never a formula, whatever it starts with (article text is written by
strangers: the CSV files prefix such cells with an apostrophe, a typed cell needs none).
Excel holds 32,767 characters in a cell and 1,048,576 rows in a sheet: what is cut is
counted on the ``about`` sheet, and the CSV and Parquet files hold everything. Reads and
leaves no table.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

#: Excel's limits (Microsoft's "Excel specifications and limits")
CELL_CHARS = 32_767
SHEET_ROWS = 1_048_576
TITLE_CHARS = 31
#: characters a sheet title cannot hold
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
ABOUT_COLUMNS = ("sheet", "title", "description", "rows", "rows in sheet", "cells cut")


class ReportBook:
    """A workbook written sheet by sheet as the report's queries run (write-only: rows
    stream to temporary files, so memory does not grow with a sheet), saved to ``path`` when
    its ``with`` block ends well. When it fails, the sheets written so far are closed and
    their files removed (unclosed, openpyxl's writers print tracebacks at exit)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = Workbook(write_only=True)
        self.about = self.book.create_sheet("about")
        self.rows: list[tuple[Any, ...]] = []

    def __enter__(self) -> ReportBook:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self._save(self.path)
            return
        with tempfile.TemporaryDirectory() as scratch, suppress(Exception):
            self._save(Path(scratch) / "discarded.xlsx")

    def add(self, name: str, title: str, description: str, table: pa.Table) -> None:
        """One sheet: a bold header row, then the table's rows as far as Excel holds them."""
        sheet = self.book.create_sheet(self._title(name))
        sheet.append([self._bold(str(column)) for column in table.column_names])
        kept = min(table.num_rows, SHEET_ROWS - 1)
        cut = 0
        for batch in table.slice(0, kept).to_batches(max_chunksize=5_000):
            for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                cells = [_cell(sheet, value) for value in row]
                cut += sum(was_cut for _, was_cut in cells)
                sheet.append([cell for cell, _ in cells])
        self.rows.append((sheet.title, title, description, table.num_rows, kept, cut))

    def _save(self, path: Path) -> None:
        self.about.append([self._bold(column) for column in ABOUT_COLUMNS])
        for row in self.rows:
            self.about.append([cell for cell, _ in (_cell(self.about, v) for v in row)])
        self.book.save(path)

    def _title(self, name: str) -> str:
        """The query's name as a sheet title: Excel's characters and length, and unique."""
        base = _TITLE_BAD.sub("_", name)[:TITLE_CHARS] or "query"
        taken = {title.lower() for title in self.book.sheetnames}
        title, n = base, 1
        while title.lower() in taken:
            n += 1
            title = f"{base[: TITLE_CHARS - len(str(n)) - 1]}~{n}"
        return title

    def _bold(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.about, value=_text(text)[0])
        cell.data_type, cell.font = "s", _BOLD
        return cell


def _text(value: str) -> tuple[str, bool]:
    """Text a cell can hold (no control characters Excel refuses), cut to Excel's limit."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value[:CELL_CHARS], len(value) > CELL_CHARS


def _cell(sheet: Any, value: Any) -> tuple[Any, bool]:
    """(the value as Excel holds it, whether Excel's cell limit cut it): text as a text cell
    (a leading "=" stays text), nested values as JSON text, times with a zone in UTC (Excel
    has no zones), NaN and values Excel has no type for as text."""
    if value is None or isinstance(value, bool | int):
        return value, False
    if isinstance(value, float) and math.isfinite(value):
        return value, False
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None), False
    if isinstance(value, date | time | timedelta | Decimal):
        return value, False
    if isinstance(value, list | dict | tuple):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text, cut = _text(str(value))
    if not text.startswith("="):
        return text, cut
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would write it as a formula
    return cell, cut
