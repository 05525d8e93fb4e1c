"""Ingest stage: store the new articles of the inputs, segmented, and their rejects.

Reads: articles (the ids and content hashes of stored articles). Leaves: new rows in
articles, paragraphs, sentences, units (see :mod:`dedup.segment`) and rejects.

Articles stream from the readers (:mod:`dedup.readers`) in chunks segmented on every core,
so memory stays bounded by a few chunks whatever the corpus size. An article already stored
with the same text is left alone; the same id with another text is a reject.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from dedup import segment, store
from dedup.fingerprint import FingerprintSettings
from dedup.parallel import batched, parallel_map
from dedup.progress import Reporter
from dedup.readers import Article, Reject, read_inputs

#: articles per segmentation chunk: what one worker segments and one insert writes
SEGMENT_CHUNK = 500
#: input records whose ids are looked up in the database at once (not every stored id)
LOOKUP_BLOCK = 10_000

_REJECT_SCHEMA = {
    "source_path": pl.String,
    "record": pl.String,
    "reason": pl.String,
    "run_id": pl.Int32,
}


def ingest(
    con: duckdb.DuckDBPyConnection,
    inputs: list[Path],
    run_id: int,
    rep: Reporter,
    fingerprint: FingerprintSettings,
) -> dict:
    """Store new articles with their paragraphs, sentences and fingerprint units."""
    any_stored = bool(store.scalar(con, "SELECT count(*) FROM articles"))
    seen: dict[str, tuple[str, str]] = {}
    rejects: list[Reject] = []
    counts = {"articles_new": 0, "articles_unchanged": 0}

    def new_articles():
        records = rep.track(
            read_inputs(inputs), "ingesting", status=lambda: f"{len(rejects):,} rejects"
        )
        for block in batched(records, LOOKUP_BLOCK):
            ids = {r.article_id for r in block if isinstance(r, Article)}
            stored = (
                dict(store.article_rows(con, "article_id, content_hash", ids, None))
                if any_stored
                else {}
            )
            for item in block:
                if isinstance(item, Reject):
                    rejects.append(item)
                    continue
                known = stored.get(item.article_id) or (seen.get(item.article_id) or (None,))[0]
                if known == item.content_hash:
                    counts["articles_unchanged"] += 1
                elif known is not None:
                    first = seen.get(item.article_id, (None, "the database"))[1]
                    reason = f"id {item.article_id!r} already has a different text (in {first})"
                    rejects.append(Reject(item.source_path, item.text[:200], reason))
                else:
                    seen[item.article_id] = (item.content_hash, item.source_path)
                    counts["articles_new"] += 1
                    yield item

    rows = partial(segment.segment_articles, settings=fingerprint)
    for frames in parallel_map(rows, batched(new_articles(), SEGMENT_CHUNK)):
        for table, frame in frames.items():
            if table == "articles":
                frame = frame.with_columns(pl.lit(run_id).alias("run_id"))
            store.insert(con, table, frame)
    reject_rows = [r.__dict__ | {"run_id": run_id} for r in rejects]
    store.insert(con, "rejects", pl.DataFrame(reject_rows, schema=_REJECT_SCHEMA))
    return counts | {"rejects": len(rejects)}
