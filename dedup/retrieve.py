"""Retrieve stage: each article's likely sources among earlier articles and wires.

Reads: articles, paragraphs (body and headline), the temp tables article_order,
new_articles and role_changes.
Leaves: term_df (the sample's document frequencies, frozen once the sample is full: of its
terms, and of the single characters of scripts written without spaces; the rewrites stage
weighs kana and ideographs one by one and the letters of the other such scripts in pairs,
the pairs retrieval indexes),
article_terms, term_heads, article_pairs (contract: "which earlier stories is this most
like"), the ``meta`` rows terms_sample and terms_frozen, and the temp tables
retrieve_changed (the articles whose terms were redone) and retrieve_targets (the targets
whose sources it redid) for the rewrites and translate stages.

What survives rewriting and translation of a story is its rare vocabulary: names, numbers,
the words of its subject. Every article is indexed by its rare terms (tokens of
:mod:`dedup.text`, adjacent characters paired in scripts written without spaces and the
letters of Thai, Lao, Myanmar and Khmer also in threes, see :func:`dedup.text.word_keys`;
words run together where the Arabic script hides a space read apart, see
:func:`split_run_together`; found in few of the sample's articles, or in none); a source
is an earlier article (or one neither dates nor kinds order, see ``data/article_order.sql``)
holding an IDF-weighted share of them (``data/retrieve_pairs.sql``). It is an inverted index
in DuckDB, never all pairs: a target is compared only with the articles holding one of its
rare terms.

Why a sample: weights must not change as the corpus grows, or every stored pair would have
to be redone at each run. Term frequencies come from the first articles stored (by run, then
in an order drawn from their ids, so that one run's sample mixes its languages and years; a
corpus fed language by language has a sample of its first language) and are frozen once the
sample is full; until then every run redoes retrieval in full. An incremental run redoes the
new and re-roled articles, the targets they were a source of, and the holders of a term
whose first holders moved when a moved holder comes before them inside their window (the
only sources whose shared terms changed); on the 100k bench, 1,000 new articles leave
1,719 targets to redo instead of 16,864 (retrieve 0.8 s instead of 2.8).

Why these defaults (``RetrievalSettings``): a term in at most 0.5% of the sample (at least
25 articles, so that a small corpus keeps the vocabulary of its topics) is rare: names,
places, numbers and the words of a story's subject, not function words or the beat's
vocabulary (indexing terms up to 5% of the sample found fewer true sources on the bench
corpus: 0.67 against 0.71 in the top five, since their first holders are rarely the source); a source must share 3 of them (all, for a short item
with fewer), since two articles on one event share a name or two but rarely three rare terms
by chance; a score of 0.1 keeps a partial reuse of a few paragraphs. Sixteen first holders of
a term cover its origin and the copies close to it, and bound the work per term. The 30-day window covers
wire copy republished late (a weekly, a follow-up) and keeps old stories on the same topic
out; undated articles have no window. Five sources per target leave room for the stories a
rewrite merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import partial

import duckdb
import polars as pl

from dedup import store
from dedup.parallel import one_ahead
from dedup.text import (
    OPEN_END_SCRIPT,
    ascii_texts,
    char_class,
    fold,
    open_ends,
    unspaced_keys,
    word_keys,
)

#: a token that starts with a capital (Lu, Lt) after a non-word character: not a paragraph's
#: first word (capitalised there whatever it is); scripts without case have no names here
_CAPITALISED = re.compile(rf"(?<=[^\w])[{char_class(('Lu', 'Lt'))}][^\W_]*")


@dataclass(frozen=True)
class RetrievalSettings:
    #: a term in at most this share of the sample's articles (or at most rare_min of them,
    #: whichever is more) is rare: it is indexed and looked up
    rare_share: float = 0.005
    rare_min: int = 25
    #: a term's first holders (in the one article order) are where it can have come from
    heads: int = 16
    min_shared: int = 3
    min_score: float = 0.1
    top_k: int = 5
    window_days: float = 30.0

    def as_dict(self) -> dict:
        return asdict(self)


#: a capitalised token in ASCII text (``_CAPITALISED`` there) with the character before it,
#: which may not be a paragraph break: the paragraphs of an article are read joined by one
_ASCII_CAPITALISED = r"[^A-Za-z0-9_\n][A-Z][A-Za-z0-9]*"


def article_terms(
    texts: pl.DataFrame,
    common: pl.DataFrame | None = None,
    characters: bool = False,
    known: dict[str, int] | None = None,
) -> pl.DataFrame:
    """(article_id, term, kind) of each article's distinct terms, except those in
    ``common`` (a frame of terms); kind is ``number`` for a term with a digit, ``name`` for
    one written with a capital other than at the start of its paragraph, else ``word``.
    ``texts``: article_id and text, its paragraphs one a line. ``characters``: also the
    single characters of scripts written without spaces (as ``word``: the sample counts
    them for the rewrites stage's rarity weights of kana and ideographs; retrieval indexes
    their pairs). ``known``: the sample's df of its terms, to read words run together as
    the words they are (:func:`split_run_together`).

    ASCII texts (nearly all news, once their non-ASCII separators are ASCII ones) are
    tokenized by polars, all at once; the others by :func:`dedup.text.word_keys`,
    paragraph by paragraph."""
    texts = ascii_texts(texts)
    ascii_, other = texts.filter("ascii"), texts.filter(~pl.col("ascii"))
    found = [_python_terms(text, characters) for text in other["text"]]
    lists = pl.List(pl.String)
    terms = pl.concat(
        [
            ascii_.select(
                "article_id", term=pl.col("text").str.to_lowercase().str.extract_all("[a-z0-9]+")
            ),
            other.select("article_id", term=pl.Series([t for t, _ in found], dtype=lists)),
        ]
    )
    names = pl.concat(
        [
            ascii_.select(
                "article_id",
                term=pl.col("text")
                .str.extract_all(_ASCII_CAPITALISED)
                .list.eval(pl.element().str.slice(1).str.to_lowercase()),
            ),
            other.select("article_id", term=pl.Series([n for _, n in found], dtype=lists)),
        ]
    )
    terms = terms.select("article_id", pl.col("term").list.unique()).explode("term").drop_nulls()
    if known:
        terms = split_run_together(terms, known)
    if common is not None:
        terms = terms.join(common, on="term", how="anti")
    names = names.select("article_id", pl.col("term").list.unique(), name=pl.lit(True))
    names = names.explode("term").drop_nulls()
    return terms.join(names, on=["article_id", "term"], how="left").select(
        "article_id",
        "term",
        kind=pl.when(pl.col("term").str.contains(r"\d"))
        .then(pl.lit("number"))
        .when(pl.col("name"))
        .then(pl.lit("name"))
        .otherwise(pl.lit("word")),
    )


def split_run_together(terms: pl.DataFrame, known: dict[str, int]) -> pl.DataFrame:
    """``terms`` (article_id, term) with each term that may be words run together where the
    script hides the space (:func:`dedup.text.open_ends`) read as those words: see
    :func:`_words_of`, which ``known`` (the sample's df of its Arabic-script terms) decides.

    Why: retrieval matches terms exactly, so a word that a typist ran into the next one is
    lost to it (Urdu "کےزرداری" holds the name another copy writes apart), and the run
    weighs on the target's side as a rare term no source shares. The split is a function
    of the term and the frozen sample, so every copy of a word is read alike, and the
    words go through the common-term filter as any term does."""
    unique = terms["term"].unique()
    candidates = unique.filter(unique.str.contains(f"[{OPEN_END_SCRIPT}]")).to_list()
    words = {t: split for t in candidates if (split := _words_of(t, known))}
    if not words:
        return terms
    parts = pl.DataFrame(
        {"term": list(words), "parts": list(words.values())},
        schema={"term": pl.String, "parts": pl.List(pl.String)},
    )
    return (
        terms.join(parts, on="term", how="left", maintain_order="left")
        .select("article_id", term=pl.coalesce("parts", pl.concat_list("term")))
        .explode("term")
        .unique(maintain_order=True)
    )


def _words_of(term: str, df: dict[str, int]) -> list[str] | None:
    """The words a term runs together, or None. A cut at its open ends counts when every
    part is in the sample at least as often as the term, and one part more often; of
    those, the cut whose rarest part is the most frequent, then the one of fewest parts.

    Why this rule: words run together are never more frequent than any of them, while a
    word is more frequent than its fragments ("کاروبار" is not "کا" and "روبار"); a name
    the sample never saw (df 0) is still cut from the word run into it, and kept whole
    (fewest parts). What it cannot tell: a word the sample never saw that is made of words
    it saw ("دوربین", "دور" and "بین") is cut into them, alike in every copy, so copies
    still share them, but as commoner terms. Requiring one part to be a frequent term (a
    function word, "کے", "اور") would spare those, but on clough in the Urdu-like spacing it
    kept the true source's mean score at 0.446 against 0.474 without it (0.429 with no
    split, 0.473 in English): typists run content words together too.

    How: the part between any two cut places (two characters at least) is counted once;
    for each count, highest first, the fewest parts of at least that count are found by
    going through the places in order (:func:`_fewest_parts`)."""
    bounds = [0, *open_ends(term), len(term)]
    last = len(bounds) - 1
    whole = df.get(term, 0)
    counts = {
        (i, j): df.get(term[bounds[i] : bounds[j]], 0)
        for j in range(1, last + 1)
        for i in range(j)
        if bounds[j] - bounds[i] >= 2 and (i, j) != (0, last)
    }
    for floor in sorted({c for c in counts.values() if c >= whole}, reverse=True):
        if parts := _fewest_parts(counts, last, floor, whole):
            return [term[bounds[i] : bounds[j]] for i, j in parts]
    return None


def _fewest_parts(
    counts: dict[tuple[int, int], int], last: int, floor: int, whole: int
) -> list[tuple[int, int]] | None:
    """The fewest parts (i, j) from place 0 to place ``last``, each counted at least
    ``floor`` times and one more than ``whole`` times (the first such way, in the order of
    the places), or None."""
    # way[(j, above)]: the parts reaching place j, with or without one counted above whole
    way: dict[tuple[int, bool], list[tuple[int, int]]] = {(0, False): []}
    for (i, j), count in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0])):
        if count < floor:
            continue
        for above in (False, True):
            if (before := way.get((i, above))) is None:
                continue
            key = (j, above or count > whole)
            if key not in way or len(before) + 1 < len(way[key]):
                way[key] = [*before, (i, j)]
    return way.get((last, True))


def _python_terms(text: str, characters: bool) -> tuple[list[str], list[str]]:
    """(terms, names) of a text that is not ASCII, paragraph by paragraph."""
    keys: set[str] = set()
    names: set[str] = set()
    for paragraph in text.split("\n"):
        keys.update(word_keys(paragraph))
        if characters:
            keys.update(unspaced_keys(paragraph))
        names.update(fold(t) for t in _CAPITALISED.findall(paragraph))
    return list(keys), list(names)


def _terms_of(
    con: duckdb.DuckDBPyConnection,
    ids_table: str,
    role: str = "role",
    common: pl.DataFrame | None = None,
    characters: bool = False,
    known: dict[str, int] | None = None,
) -> Iterator[pl.DataFrame]:
    """The terms of the articles in a table (:func:`article_terms`), a block of
    :func:`dedup.store.article_texts` at a time; polars finds a block's terms while the
    caller stores the last one and DuckDB reads the next."""
    return one_ahead(
        partial(article_terms, common=common, characters=characters, known=known),
        store.article_texts(con, ids_table, role),
    )


def update_sample(con: duckdb.DuckDBPyConnection, sample: int) -> bool:
    """Document frequencies of the sample's terms, while the sample is not full; frozen
    after. Returns True when they changed (retrieval then runs in full)."""
    if store.scalar(con, "SELECT value FROM meta WHERE key = 'terms_frozen'"):
        return False
    con.execute(
        "CREATE OR REPLACE TEMP TABLE term_sample AS SELECT article_id FROM articles "
        "ORDER BY run_id, md5(article_id) LIMIT ?",
        [sample],
    )
    counts: dict[str, int] = {}
    # base roles: the sample's counts must not move once it is frozen
    for frame in _terms_of(con, "term_sample", "base_role", characters=True):
        for term, n in frame.group_by("term").len().iter_rows():
            counts[term] = counts.get(term, 0) + n
    now = pl.DataFrame(
        {"term": list(counts), "df": list(counts.values())},
        schema={"term": pl.String, "df": pl.Int32},
    )
    with store.registered(con, _df=now):
        changed = store.scalar(
            con,
            "SELECT count(*) FROM ((SELECT * FROM _df EXCEPT SELECT * FROM term_df) "
            "UNION ALL (SELECT * FROM term_df EXCEPT SELECT * FROM _df))",
        )
        if changed:
            con.execute("DELETE FROM term_df; INSERT INTO term_df SELECT * FROM _df")
    n = store.scalar(con, "SELECT count(*) FROM term_sample")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('terms_sample', ?)", [str(n)])
    if n >= sample:
        con.execute("INSERT INTO meta VALUES ('terms_frozen', ?)", [str(n)])
    return bool(changed)


def update(
    con: duckdb.DuckDBPyConnection, settings: RetrievalSettings, sample: int, full: bool
) -> int:
    """Bring article_terms, term_heads and article_pairs up to date; returns the number of
    pairs."""
    full = update_sample(con, sample) or full
    n = int(store.scalar(con, "SELECT value FROM meta WHERE key = 'terms_sample'"))
    if full:
        con.execute(
            """
            DELETE FROM article_terms; DELETE FROM term_heads; DELETE FROM article_pairs;
            CREATE OR REPLACE TEMP TABLE retrieve_changed AS SELECT article_id FROM articles;
            CREATE OR REPLACE TEMP TABLE old_terms (term VARCHAR);
            """
        )
    else:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE retrieve_changed AS
            SELECT article_id FROM new_articles UNION SELECT article_id FROM role_changes;
            CREATE OR REPLACE TEMP TABLE old_terms AS
            SELECT DISTINCT term FROM article_terms SEMI JOIN retrieve_changed USING (article_id);
            DELETE FROM article_terms
            WHERE article_id IN (SELECT article_id FROM retrieve_changed);
            """
        )
    rare = max(settings.rare_share * n, settings.rare_min)
    common = store.frame(con, "SELECT term FROM term_df WHERE df > ?", [rare])
    # the sample's own terms stay as written: their counts are what a split is judged by
    known = dict(
        con.execute(
            "SELECT term, df FROM term_df WHERE regexp_matches(term, ?)", [f"[{OPEN_END_SCRIPT}]"]
        ).fetchall()
    )
    for frame in _terms_of(con, "retrieve_changed", common=common, known=known):
        with store.registered(con, _terms=frame):
            con.execute(
                """
                INSERT INTO article_terms
                SELECT f.article_id, f.term, f.kind, coalesce(d.df, 0) AS df
                FROM _terms AS f LEFT JOIN term_df AS d USING (term)
                WHERE coalesce(d.df, 0) <= ?
                """,
                [rare],
            )
    # the first holders of the terms that came or went, and the targets they may move
    store.run_sql_file(con, "term_heads.sql", heads=settings.heads)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE retrieve_targets AS SELECT article_id FROM retrieve_changed"
        if full
        else """
        CREATE OR REPLACE TEMP TABLE retrieve_targets AS
        SELECT article_id FROM retrieve_changed
        -- a holder of a term whose first holders moved, if a moved one comes before it in
        -- the order and inside its window: any other holder keeps its sources' scores
        UNION SELECT t.article_id
              FROM article_terms AS t
              JOIN head_moves AS m USING (term)
              JOIN article_order AS o ON o.article_id = t.article_id
              JOIN article_order AS h ON h.article_id = m.article_id
              WHERE h.rank < o.rank
                AND in_window(h.published, o.published, $window_s)
        UNION SELECT target_article_id FROM article_pairs
              WHERE source_article_id IN (SELECT article_id FROM retrieve_changed)
        """,
        None if full else {"window_s": int(settings.window_days * 86400)},
    )
    store.run_sql_file(
        con,
        "retrieve_pairs.sql",
        n=n,
        min_shared=settings.min_shared,
        min_score=settings.min_score,
        window_s=int(settings.window_days * 86400),
        top_k=settings.top_k,
    )
    return store.scalar(con, "SELECT count(*) FROM article_pairs")
