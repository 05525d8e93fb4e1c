"""The Python API: what the command line does, as functions (``from dedup import ...``).

    import dedup
    dedup.run(["corpus"], "reports/syndication.duckdb")
    frame = dedup.query("reports/syndication.duckdb", "SELECT * FROM article_derivation")
    provenance = dedup.trace("reports/syndication.duckdb", "001_5718ed46a52a3cac")

The command line (:mod:`dedup.cli`) only parses options and calls these.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from dedup import pipeline, store
from dedup.pipeline import STAGES, Settings


def run(
    inputs: list[str | Path] | str | Path,
    db: str | Path,
    settings: Settings | None = None,
    quiet: bool = True,
    stages: tuple[str, ...] = STAGES,
    follow_links: bool = False,
) -> dict[str, Any]:
    """Ingest ``inputs`` into the database ``db`` and run the given stages (every stage by
    default; incremental). Returns the run's counts and stage timings. ``follow_links``: read
    symlinks of an input folder that lead outside it (refused by default)."""
    if settings is not None and not isinstance(settings, Settings):
        raise TypeError(f"settings must be dedup.Settings, not {type(settings).__name__}")
    command = "run" if tuple(stages) == STAGES else "+".join(stages)
    # one path is one input ("corpus" was read as the inputs "c", "o", "r", ...)
    paths = [Path(inputs)] if isinstance(inputs, str | Path) else [Path(p) for p in inputs]
    return pipeline.run(paths, Path(db), settings, quiet, stages, command, follow_links)


def query(db: str | Path, sql: str, params: list | None = None) -> pl.DataFrame:
    """The result of a read-only SQL query on the database, as a polars frame."""
    if not isinstance(sql, str):
        raise TypeError(f"sql must be text, not {type(sql).__name__}")
    with store.open_db(Path(db)) as con:
        return store.frame(con, sql, params)


def trace(db: str | Path, article_id: str) -> dict[str, Any]:
    """One article's provenance, paragraph by paragraph (LookupError for an unknown id)."""
    from dedup import provenance

    if not isinstance(article_id, str):
        raise TypeError(f"article_id must be text, not {type(article_id).__name__}")
    with store.open_db(Path(db)) as con:
        return provenance.trace(con, article_id)
