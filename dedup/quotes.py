"""Direct quotations, their speakers, and quote trails (the same quote across articles).

Quotes survive rewriting better than any other sentence: an outlet that trims and rewords a
wire story still prints the minister's words as the wire had them. A quote trail therefore
links articles that alignment may miss, and names the article that printed the quote first.

Speakers come from the `quote_after` / `quote_before` cues of the cue files (see
`dedup.attribute.load_cues`), so a new language needs no code. An anaphoric speaker
("ujarnya", "kata dia", "he said") takes the speaker of the previous quote when that quote is
in the same paragraph or in the body paragraph just before; otherwise it stays null, because
the antecedent is then often a person named without a quote ("Peskov menolak berkomentar.").

Trails: two quotes are the same when their norm_text is equal, or rapidfuzz ratio >= 90, or
the shorter (at least 5 words) is contained in the longer as whole words. A trail is kept
when it spans at least two articles; its first article is the earliest in
``article_order`` (see ``data/article_order.sql``), the one order every stage uses.

In the database (:func:`update_trails`, called by the attribution stage): reads quotes,
quote_keys, quote_edges, article_order; leaves quote_keys, quote_edges, quote_trails and
``quotes.trail_id``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from dedup import graph, store
from dedup.ids import stable_ids
from dedup.text import count_words

MIN_WORDS = 3  # shorter quotations are mostly scare quotes ("keangkuhan")
CONTAINED_MIN_WORDS = 5
RATIO_MIN = 90.0
MAX_BUCKET = 200  # word pairs shared by more quotes are too common to propose candidates
CONTEXT = 160  # characters around a quote searched for its speaker

#: „…“ and »…« (German), “…”, "…", «…» (French, Spanish, Russian, Arabic)
_QUOTE_RE = re.compile(
    r"„(?P<q1>[^„“”\n]+)[“”]|“(?P<q2>[^“”\n]+)”|\"(?P<q3>[^\"\n]+)\"|«(?P<q4>[^«»\n]+)»"
    r"|»(?P<q5>[^«»\n]+)«"
)
_QUOTE_OPENERS = '„“"«»'  # every match of _QUOTE_RE starts with one
_TRIM = " \t\n,;:"


TRAIL_SCHEMA = {
    "trail_id": pl.Int64,
    "text": pl.String,
    "n_articles": pl.Int32,
    "n_outlets": pl.Int32,
    "first_article_id": pl.String,
    "first_outlet": pl.String,
    "first_published": pl.Datetime("us"),
}


@dataclass(frozen=True)
class SpeakerCues:
    """Regexes that find a speaker next to a quote; group `speaker` holds the name."""

    after: tuple[re.Pattern[str], ...]
    before: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Quote:
    """A quotation inside a text: offsets of the quoted words, without the marks."""

    start: int
    end: int
    text: str
    speaker: str | None
    anaphoric: bool


def extract_quotes(text: str, speakers: SpeakerCues) -> list[Quote]:
    """Quotations of at least MIN_WORDS words in a paragraph, each with its speaker if named."""
    quotes: list[Quote] = []
    if not any(mark in text for mark in _QUOTE_OPENERS):
        return quotes
    for m in _QUOTE_RE.finditer(text):
        group = next(g for g in ("q1", "q2", "q3", "q4", "q5") if m.group(g) is not None)
        start, end = _trimmed(text, m.start(group), m.end(group))
        if count_words(text[start:end]) < MIN_WORDS:
            continue
        speaker, anaphoric = _speaker(text, m.start(), m.end(), speakers)
        quotes.append(Quote(start, end, text[start:end], speaker, anaphoric))
    return quotes


def resolve_speakers(paragraphs: Sequence[Sequence[Quote]]) -> list[list[Quote]]:
    """Give anaphoric quotes the previous quote's speaker, within the same or the next paragraph.

    `paragraphs` are the quotes of an article's consecutive body paragraphs.
    """
    resolved: list[list[Quote]] = []
    previous: Quote | None = None
    for quotes in paragraphs:
        current = []
        for quote in quotes:
            if quote.anaphoric and previous is not None:
                quote = replace(quote, speaker=previous.speaker)
            current.append(quote)
            previous = quote
        resolved.append(current)
        previous = current[-1] if current else None
    return resolved


def build_trails(
    quotes: pl.DataFrame, articles: pl.DataFrame, edges: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Group quotes into trails.

    quotes: quote_id, article_id, text, norm_text; articles: article_id, outlet,
    published, rank (``article_order``: the first article of a trail is its earliest); edges: the pairs (a, b) of norm_texts that are the same quote (computed
    here when not given, see :func:`same_quote_edges`). Returns (quote_id -> trail_id for
    the quotes in a trail, quote_trails rows).
    """
    texts = quotes["norm_text"].unique().sort().to_list()
    if edges is None:
        edges = same_quote_edges(*bucket_pairs(texts_keys(texts)))
    groups = _components(texts, edges)
    members = (
        quotes.select("quote_id", "article_id", "text", "norm_text")
        .with_columns(group=pl.col("norm_text").replace_strict(groups, return_dtype=pl.Int64))
        .join(articles.select("article_id", "outlet", "published", "rank"), on="article_id")
        .filter(pl.col("article_id").n_unique().over("group") >= 2)
    )
    if members.is_empty():
        return pl.DataFrame(schema={"quote_id": pl.String, "trail_id": pl.Int64}), pl.DataFrame(
            schema=TRAIL_SCHEMA
        )
    firsts = members.sort("rank", "quote_id").group_by("group", maintain_order=True).first()
    counts = members.group_by("group").agg(
        n_articles=pl.col("article_id").n_unique().cast(pl.Int32),
        n_outlets=pl.coalesce("outlet", "article_id").n_unique().cast(pl.Int32),
    )
    trails = (
        firsts.join(counts, on="group").sort("rank", "text").join(_trail_ids(members), on="group")
    )
    mapping = members.join(trails.select("group", "trail_id"), on="group").select(
        "quote_id", "trail_id"
    )
    rows = trails.select(
        "trail_id",
        "text",
        "n_articles",
        "n_outlets",
        first_article_id="article_id",
        first_outlet="outlet",
        first_published=pl.col("published").cast(pl.Datetime("us")),
    )
    return mapping, rows


