"""Stage bookkeeping: which articles each stage has processed, with which settings.

Every stage records in ``meta`` (key ``stage:<name>``) the settings it ran with and the last
run whose articles it has processed. The next run then redoes only the new articles, or
everything when the settings changed; ``stale_articles`` carries the articles whose roles or
alignments changed from ``detect`` to ``attribute``, which may run in a later command.

Reads and leaves: meta, stale_articles. Reads: articles, the temp tables role_updates and
changed_articles. Leaves: the temp table ``new_articles``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import duckdb

from dedup import store


def stage_state(con: duckdb.DuckDBPyConnection, stage: str) -> dict[str, Any] | None:
    """What ``stage`` last recorded: its ``settings`` and the ``through_run`` of the last
    articles it processed (None if it never ran on this database)."""
    row = store.scalar(con, "SELECT value FROM meta WHERE key = ?", [f"stage:{stage}"])
    return json.loads(row) if row else None


def stage_settings(con: duckdb.DuckDBPyConnection, stage: str) -> dict[str, Any]:
    """The settings ``stage`` last ran with on this database ({} if it never ran)."""
    return (stage_state(con, stage) or {}).get("settings", {})


def changed_settings(before: dict[str, Any], now: dict[str, Any], prefix: str = "") -> list[str]:
    """``name: old -> new`` for each setting that differs (nested ones by dotted name), so a
    run that redoes every article because of them can say which."""
    out = []
    for key in sorted(before.keys() | now.keys()):
        old, new = before.get(key), now.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            out += changed_settings(old, new, f"{prefix}{key}.")
        elif old != new:
            out.append(f"{prefix}{key}: {old!r} -> {new!r}")
    return out


def begin_stage(
    con: duckdb.DuckDBPyConnection, stage: str, settings: dict[str, Any], force: bool = False
) -> bool:
    """Create the temp table ``new_articles``: the articles ``stage`` has not processed yet.
    Returns True (and lists every article) when the stage must run in full: it never ran
    on this database, ran with other settings, or ``force``."""
    seen = stage_state(con, stage)
    full = force or seen is None or seen["settings"] != json.loads(json.dumps(settings))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_articles AS SELECT article_id FROM articles "
        + ("" if full else "WHERE run_id > ?"),
        None if full else [seen["through_run"]],
    )
    return full


def cache_database(con: duckdb.DuckDBPyConnection) -> None:
    """Widen DuckDB's budget by the size of the database file for an incremental run.

    Such a run reads a little from nearly every table, and most tables more than once; with
    a buffer pool smaller than the file, DuckDB evicts blocks it needs again a few
    statements later (at 100,000 articles it read 2.9 GB for a 1.4 GB file, and spent 0.4 s
    more in the kernel). A full run streams through its tables and needs the usual budget
    for itself; its Python side holds the large arrays. An explicit DEDUP_DUCKDB_MEMORY
    stands as it is."""
    if "DEDUP_DUCKDB_MEMORY" in os.environ:
        return
    size = store.scalar(con, "SELECT used_blocks * block_size FROM pragma_database_size()")
    con.execute(f"SET memory_limit = '{store.DUCKDB_MEMORY_MB + int(size) // 10**6}MB'")


def finish_stage(con: duckdb.DuckDBPyConnection, stage: str, settings: dict[str, Any]) -> None:
    """Record that ``stage`` has processed every article now stored, with these settings."""
    through = store.scalar(con, "SELECT coalesce(max(run_id), 0) FROM articles")
    value = json.dumps({"settings": settings, "through_run": through}, sort_keys=True)
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [f"stage:{stage}", value])


def mark_stale(con: duckdb.DuckDBPyConnection) -> None:
    """Hand to attribution the articles whose roles (``role_updates``) or alignments
    (``changed_articles``) changed in this detect run. Every role that changed, not only
    ``role_changes`` (those of articles detect saw before): a detect run in full counts every
    article as new to it, while attribution has scanned the old ones with their old roles."""
    con.execute(
        "INSERT INTO stale_articles SELECT article_id, 'roles' FROM role_updates "
        "UNION SELECT article_id, 'alignments' FROM changed_articles"
    )
