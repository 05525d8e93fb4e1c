"""Align stage: exact span pairs for candidate sentence pairs.

Reads: pair_changes (the candidate pairs that came), pair_checks (a full run skips the
pairs checked before), sentences, articles, new_articles (temp). Leaves: new rows in
pair_checks (every verdict) and sentence_alignments (the span pairs of accepted pairs).

A candidate pair of sentences is aligned on word tokens: rapidfuzz's Indel opcodes give the
longest common subsequence of tokens; its runs of at least ``min_block`` tokens are kept and
masked, and the search repeats so that reordered clauses are found too (a rewrite often
moves the quote before the speaker). Runs close to each other on both sides are bridged
into one span pair, so a substituted word ("perundingan" / "negosiasi") does not cut a
passage in two. Span pairs of adjacent sentences of the same two paragraphs are then merged
into the maximal aligned passage (:func:`merge_spans`, used by :mod:`dedup.merge`).

A word one side runs together from two to four that the other writes apart (a space left
out: Urdu and Persian typists often leave it out after a letter that does not join the next
one, Indonesian ones write "dirumah") is split as the other side writes it, and the runs are
found again, where a cheap test (:func:`_respaced`) says a stretch left unmatched holds
one. A split word's parts keep its offsets, so a span that takes in one part takes in the
whole word.

Why these defaults (``AlignSettings``):

- ``min_block = 3`` tokens: shorter runs are function words and name fragments that any two
  reports of one event share.
- ``min_matched = 8`` tokens per sentence pair: about half of a typical news sentence; names,
  titles and places shared by independent reports ("Presiden Rusia Vladimir Putin", 4
  tokens) rarely reach it, reused sentences do even when rewritten.
- ``min_coverage = 0.3`` of the shorter sentence: the shared part must be a real share of the
  sentence, not two long sentences that happen to share a title and a name.
- ``max_gap = 4`` tokens: a word or short phrase substituted, inserted or deleted.
- ``min_span = 5`` tokens per aligned span: a shorter run is a phrase ("NEW YORK, March",
  "is issuing a"), not a passage, and would chain unrelated stories of one agency into a
  cluster through its formulas.
- match kinds: ``verbatim`` when the processed texts are equal (score 100), ``near_verbatim``
  from score 90 (punctuation, a spelling, a word), ``rewrite`` below.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import polars as pl
from rapidfuzz import fuzz, utils
from rapidfuzz.distance import Indel

from dedup import store
from dedup.parallel import batched, parallel_map
from dedup.progress import Reporter
from dedup.text import (
    WrittenApart,
    count_tokens,
    fold_chars,
    split_run_together,
    token_keys,
    token_spans,
)

VERBATIM, NEAR_VERBATIM, REWRITE = "verbatim", "near_verbatim", "rewrite"
NEAR_VERBATIM_SCORE = 90.0
MAX_PASSES = 3


@dataclass(frozen=True)
class AlignSettings:
    min_block: int = 3
    min_matched: int = 8
    min_coverage: float = 0.3
    max_gap: int = 4
    min_span: int = 5

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SpanPair:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matched: int


class Sentence:
    """A sentence's token keys (:func:`dedup.text.token_keys`), and their offsets in the
    text, found only for the pairs that align (most candidate pairs do not)."""

    __slots__ = ("text", "start", "end", "keys", "_spans", "_apart")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.keys = token_keys(text[start:end])
        self._spans: list[tuple[int, int]] | None = None
        self._apart: WrittenApart | None = None

    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = token_spans(self.text, self.start, self.end)
        return self._spans

    def apart(self) -> WrittenApart:
        if self._apart is None:
            self._apart = WrittenApart([self.keys])
        return self._apart

    def split_for(self, other: Sentence) -> tuple[list[str], list[int]] | None:
        """Its keys with the words ``other`` writes apart split (:func:`split_run_together`),
        or None."""
        return split_run_together(self.keys, self.apart().known, other.apart())


def _blocks(a: list[str], b: list[str], min_block: int) -> tuple[list[tuple[int, int, int]], bool]:
    """Runs (i, j, length) of equal tokens, reordered runs included, longest first found;
    and whether a stretch between the first pass's runs is the same text on both sides,
    spaced differently (:func:`_respaced`)."""
    if a == b:  # a copied sentence: one run, and nothing left for a second pass
        return ([(0, 0, len(a))] if len(a) >= min_block else []), False
    a, b = list(a), list(b)
    found: list[tuple[int, int, int]] = []
    respaced = False
    for step in range(MAX_PASSES):
        ops = Indel.opcodes(a, b).as_list()
        if step == 0:
            respaced = _respaced(a, b, ops)
        new = [(i, j, i1 - i) for tag, i, i1, j, _ in ops if tag == "equal" and i1 - i >= min_block]
        if not new:
            break
        for i, j, n in new:  # mask what matched, so the next pass finds other runs
            a[i : i + n] = [None] * n
            b[j : j + n] = [""] * n
        found.extend(new)
    return sorted(found), respaced


#: the longest unmatched stretch (tokens a side) in which :func:`_respaced` looks for a word
#: run together amid reworded ones. On Clough re-spelled Urdu-like (answer x source
#: sentences), the split gains 26 aligned pairs; testing only stretches that are one text
#: spaced differently finds 20 of them, up to 4 tokens 24, up to 8 or 12 25, for about 2%,
#: 6%, 12% and 18% more time aligning the 25k bench's 297k candidate pairs
RESPACED_GAP = 4


def _respaced(a: list[str], b: list[str], ops: list[tuple[str, int, int, int, int]]) -> bool:
    """Whether a stretch the opcodes leave unmatched on both sides (before, between or after
    equal runs) holds a word one side runs together from words the other writes apart
    (:func:`dedup.text.split_run_together`). A cheap test, so that the split is tried on
    the few pairs that need it (trying every pair that shared a run made the stage 55%
    slower on the bench)."""
    i = j = 0
    for tag, i0, i1, j0, j1 in ops:
        if tag == "equal":
            if i < i0 and j < j0 and _run_together(a[i:i0], b[j:j0]):
                return True
            i, j = i1, j1
    return i < len(a) and j < len(b) and _run_together(a[i:], b[j:])


def _run_together(gap_a: list[str], gap_b: list[str]) -> bool:
    """Two unmatched stretches are one text spaced differently, or, in short ones reworded
    too, a word of one side is two adjacent words of the other. Runs of three and four
    words are split (:func:`dedup.text.split_run_together`) but looked for here only in a
    stretch spaced differently: looking for them amid reworded words too made the 25k
    bench's pairs 9% slower to align and moved no ``make eval`` number (Urdu-like clough
    and msrp)."""
    if "".join(gap_a) == "".join(gap_b):
        return True
    if len(gap_a) > RESPACED_GAP or len(gap_b) > RESPACED_GAP:
        return False
    joined_a, joined_b = map(operator.add, gap_a, gap_a[1:]), map(operator.add, gap_b, gap_b[1:])
    return not set(gap_a).isdisjoint(joined_b) or not set(gap_b).isdisjoint(joined_a)


def _bridge(
    blocks: list[tuple[int, int, int]], max_gap: int
) -> list[tuple[int, int, int, int, int]]:
    """Join runs that follow each other on both sides with small gaps: (i0, i1, j0, j1, n)."""
    merged: list[list[int]] = []
    for i, j, n in blocks:
        if merged:
            last = merged[-1]
            if 0 <= i - last[1] <= max_gap and 0 <= j - last[3] <= max_gap:
                last[1], last[3], last[4] = i + n, j + n, last[4] + n
                continue
        merged.append([i, i + n, j, j + n, n])
    return [tuple(m) for m in merged]  # type: ignore[misc]


def align_sentences(
    text_a: str, span_a: tuple[int, int], text_b: str, span_b: tuple[int, int], s: AlignSettings
) -> list[SpanPair]:
    """Span pairs (article offsets) shared by two sentences; empty when they are not reuse."""
    return align_pair(Sentence(text_a, *span_a), Sentence(text_b, *span_b), s)


def align_pair(a: Sentence, b: Sentence, s: AlignSettings) -> list[SpanPair]:
    """:func:`align_sentences` on tokenized sentences (a sentence in many candidate pairs
    is tokenized once). Where a stretch left unmatched is one text spaced differently, words
    one side runs together that the other writes apart are split and the runs found again
    (:func:`dedup.text.split_run_together`); a split token's parts keep its offsets."""
    keys_a, keys_b = a.keys, b.keys
    if not keys_a or not keys_b:
        return []
    where_a: Sequence[int] = range(len(keys_a))
    where_b: Sequence[int] = range(len(keys_b))
    blocks, respaced = _blocks(keys_a, keys_b, s.min_block)
    if respaced:
        split_a, split_b = a.split_for(b), b.split_for(a)
        if split_a or split_b:
            keys_a, where_a = split_a or (keys_a, where_a)
            keys_b, where_b = split_b or (keys_b, where_b)
            blocks, _ = _blocks(keys_a, keys_b, s.min_block)
    matched = sum(n for _, _, n in blocks)
    if matched < s.min_matched or matched < s.min_coverage * min(len(keys_a), len(keys_b)):
        return []
    off_a, off_b = a.spans(), b.spans()
    return [
        SpanPair(
            off_a[where_a[i0]][0],
            off_a[where_a[i1 - 1]][1],
            off_b[where_b[j0]][0],
            off_b[where_b[j1 - 1]][1],
            n,
        )
        for i0, i1, j0, j1, n in _bridge(blocks, s.max_gap)
        if i1 - i0 >= s.min_span and j1 - j0 >= s.min_span
    ]