def _trail_ids(members: pl.DataFrame) -> pl.DataFrame:
    """(group, trail_id): a trail is named by its smallest quote id (``dedup.ids``), so the
    same quotes make the same trail id whichever run grouped them."""
    firsts = members.group_by("group").agg(pl.col("quote_id").min())
    return firsts.select("group", stable_ids(firsts, ["quote_id"], "trail_id"))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without surrounding blanks and the comma that ends a quote before its verb."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _speaker(text: str, start: int, end: int, cues: SpeakerCues) -> tuple[str | None, bool]:
    """(speaker, anaphoric) from the text right after the closing mark or before the opening."""
    after = text[end : end + CONTEXT]
    before = text[max(0, start - CONTEXT) : start]
    for regex, context in [(r, after) for r in cues.after] + [(r, before) for r in cues.before]:
        m = regex.search(context)
        if m:
            name = m.groupdict().get("speaker")
            return (name.strip(" .,"), False) if name else (None, True)
    return None, False


def texts_keys(texts: list[str]) -> pl.DataFrame:
    """(key, norm_text): each word pair of a normalised text (the word, for a text of one),
    the keys that propose which texts to compare."""
    words = pl.DataFrame({"norm_text": texts}, schema={"norm_text": pl.String}).with_columns(
        w=pl.col("norm_text").str.split(" ")
    )
    tokens = words.explode("w").with_columns(nxt=pl.col("w").shift(-1).over("norm_text"))
    return pl.concat(
        [
            tokens.filter(pl.col("nxt").is_not_null()).select(
                key=pl.col("w") + " " + pl.col("nxt"), norm_text="norm_text"
            ),
            words.filter(pl.col("w").list.len() == 1).select(
                key=pl.col("w").list.first(), norm_text="norm_text"
            ),
        ]
    ).unique()


