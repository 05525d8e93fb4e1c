"""Attribution stage: which wire service or outlet each paragraph derives from, and why.

Sources are names of the lexicon `data/sources.csv` (canonical, source_type, aliases). A name
of one word matches case-sensitively, as written or in capitals, so "AP" never fires on "ap"
and "Tempo" never on "tempo hari"; names of several words match case-insensitively. Every
name matches as a whole word (a footnote mark may follow: "New York Times¹").

Cues are regexes in `data/cues/<lang>.txt` (format in the header of each file); every file
applies to every article. Each attribution row carries its evidence and a confidence:

- explicit: a cue in the paragraph itself (body or headline). Evidence is the cue as it
  stands in articles.text (cue_start, cue_end); confidence is the cue's own, from its line
  in the cue file (0.95 for a "(Reuters) -" dateline, 0.8 for "menurut laporan X").
- inherited: a lede cue (in the first body paragraph of at least LEDE_MIN_WORDS words, or the
  next one when the segmenter took a title or standfirst for the lede) or a footer cue (in
  the last half of the article, any role but caption) covers every other body paragraph
  without an explicit cue: cue confidence * INHERIT_FACTOR, since outlets mix their own
  material into what they take.
- propagated: the paragraph is aligned (not same_outlet) with a paragraph of another article
  that has an explicit attribution: that confidence * score / 100, evidence "alignment N
  with ARTICLE (score S)" and alignment_id. A quote trail shared with such a paragraph
  propagates too, at that confidence * TRAIL_FACTOR (evidence "quote trail N"): a quote may
  come from a press conference that every agency attended.
- matched: the paragraph is aligned with an article of kind wire: the source is that wire's
  outlet (canonicalised by the lexicon), confidence score / 100.

Explicit and inherited keep one row per paragraph, source and chain role (the strongest
cue); propagated one per paragraph, source, chain role and giving article (or trail);
matched one per paragraph and wire article. Image credits ("FOTO: AFP", "KCNA melalui
REUTERS") are masked out of the text before cues are sought: they go to image_credits and
never make a text source. A chain records both names, chain_role origin and relay.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import multiprocessing
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from re import _constants as sre_constants  # the parse tree, for the keywords of a cue
from re import _parser as sre_parser
from typing import Any

import duckdb
import polars as pl
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from dedup import interrupt, store
from dedup.parallel import batched, parallel_map
from dedup.quotes import (
    MAX_BUCKET,
    Quote,
    SpeakerCues,
    bucket_pairs,
    build_trails,
    extract_quotes,
    normalise,
    resolve_speakers,
    same_quote_edges,
    texts_keys,
)

ATTRIBUTE_TABLES = ("attributions", "image_credits", "quotes", "quote_trails")
TEXT_ROLES = ("body", "headline")
SOURCE_KINDS = ("inline", "lede", "footer")
KINDS = (*SOURCE_KINDS, "credit", "quote_after", "quote_before")
INHERIT_FACTOR = 0.8
TRAIL_FACTOR = 0.7
LEDE_MIN_WORDS = 5
LEDE_WINDOW = 2
FOOTER_FROM = 0.5  # footer cues count in the last half of an article's paragraphs

_UPPER = "".join(c for c in map(chr, range(0x530)) if c.isupper())
_NOT_NAMES = (
    "The|A|An|On|In|At|He|She|It|They|We|I|Ia|Dia|Mereka|Beliau|Kantor|Menurut|Senin|Selasa|"
    "Rabu|Kamis|Jumat|Sabtu|Minggu|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
_TOKEN = rf"(?!(?:{_NOT_NAMES})\b)[{_UPPER}](?:\.|[\w-]*(?:['’](?!s\b)[\w-]+)*)"  # not "Iran's"
NAME = rf"(?<!\w)(?-i:{_TOKEN}(?:\s+{_TOKEN}){{0,5}})"
# a name ends at a non-word character other than a joining hyphen ("AP-style" is no AP);
# a footnote mark may follow ("New York Times¹")
_NAME_END = r"(?:(?!\w|-\w)|(?=[\u00b9\u00b2\u00b3\u2070-\u209f]))"
_GROUP_ROLES = {"src": "source", "origin": "origin", "relay": "relay"}

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


@dataclass(frozen=True)
class Source:
    name: str
    source_type: str


class Lexicon:
    """The names of sources.csv: one regex for all of them, and lookups to canonical names."""

    def __init__(self, rows: Iterable[tuple[str, str, list[str]]]) -> None:
        self._exact: dict[str, Source] = {}  # one-word names, as written or in capitals
        self._folded: dict[str, Source] = {}  # names of several words, casefolded
        self._loose: dict[str, Source] = {}  # every name casefolded, for outlet columns
        for canonical, source_type, aliases in rows:
            source = Source(canonical, source_type)
            for name in (canonical, *aliases):
                self._loose[name.casefold()] = source
                if " " in name:
                    self._folded[name.casefold()] = source
                else:
                    self._exact[name] = self._exact[name.upper()] = source
        alternation = f"(?i:{_trie(self._folded)})|(?-i:{_trie(self._exact)})"
        self.pattern = rf"(?<!\w)(?:{alternation}){_NAME_END}"
        self.regex = re.compile(self.pattern)
        self.list_regex = re.compile(
            rf"\s*(?:,|&|/|\band\b|\bdan\b|\bserta\b)\s*(?:the\s+)?(?P<src>{self.pattern})",
            re.IGNORECASE,
        )
        self._words = _NameWords.build(self._exact, self._folded)

    def may_occur(self, text: str) -> bool:
        """False only if no name can be in the text: a quick test before `regex`."""
        return self._words is None or self._words.may_occur(text)

    def lookup(self, name: str) -> Source | None:
        """The source of a name as the cue regexes match it (same case rules)."""
        name = " ".join(name.split())
        return self._exact.get(name) or self._folded.get(name.casefold())

    def canonical(self, name: str) -> Source | None:
        """The source of a name written anywhere (an outlet column): case is ignored."""
        return self._loose.get(" ".join(name.split()).casefold())

    def find(self, text: str) -> Source | None:
        """The first lexicon name inside a text."""
        m = self.regex.search(text)
        return self.lookup(m.group()) if m else None


# ASCII bytes that are not \w, as blanks: an ASCII text's words are then its split()
_ASCII_WORDS = bytes(c if c >= 128 or re.match(r"\w", chr(c)) else 32 for c in range(256))


@dataclass(frozen=True)
class _NameWords:
    """The words of the lexicon names, for a test cheaper than the lexicon regex.

    A name starts and ends a word (`(?<!\\w)`, `_NAME_END`) and its spaces and other non-word
    characters stand as non-word characters in the text, so in an ASCII text every word of
    a name is a whole word of the text: as written for a name of one word (case-sensitive),
    in any case for a name of several. A name with a non-ASCII character (none of them one
    that re.IGNORECASE equates with an ASCII letter) is never in an ASCII text.
    """

    heads: frozenset[bytes]  # the longest word of every name, lowercase
    exact: dict[bytes, list[frozenset[bytes]]]  # names of one word by their longest word
    folded: dict[bytes, list[frozenset[bytes]]]  # names of several words, lowercase

    @classmethod
    def build(cls, exact: Iterable[str], folded: Iterable[str]) -> _NameWords | None:
        """None when the test would be unsound: a name without a word, or with a character
        that re.IGNORECASE equates with an ASCII letter without being one."""
        index: tuple[dict, dict] = ({}, {})
        for names, words_of, by_head in (
            (exact, lambda n: re.findall(r"\w+", n), index[0]),
            (folded, lambda n: re.findall(r"\w+", n.lower()), index[1]),
        ):
            for name in names:
                words = words_of(name)
                if not words or _ASCII_TWINS.search(name):
                    return None
                if name.isascii():
                    encoded = [w.encode("ascii") for w in words]
                    by_head.setdefault(max(encoded, key=len), []).append(frozenset(encoded))
        heads = frozenset(h.lower() for by_head in index for h in by_head)
        return cls(heads, *index)

    def may_occur(self, text: str) -> bool:
        """False only if no lexicon name can be in the text."""
        if not text.isascii():
            return True
        data = text.encode("ascii")
        lower = data.lower().translate(_ASCII_WORDS).split()
        if self.heads.isdisjoint(lower):
            return False
        words = set(data.translate(_ASCII_WORDS).split())
        if any(w <= words for h in words.intersection(self.exact) for w in self.exact[h]):
            return True
        words = set(lower)
        return any(w <= words for h in words.intersection(self.folded) for w in self.folded[h])


@dataclass(frozen=True)
class Cue:
    kind: str
    confidence: float
    pattern: str  # expanded: placeholders replaced by the lexicon and name patterns
    source: str | None  # the fixed source of a cue that names none
    open_names: bool  # {AGENCY}: an unknown name is kept as written
    needs_lexicon: bool  # only lexicon names: skip texts without any
    # lowercase ASCII words one of which every match contains (case-insensitively): a text
    # without any is skipped; None when the regex has no such words
    keywords: tuple[str, ...] | None = None

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled when first needed: the lexicon makes each pattern large, and the keyword
        tests spare most cues on most texts, so a small run compiles only what it meets."""
        return re.compile(self.pattern, re.IGNORECASE)


