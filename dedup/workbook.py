"""The report's tables as one Excel workbook (``report.xlsx``): a sheet per report query,
after an ``about`` sheet that says what each holds and what Excel's limits cut.

Why a workbook beside the CSV files: Excel opens a double-clicked CSV file in the list
separator and code page of the computer's locale, so where the decimal mark is a comma
(Indonesian, German, French) every row lands in one column, and UTF-8 text shows as
mojibake; a workbook carries its own types and encoding. Numbers, dates and booleans stay
typed; text is text, never a formula, whatever it starts with (article text is written by
strangers: the CSV files prefix such cells with an apostrophe, a typed cell needs none).
Excel holds 32,767 characters in a cell, 1,048,576 rows in a sheet, 15 digits in a number
and no date before 1900: what is cut is counted on the ``about`` sheet, longer numbers
(64-bit hash ids) and older dates are written as text, and the CSV and Parquet files hold
everything as it is. Reads and leaves no table.
"""

from __future__ import annotations

import json
import math
import os
import re
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

#: Excel's limits (Microsoft's "Excel specifications and limits")
CELL_CHARS = 32_767  # counted in UTF-16 units, as Excel counts
SHEET_ROWS = 1_048_576
TITLE_CHARS = 31
DIGITS = 15
#: characters a sheet title cannot hold, and titles Excel keeps for itself
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
_TITLES_TAKEN = {"history"}
#: characters XML 1.0 (the file format) cannot hold
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOLD = Font(bold=True)
ABOUT_COLUMNS = ("sheet", "title", "description", "rows", "rows in sheet", "cells cut")


class ReportBook:
    """A workbook written sheet by sheet as the report's queries run (write-only: rows
    stream to temporary files, so memory does not grow with a sheet), saved to ``path`` when
    its ``with`` block ends well."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = Workbook(write_only=True)
        self.about = self.book.create_sheet("about")
        self.rows: list[tuple[Any, ...]] = []

    def __enter__(self) -> ReportBook:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """Save next to ``path`` and move the file into place: a failure (a full disk, a
        Ctrl-C) leaves the old workbook as it was. After a failed query the sheets are saved
        and thrown away all the same: saving is what removes their temporary files, and a
        sheet left unclosed prints its writer's traceback at exit."""
        partial = self.path.with_name(f".{self.path.name}.partial")
        try:
            self._save(partial)
            if kind is None:
                os.replace(partial, self.path)
        except BaseException:
            for sheet in self.book.worksheets:  # left open, they print tracebacks at exit
                with suppress(BaseException):
                    sheet.close()
            if kind is None:
                raise
        finally:
            partial.unlink(missing_ok=True)

    def add(self, name: str, title: str, description: str, table: pa.Table) -> None:
        """One sheet: a bold header row, then the table's rows as far as Excel holds them."""
        sheet = self.book.create_sheet(self._title(name))
        sheet.append([_bold(sheet, str(column)) for column in table.column_names])
        kept = min(table.num_rows, SHEET_ROWS - 1)
        cut, text = 0, _text_columns(table)
        for batch in table.slice(0, kept).to_batches(max_chunksize=5_000):
            columns = [_values(c, as_text=i in text) for i, c in enumerate(batch.columns)]
            for row in zip(*columns, strict=True):
                cells = [_cell(sheet, value) for value in row]
                cut += sum(was_cut for _, was_cut in cells)
                sheet.append([cell for cell, _ in cells])
        self.rows.append((sheet.title, title, description, table.num_rows, kept, cut))

    def _save(self, path: Path) -> None:
        self.about.append([_bold(self.about, column) for column in ABOUT_COLUMNS])
        for row in self.rows:
            self.about.append([cell for cell, _ in (_cell(self.about, v) for v in row)])
        self.book.save(path)

    def _title(self, name: str) -> str:
        """The query's name as a sheet title: Excel's characters and length, and unique."""
        base = _XML_BAD.sub("", _TITLE_BAD.sub("_", name))[:TITLE_CHARS].strip("'") or "query"
        taken = {title.lower() for title in self.book.sheetnames} | _TITLES_TAKEN
        title, n = base, 1
        while title.lower() in taken:
            n += 1
            title = f"{base[: TITLE_CHARS - len(str(n)) - 1]}~{n}"
        return title


def _bold(sheet: Any, text: str) -> WriteOnlyCell:
    """A header cell of ``sheet``."""
    cell = WriteOnlyCell(sheet, value=_text(text)[0])
    cell.data_type, cell.font = "s", _BOLD
    return cell


def _text_columns(table: pa.Table) -> set[int]:
    """The numeric columns written as text: those with a value of more than 15 digits (a
    64-bit hash id), so that one column is not part text and part rounded numbers. A
    decimal counts its digits after the point too; DuckDB's sums are DECIMAL(38, 0), and
    stay numbers while they hold 15 digits or fewer."""
    out = set()
    for i, column in enumerate(table.columns):
        kind = column.type
        decimal = pa.types.is_decimal(kind)
        if (decimal or pa.types.is_integer(kind)) and column.null_count < len(column):
            low, high = pc.min_max(column).values()
            largest = max(abs(low.as_py()), abs(high.as_py())) * 10 ** (
                kind.scale if decimal else 0
            )
            if largest >= 10**DIGITS:
                out.add(i)
    return out


def _values(column: pa.Array, as_text: bool) -> list:
    """A column's values; as text when asked, or when Python has no type for them (a date
    past 9999, DuckDB's infinite dates, nanoseconds)."""
    if not as_text:
        try:
            return column.to_pylist()
        except (OverflowError, ValueError):
            pass
    return column.cast(pa.string()).to_pylist()


def _text(value: str) -> tuple[str, bool]:
    """Text a cell can hold (no character XML refuses), cut to Excel's limit."""
    value = _XML_BAD.sub("", value)
    if len(value) <= CELL_CHARS // 2:  # within the limit however many units it takes
        return value, False
    units = value.encode("utf-16-le")
    if len(units) <= 2 * CELL_CHARS:
        return value, False
    return units[: 2 * CELL_CHARS].decode("utf-16-le", "ignore"), True


def _cell(sheet: Any, value: Any) -> tuple[Any, bool]:
    """(the value as Excel holds it, whether Excel's cell limit cut it). Numbers, dates and
    times stay typed, within Excel's range: a number of more than 15 digits (a 64-bit hash
    id) or a date before 1900 is text. Times with a zone are in UTC (Excel has no zones),
    nested values JSON text; text is a text cell, also where it starts like a formula (=) or
    an error code (#N/A)."""
    if value is None or isinstance(value, bool):
        return value, False
    if isinstance(value, int) and abs(value) < 10**DIGITS:
        return value, False
    if isinstance(value, float) and math.isfinite(value):
        return value, False
    if isinstance(value, Decimal) and value.is_finite() and len(value.as_tuple().digits) <= DIGITS:
        return value, False
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if (isinstance(value, date) and value.year >= 1900) or isinstance(value, timedelta):
        return value, False
    if isinstance(value, time) and value.tzinfo is None:
        return value, False
    if isinstance(value, list | dict | tuple):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text, cut = _text(str(value))
    if not text.startswith(("=", "#")):
        return text, cut
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would write a formula or an error value
    return cell, cut
