"""Attribution stage: which wire service or outlet each paragraph derives from, and why.

Reads: articles, paragraphs, alignments, stale_articles (emptied once read), the temp
tables new_articles, role_updates and article_order (made when detect did not run in this
command). Leaves: attributions, image_credits, quotes and quote_trails (with quote_keys and
quote_edges, see :mod:`dedup.quotes`), and its ``meta`` row (:mod:`dedup.state`).

Sources are names of the lexicon (:mod:`dedup.lexicon`); cues are the patterns of
:mod:`dedup.cues`. Each attribution row carries its evidence and a confidence:

- explicit: a cue in the paragraph itself (body or headline). Evidence is the cue as it
  stands in articles.text (cue_start, cue_end); confidence is the cue's own, from its line
  in the cue file (0.95 for a "(Reuters) -" dateline, 0.8 for "menurut laporan X").
- inherited: a lede cue (in the first body paragraph of at least LEDE_MIN_WORDS words, or the
  next one when the segmenter took a title or standfirst for the lede) or a footer cue (in
  the last half of the article, any role but caption) covers every other body paragraph
  without an explicit cue: cue confidence * INHERIT_FACTOR, since outlets mix their own
  material into what they take.
- propagated: the paragraph is aligned (not same_outlet) with a paragraph of another article
  that has an explicit attribution: that confidence * score / 100 * the share of the
  paragraph its alignments with that article cover together (a shared phrase is weak
  evidence for a whole paragraph), evidence "alignment N with ARTICLE (score S, P% of the
  paragraph)" and alignment_id. A quote trail shared with such a paragraph
  propagates too, at that confidence * TRAIL_FACTOR (evidence "quote trail N"): a quote may
  come from a press conference that every agency attended.
- matched: the paragraph is aligned with an article of kind wire: the source is that wire's
  outlet (canonicalised by the lexicon), confidence score / 100 * the covered share.

Explicit and inherited keep one row per paragraph, source and chain role (the strongest
cue); propagated one per paragraph, source, chain role and giving article (or trail);
matched one per paragraph and wire article. Image credits ("FOTO: AFP", "KCNA melalui
REUTERS") are masked out of the text before cues are sought: they go to image_credits and
never make a text source. A chain records both names, chain_role origin and relay.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import duckdb
import polars as pl

from dedup import interrupt, state, store
from dedup.cues import (
    SOURCE_KINDS,
    CueMatch,
    CueSet,
    CueText,
    credits_in,
    cue_digest,
    load_cues,
    sources_in,
)
from dedup.lexicon import Lexicon, Source, load_lexicon
from dedup.parallel import WorkerDied, batched, death_of, parallel_map
from dedup.quotes import Quote, extract_quotes, resolve_speakers, update_trails
from dedup.text import count_words, normalise

ATTRIBUTE_TABLES = ("attributions", "image_credits", "quotes", "quote_trails")
TEXT_ROLES = ("body", "headline")
INHERIT_FACTOR = 0.8
TRAIL_FACTOR = 0.7
LEDE_MIN_WORDS = 5
LEDE_WINDOW = 2
FOOTER_FROM = 0.5  # footer cues count in the last half of an article's paragraphs

ATTRIBUTION_SCHEMA = {
    "paragraph_id": pl.String,
    "article_id": pl.String,
    "source": pl.String,
    "source_type": pl.String,
    "method": pl.String,
    "evidence": pl.String,
    "confidence": pl.Float64,
    "chain_role": pl.String,
    "cue_start": pl.Int32,
    "cue_end": pl.Int32,
    "alignment_id": pl.Int64,
}
CREDIT_SCHEMA = {
    "paragraph_id": pl.String,
    "article_id": pl.String,
    "source": pl.String,
    "source_type": pl.String,
    "chain_role": pl.String,
    "evidence": pl.String,
    "cue_start": pl.Int32,
    "cue_end": pl.Int32,
}
QUOTE_SCHEMA = {
    "quote_id": pl.String,
    "article_id": pl.String,
    "paragraph_id": pl.String,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "text": pl.String,
    "speaker": pl.String,
    "norm_text": pl.String,
}


#: at most this many articles are scanned ahead while detection runs (see start_scan)
EARLY_SCAN_MAX = 20_000


class EarlyScan:
    """The cue scan of the articles this stage will scan, running in a forked process while
    detection goes on: it depends on paragraph roles alone, final once templates ran. The
    child writes its rows to a file and exits at once: a child that lingers would make the
    parent copy every page it writes meanwhile (copy-on-write). The file has no name (a
    Ctrl-C may cut any cleanup short: a named one was left in the temporary folder)."""

    def __init__(self, ids: frozenset[str], articles: list[list[dict[str, Any]]]) -> None:
        self.ids = ids
        self._file = tempfile.TemporaryFile(prefix="dedup-scan-")  # noqa: SIM115 (rows, cancel close it)
        ctx = multiprocessing.get_context("fork")
        self._process = ctx.Process(
            target=_scan_child, args=(articles, self._file.fileno(), os.getpid()), daemon=True
        )
        with interrupt.deferred():
            self._process.start()

    def rows(self) -> tuple[list, list, list]:
        """The rows, once the child is done (its error, if it failed; how it ended, if it
        wrote none)."""
        self._process.join()
        try:
            self._file.seek(0)
            outcome, value = pickle.loads(self._file.read())
        except (OSError, EOFError, pickle.UnpicklingError) as err:
            raise WorkerDied(death_of(self._process)) from err
        finally:
            self._file.close()
        if outcome == "error":
            raise value
        return value

    def cancel(self) -> None:
        """End the child if it still runs and close its file; the caller calls it whether
        the rows were taken or not (then there is nothing left to do)."""
        self._process.kill()
        self._process.join()
        self._file.close()


def _scan_child(articles: list[list[dict[str, Any]]], fd: int, parent: int) -> None:
    interrupt.in_child(parent)
    try:
        result: tuple[str, Any] = ("ok", _scan_articles(articles))
    except Exception as err:  # handed to the parent, which raises it
        result = ("error", err)
    with os.fdopen(fd, "wb", closefd=False) as out:
        out.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


def start_scan(con: duckdb.DuckDBPyConnection) -> EarlyScan | None:
    """Start scanning, in the background, the articles :func:`attribute` will scan: those
    it has not seen and those whose roles changed (``role_updates`` of this run, and
    ``stale_articles`` of earlier ones). None when the stage would run in full or the
    articles are too many to hold."""
    seen = state.stage_state(con, "attribute")
    if seen is None or seen["settings"] != {"cues": cue_digest()}:
        return None
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE early_scan AS
        SELECT article_id FROM articles WHERE run_id > ?
        UNION SELECT article_id FROM stale_articles WHERE reason = 'roles'
        UNION SELECT article_id FROM role_updates
        """,
        [seen["through_run"]],
    )
    ids = _article_ids(con, "early_scan")
    if not ids or len(ids) > EARLY_SCAN_MAX:
        return None
    return EarlyScan(ids, list(_read_articles(con, "early_scan")))


