"""Translate stage: paragraphs that translate an earlier article in another language.

Reads: articles, paragraphs (body and headline), alignments, term_df (frozen weights) and
the ``meta`` rows terms_sample and terms_frozen, the temp tables article_order,
retrieve_changed (the articles retrieval redid) and removed_alignments.
Leaves: article_anchors (each article's rarer keys: the candidate index), anchor_holders
(their counts per key and language) and alignments
with ``match_kind = 'translation'`` (their ids added to ``added_alignments``, the removed
ones to ``removed_alignments``, for :mod:`dedup.cluster`); for the next incremental run,
translate_lookups, translate_bounds, anchor_vocabulary and the ``meta`` rows concept_df,
anchor_vocabulary and translate_languages.

An outlet that translates a wire story shares no word with it, so neither fingerprints nor
retrieval see the pair. Both sides become keys of :mod:`dedup.anchors` (numbers, names,
lexicon concepts). Candidates: the articles of another language that come first (decided
direction only, inside the retrieval window) and hold the target's rarer keys, by an
inverted index in DuckDB (``data/translate_pairs.sql``); the best ``top_k`` per target.
Alignment: inside each candidate pair, every target paragraph and source paragraph are
scored by the weighted overlap of their keys, and the best pairs taken one to one in score
order (so reordered paragraphs align; a split or fused one keeps its best half; the earlier
source on a tie) when the score reaches ``min_score``. A span is a whole paragraph on both
sides.

Why these defaults (``TranslateSettings``), measured on the PANL-BPPT development pairs
(``make eval``, set ``panl``; the cut-off is cross-validated there across its domains):
``min_score`` 0.3: true paragraph pairs score about 0.5 and unrelated ones about 0.04; the
cut-off fitted on any two domains and tested on the third falls between 0.28 and 0.30.
``min_paragraphs`` 3: one or two paragraphs in common is what two stories on one event share
by chance (on the development pairs no true pair aligned fewer than 3, and 1,026 chance
pairs did); a target shorter than that needs all its paragraphs. Indexed keys: those in at
most 5% of the sample's articles (``index_share``, a concept counted over all its words; at
least ``index_min`` = 25 articles, as retrieval's rare terms, so a small corpus keeps its
vocabulary): "said", "year" or "Indonesia" name no source. A target is looked up by its
``lookup`` = 12 keys that fewest articles of the other language hold, none held by more
than ``max_holders`` = 100 (the work per target is bounded whatever the corpus size; the
development pairs lost nothing to it); a source must hold 3 of them and 10% of their
weight, as in retrieval, and the ``top_k`` = 3 best are aligned. Only a lexicon's language
pairs are compared.

Incremental: the keys' weights are frozen with the term sample, and each target's lookup keys
are kept (``translate_lookups``). An arriving article can change a target's candidates only
through a key it holds: if the key is one of the target's lookup keys (it may be a new
candidate, and the key's holder count rises, which can push it out of the lookup), or if no
other article of its language held the key before (the key becomes one a target may look up
by). Holders are counted per language and a target looks up by those of its partner
language, so only an arriving article of that language moves it. A holder count that only
rises cannot bring any other key into a lookup, and pushes a lookup key out only past the
key that came next (kept with its count in ``translate_bounds``) or past ``max_holders``.
Those targets are the scope (``data/translate_scope.sql``), with the holders of every key a
changed article held before (a count that falls can bring a key in), the targets of a
changed source, both articles of any alignment the merge stage removed (it replaces every
alignment of a paragraph pair whose verbatim candidates changed), and every target when
retrieval redid everything. A target is redone when it is in the scope and its lookup
moved, or when a changed article that comes first holds one of its lookup keys, or held
one before; the others would get the pairs they have.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import polars as pl

from dedup import anchors, store
from dedup.bilingual import LEXICONS, Lexicon, languages
from dedup.ids import with_alignment_ids
from dedup.parallel import batched, one_ahead, parallel_map

#: targets per alignment task; the first tasks are smaller (from CHUNK_START, doubling), so
#: that the few hundred targets of an incremental run keep both cores busy
CHUNK = 200
CHUNK_START = 25
_INPUT: dict[str, Any] = {}
_KEY_SCHEMA = {
    "article_id": pl.String,
    "language": pl.String,
    "key": pl.String,
    "weight": pl.Float64,
}


@dataclass(frozen=True)
class TranslateSettings:
    min_score: float = 0.3
    index_share: float = 0.05
    index_min: int = 25
    min_shared: int = 3
    min_share: float = 0.1
    top_k: int = 3
    min_paragraphs: int = 3
    lookup: int = 12
    max_holders: int = 100
    #: the lexicons' content: another lexicon makes other keys
    lexicons: str = hashlib.sha256(
        b"".join(p.read_bytes() for p in sorted(LEXICONS.iterdir()) if p.is_file())
    ).hexdigest()[:16]

    def as_dict(self) -> dict:
        return asdict(self)


def _paragraphs(con: duckdb.DuckDBPyConnection, ids: pl.DataFrame) -> dict[str, list[tuple]]:
    """(paragraph_id, char_start, char_end, text) of the body and headline paragraphs."""
    with store.registered(con, _ids=ids):
        rows = con.execute(
            """
            SELECT p.article_id, p.paragraph_id, p.char_start, p.char_end, p.text
            FROM paragraphs AS p SEMI JOIN _ids USING (article_id)
            WHERE p.role IN ('body', 'headline') ORDER BY p.article_id, p.seq
            """
        ).fetchall()
    out: dict[str, list[tuple]] = {}
    for article_id, *rest in rows:
        out.setdefault(article_id, []).append(tuple(rest))
    return out


def _align_target(target: str, sources: list[tuple]) -> list[tuple]:
    """A target's alignment rows: its paragraphs and its candidates' paragraphs scored, and
    pairs taken best first while neither paragraph is taken (a source paragraph once per
    source), so each target paragraph names its one best original. ``sources`` come in the
    one article order: on a tie (a wire and an outlet's copy of it) the earlier source takes
    the pair, never the one whose id sorts first. Sources left with fewer than
    ``min_paragraphs`` pairs go and the others take the pairs again, so the paragraphs they
    held go to a source that stays instead of being lost."""
    paragraphs, lang, weight = _INPUT["paragraphs"], _INPUT["lang"], _INPUT["weight"]

    def keys(article: str, lexicon: Lexicon | None) -> list[anchors.Keys]:
        return [
            anchors.paragraph_keys(p[3], lang[article], lexicon, weight)
            for p in paragraphs[article]
        ]

    scored = []
    target_keys: dict[tuple | None, list[anchors.Keys]] = {}  # per lexicon, made once
    for k, (source, _, _) in enumerate(sources):
        lexicon = Lexicon.load(lang[source], lang[target])
        pair = lexicon.pair if lexicon else None
        if pair not in target_keys:
            target_keys[pair] = keys(target, lexicon)
        t_keys, s_keys = target_keys[pair], keys(source, lexicon)
        for i, tk in enumerate(t_keys):
            for j, sk in enumerate(s_keys):
                if (score := anchors.overlap(tk, sk)) >= _INPUT["min_score"]:
                    scored.append((-score, i, k, j))
    scored.sort()
    # one or two paragraphs in common is what two stories on one topic share by chance:
    # sources left with fewer go, all at once, and the rest take the pairs again. One at a
    # time, or the best of them taking the target alone, pools chance pairs into a source
    # (panl precision 0.962 -> 0.959, F1 0.989 -> 0.988)
    enough = min(_INPUT["min_paragraphs"], len(paragraphs[target]))
    kept = set(range(len(sources)))
    while True:
        taken = _one_to_one(scored, kept)
        per_source = Counter(k for _, _, k, _ in taken)
        if not (short := {k for k in kept if per_source[k] < enough}):
            break
        kept -= short
    rows = []
    for neg, i, k, j in taken:
        source, basis, same = sources[k]
        s, t = paragraphs[source][j], paragraphs[target][i]
        rows.append(
            (source, s[0], s[1], s[2], target, t[0], t[1], t[2], round(-100 * neg, 2), basis, same)
        )
    return rows


def _one_to_one(scored: list[tuple], sources: set[int]) -> list[tuple]:
    """Pairs (-score, target paragraph, source, source paragraph), sorted, taken best first
    while neither paragraph is taken, of the ``sources`` only."""
    taken, used_t, used_s = [], set(), set()
    for neg, i, k, j in scored:
        if k not in sources or i in used_t or (k, j) in used_s:
            continue
        used_t.add(i)
        used_s.add((k, j))
        taken.append((neg, i, k, j))
    return taken


def _align_pairs(targets: list[tuple]) -> list[tuple]:
    """Alignment rows of some targets with their candidate sources (a worker's task)."""
    return [row for target, sources in targets for row in _align_target(target, sources)]


_COLUMNS = [
    "source_article_id", "source_paragraph_id", "source_start", "source_end",
    "target_article_id", "target_paragraph_id", "target_start", "target_end",
    "score", "direction_basis", "same_outlet",
]  # fmt: skip


def _partners(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Language -> the language it is compared with, for the corpus's languages that a
    lexicon pairs (a language in two pairs takes its first: one partner per language)."""
    present = {r[0] for r in con.execute("SELECT DISTINCT language FROM articles").fetchall()}
    partner: dict[str, str] = {}
    for a, b in languages():
        if a in present and b in present:
            partner.setdefault(a, b)
            partner.setdefault(b, a)
    return partner


def _made_for(
    con: duckdb.DuckDBPyConnection, partner: dict[str, str], settings: TranslateSettings
) -> str | None:
    """What the key weights depend on once the term sample is frozen (None before: they
    change with every run's sample): the sample, the lexicons and the languages."""
    frozen = store.scalar(con, "SELECT value FROM meta WHERE key = 'terms_frozen'")
    return json.dumps([settings.lexicons, frozen, sorted(partner.items())]) if frozen else None


def _weights(
    con: duckdb.DuckDBPyConnection,
    df: dict[str, int],
    n: int,
    partner: dict[str, str],
    made_for: str | None,
) -> anchors.Weights:
    """The key weights; once the term sample is frozen their concept frequencies are kept
    in ``meta`` (stemming every sampled word took 0.7 s of each run on the 100k bench),
    for these lexicons and languages."""
    lexicons = [lx for a, b in languages() if (lx := Lexicon.load(a, b)) and a in partner]
    kept = store.scalar(con, "SELECT value FROM meta WHERE key = 'concept_df'")
    if made_for and kept and (kept := json.loads(kept))["for"] == made_for:
        return anchors.Weights(df, n, lexicons, kept["df"])
    weight = anchors.Weights(df, n, lexicons)
    if made_for:
        value = json.dumps({"for": made_for, "df": weight.concept_df})
        con.execute("INSERT OR REPLACE INTO meta VALUES ('concept_df', ?)", [value])
    return weight


def _kept_vocabulary(con: duckdb.DuckDBPyConnection, made_for: str | None) -> pl.DataFrame | None:
    """The stored anchor_vocabulary if it was made for ``made_for``; otherwise it is emptied
    and, when ``made_for`` is set, marked for it (this run's words are kept for the next:
    reading the keys of 1,000 articles' 30,000 distinct words took 0.5 s of each run)."""
    mark = store.scalar(con, "SELECT value FROM meta WHERE key = 'anchor_vocabulary'")
    if made_for and mark == made_for:
        return store.frame(con, "SELECT * FROM anchor_vocabulary")
    con.execute("DELETE FROM anchor_vocabulary; DELETE FROM meta WHERE key = 'anchor_vocabulary'")
    if made_for:
        con.execute("INSERT INTO meta VALUES ('anchor_vocabulary', ?)", [made_for])
    return None


def update(
    con: duckdb.DuckDBPyConnection, settings: TranslateSettings, retrieval_window_days: float
) -> int:
    """Redo the translation alignments of the targets a changed article can move; returns
    the number of translation alignments."""
    partner = _partners(con)
    # in full when retrieval was, or when the languages compared changed: the first article
    # of a language gives the other language's articles a partner, so they need keys
    langs = json.dumps(sorted(partner.items()))
    full = store.scalar(con, "SELECT count(*) FROM retrieve_changed") == store.scalar(
        con, "SELECT count(*) FROM articles"
    ) or langs != store.scalar(con, "SELECT value FROM meta WHERE key = 'translate_languages'")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('translate_languages', ?)", [langs])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE translate_langs AS "
        "SELECT * FROM (VALUES ('', '')) AS v(language, partner) WHERE false"
    )
    if partner:
        con.executemany("INSERT INTO translate_langs VALUES (?, ?)", list(partner.items()))
    # the keys changed articles held before: their holders' lookups may move too, and
    # a target that looked one up may lose them as candidates
    con.execute(
        "CREATE OR REPLACE TEMP TABLE old_anchors AS "
        "SELECT article_id, language, key FROM article_anchors "
        + ("WHERE false" if full else "SEMI JOIN retrieve_changed USING (article_id)")
    )
    if full:
        con.execute("DELETE FROM article_anchors")
    else:
        con.execute(
            "DELETE FROM article_anchors WHERE article_id IN (SELECT article_id FROM retrieve_changed)"
        )
    n = int(store.scalar(con, "SELECT value FROM meta WHERE key = 'terms_sample'") or 1)
    df = dict(con.execute("SELECT term, df FROM term_df").fetchall())
    made_for = _made_for(con, partner, settings)
    weight = _weights(con, df, n, partner, made_for)
    most = max(settings.index_share, settings.index_min / max(n, 1))
    make = anchors.TextKeys(
        {lang: Lexicon.load(lang, other) for lang, other in partner.items()},
        weight,
        most,
        _kept_vocabulary(con, made_for),
    )
    con.execute(  # the (changed) articles of a language that has a partner
        "CREATE OR REPLACE TEMP TABLE translate_keyed AS SELECT article_id FROM articles "
        "SEMI JOIN translate_langs USING (language)"
        + ("" if full else " SEMI JOIN retrieve_changed USING (article_id)")
    )
    # a block's keys are made while the last one is stored and the next one read
    for keys in one_ahead(make, store.article_texts(con, "translate_keyed", "base_role")):
        store.insert(con, "article_anchors", keys.cast(_KEY_SCHEMA))
    con.execute(  # the keys just made: what changed articles hold now (a full run redoes
        # every target, and needs none to tell which)
        "CREATE OR REPLACE TEMP TABLE changed_anchors AS "
        "SELECT * FROM article_anchors SEMI JOIN translate_keyed USING (article_id)"
        + (" WHERE false" if full else "")
    )
    if full:
        con.execute(
            "DELETE FROM anchor_holders; INSERT INTO anchor_holders "
            "SELECT key, language, count(*) FROM article_anchors GROUP BY ALL"
        )
    else:
        store.run_sql_file(con, "anchor_holders.sql")
    if made_for:
        store.insert(con, "anchor_vocabulary", make.vocabulary(learned_only=True))
    # targets redone whatever their lookups: changed articles, the targets of a changed
    # source, both sides of an alignment the merge stage removed
    con.execute(
        "CREATE OR REPLACE TEMP TABLE translate_must AS "
        + (
            "SELECT article_id FROM articles"
            if full
            else """
            SELECT article_id FROM retrieve_changed
            UNION SELECT target_article_id FROM alignments
                  WHERE match_kind = 'translation'
                    AND source_article_id IN (SELECT article_id FROM retrieve_changed)
            UNION SELECT target_article_id FROM removed_alignments
            UNION SELECT source_article_id FROM removed_alignments
            """
        )
    )
    # and the targets whose lookup or candidates a changed key may move (see the module
    # docstring); translate_pairs.sql keeps those whose lookup or candidates did move
    if full:
        con.execute("CREATE OR REPLACE TEMP TABLE translate_scope AS FROM translate_must")
    else:
        store.run_sql_file(con, "translate_scope.sql", max_holders=settings.max_holders)
    store.run_sql_file(
        con,
        "translate_pairs.sql",
        min_shared=settings.min_shared,
        min_share=settings.min_share,
        window_s=int(retrieval_window_days * 86400),
        top_k=settings.top_k,
        lookup=settings.lookup,
        max_holders=settings.max_holders,
    )
    work = store.frame(
        con,
        "SELECT source, target, basis, same_outlet FROM translate_pairs "
        "ORDER BY target, source_rank",
    )
    if work.height:
        ids = pl.concat([work["source"], work["target"]]).unique().to_frame("article_id")
        with store.registered(con, _ids=ids):
            lang = dict(
                con.execute(
                    "SELECT article_id, language FROM articles SEMI JOIN _ids USING (article_id)"
                ).fetchall()
            )
        paragraphs = _paragraphs(con, ids)
        make.recall((a, lang[a], "\n".join(p[3] for p in ps)) for a, ps in paragraphs.items())
        _INPUT.update(
            weight=weight,
            paragraphs=paragraphs,
            lang=lang,
            min_score=settings.min_score,
            min_paragraphs=settings.min_paragraphs,
        )
        targets = [
            (t, list(zip(g["source"], g["basis"], g["same_outlet"], strict=True)))
            for (t,), g in work.group_by("target", maintain_order=True)
        ]
        rows = sorted(
            row
            for chunk in parallel_map(_align_pairs, batched(targets, CHUNK, CHUNK_START))
            for row in chunk
        )
        frame = (
            pl.DataFrame(rows, schema=_COLUMNS, orient="row")
            .with_columns(match_kind=pl.lit("translation"))
            .pipe(with_alignment_ids)
        )
        store.insert(con, "alignments", frame)
        store.insert(con, "added_alignments", frame.select("alignment_id"))
    _INPUT.clear()
    return store.scalar(con, "SELECT count(*) FROM alignments WHERE match_kind = 'translation'")
