"""Tabular input helpers: CSV records that survive a stray quote, Parquet timestamps of any unit.

Used by :mod:`dedup.readers` (reads no table, leaves none): kept apart so that the readers
module stays one screenful per format.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


#: field separators a CSV file may use: a spreadsheet saves "CSV" with semicolons where the
#: decimal mark is a comma (Excel in Indonesian, German, French, ...), and a tab-separated
#: export is often named .csv
SEPARATORS = (",", ";", "\t")


def separator(header: str) -> str:
    """The separator the header line holds most of outside quotes; a comma on a tie (a
    one-column header). A column name holds none of them, so the header decides for the file
    without guessing from the rows, whose text is full of commas and semicolons."""
    bare = re.sub(r'"[^"]*"', "", header)
    return max(SEPARATORS, key=bare.count)


def csv_records(lines: list[str]) -> Iterator[tuple[int, list[str] | tuple[str, str]]]:
    """(first line number, fields) per CSV record, the header first, in the separator its
    header uses (:func:`separator`).

    A record the parser fails on (an unterminated quote runs to the end of the file), or one
    that spans several lines with another field count than the header (a stray quote closed
    by a later one), is ``(line, (that line, reason))`` and parsing resumes at the next line:
    one stray quote costs its own record, never the good rows after it. A failing header
    raises :class:`csv.Error` (there is no record boundary to trust).
    """
    # the csv module refuses a field over 131,072 characters, a long article's body; the
    # article limits (``--max-article-chars``) are what bounds a record, after reading
    csv.field_size_limit(sys.maxsize)
    start, width = 0, None
    delimiter = separator(lines[0]) if lines else ","
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
                if width is None:
                    width = len(row)
                if pos - begin == 1 or len(row) == width:
                    yield begin + 1, row
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
            table = table.set_column(i, column.name, table.column(i).cast(pa.string()))
    return table
