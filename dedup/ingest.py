"""Ingest stage: store the new articles of the inputs, segmented, and their rejects.

Reads: articles (the ids and content hashes of stored articles). Leaves: new rows in
articles, paragraphs, sentences, units (see :mod:`dedup.segment`) and rejects; the run's
counts say how many records were skipped as no article, and why.

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
from dedup.readers import WARNING, Article, Reject, Skipped, read_inputs

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
    follow_links: bool = False,
) -> dict:
    """Store new articles with their paragraphs, sentences and fingerprint units."""
    any_stored = bool(store.scalar(con, "SELECT count(*) FROM articles"))
    # stored articles are looked up while chunks are segmented and inserted: the lookups run
    # in the worker pool's feeder thread, which must not share the inserting connection
    # (stored articles are committed ones; this run's own are in `seen`)
    lookup = con.cursor()
    seen: dict[str, tuple[str, str]] = {}
    this_input: dict[str, str] = {}  # id -> file of its first record in this run's inputs
    rejects: list[Reject] = []
    counts = {"articles_new": 0, "articles_unchanged": 0}
    skipped: dict[str, int] = {}  # records that are no article (a WARC's images, errors)

    def new_articles():
        records = rep.track(
            read_inputs(inputs, follow_links),
            "ingesting",
            status=lambda: f"{len(rejects):,} rejects",
        )
        for block in batched(records, LOOKUP_BLOCK):
            ids = {r.article_id for r in block if isinstance(r, Article)}
            stored = {}
            if any_stored:  # on the feeder's own cursor: the main thread inserts meanwhile
                rows = store.article_rows(
                    lookup, "article_id, content_hash, source_path", ids, None
                )
                stored = {aid: (digest, path) for aid, digest, path in rows}
            for item in block:
                if isinstance(item, Skipped):
                    skipped[item.reason] = skipped.get(item.reason, 0) + 1
                    continue
                if isinstance(item, Reject):
                    rejects.append(item)
                    continue
                rejects.extend(
                    Reject(item.source_path, item.article_id, WARNING + w) for w in item.warnings
                )
                known, first = (
                    stored.get(item.article_id)
                    or seen.get(item.article_id)
                    or (
                        None,
                        None,
                    )
                )
                if item.article_id in this_input and known == item.content_hash:
                    # a second record of the id in this run: the first one is kept
                    reason = f"duplicate id in input (first in {this_input[item.article_id]})"
                    rejects.append(Reject(item.source_path, item.text[:200], reason))
                elif known == item.content_hash:
                    this_input[item.article_id] = item.source_path
                    counts["articles_unchanged"] += 1
                elif known is not None:
                    # the first text's file, stored or not: a rerun gives the same reject
                    reason = f"id {item.article_id!r} already has a different text (in {first})"
                    rejects.append(Reject(item.source_path, item.text[:200], reason))
                else:
                    this_input[item.article_id] = item.source_path
                    seen[item.article_id] = (item.content_hash, item.source_path)
                    counts["articles_new"] += 1
                    yield item

    rows = partial(segment.segment_articles, settings=fingerprint)
    for frames in parallel_map(rows, batched(new_articles(), SEGMENT_CHUNK)):
        for table, frame in frames.items():
            if table == "articles":
                frame = frame.with_columns(pl.lit(run_id).alias("run_id"))
            store.insert(con, table, frame)
    lookup.close()
    reject_rows = [r.__dict__ | {"run_id": run_id} for r in rejects]
    new = pl.DataFrame(reject_rows, schema=_REJECT_SCHEMA)
    with store.registered(con, new_rejects=new):  # a rerun records no reject twice
        con.execute(store.sql_text("new_rejects.sql"))
    warned = sum(r.reason.startswith(WARNING) for r in rejects)
    counts |= {"rejects": len(rejects) - warned} | ({"warnings": warned} if warned else {})
    return counts | ({"skipped": skipped} if skipped else {})