def score(a: str, b: str) -> float:
    """The alignment score: rapidfuzz's ratio of the two span texts, case and punctuation
    ignored (``utils.default_process``) and characters folded as in every key
    (:func:`dedup.text.fold_chars`: a retyped Urdu "ک" is the same letter), rounded to two
    decimals."""
    return round(fuzz.ratio(fold_chars(a), fold_chars(b), processor=utils.default_process), 2)


def match_kind(value: float) -> str:
    if value >= 100.0:
        return VERBATIM
    return NEAR_VERBATIM if value >= NEAR_VERBATIM_SCORE else REWRITE


def merge_spans(pairs: list[SpanPair], text_a: str, text_b: str, max_gap: int) -> list[SpanPair]:
    """Merge span pairs of one paragraph pair that follow each other on both sides, with at
    most ``max_gap`` tokens between them, into maximal passages."""
    out: list[SpanPair] = []
    for p in sorted(pairs, key=lambda p: (p.a_start, p.b_start)):
        if out:
            last = out[-1]
            gap_a = count_tokens(text_a, last.a_end, p.a_start)
            gap_b = count_tokens(text_b, last.b_end, p.b_start)
            if (
                p.a_start >= last.a_end
                and p.b_start >= last.b_end
                and gap_a <= max_gap
                and gap_b <= max_gap
            ):
                out[-1] = SpanPair(
                    last.a_start, p.a_end, last.b_start, p.b_end, last.matched + p.matched
                )
                continue
        out.append(p)
    return out


