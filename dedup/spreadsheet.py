"""Spreadsheet-safe CSV: every CSV that dedup writes (report tables, ``dedup export``,
``dedup sql --format csv``) goes through here.

Researchers open these files in Excel, LibreOffice or Google Sheets, which run a cell
starting with ``= + - @`` (or a tab or carriage return) as a formula: article text is
written by strangers, so such text cells get a leading apostrophe (OWASP's rule for CSV
injection). Nested values (lists, structs, maps) become JSON text, since CSV has none.
Numbers, booleans, dates and times stay as they are: a negative number is not a formula.
Parquet and DuckDB files stay raw. Reads only the relation it is given; leaves no tables
(one temporary macro on the connection).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import duckdb
import pyarrow as pa

#: DuckDB type ids written as they are: no spreadsheet reads them as a formula
PLAIN = frozenset(
    (
        "tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint",
        "uinteger", "ubigint", "uhugeint", "float", "double", "decimal", "boolean", "date",
        "time", "time with time zone", "timestamp", "timestamp_s", "timestamp_ms",
        "timestamp_ns", "timestamp with time zone",
    )
)  # fmt: skip
NESTED = frozenset({"list", "array", "struct", "map", "union"})
_MACRO = files("dedup").joinpath("data/report/csv_text.sql").read_text(encoding="utf-8")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cell(name: str, type_id: str) -> str:
    """The SQL expression for one column's CSV cells."""
    column = _identifier(name)
    if type_id in PLAIN:
        return column
    if type_id in NESTED:
        return f"csv_text(to_json({column})::VARCHAR)"
    return f"csv_text({column}::VARCHAR)"


def safe_relation(
    con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation
) -> duckdb.DuckDBPyRelation:
    """The relation with every text cell (and header) made safe and nested cells as JSON."""
    con.execute(_MACRO)
    ((names,),) = con.execute(
        "SELECT list_transform(?::VARCHAR[], lambda name: csv_text(name))", [relation.columns]
    ).fetchall()
    cells = [
        f"{_cell(name, type_.id)} AS {_identifier(safe)}"
        for name, type_, safe in zip(relation.columns, relation.types, names, strict=True)
    ]
    return relation.project(", ".join(cells))


def write_csv(
    con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation, path: Path
) -> None:
    """Write the relation as a spreadsheet-safe CSV file with a header row."""
    safe_relation(con, relation).write_csv(str(path), header=True)


def csv_text(table: pa.Table) -> str:
    """A query result as spreadsheet-safe CSV text (for ``dedup sql --format csv``)."""
    con = duckdb.connect(config={"enable_external_access": False})  # only this table
    try:
        return safe_relation(con, con.from_arrow(table)).pl().write_csv()
    finally:
        con.close()
