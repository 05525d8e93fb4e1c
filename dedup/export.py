"""Export: every contract table as one CSV or Parquet file, for spreadsheets and scripts."""

from __future__ import annotations

from pathlib import Path

from dedup import store

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


def export(db: Path, out: Path, fmt: str) -> list[Path]:
    """Write ``<out>/<table>.<fmt>`` for every table; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    options = "(FORMAT csv, HEADER true)" if fmt == "csv" else "(FORMAT parquet)"
    paths = []
    with store.open_db(db, files=True) as con:
        for table in TABLES:
            path = out / f"{table}.{fmt}"
            con.execute(f"COPY {table} TO '{_quote(path)}' {options}")
            paths.append(path)
    return paths


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