# ---------------------------------------------------------------- the stage

#: sentence pairs per alignment task, and what the forked workers read (set before forking)
ALIGN_CHUNK = 5000
_ALIGN_INPUT: dict[str, Any] = {}
#: candidate pairs aligned per wave: what the parent holds at once (pairs, texts, results)
ALIGN_WAVE = 250_000


def _align_batch(rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    texts, settings = _ALIGN_INPUT["texts"], _ALIGN_INPUT["settings"]
    sentences: dict[str, Sentence] = {}  # a star's head is in many pairs

    def sentence(sentence_id: str, article_id: str, start: int, end: int) -> Sentence:
        if sentence_id not in sentences:
            sentences[sentence_id] = Sentence(texts[article_id], start, end)
        return sentences[sentence_id]

    checks, spans = [], []
    for sa, sb, aa, a0, a1, ab, b0, b1 in rows:
        found = align_pair(sentence(sa, aa, a0, a1), sentence(sb, ab, b0, b1), settings)
        checks.append((sa, sb, bool(found)))
        spans.extend((sa, sb, p.a_start, p.a_end, p.b_start, p.b_end, p.matched) for p in found)
    return checks, spans


def align_candidates(
    con: duckdb.DuckDBPyConnection, settings: AlignSettings, rep: Reporter, full: bool
) -> int:
    """Align the new candidate sentence pairs not aligned before; remember every verdict.

    Verdicts go with their pairs (candidate_pairs.sql): only a full run, which makes every
    pair anew, meets pairs that already have one. The pairs are fetched as one compact Arrow
    table and aligned in waves, each with only the texts it needs, so memory does not grow
    with the number of pairs."""
    checked = (
        "ANTI JOIN pair_checks AS k ON k.sentence_a = c.sentence_a AND k.sentence_b = c.sentence_b"
        if full
        else ""
    )
    todo = con.sql(
        f"""
        SELECT c.sentence_a, c.sentence_b, sa.article_id AS aa, sa.char_start AS a0,
               sa.char_end AS a1, sb.article_id AS ab, sb.char_start AS b0, sb.char_end AS b1
        FROM pair_changes AS c
        JOIN sentences AS sa ON sa.sentence_id = c.sentence_a
        JOIN sentences AS sb ON sb.sentence_id = c.sentence_b
        {checked}
        WHERE c.present
        ORDER BY sa.article_id, sb.article_id
        """
    ).to_arrow_table()
    total = todo.num_rows
    progress = rep.track(range(0, total, ALIGN_CHUNK), "aligning", total=-(-total // ALIGN_CHUNK))
    ticks = iter(progress)
    for lo in range(0, total, ALIGN_WAVE):
        wave = pl.from_arrow(todo.slice(lo, ALIGN_WAVE))
        needed = set(wave["aa"].unique().to_list()) | set(wave["ab"].unique().to_list())
        _ALIGN_INPUT.update(
            texts=dict(store.article_rows(con, "article_id, text", needed)), settings=settings
        )
        checks, spans = [], []
        for batch_checks, batch_spans in parallel_map(
            _align_batch, batched(wave.iter_rows(), ALIGN_CHUNK)
        ):
            checks.extend(batch_checks)
            spans.extend(batch_spans)
            next(ticks, None)
        _ALIGN_INPUT.clear()
        store.insert(
            con,
            "pair_checks",
            pl.DataFrame(checks, schema=["sentence_a", "sentence_b", "accepted"], orient="row"),
        )
        columns = ["sentence_a", "sentence_b", "a_start", "a_end", "b_start", "b_end"]
        store.insert(
            con,
            "sentence_alignments",
            pl.DataFrame(spans, schema=[*columns, "matched_tokens"], orient="row"),
        )
    return total
