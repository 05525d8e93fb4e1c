"""Export: every contract table as one CSV or Parquet file, for spreadsheets and scripts.

CSV cells are made spreadsheet-safe (``dedup.spreadsheet``); Parquet stays raw. Reads the
contract tables; leaves no tables, only files in the output folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from dedup import DedupError, first_line, spreadsheet, store

#: the contract tables (README "Schema"), one exported file each
TABLES = (
    "articles",
    "paragraphs",
    "alignments",
    "clusters",
    "attributions",
    "article_derivation",
    "article_pairs",
    "quotes",
    "quote_trails",
    "image_credits",
    "rejects",
    "runs",
)


def output_folder(out: Path) -> Path:
    """Make ``out`` (and its parents), or one line saying why it cannot hold our files.

    A path that is a file, lies under a file, or is not writable is refused before any
    work, so that an export or a report never stops half-way through with a traceback.
    """
    store.require_utf8(out, "cannot write to")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out):
            pass
    except FileExistsError:
        raise DedupError(f"cannot write to {out}: it is a file, not a folder") from None
    except OSError as err:
        raise DedupError(f"cannot write to {out}: {err.strerror or err}") from None
    return out


def export(db: Path, out: Path, fmt: str) -> list[Path]:
    """Write ``<out>/<table>.<fmt>`` for every table; returns the paths written."""
    output_folder(out)
    paths = []
    with store.open_db(db, files=True) as con:
        for table in TABLES:
            path = out / f"{table}.{fmt}"
            try:
                if fmt == "csv":
                    spreadsheet.write_csv(con, con.table(table), path)
                else:
                    con.execute(f"COPY {table} TO '{_quote(path)}' (FORMAT parquet)")
            except (duckdb.IOException, OSError) as err:
                raise DedupError(f"cannot write {path}: {first_line(err)}") from None
            paths.append(path)
    return paths


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