def bucket_pairs(
    keys: pl.DataFrame, touching: set[str] | None = None
) -> tuple[list[str], np.ndarray]:
    """The texts of ``keys`` (key, norm_text), and the index pairs (i < j) of those sharing a
    key that at most MAX_BUCKET texts have: comparing only these avoids all pairs, and a very
    common word pair proposes nothing. Indices keep memory small where pairs are many.
    With ``touching``, only the pairs with at least one of those texts."""
    texts = keys["norm_text"].unique().sort()
    ids = keys.join(
        pl.DataFrame({"norm_text": texts, "t": np.arange(len(texts), dtype=np.uint32)}),
        on="norm_text",
    ).select("key", "t")
    sizes = ids.group_by("key").len()
    kept = ids.join(
        sizes.filter((pl.col("len") >= 2) & (pl.col("len") <= MAX_BUCKET)), on="key", how="semi"
    )
    left = kept
    if touching is not None:
        wanted = np.flatnonzero(texts.is_in(list(touching)).to_numpy()).astype(np.uint32)
        left = kept.filter(pl.col("t").is_in(pl.Series(wanted).implode()))
    pairs = (
        left.join(kept, on="key", suffix="_b")
        .filter(pl.col("t") != pl.col("t_b"))
        .select(t=pl.min_horizontal("t", "t_b"), t_b=pl.max_horizontal("t", "t_b"))
        .unique()
        .sort("t", "t_b")
    )
    return texts.to_list(), pairs.to_numpy().reshape(-1, 2)


def same_quote_edges(texts: list[str], pairs: np.ndarray) -> pl.DataFrame:
    """The pairs (a, b) of texts that are the same quote, among index ``pairs`` (compared
    in bounded batches)."""
    found = []
    for lo in range(0, len(pairs), 100_000):
        batch = pairs[lo : lo + 100_000]
        a = [texts[i] for i in batch[:, 0]]
        b = [texts[j] for j in batch[:, 1]]
        same = _same_quotes(a, b)
        found.append(pl.DataFrame({"a": a, "b": b}).filter(pl.Series(same, dtype=pl.Boolean)))
    if not found:
        return pl.DataFrame(schema={"a": pl.String, "b": pl.String})
    return pl.concat(found)


def _components(texts: list[str], edges: pl.DataFrame) -> dict[str, int]:
    """Texts joined by edges: text -> group number."""
    index = {text: i for i, text in enumerate(texts)}
    pairs = ((index[a], index[b]) for a, b in edges.iter_rows() if a in index and b in index)
    labels = graph.components(len(texts), pairs)
    return dict(zip(texts, labels.tolist(), strict=True))


def _same_quotes(a_texts: list[str], b_texts: list[str]) -> list[bool]:
    """_same_quote of every pair, the ratios computed in one call."""
    ratios = process.cpdist(a_texts, b_texts, scorer=fuzz.ratio, dtype=np.float64, workers=-1)
    same = (ratios >= RATIO_MIN).tolist()
    for i, (a, b) in enumerate(zip(a_texts, b_texts, strict=True)):
        if not same[i]:
            short, long = (a, b) if len(a) <= len(b) else (b, a)
            same[i] = short.count(" ") + 1 >= CONTAINED_MIN_WORDS and f" {short} " in f" {long} "
    return same


def _same_quote(a: str, b: str) -> bool:
    """Equal, nearly equal, or one (of at least 5 words) contained in the other."""
    short, long = sorted((a, b), key=len)
    if len(short.split()) >= CONTAINED_MIN_WORDS and f" {short} " in f" {long} ":
        return True
    return fuzz.ratio(a, b) >= RATIO_MIN


# ---------------------------------------------------------------- trails in the database