def _article_ids(con: duckdb.DuckDBPyConnection, table: str) -> frozenset[str]:
    return frozenset(r[0] for r in con.execute(f"SELECT article_id FROM {table}").fetchall())


def attribute(con: duckdb.DuckDBPyConnection, early: EarlyScan | None = None) -> dict[str, int]:
    """Bring attributions, image_credits, quotes and quote_trails up to date; return their
    row counts.

    Cue scans depend on an article alone: only articles this stage has not seen, and those
    whose paragraph roles changed (``stale_articles``), are scanned. Propagated and matched
    rows depend on alignments: they are redone for the scanned articles, those whose
    alignments changed, and their alignment partners. Trails depend on every quote and are
    recomputed from the stored quotes. A change to the lexicon or the cue files redoes all.
    """
    settings = {"cues": cue_digest()}
    full = state.begin_stage(con, "attribute", settings)
    if not store.scalar(
        con, "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'article_order'"
    ):  # attribute run on its own: the order detect made is not in this session
        store.run_sql_file(con, "article_order.sql")
    if full:
        for table in (*ATTRIBUTE_TABLES, "quote_keys", "quote_edges"):
            con.execute(f"DELETE FROM {table}")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rescan AS
        SELECT article_id FROM new_articles
        UNION SELECT article_id FROM stale_articles WHERE reason = 'roles';
        CREATE OR REPLACE TEMP TABLE repropagate AS
        SELECT article_id FROM rescan
        UNION SELECT article_id FROM stale_articles
        UNION SELECT target_article_id FROM alignments SEMI JOIN rescan
            ON rescan.article_id = alignments.source_article_id
        UNION SELECT source_article_id FROM alignments SEMI JOIN rescan
            ON rescan.article_id = alignments.target_article_id;
        DELETE FROM stale_articles;
        """
    )
    ids = _article_ids(con, "rescan")
    if ids:
        # cues, quotes and so trails change only with the articles scanned again
        con.execute(
            """
            DELETE FROM attributions
            WHERE article_id IN (SELECT article_id FROM rescan)
              AND method IN ('explicit', 'inherited');
            DELETE FROM attributions WHERE method = 'propagated' AND alignment_id IS NULL;
            DELETE FROM image_credits WHERE article_id IN (SELECT article_id FROM rescan);
            CREATE OR REPLACE TEMP TABLE dropped_texts AS
            SELECT DISTINCT norm_text FROM quotes SEMI JOIN rescan USING (article_id);
            DELETE FROM quotes WHERE article_id IN (SELECT article_id FROM rescan);
            """
        )
        if early is not None and early.ids == ids:
            rows = early.rows()
        else:
            rows = _scan(_read_articles(con))
        attributions, credits, quotes = _frames(*rows)
        store.insert(con, "attributions", attributions)
        store.insert(con, "image_credits", credits)
        store.insert(con, "quotes", quotes)
        update_trails(con)
        store.run_sql_file(con, "attribute_trails.sql", factor=TRAIL_FACTOR)
    if ids or store.scalar(con, "SELECT count(*) FROM repropagate"):
        con.execute(
            "DELETE FROM attributions WHERE article_id IN (SELECT article_id FROM repropagate)"
            " AND method IN ('propagated', 'matched') AND alignment_id IS NOT NULL"
        )
        _wire_sources(con, load_lexicon())
        store.run_sql_file(con, "span_union.sql")
        store.run_sql_file(con, "attribute_links.sql")
    state.finish_stage(con, "attribute", settings)
    return {table: store.scalar(con, f"SELECT count(*) FROM {table}") for table in ATTRIBUTE_TABLES}


def _read_articles(
    con: duckdb.DuckDBPyConnection, ids_table: str = "rescan"
) -> Iterator[list[dict[str, Any]]]:
    """The paragraphs of each article in ``ids_table``, streamed (never all in memory)."""
    columns = "paragraph_id, article_id, char_start, role, text, seq"
    picked = store.picked("paragraphs", columns, "article_id", ids_table, "new_articles")
    result = con.execute(f"SELECT * EXCLUDE (seq) FROM ({picked}) ORDER BY article_id, seq")
    keys = ("paragraph_id", "article_id", "char_start", "role", "text")
    current: list[dict[str, Any]] = []
    while rows := result.fetchmany(20_000):
        for row in rows:
            p = dict(zip(keys, row, strict=True))
            if current and current[0]["article_id"] != p["article_id"]:
                yield current
                current = []
            current.append(p)
    if current:
        yield current


#: articles per scanning task on a worker
SCAN_CHUNK = 500


def _scan(articles: Iterable[list[dict[str, Any]]]) -> tuple[list, list, list]:
    """Explicit and inherited attribution, image credit and quote rows of every article,
    the articles scanned on every core (each depends on itself alone)."""
    attributions: list[dict[str, Any]] = []
    credits: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    for a_rows, c_rows, q_rows in parallel_map(_scan_articles, batched(articles, SCAN_CHUNK)):
        attributions += a_rows
        credits += c_rows
        quotes += q_rows
    return attributions, credits, quotes


def _frames(
    attributions: list, credits: list, quotes: list
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return (
        _best(pl.DataFrame(attributions, schema=ATTRIBUTION_SCHEMA)),
        pl.DataFrame(credits, schema=CREDIT_SCHEMA).unique(maintain_order=True),
        pl.DataFrame(quotes, schema=QUOTE_SCHEMA),
    )


def _scan_articles(articles: list[list[dict[str, Any]]]) -> tuple[list, list, list]:
    """Attribution, credit and quote rows of some articles (a worker's task)."""
    cues = load_cues()
    attributions, credits, quotes = [], [], []
    for article in articles:
        a_rows, c_rows = _article_cues(article, cues)
        attributions += a_rows
        credits += c_rows
        quotes += _article_quotes(article, cues)
    return attributions, credits, quotes


def _article_cues(
    paragraphs: list[dict[str, Any]], cues: CueSet
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Explicit, inherited and image-credit rows of one article."""
    explicit: dict[str, list[CueMatch]] = {}
    credits = []
    footers: list[tuple[dict[str, Any], CueMatch]] = []
    footer_from = FOOTER_FROM * len(paragraphs)
    for i, p in enumerate(paragraphs):
        t = CueText(p["text"])
        found_credits = credits_in(t, cues)
        credits += [_credit_row(p, m) for m in found_credits]
        if p["role"] in TEXT_ROLES:
            explicit[p["paragraph_id"]] = sources_in(t, found_credits, SOURCE_KINDS, cues)
        if i >= footer_from and p["role"] != "caption":
            pid = p["paragraph_id"]
            found = (
                explicit[pid]
                if pid in explicit
                else sources_in(t, found_credits, ("footer",), cues)
            )
            footers += [(p, m) for m in found if m.kind == "footer"]
    carriers = _lede(paragraphs, explicit) + footers
    rows = [
        _row(p, m, "explicit", m.confidence, p)
        for p in paragraphs
        for m in explicit.get(p["paragraph_id"], [])
    ]
    rows += [
        _row(p, m, "inherited", m.confidence * INHERIT_FACTOR, carrier)
        for p in paragraphs
        if p["role"] == "body" and not explicit.get(p["paragraph_id"])
        for carrier, m in carriers
        if carrier is not p
    ]
    return rows, credits


def _lede(
    paragraphs: list[dict[str, Any]], explicit: dict[str, list[CueMatch]]
) -> list[tuple[dict[str, Any], CueMatch]]:
    """The lede cues: of the first substantive body paragraph that has any (within LEDE_WINDOW)."""
    candidates = (
        p for p in paragraphs if p["role"] == "body" and count_words(p["text"]) >= LEDE_MIN_WORDS
    )
    for p in islice(candidates, LEDE_WINDOW):
        ledes = [(p, m) for m in explicit[p["paragraph_id"]] if m.kind == "lede"]
        if ledes:
            return ledes
    return []


def _row(
    p: dict[str, Any],
    m: CueMatch,
    method: str,
    confidence: float,
    carrier: dict[str, Any],
) -> dict[str, Any]:
    """An attribution row of paragraph p; the cue's offsets are in the carrier paragraph."""
    return {
        "paragraph_id": p["paragraph_id"],
        "article_id": p["article_id"],
        "source": m.source,
        "source_type": m.source_type,
        "method": method,
        "evidence": m.text,
        "confidence": round(confidence, 4),
        "chain_role": m.chain_role,
        "cue_start": carrier["char_start"] + m.start,
        "cue_end": carrier["char_start"] + m.end,
        "alignment_id": None,
    }


def _credit_row(p: dict[str, Any], m: CueMatch) -> dict[str, Any]:
    return {
        "paragraph_id": p["paragraph_id"],
        "article_id": p["article_id"],
        "source": m.source,
        "source_type": m.source_type,
        "chain_role": m.chain_role,
        "evidence": m.text,
        "cue_start": p["char_start"] + m.start,
        "cue_end": p["char_start"] + m.end,
    }


def _best(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per paragraph, source, method and chain role: the most confident, then the
    first, then the longest cue ("IRNA news agency said" over "IRNA news agency"), so the
    choice never depends on the order cues were found in."""
    keys = ["paragraph_id", "source", "method", "chain_role"]
    return (
        rows.sort(
            "confidence",
            "cue_start",
            "cue_end",
            descending=[True, False, True],
            maintain_order=True,
        )
        .unique(keys, keep="first", maintain_order=True)
        .sort("article_id", "paragraph_id", "cue_start", "source")
    )


def _article_quotes(paragraphs: list[dict[str, Any]], cues: CueSet) -> list[dict[str, Any]]:
    """Quote rows of one article's body paragraphs, anaphoric speakers resolved."""
    body = [p for p in paragraphs if p["role"] == "body"]
    found = resolve_speakers([extract_quotes(p["text"], cues.speakers) for p in body])
    return [
        _quote_row(p, n, q)
        for p, quotes in zip(body, found, strict=True)
        for n, q in enumerate(quotes, 1)
    ]


def _quote_row(p: dict[str, Any], n: int, q: Quote) -> dict[str, Any]:
    return {
        "quote_id": f"{p['paragraph_id']}/q{n}",
        "article_id": p["article_id"],
        "paragraph_id": p["paragraph_id"],
        "char_start": p["char_start"] + q.start,
        "char_end": p["char_start"] + q.end,
        "text": q.text,
        "speaker": q.speaker,
        "norm_text": normalise(q.text),
    }


def _wire_sources(con: duckdb.DuckDBPyConnection, lexicon: Lexicon) -> None:
    """The temp table ``_attribute_wires``: each wire article's source, named by its outlet,
    or by the service its outlet begins with (a desk: "AFP Arabic" is AFP); an outlet's
    name is looked up once, not once per wire article."""
    outlets = con.execute(
        "SELECT DISTINCT outlet FROM articles WHERE kind = 'wire' AND outlet <> ''"
    ).fetchall()
    sources = [lexicon.canonical(o) or lexicon.leading(o) or Source(o, "wire") for (o,) in outlets]
    names = pl.DataFrame(
        {
            "outlet": [o for (o,) in outlets],
            "source": [s.name for s in sources],
            "source_type": [s.source_type for s in sources],
        },
        schema={"outlet": pl.String, "source": pl.String, "source_type": pl.String},
    )
    with store.registered(con, _wire_names=names):
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _attribute_wires AS
            SELECT a.article_id, coalesce(n.source, a.article_id) AS source,
                   coalesce(n.source_type, 'wire') AS source_type
            FROM articles AS a LEFT JOIN _wire_names AS n USING (outlet)
            WHERE a.kind = 'wire'
            """
        )
