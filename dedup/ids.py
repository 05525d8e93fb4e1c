"""Content-derived ids: an id depends on what a row says, never on when it was added.

Incremental runs must leave every contract table as one full run over the same input would
(README "Ids"). A counter (``max(id) + 1``) or a dense rank over all rows cannot promise
that: the first numbers rows in the order runs happened to see them, the second renumbers
old rows whenever a new one sorts before them, so an id a researcher wrote down would
silently point elsewhere. An id here is the first 63 bits of a BLAKE2b digest of the row's
identifying content: a positive BIGINT (the contract type), identical whichever run made the
row, independent of input order and of library versions (polars' and DuckDB's own hash
functions are not promised stable across releases). Two distinct keys share an id with
probability about n² / 2⁶⁴ (below 10⁻⁷ for a million alignments); the tables' primary keys
would refuse such a pair loudly rather than merge them.

Reads and leaves no tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import polars as pl

_SEPARATOR = "\x1f"  # the ASCII unit separator: never part of an id or an offset


def stable_id(parts: Iterable[object]) -> int:
    """A positive 63-bit id of the parts (their text, joined by a separator)."""
    key = _SEPARATOR.join(str(p) for p in parts).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") >> 1


def stable_ids(frame: pl.DataFrame, columns: list[str], name: str) -> pl.Series:
    """The stable id of each row of ``frame`` from ``columns``, as an Int64 series ``name``."""
    return pl.Series(
        name, [stable_id(row) for row in frame.select(columns).iter_rows()], dtype=pl.Int64
    )


#: what identifies an alignment: both spans (paragraph ids carry the article ids) and its kind
ALIGNMENT_KEY = [
    "source_paragraph_id", "source_start", "source_end",
    "target_paragraph_id", "target_start", "target_end", "match_kind",
]  # fmt: skip


def with_alignment_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (alignments rows without an id) with ``alignment_id`` first."""
    return frame.insert_column(0, stable_ids(frame, ALIGNMENT_KEY, "alignment_id"))