def update_trails(con: duckdb.DuckDBPyConnection) -> None:
    """Quote trails of every stored quote, and each quote's trail_id.

    Which texts are the same quote is kept in quote_edges and changed where texts came or
    went: a pair is proposed by a word pair that at most MAX_BUCKET texts share, and such a
    bucket only changes where a text came or went. An edge stands while one of its shared
    buckets is still small enough, so only edges sharing a bucket that grew past the limit
    are checked; pairs of grown or shrunk buckets are compared anew. Only the quotes of
    ``rescan`` articles changed: ``dropped_texts`` holds their old texts, so the stored
    keys (one set per text of a stored quote) are never scanned whole.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE gone_texts AS
        SELECT norm_text FROM dropped_texts ANTI JOIN quotes USING (norm_text);
        CREATE OR REPLACE TEMP TABLE shrunk_keys AS
        SELECT DISTINCT key FROM quote_keys SEMI JOIN gone_texts USING (norm_text);
        DELETE FROM quote_keys WHERE norm_text IN (SELECT norm_text FROM gone_texts);
        DELETE FROM quote_edges WHERE a IN (SELECT norm_text FROM gone_texts)
                                   OR b IN (SELECT norm_text FROM gone_texts);
        """
    )
    new = store.frame(
        con,
        """
        SELECT norm_text FROM quotes SEMI JOIN rescan USING (article_id)
        EXCEPT SELECT norm_text FROM quotes ANTI JOIN rescan USING (article_id)
        EXCEPT SELECT norm_text FROM dropped_texts
        ORDER BY 1
        """,
    )
    new_keys = texts_keys(new["norm_text"].to_list())
    store.insert(con, "quote_keys", new_keys)
    with store.registered(con, _grown_keys=new_keys.select("key").unique()):
        grown = _members(con, "_grown_keys")
    edges = store.frame(con, "SELECT a, b FROM quote_edges")
    stale = _overflown_edges(con, edges, grown)
    if not stale.is_empty():
        with store.registered(con, _stale=stale):
            con.execute(
                "DELETE FROM quote_edges AS e USING _stale AS s WHERE e.a = s.a AND e.b = s.b"
            )
        edges = edges.join(stale, on=["a", "b"], how="anti")
    # a grown bucket proposes its old pairs no more than before: only pairs with a new text
    # are compared; a shrunk bucket may now propose any of its pairs
    found = pl.concat(
        [
            same_quote_edges(*bucket_pairs(grown, touching=set(new["norm_text"].to_list()))),
            same_quote_edges(*bucket_pairs(_members(con, "shrunk_keys"))),
        ]
    ).unique()
    added = found.join(edges, on=["a", "b"], how="anti")
    store.insert(con, "quote_edges", added)
    edges = pl.concat([edges, added.select("a", "b")])  # quote_edges as stored now
    quotes = store.frame(con, "SELECT quote_id, article_id, text, norm_text FROM quotes")
    articles = store.frame(
        con,
        "SELECT article_id, outlet, published, rank FROM article_order "
        "SEMI JOIN quotes USING (article_id)",
    )
    mapping, trails = build_trails(quotes, articles, edges)
    # only what changed is written: a day's quotes leave most trails as they were
    with store.registered(con, _trails=trails, _trail_ids=mapping):
        con.execute(
            """
            DELETE FROM quote_trails AS t USING (
                SELECT * FROM quote_trails EXCEPT SELECT * FROM _trails
            ) AS gone WHERE t.trail_id = gone.trail_id;
            INSERT INTO quote_trails SELECT * FROM _trails EXCEPT SELECT * FROM quote_trails;
            UPDATE quotes AS q SET trail_id = m.trail_id
            FROM (
                SELECT q.quote_id, t.trail_id FROM quotes AS q
                LEFT JOIN _trail_ids AS t USING (quote_id)
                WHERE q.trail_id IS DISTINCT FROM t.trail_id
            ) AS m
            WHERE m.quote_id = q.quote_id;
            """
        )


def _overflown_edges(
    con: duckdb.DuckDBPyConnection, edges: pl.DataFrame, grown: pl.DataFrame
) -> pl.DataFrame:
    """The ``edges`` whose texts no longer share a bucket of at most MAX_BUCKET texts.

    ``grown`` holds the members (key, norm_text) of the buckets that gained texts: only an
    edge whose two texts share one of those that is now too big can have lost its last
    small bucket; the others are not looked at."""
    sizes = grown.group_by("key").len()
    over = grown.join(sizes.filter(pl.col("len") > MAX_BUCKET), on="key", how="semi")
    at_risk = (
        edges.join(over, left_on="a", right_on="norm_text")
        .join(over, left_on=["key", "b"], right_on=["key", "norm_text"], how="semi")
        .select("a", "b")
        .unique()
    )
    if at_risk.is_empty():
        return at_risk
    # their keys are made again rather than read: the stored ones were made the same way
    keys = texts_keys(pl.concat([at_risk["a"], at_risk["b"]]).unique().to_list())
    shared = at_risk.join(keys, left_on="a", right_on="norm_text").join(
        keys, left_on=["b", "key"], right_on=["norm_text", "key"], how="semi"
    )
    with store.registered(con, _shared_keys=shared.select("key").unique()):
        small = store.frame(
            con,
            "SELECT key FROM quote_keys SEMI JOIN _shared_keys USING (key) "
            "GROUP BY key HAVING count(*) <= ?",
            [MAX_BUCKET],
        )
    return at_risk.join(shared.join(small, on="key", how="semi"), on=["a", "b"], how="anti")


def _members(con: duckdb.DuckDBPyConnection, keys_table: str) -> pl.DataFrame:
    """(key, norm_text) of every quote text with one of the keys in ``keys_table``."""
    return store.frame(
        con, f"SELECT k.key, k.norm_text FROM quote_keys AS k SEMI JOIN {keys_table} USING (key)"
    )