@dataclass(frozen=True)
class CueSet:
    lexicon: Lexicon
    cues: tuple[Cue, ...]
    speakers: SpeakerCues

    @functools.cached_property
    def _plans(self) -> dict[tuple[str, ...], tuple[tuple[Cue, ...], tuple[Cue, ...]]]:
        return {}

    def plan(self, kinds: Iterable[str]) -> tuple[tuple[Cue, ...], tuple[Cue, ...]]:
        """The cues of the given kinds, in file order: all of them, and those that need no
        lexicon name."""
        key = tuple(kinds)
        if key not in self._plans:
            chosen = tuple(c for c in self.cues if c.kind in key)
            self._plans[key] = chosen, tuple(c for c in chosen if not c.needs_lexicon)
        return self._plans[key]


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a text; offsets relative to that text."""

    kind: str
    source: str
    source_type: str
    chain_role: str
    confidence: float
    start: int
    end: int
    text: str


def _data_files() -> list[Any]:
    """The lexicon and the cue files, in a fixed order."""
    data = resources.files("dedup") / "data"
    cues = sorted((p for p in (data / "cues").iterdir() if p.name.endswith(".txt")), key=str)
    return [data / "sources.csv", *cues]


@functools.cache
def cue_digest() -> str:
    """A digest of the lexicon and cue files: attributions made with others are redone."""
    digest = hashlib.sha256()
    for path in _data_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@functools.cache
def load_lexicon() -> Lexicon:
    """The sources of data/sources.csv (all that matching and propagation need)."""
    with _data_files()[0].open(encoding="utf-8", newline="") as f:
        rows = [
            (r["canonical"].strip(), r["source_type"].strip(), _aliases(r["aliases"]))
            for r in csv.DictReader(f)
        ]
    return Lexicon(rows)


@functools.cache
def load_cues() -> CueSet:
    """The lexicon and the cues of every data/cues/*.txt file (compiled when first used)."""
    lexicon = load_lexicon()
    cues = [cue for path in _data_files()[1:] for cue in _parse_cues(path, lexicon)]
    speakers = SpeakerCues(
        after=tuple(c.regex for c in cues if c.kind == "quote_after"),
        before=tuple(c.regex for c in cues if c.kind == "quote_before"),
    )
    return CueSet(
        lexicon, tuple(c for c in cues if c.kind not in ("quote_after", "quote_before")), speakers
    )


def find_image_credits(text: str, cues: CueSet | None = None) -> list[CueMatch]:
    """Image credits in a text; one inside a longer one ("REUTERS/Name" in a chain) is dropped."""
    return _find_credits(_Text(text), cues or load_cues())


def find_cues(
    text: str, kinds: Iterable[str] = SOURCE_KINDS, cues: CueSet | None = None
) -> list[CueMatch]:
    """Source cues in a text, image credits masked first so that "FOTO: AFP" never counts."""
    cues = cues or load_cues()
    t = _Text(text)
    return _find_sources(t, _find_credits(t, cues), tuple(kinds), cues)


#: at most this many articles are scanned ahead while detection runs (see start_scan)
EARLY_SCAN_MAX = 20_000


class EarlyScan:
    """The cue scan of the articles this stage will scan, running in a forked process while
    detection goes on: it depends on paragraph roles alone, final once templates ran. The
    child writes its rows to a file and exits at once: a child that lingers would make the
    parent copy every page it writes meanwhile (copy-on-write)."""

    def __init__(self, ids: frozenset[str], articles: list[list[dict[str, Any]]]) -> None:
        self.ids = ids
        handle, name = tempfile.mkstemp(prefix="dedup-scan-", suffix=".pickle")
        os.close(handle)
        self._path = Path(name)
        ctx = multiprocessing.get_context("fork")
        self._process = ctx.Process(
            target=_scan_child, args=(articles, self._path, os.getpid()), daemon=True
        )
        with interrupt.deferred():
            self._process.start()

    def rows(self) -> tuple[list, list, list]:
        """The rows, once the child is done (its error, if it failed)."""
        self._process.join()
        try:
            outcome, value = pickle.loads(self._path.read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError) as err:
            raise RuntimeError(
                f"the early cue scan ended with code {self._process.exitcode}"
            ) from err
        finally:
            self._path.unlink(missing_ok=True)
        if outcome == "error":
            raise value
        return value

    def cancel(self) -> None:
        self._process.kill()
        self._process.join()
        self._path.unlink(missing_ok=True)


def _scan_child(articles: list[list[dict[str, Any]]], path: Path, parent: int) -> None:
    interrupt.in_child(parent)
    try:
        result: tuple[str, Any] = ("ok", _scan_articles(articles))
    except Exception as err:  # handed to the parent, which raises it
        result = ("error", err)
    path.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


def start_scan(con: duckdb.DuckDBPyConnection) -> EarlyScan | None:
    """Start scanning, in the background, the articles :func:`attribute` will scan: those
    it has not seen and those whose roles changed (``role_changes`` of this run, and
    ``stale_articles`` of earlier ones). None when the stage would run in full or the
    articles are too many to hold."""
    state = store.stage_state(con, "attribute")
    if state is None or state["settings"] != {"cues": cue_digest()}:
        return None
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE early_scan AS
        SELECT article_id FROM articles WHERE run_id > ?
        UNION SELECT article_id FROM stale_articles WHERE reason = 'roles'
        UNION SELECT article_id FROM role_changes
        """,
        [state["through_run"]],
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
    state = {"cues": cue_digest()}
    full = store.begin_stage(con, "attribute", state)
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
        _update_trails(con)
        con.execute(_TRAIL_SQL, [TRAIL_FACTOR])
    if ids or store.scalar(con, "SELECT count(*) FROM repropagate"):
        con.execute(
            "DELETE FROM attributions WHERE article_id IN (SELECT article_id FROM repropagate)"
            " AND method IN ('propagated', 'matched') AND alignment_id IS NOT NULL"
        )
        con.execute(_PROPAGATE_SQL)
        _insert_matched(con, load_lexicon())
    if early is not None and early.ids != ids:
        early.cancel()
    store.finish_stage(con, "attribute", state)
    return {table: store.scalar(con, f"SELECT count(*) FROM {table}") for table in ATTRIBUTE_TABLES}


def _update_trails(con: duckdb.DuckDBPyConnection) -> None:
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
        "SELECT article_id, outlet, kind, published FROM articles "
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


def trace(con: duckdb.DuckDBPyConnection, article_id: str) -> dict[str, Any]:
    """Paragraph-by-paragraph provenance of one article, JSON-serialisable.

    Raises LookupError for an unknown article.
    """
    article = con.execute(
        "SELECT article_id, outlet, kind, title, published, language FROM articles"
        " WHERE article_id = ?",
        [article_id],
    ).fetchone()
    if article is None:
        raise LookupError(f"no article {article_id!r} in the database")
    keys = ("article_id", "outlet", "kind", "title", "published", "language")
    result = dict(zip(keys, article, strict=True))
    result["published"] = _iso(result["published"])
    sources = _by_paragraph(con, _TRACE_SOURCES_SQL, article_id)
    credits = _by_paragraph(con, _TRACE_CREDITS_SQL, article_id)
    quotes = _by_paragraph(con, _TRACE_QUOTES_SQL, article_id)
    aligned = _by_paragraph(con, _TRACE_ALIGNED_SQL, article_id)
    rows = con.execute(
        "SELECT paragraph_id, seq, role, char_start, char_end, text FROM paragraphs"
        " WHERE article_id = ? ORDER BY seq",
        [article_id],
    ).fetchall()
    result["paragraphs"] = [
        {
            "paragraph_id": pid,
            "seq": seq,
            "role": role,
            "char_start": start,
            "char_end": end,
            "text": text,
            "sources": sources.get(pid, []),
            "image_credits": credits.get(pid, []),
            "quotes": quotes.get(pid, []),
            "aligned": aligned.get(pid, []),
        }
        for pid, seq, role, start, end, text in rows
    ]
    return result


def render_trace(trace_dict: dict[str, Any], console: Console) -> None:
    """Print a trace readably: one panel per paragraph with its sources and aligned passages."""
    t = trace_dict
    console.rule(f"[bold]{escape(t['article_id'])}[/] {escape(t.get('title') or '')}")
    console.print(
        f"outlet {escape(t['outlet'] or '?')} · kind {t['kind']}"
        f" · published {t['published'] or 'undated'} · language {t['language'] or '?'}"
    )
    for p in t["paragraphs"]:
        if p["role"] == "boilerplate" and not (p["sources"] or p["image_credits"]):
            console.print(Text(f"  [{p['seq']}] boilerplate: {_short(p['text'], 80)}", "dim"))
            continue
        console.print(
            Panel(
                Group(*_paragraph_lines(p)),
                title=f"[{p['seq']}] {p['role']}",
                title_align="left",
                subtitle=p["paragraph_id"],
                subtitle_align="right",
            )
        )


def _aliases(field: str | None) -> list[str]:
    return [a.strip() for a in (field or "").split("|") if a.strip()]


def _trie(names: Iterable[str]) -> str:
    """One regex for many names, as a trie: a branch per character instead of per name, and
    a longer name wins over its prefix ("Associated Press of Pakistan" over "Associated Press")."""
    root: dict[str, dict] = {}
    for name in names:
        node = root
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_node(root) or "(?!)"


def _trie_node(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if ch == " " else re.escape(ch)) + _trie_node(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _parse_cues(path: Any, lexicon: Lexicon) -> Iterator[Cue]:
    """Cue lines of one file: KIND <TAB> CONFIDENCE <TAB> REGEX [<TAB> SOURCE]."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t") if f.strip()]
        where = f"{path.name}:{number}"
        if len(fields) not in (3, 4) or fields[0] not in KINDS:
            raise ValueError(f"{where}: expected KIND<TAB>CONFIDENCE<TAB>REGEX[<TAB>SOURCE]")
        kind, confidence, regex = fields[:3]
        try:  # the parse checks the syntax; compiling waits until the cue is needed
            keywords = _keywords(regex)
        except re.error as e:
            raise ValueError(f"{where}: bad regex: {e}") from e
        yield Cue(
            kind=kind,
            confidence=1.0 if confidence == "-" else float(confidence),
            pattern=_expand(regex, lexicon.pattern),
            source=fields[3] if len(fields) == 4 else None,
            open_names="{AGENCY}" in regex,
            needs_lexicon=any(p in regex for p in ("{SRC}", "{ORIGIN}", "{RELAY}")),
            keywords=keywords,
        )


def _keywords(regex: str) -> tuple[str, ...] | None:
    """Lowercase ASCII strings one of which every match of a cue regex contains, or None.

    Taken from the parse tree of the regex, its lexicon names left out (they are tested
    apart, `needs_lexicon`): a run of literal characters, or one per branch of an
    alternation, in a part of the regex that every match goes through. A text whose lowercase
    form contains none of them is not searched (see `_Text`).
    """
    words = _required(sre_parser.parse(_expand(regex, "(?s:.)"), re.IGNORECASE))
    if words is None:
        return None
    # a word that contains another is implied by it
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


def _required(items: Any) -> frozenset[str] | None:
    """The keywords of a parsed (sub)pattern: of its required parts, the one with the longest."""
    best: frozenset[str] | None = None

    def consider(words: frozenset[str] | None) -> None:
        nonlocal best
        if words and (best is None or _strength(words) > _strength(best)):
            best = words

    run = ""
    for op, av in list(items):
        if op is sre_constants.LITERAL and av < 128:
            run += chr(av).lower()
            continue
        consider(frozenset([run]) if run else None)
        run = ""
        if op is sre_constants.SUBPATTERN:
            consider(_required(av[3]))
        elif op is sre_constants.ATOMIC_GROUP:
            consider(_required(av))
        elif op in _REPEATS and av[0] >= 1:
            consider(_required(av[2]))
        elif op is sre_constants.BRANCH:
            branches = [_required(branch) for branch in av[1]]
            if all(branches):
                consider(frozenset().union(*branches))
    consider(frozenset([run]) if run else None)
    return best


def _strength(words: frozenset[str]) -> tuple[int, int]:
    """Longer words, then fewer, make a sharper test."""
    return min(map(len, words)), -len(words)


def _expand(regex: str, names: str) -> str:
    """Replace the placeholders of a cue regex by the lexicon and name patterns."""
    return (
        regex.replace("{SRC}", f"(?P<src>{names})")
        .replace("{ORIGIN}", f"(?P<origin>{names})")
        .replace("{RELAY}", f"(?P<relay>{names})")
        .replace("{AGENCY}", f"(?P<src>{names}|{NAME})")
        .replace("{SPEAKER}", f"(?P<speaker>{NAME})")
        .replace("{NAME}", NAME)
    )


def _matches(cue: Cue, text: str, cues: CueSet) -> Iterator[CueMatch]:
    """Every source named by every match of one cue (a list "Reuters dan AFP" gives two)."""
    for m in cue.regex.finditer(text):
        if cue.source:
            source = cues.lexicon.canonical(cue.source) or Source(cue.source, "wire")
            yield _cue_match(cue, m.start(), m.end(), source, "source", text)
            continue
        named = [(g, m.group(g)) for g in _GROUP_ROLES if g in cue.regex.groupindex and m.group(g)]
        found = [
            (_GROUP_ROLES[group], source)
            for group, name in named
            if (source := _source(cue, name, m.group(), cues.lexicon))
        ]
        end = m.end()
        if found and named[0][0] == "src" and m.end("src") == end:
            while more := cues.lexicon.list_regex.match(text, end):
                found.append(("source", cues.lexicon.lookup(more.group("src"))))
                end = more.end()
        for role, source in found:
            yield _cue_match(cue, m.start(), end, source, role, text)


def _source(cue: Cue, name: str, cue_text: str, lexicon: Lexicon) -> Source | None:
    """A matched name's source; an unknown agency keeps its name when the cue allows it."""
    source = lexicon.lookup(name)
    if source or not cue.open_names:
        return source
    return lexicon.find(cue_text) or Source(" ".join(name.split()), "wire")


def _cue_match(cue: Cue, start: int, end: int, source: Source, role: str, text: str) -> CueMatch:
    return CueMatch(
        cue.kind, source.name, source.source_type, role, cue.confidence, start, end, text[start:end]
    )


# the non-ASCII characters that re.IGNORECASE equates with an ASCII letter (İ ı ſ and the Kelvin
# sign): in a text that has one, a keyword may match without being in text.lower()
_ASCII_TWINS = re.compile("[\u0130\u0131\u017f\u212a]")


class _Text:
    """A text being scanned, with what its cue tests share: its lowercase form (for the cue
    keywords) and whether it holds a lexicon name (computed when first asked)."""

    __slots__ = ("_has_name", "lower", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # every keyword that re.IGNORECASE finds in the text is in its lowercase form, but for
        # the ASCII twins; None: no keyword test
        twins = not text.isascii() and _ASCII_TWINS.search(text) is not None
        self.lower = None if twins else text.lower()
        self._has_name: bool | None = None

    def candidates(self, kinds: Iterable[str], cues: CueSet) -> Iterator[Cue]:
        """The cues of the given kinds that may match: those needing a lexicon name only if the
        text holds one, and only if the text holds one of their keywords."""
        every, nameless = cues.plan(kinds)
        if self._has_name is None:
            lexicon = cues.lexicon
            self._has_name = lexicon.may_occur(self.text) and bool(lexicon.regex.search(self.text))
        lower = self.lower
        for cue in every if self._has_name else nameless:
            keywords = cue.keywords
            if keywords is None or lower is None or any(k in lower for k in keywords):
                yield cue


def _find_credits(t: _Text, cues: CueSet) -> list[CueMatch]:
    """find_image_credits on a _Text."""
    found = [m for cue in t.candidates(("credit",), cues) for m in _matches(cue, t.text, cues)]
    if not found:
        return []
    kept: list[CueMatch] = []
    for m in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if not any(_inside(m, k) for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: (m.start, m.chain_role))


def _find_sources(
    t: _Text, credits: list[CueMatch], kinds: Iterable[str], cues: CueSet
) -> list[CueMatch]:
    """find_cues on a _Text whose image credits are known."""
    masked = _Text(_mask(t.text, credits)) if credits else t
    found = [m for cue in masked.candidates(kinds, cues) for m in _matches(cue, masked.text, cues)]
    if not found:
        return []
    return sorted((_with_text(m, t.text) for m in found), key=lambda m: (m.start, m.kind, m.source))


def _inside(m: CueMatch, k: CueMatch) -> bool:
    """Whether m lies strictly inside k."""
    return k.start <= m.start and m.end <= k.end and (k.start, k.end) != (m.start, m.end)


def _mask(text: str, spans: Iterable[CueMatch]) -> str:
    """The text with the given spans blanked out, offsets unchanged."""
    chars = list(text)
    for m in spans:
        chars[m.start : m.end] = " " * (m.end - m.start)
    return "".join(chars)


def _with_text(m: CueMatch, text: str) -> CueMatch:
    """A match found on masked text, with its evidence taken from the original text."""
    return CueMatch(
        m.kind,
        m.source,
        m.source_type,
        m.chain_role,
        m.confidence,
        m.start,
        m.end,
        text[m.start : m.end],
    )


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
        t = _Text(p["text"])
        found_credits = _find_credits(t, cues)
        credits += [_credit_row(p, m) for m in found_credits]
        if p["role"] in TEXT_ROLES:
            explicit[p["paragraph_id"]] = _find_sources(t, found_credits, SOURCE_KINDS, cues)
        if i >= footer_from and p["role"] != "caption":
            pid = p["paragraph_id"]
            found = (
                explicit[pid]
                if pid in explicit
                else _find_sources(t, found_credits, ("footer",), cues)
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
    candidates = [
        p for p in paragraphs if p["role"] == "body" and len(p["text"].split()) >= LEDE_MIN_WORDS
    ]
    for p in candidates[:LEDE_WINDOW]:
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


def _insert_matched(con: duckdb.DuckDBPyConnection, lexicon: Lexicon) -> None:
    """`matched` rows: paragraphs aligned with an article of kind wire, named by its outlet
    (an outlet's canonical name is looked up once, not once per wire article)."""
    outlets = con.execute(
        "SELECT DISTINCT outlet FROM articles WHERE kind = 'wire' AND outlet <> ''"
    ).fetchall()
    sources = [lexicon.canonical(o) or Source(o, "wire") for (o,) in outlets]
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
    con.execute(_MATCHED_SQL)


def _by_paragraph(con: duckdb.DuckDBPyConnection, sql: str, article_id: str) -> dict[str, list]:
    """Rows of a trace query grouped by their first column, paragraph_id."""
    cursor = con.execute(sql, [article_id])
    names = [d[0] for d in cursor.description][1:]
    grouped: dict[str, list] = {}
    for pid, *values in cursor.fetchall():
        row = {k: _iso(v) for k, v in zip(names, values, strict=True)}
        grouped.setdefault(pid, []).append(row)
    return grouped


def _iso(value: Any) -> Any:
    """Datetimes as ISO strings, so that a trace dumps to JSON."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _paragraph_lines(p: dict[str, Any]) -> Iterator[Text]:
    """The lines of one paragraph's panel."""
    yield Text(p["text"], style="dim" if p["role"] != "body" else "")
    for s in p["sources"]:
        chain = "" if s["chain_role"] == "source" else f" [{s['chain_role']}]"
        line = Text("  ◆ ", style="green")
        line.append(f"{s['source']}{chain}", style="bold green")
        line.append(f" ({s['source_type']}) {s['method']} {s['confidence']:.2f}  ")
        line.append(_short(s["evidence"], 160), style="italic")
        yield line
    for c in p["image_credits"]:
        chain = "" if c["chain_role"] == "source" else f" [{c['chain_role']}]"
        yield Text(f"  ▣ image credit: {c['source']}{chain}  {c['evidence']}", style="cyan")
    for q in p["quotes"]:
        trail = f" · trail {q['trail_id']}" if q["trail_id"] is not None else ""
        speaker = q["speaker"] or "?"
        yield Text(f"  ❝ {speaker}: {_short(q['text'], 100)}{trail}", style="magenta")
    for a in p["aligned"]:
        line = Text("  ↔ ", style="yellow")
        line.append(f"{a['article_id']}", style="bold yellow")
        line.append(
            f" ({a['outlet'] or '?'}, {a['published'] or 'undated'})"
            f" score {a['score']:.1f} {a['match_kind']}"
            f" #{a['alignment_id']}: "
        )
        line.append(_short(a["text"], 200), style="italic")
        yield line


# both sides of every alignment of an article in `repropagate`
_PAIRS = """
    WITH pairs AS (
        SELECT alignment_id, score, target_paragraph_id AS paragraph_id,
               target_article_id AS article_id, source_paragraph_id AS via_paragraph_id,
               source_article_id AS via_article_id
        FROM alignments SEMI JOIN repropagate AS r ON r.article_id = target_article_id
        WHERE NOT same_outlet
        UNION ALL
        SELECT alignment_id, score, source_paragraph_id, source_article_id,
               target_paragraph_id, target_article_id
        FROM alignments SEMI JOIN repropagate AS r ON r.article_id = source_article_id
        WHERE NOT same_outlet
    )
"""

_PROPAGATE_SQL = f"""
    INSERT INTO attributions (paragraph_id, article_id, source, source_type, method, evidence,
                              confidence, chain_role, alignment_id)
    {_PAIRS}
    SELECT p.paragraph_id, p.article_id, e.source, e.source_type, 'propagated',
           printf('alignment %d with %s (score %.1f), cue "%s"', p.alignment_id,
                  p.via_article_id, p.score, e.evidence),
           round(e.confidence * p.score / 100, 4), e.chain_role, p.alignment_id
    FROM pairs AS p
    JOIN paragraphs AS r ON r.paragraph_id = p.paragraph_id AND r.role IN ('body', 'headline')
    JOIN attributions AS e ON e.paragraph_id = p.via_paragraph_id AND e.method = 'explicit'
    WHERE p.article_id <> p.via_article_id
    QUALIFY row_number() OVER (
        PARTITION BY p.paragraph_id, e.source, e.chain_role, p.via_article_id
        ORDER BY e.confidence * p.score DESC, p.alignment_id) = 1
"""

_TRAIL_SQL = """
    INSERT INTO attributions (paragraph_id, article_id, source, source_type, method, evidence,
                              confidence, chain_role)
    SELECT r.paragraph_id, r.article_id, e.source, e.source_type, 'propagated',
           printf('quote trail %d with %s, cue "%s"', r.trail_id, g.article_id, e.evidence),
           round(e.confidence * ?, 4), e.chain_role
    FROM quotes AS r
    JOIN quotes AS g ON g.trail_id = r.trail_id AND g.article_id <> r.article_id
    JOIN attributions AS e ON e.paragraph_id = g.paragraph_id AND e.method = 'explicit'
    QUALIFY row_number() OVER (
        PARTITION BY r.paragraph_id, e.source, e.chain_role, g.article_id
        ORDER BY e.confidence DESC, g.quote_id) = 1
"""

_MATCHED_SQL = f"""
    INSERT INTO attributions (paragraph_id, article_id, source, source_type, method, evidence,
                              confidence, chain_role, alignment_id)
    {_PAIRS}
    SELECT p.paragraph_id, p.article_id, w.source, w.source_type, 'matched',
           printf('alignment %d with %s (score %.1f)', p.alignment_id, p.via_article_id, p.score),
           round(p.score / 100, 4), 'source', p.alignment_id
    FROM pairs AS p
    JOIN paragraphs AS r ON r.paragraph_id = p.paragraph_id AND r.role IN ('body', 'headline')
    JOIN _attribute_wires AS w ON w.article_id = p.via_article_id
    WHERE p.article_id <> p.via_article_id
    QUALIFY row_number() OVER (
        PARTITION BY p.paragraph_id, p.via_article_id ORDER BY p.score DESC, p.alignment_id) = 1
"""

_TRACE_SOURCES_SQL = """
    SELECT paragraph_id, source, source_type, method, evidence, confidence, chain_role,
           cue_start, cue_end, alignment_id
    FROM attributions WHERE article_id = ?
    ORDER BY paragraph_id, confidence DESC, source, method
"""

_TRACE_CREDITS_SQL = """
    SELECT paragraph_id, source, source_type, chain_role, evidence, cue_start, cue_end
    FROM image_credits WHERE article_id = ? ORDER BY paragraph_id, cue_start, chain_role
"""

_TRACE_QUOTES_SQL = """
    SELECT paragraph_id, quote_id, text, speaker, char_start, char_end, trail_id
    FROM quotes WHERE article_id = ? ORDER BY quote_id
"""

_TRACE_ALIGNED_SQL = """
    WITH spans AS (
        SELECT a.alignment_id, a.score, a.match_kind, a.same_outlet,
               a.target_paragraph_id AS paragraph_id, a.target_article_id AS article_id,
               a.target_start AS start, a.target_end AS "end",
               a.source_article_id AS other_id, a.source_paragraph_id AS other_paragraph_id,
               a.source_start AS other_start, a.source_end AS other_end, 'source' AS other_side
        FROM alignments AS a
        UNION ALL
        SELECT a.alignment_id, a.score, a.match_kind, a.same_outlet,
               a.source_paragraph_id, a.source_article_id, a.source_start, a.source_end,
               a.target_article_id, a.target_paragraph_id, a.target_start, a.target_end,
               'target'
        FROM alignments AS a
    )
    SELECT s.paragraph_id, s.other_id AS article_id, o.outlet, o.published,
           s.other_paragraph_id AS paragraph_id, s.other_side,
           substr(o.text, s.other_start + 1, s.other_end - s.other_start) AS text,
           s.other_start, s.other_end,
           s.start, s."end", s.score, s.match_kind, s.same_outlet, s.alignment_id
    FROM spans AS s JOIN articles AS o ON o.article_id = s.other_id
    WHERE s.article_id = ?
    ORDER BY s.paragraph_id, s.score DESC, s.alignment_id
"""
