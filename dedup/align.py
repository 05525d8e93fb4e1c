"""Align: exact span pairs for candidate sentence pairs, merged into maximal passages.

A candidate pair of sentences is aligned on word tokens: rapidfuzz's Indel opcodes give the
longest common subsequence of tokens; its runs of at least ``min_block`` tokens are kept and
masked, and the search repeats so that reordered clauses are found too (a rewrite often
moves the quote before the speaker). Runs close to each other on both sides are bridged
into one span pair, so a substituted word ("perundingan" / "negosiasi") does not cut a
passage in two. Span pairs of adjacent sentences of the same two paragraphs are then merged
into the maximal aligned passage, and scored with rapidfuzz on the two span texts.

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

import re
import unicodedata
from dataclasses import asdict, dataclass

from rapidfuzz import fuzz, utils
from rapidfuzz.distance import Indel

_SCRIPTIO_CONTINUA = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: a token: one character of a script written without spaces, else a run of word characters
#: (letters and digits, not "_") of other scripts; one negated class, not a lookahead per
#: character, since tokenizing is most of the alignment's time
TOKEN_RE = re.compile(rf"[{_SCRIPTIO_CONTINUA}]|[^\W_{_SCRIPTIO_CONTINUA}]+")
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
    """A sentence's token keys (NFKC, case folded), and their offsets in the text, found
    only for the pairs that align (most candidate pairs do not)."""

    __slots__ = ("text", "start", "end", "keys", "_spans")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        part = text[start:end]
        if part.isascii():  # NFKC leaves ASCII alone, and casefold is lower there
            self.keys: list[str] = TOKEN_RE.findall(part.lower())
        else:
            normalize = unicodedata.normalize
            self.keys = [normalize("NFKC", t).casefold() for t in TOKEN_RE.findall(part)]
        self._spans: list[tuple[int, int]] | None = None

    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = [m.span() for m in TOKEN_RE.finditer(self.text, self.start, self.end)]
        return self._spans


def _blocks(a: list[str], b: list[str], min_block: int) -> list[tuple[int, int, int]]:
    """Runs (i, j, length) of equal tokens, reordered runs included, longest first found."""
    if a == b:  # a copied sentence: one run, and nothing left for a second pass
        return [(0, 0, len(a))] if len(a) >= min_block else []
    a, b = list(a), list(b)
    found: list[tuple[int, int, int]] = []
    for _ in range(MAX_PASSES):
        new = [
            (op.src_start, op.dest_start, op.src_end - op.src_start)
            for op in Indel.opcodes(a, b)
            if op.tag == "equal" and op.src_end - op.src_start >= min_block
        ]
        if not new:
            break
        for i, j, n in new:
            for k in range(n):  # mask what matched, so the next pass finds other runs
                a[i + k] = None
                b[j + k] = ""
        found.extend(new)
    return sorted(found)


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
    is tokenized once)."""
    keys_a, keys_b = a.keys, b.keys
    if not keys_a or not keys_b:
        return []
    blocks = _blocks(keys_a, keys_b, s.min_block)
    matched = sum(n for _, _, n in blocks)
    if matched < s.min_matched or matched < s.min_coverage * min(len(keys_a), len(keys_b)):
        return []
    off_a, off_b = a.spans(), b.spans()
    return [
        SpanPair(off_a[i0][0], off_a[i1 - 1][1], off_b[j0][0], off_b[j1 - 1][1], n)
        for i0, i1, j0, j1, n in _bridge(blocks, s.max_gap)
        if i1 - i0 >= s.min_span and j1 - j0 >= s.min_span
    ]


def score(a: str, b: str) -> float:
    """The alignment score: rapidfuzz's ratio of the two span texts, case and punctuation
    ignored (``utils.default_process``), rounded to two decimals."""
    return round(fuzz.ratio(a, b, processor=utils.default_process), 2)


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
            gap_a = len(TOKEN_RE.findall(text_a, last.a_end, p.a_start))
            gap_b = len(TOKEN_RE.findall(text_b, last.b_end, p.b_start))
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
