"""Ingest stage: store the new articles of the inputs, segmented, and their rejects.

Reads: articles (the ids and content hashes of stored articles), rejects (a rerun records
none twice, and clears those of the files it read again that no longer hold). Leaves: new
rows in articles, paragraphs, sentences, units (see :mod:`dedup.segment`) and rejects; the
run's counts say how many records were skipped as no article, and why.

Articles stream from the readers (:mod:`dedup.readers`) in chunks segmented on every core,
so memory stays bounded by a few chunks whatever the corpus size. An article already stored
with the same text is left alone; the same id with another text is a reject.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from dedup import segment, store
from dedup.fingerprint import FingerprintSettings
from dedup.folders import MANIFEST, read_in_folder
from dedup.limits import ArticleLimit
from dedup.parallel import batched, parallel_map
from dedup.progress import Reporter
from dedup.readers import WARNING, Article, Reject, Skipped, read_inputs

#: articles per segmentation chunk: what one worker segments and one insert writes (on the
#: 100k bench corpus 2,000 ingest in 23.1 s against 24.5 s for 500, 23.4 s for 1,000 and
#: 24.0 s for 5,000: fewer inserts and hand-overs, and still a few chunks per worker)
SEGMENT_CHUNK = 2000
#: the first chunks are smaller (250, 500, 1,000): an incremental run of 1,000 articles then
#: segments on both cores, not in one chunk on one (0.2 s of its 0.8 s ingest)
SEGMENT_START = 250
#: input records whose ids are looked up in the database at once (not every stored id)
LOOKUP_BLOCK = 10_000

_REJECT_SCHEMA = {
    "source_path": pl.String,
    "record": pl.String,
    "reason": pl.String,
    "run_id": pl.Int32,
}


#: metadata compared when an article comes again with the same text
_META = "outlet, kind, published"


def _kept_metadata(item: Article, stored: tuple) -> list[Reject]:
    """A warning when the same id and text come with other metadata: the stored values are
    kept (the stages computed from them are not redone), and the warning names them."""
    new = (item.outlet, item.kind, item.published)
    changed = [
        f"{name} {_shown(old)} (not {_shown(value)})"
        for name, old, value in zip(_META.split(", "), stored, new, strict=True)
        if old != value
    ]
    if not changed:
        return []
    reason = f"{WARNING}same id and text with other metadata: kept the stored " + ", ".join(changed)
    return [Reject(item.place, item.article_id, reason)]


def _shown(value: object) -> str:
    """A stored value as a researcher writes it: '2024-01-02T00:00:00', 'Kompas', none."""
    if value is None:
        return "none"
    return repr(value.isoformat() if isinstance(value, datetime) else value)


#: where in its file a reject's record is: ":line", "[sheet]:row", "@offset" (Article.place)
_PLACE = re.compile(r"(?:\[[^\]]*\])?(?::\d+)?(?:@\d+)?$")


def _clear_stale_rejects(
    con: duckdb.DuckDBPyConnection, inputs: list[Path], fresh: pl.DataFrame
) -> int:
    """Delete the stored rejects of the files this run read again that it did not give
    again: they no longer hold (a manifest row naming a file since added, a record since
    mended), and a rebuild from these inputs would not have them. A file read in another
    run keeps its rejects. Returns how many went."""
    files = {str(p) for p in inputs if not p.is_dir()}
    folders = {str(p) for p in inputs if p.is_dir()}

    def read_again(source_path: str | None) -> bool:
        file = _PLACE.sub("", source_path or "", count=1)
        parent, name = str(Path(file).parent), Path(file).name
        return file in files or (parent in folders and (name == MANIFEST or read_in_folder(name)))

    again = set(fresh.select("source_path", "record", "reason").iter_rows())
    stale = [
        row
        for row in con.execute(
            "SELECT DISTINCT source_path, record, reason FROM rejects"
        ).fetchall()
        if row not in again and read_again(row[0])
    ]
    if stale:
        gone = pl.DataFrame(stale, schema=["source_path", "record", "reason"], orient="row")
        with store.registered(con, gone=gone):
            con.execute(
                "DELETE FROM rejects AS r USING gone AS g "
                "WHERE r.source_path IS NOT DISTINCT FROM g.source_path "
                "AND r.record IS NOT DISTINCT FROM g.record AND r.reason = g.reason"
            )
    return len(stale)


def ingest(
    con: duckdb.DuckDBPyConnection,
    inputs: list[Path],
    run_id: int,
    rep: Reporter,
    fingerprint: FingerprintSettings,
    limit: ArticleLimit | None = None,
    follow_links: bool = False,
) -> dict:
    """Store new articles with their paragraphs, sentences and fingerprint units."""
    limit = limit or ArticleLimit()
    stored_before = store.scalar(con, "SELECT count(*) FROM articles")
    any_stored = bool(stored_before)
    named: set[str] = set()  # stored articles this input names again (others: "not in input")
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
            stored, stored_meta = {}, {}
            if any_stored:  # on the feeder's own cursor: the main thread inserts meanwhile
                rows = store.article_rows(
                    lookup, f"article_id, content_hash, source_path, {_META}", ids, None
                )
                stored = {aid: (digest, path) for aid, digest, path, *_ in rows}
                stored_meta = {row[0]: tuple(row[3:]) for row in rows}
            for item in block:
                if isinstance(item, Skipped):
                    skipped[item.reason] = skipped.get(item.reason, 0) + 1
                    continue
                if isinstance(item, Reject):
                    rejects.append(item)
                    continue
                if too_large := limit.reason(item.text):
                    rejects.append(Reject(item.place, item.text[:200], too_large))
                    continue
                rejects.extend(
                    Reject(item.place, item.article_id, WARNING + w) for w in item.warnings
                )
                known, first = (
                    stored.get(item.article_id)
                    or seen.get(item.article_id)
                    or (
                        None,
                        None,
                    )
                )
                if item.article_id in stored:
                    named.add(item.article_id)
                if item.article_id in this_input and known == item.content_hash:
                    # a second record of the id in this run: the first one is kept
                    first = this_input[item.article_id]
                    reason = f"duplicate id in input: {item.article_id!r} (first in {first})"
                    rejects.append(Reject(item.place, item.text[:200], reason))
                elif known == item.content_hash:
                    this_input[item.article_id] = item.source_path
                    counts["articles_unchanged"] += 1
                    if item.article_id in stored_meta:
                        rejects.extend(_kept_metadata(item, stored_meta[item.article_id]))
                elif known is not None:
                    # the first text's file, stored or not: a rerun gives the same reject
                    reason = f"id {item.article_id!r} already has a different text (in {first})"
                    rejects.append(Reject(item.place, item.text[:200], reason))
                else:
                    this_input[item.article_id] = item.source_path
                    seen[item.article_id] = (item.content_hash, item.source_path)
                    counts["articles_new"] += 1
                    yield item

    rows = partial(segment.segment_articles, settings=fingerprint)
    for frames in parallel_map(rows, batched(new_articles(), SEGMENT_CHUNK, SEGMENT_START)):
        for table, frame in frames.items():
            if table == "articles":
                frame = frame.with_columns(pl.lit(run_id).alias("run_id"))
            store.insert(con, table, frame)
    lookup.close()
    reject_rows = [r.__dict__ | {"run_id": run_id} for r in rejects]
    new = pl.DataFrame(reject_rows, schema=_REJECT_SCHEMA)
    counts["rejects_cleared"] = _clear_stale_rejects(con, inputs, new)
    with store.registered(con, new_rejects=new):  # a rerun records no reject twice
        con.execute(store.sql_text("new_rejects.sql"))
    # stored articles this input does not name stay stored (and in every result): counted
    counts["articles_not_in_input"] = stored_before - len(named) if inputs else 0
    warned = sum(r.reason.startswith(WARNING) for r in rejects)
    counts |= {"rejects": len(rejects) - warned} | ({"warnings": warned} if warned else {})
    return counts | ({"skipped": skipped} if skipped else {})
