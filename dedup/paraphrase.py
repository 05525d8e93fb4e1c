"""Paraphrase-tolerant sentence alignment: reused sentences found through rewording.

Why: the verbatim aligner (:mod:`dedup.align`) needs runs of equal tokens, so a sentence that
an outlet rewrote (words substituted, clauses reordered, two sentences fused, inflections
changed) is missed. Here a sentence pair is scored from evidence that survives rewording,
and the sentences of two articles are paired greedily by that score. Standalone: it reads
no table; the caller passes the texts, their sentence spans (e.g. the ``sentences`` table)
and a document-frequency table, and gets span pairs to store with ``match_kind =
'paraphrase'``.

Every feature is language-independent (the release is judged on a corpus in a non-Latin
script): tokens are :func:`dedup.text.token_keys`, the project's one tokenizer, and nothing
depends on an English word list. The letters of Thai, Lao, Myanmar and Khmer are compared
in adjacent pairs (:func:`dedup.text.letter_pairs`): one by one they carry no rarity, and
any two sentences of a language looked alike (Clough re-spelled as Thai-like text: 31 of
the 38 independent answers came out derived, 16 of them ``wholly``; with pairs none).
Features of a sentence pair (A, B), each symmetric:

- ``idf_cont_min`` / ``idf_cont_max``: how much of each side's content is found in the
  other, tokens weighted by rarity (a reused sentence keeps its rare words, an independent
  one shares only names). Each token counts its best match on the other side: 1 for the
  same token, ``fuzz.ratio / 100`` for a variant (ratio >= ``FUZZY_RATIO`` = 80, both tokens
  of >= ``FUZZY_MIN_LEN`` = 4 characters, or a shared prefix of ``PREFIX`` = 5 characters:
  "distorted" / "distorting", "mengatakan" / "dikatakan"). Shorter tokens ("he" / "the")
  and numbers ("1995" / "1998") match only exactly. On MSRP (English, little inflection)
  cut-offs of 85 or 90, or no fuzzy matching, change 10-fold CV accuracy by under 0.006;
  the fuzzy match is kept for inflecting and agglutinative languages.
- ``cont_min``: the same, unweighted (function words and their order of magnitude).
- ``unmatched_min`` / ``unmatched_max``: log(1 + rarity mass left unmatched) on each side;
  a long sentence that adds a rare clause is not the short one rewritten.
- ``gram_cont_min`` / ``gram_cont_max``: containment of character ``NGRAM``-grams (4) of the
  normalised texts: inflection, compounds and scripts whose words the tokenizer cannot
  split; 4 characters are about the shortest unit that is not shared by chance.
- ``number_diff``: the share of numbers (digits of any script, separators dropped) present
  on one side only. On MSRP train numbers differ in 19% of paraphrase pairs against 41% of
  the others (a figure on each side that the other lacks: 7% against 23%): evidence
  against, not a veto, since rounded or updated figures are still rewrites.
- ``name_diff``: the share of capitalised tokens (not sentence-initial) without a match on
  the other side; scripts without case give 0, so the feature is neutral there.
- ``len_ratio``: shorter / longer token count.
- ``fold1_*`` .. ``fold3_*``: containment of token 1-, 2- and 3-grams, each token folded to
  its first ``PREFIX`` characters (a crude stem that needs no language): a kept phrase is
  stronger evidence than the same words scattered. On MSRP train they raised 10-fold CV
  accuracy by about 0.015.
- ``char_ratio`` / ``token_order``: rapidfuzz Indel similarity of the normalised texts and
  of the folded token sequences. They are the only order-aware features: a reordered
  rewrite scores lower, not zero (the containments carry it); +0.01 CV accuracy on MSRP.

Rarity is ``log(N / df) / log(N)`` in [0, 1] (scale-free, so one fitted model serves
a corpus of 100 or 100,000 documents); a term missing from the table counts as seen once
(df = 1): the table comes from the corpus the texts belong to, so an unknown term is a rare
one (a typo, a new name). The tool's table (``term_df``) therefore also counts the single
characters of scripts written without spaces, the tokens here for kana and ideographs,
beside the character pairs retrieval indexes (the tokens here for Thai, Lao, Myanmar and
Khmer letters): without them every ideograph was unknown, so as rare as a name (MSRP
re-spelled as Chinese-like text, words mapped to dictionary words of equal frequency rank:
accuracy 0.654 with every character unknown, 0.715 with their counts).

The features are combined by a logistic regression whose weights, threshold and fitting
record live in ``data/paraphrase.json`` (the features are collinear, so single weights are
not to be read as the evidence each feature carries), fitted on the MSRP training split, as
written and re-spelled in caseless scripts (so that no weight rests on capitals), by
``python -m eval.paraphrase_check --write``; the threshold is 0.5, the decision of best
accuracy for probabilities calibrated on that split (the reasons and the measured
numbers are in that script).

Alignment (:func:`align_sentences`): a sentence pair is scored only if the rarity of the
folded tokens (first ``PREFIX`` characters) the two share is at least ``PREFILTER_MIN`` (0.2)
of each side's and ``PREFILTER_MAX`` (0.4) of one side's, found with matrix products over
all pairs at once. Scale-free, so it works for any corpus size; on MSRP train it drops none
of the 3,009 pairs the model accepts (0.5 for one side would drop 27), and of 60 x 60
sentences of Clough answers to one question it keeps 2.5-8% of the pairs. One sentence is also
scored against two adjacent ones (fused or split sentences) when it passes the
``PREFILTER_MAX`` share with each of the two. Candidates at or above the threshold are
taken greedily by score, each sentence used at most once per side.

Not covered: a sentence that keeps only a part of a longer one scores low (MSRP does not
call that a paraphrase); trimming keeps runs of words, which :mod:`dedup.align` finds.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from dedup.text import (
    WrittenApart,
    count_tokens,
    letter_pairs,
    normalise,
    split_run_together,
    token_keys,
    token_spans,
)

FUZZY_RATIO = 80
FUZZY_MIN_LEN = 4
PREFIX = 5
NGRAM = 4
PREFILTER_MIN = 0.2
PREFILTER_MAX = 0.4
FEATURES = (
    "idf_cont_min", "idf_cont_max", "cont_min", "unmatched_min", "unmatched_max",
    "gram_cont_min", "gram_cont_max", "number_diff", "name_diff", "len_ratio",
    "fold1_min", "fold1_max", "fold2_min", "fold2_max", "fold3_min", "fold3_max",
    "char_ratio", "token_order",
)  # fmt: skip
#: a number: digits of any script, with inner separators ("2.5", "1,000", "٣٫٥")
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")


@dataclass(frozen=True)
class Idf:
    """Document frequencies (term -> number of documents holding it) and the count N."""

    df: Mapping[str, int]
    n: int

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Idf:
        """Count document frequencies over texts (one document each)."""
        df: dict[str, int] = {}
        n = 0
        for text in texts:
            n += 1
            for key in set(letter_pairs(token_keys(text))[0]):
                df[key] = df.get(key, 0) + 1
        return cls(df, n)

    @classmethod
    def from_frame(cls, frame: pl.DataFrame, n: int, term: str = "term", count: str = "df") -> Idf:
        """From a polars frame of term and document frequency."""
        return cls(dict(zip(frame[term].to_list(), frame[count].to_list(), strict=True)), n)

    def weights(self, keys: Sequence[str]) -> np.ndarray:
        """Rarity in [0, 1]: 1 for a term seen once (or unknown), 0 for one in every document."""
        if self.n <= 1:
            return np.ones(len(keys))
        df = np.array([self.df.get(k, 1) for k in keys], dtype=float)
        return np.log(self.n / np.clip(df, 1, self.n)) / math.log(self.n)


@dataclass(frozen=True)
class Unit:
    """One sentence, or adjacent sentences read as one: token ids into its side's vocabulary
    (unique), which of them are names, character n-grams, numbers and token count."""

    ids: np.ndarray
    names: np.ndarray
    grams: frozenset[str]
    numbers: frozenset[str]
    n_tokens: int
    folds: tuple[str, ...]
    fold_grams: tuple[frozenset[tuple[str, ...]], ...]
    norm: str

    def __or__(self, other: Unit) -> Unit:
        ids, inverse = np.unique(np.concatenate([self.ids, other.ids]), return_inverse=True)
        names = np.zeros(len(ids), dtype=bool)
        np.logical_or.at(names, inverse, np.concatenate([self.names, other.names]))
        return Unit(
            ids,
            names,
            self.grams | other.grams,
            self.numbers | other.numbers,
            self.n_tokens + other.n_tokens,
            self.folds + other.folds,
            tuple(x | y for x, y in zip(self.fold_grams, other.fold_grams, strict=True)),
            f"{self.norm} {other.norm}",
        )


def _number_key(raw: str) -> str:
    """A number as comparable digits: any script's digits in ASCII, separators dropped."""
    digits = "".join(str(unicodedata.decimal(c)) for c in raw if c.isdecimal())
    return digits.lstrip("0") or "0"


def _tokens(text: str, spans: Sequence[tuple[int, int]]) -> list[list[str]]:
    """The token keys of each sentence."""
    return [token_keys(text[start:end]) for start, end in spans]


class Side:
    """The sentences of one text (``tokens``: their keys) over one vocabulary, with rarity
    weights; words it runs together that ``other`` (the other text of the pair) writes
    apart are split. A sentence becomes a :class:`Unit` only when first scored: the
    prefilter needs its ids alone, and most sentences of a pair are never scored (on the
    25k bench's 3,256 pairs, 11,433 of 60,187)."""

    def __init__(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        tokens: list[list[str]],
        idf: Idf,
        other: WrittenApart,
    ) -> None:
        self.text = text
        self.spans = list(spans)
        vocab: dict[str, int] = {}
        self.keys: list[list[str]] = []  # each sentence's keys, split and paired
        self.firsts: list[list[int]] = []  # the index of each key's first token
        self.ids: list[np.ndarray] = []  # each key's place in the vocabulary
        for sentence in tokens:
            found = split_run_together(sentence, frozenset(sentence), other)
            keys, split = found or (sentence, range(len(sentence)))
            keys, paired = letter_pairs(keys)
            self.keys.append(keys)
            self.firsts.append([split[i] for i in paired])
            ids = [vocab.setdefault(k, len(vocab)) for k in keys]
            self.ids.append(np.array(ids, dtype=np.int64))
        self.vocab = list(vocab)
        self.weights = idf.weights(self.vocab)
        self._units: dict[int, Unit] = {}

    def unit(self, i: int) -> Unit:
        """Sentence ``i`` as a unit (made once)."""
        if i in self._units:
            return self._units[i]
        text, (start, end), keys, ids = self.text, self.spans[i], self.keys[i], self.ids[i]
        offsets = token_spans(text, start, end)
        is_name = np.array([k > 0 and text[offsets[k][0]].isupper() for k in self.firsts[i]])
        uniq, inverse = np.unique(ids, return_inverse=True)
        names = np.zeros(len(uniq), dtype=bool)
        if len(ids):
            np.logical_or.at(names, inverse, is_name)
        norm = normalise(text[start:end])
        grams = frozenset(norm[g : g + NGRAM] for g in range(max(len(norm) - NGRAM + 1, 0)))
        numbers = frozenset(_number_key(m) for m in _NUMBER.findall(text, start, end))
        folds = tuple(k[:PREFIX] for k in keys)
        fold_grams = tuple(_ngrams(folds, n) for n in (1, 2, 3))
        self._units[i] = Unit(uniq, names, grams, numbers, len(keys), folds, fold_grams, norm)
        return self._units[i]


def similarity(vocab_a: Sequence[str], vocab_b: Sequence[str]) -> np.ndarray:
    """Token match credit in [0, 1] for every token pair: 1 equal, ratio/100 for a variant."""
    if not vocab_a or not vocab_b:
        return np.zeros((len(vocab_a), len(vocab_b)), dtype=np.float32)
    ratio = process.cdist(vocab_a, vocab_b, scorer=fuzz.ratio, dtype=np.float32, workers=1)
    codes: dict[str, int] = {}
    pre_a, pre_b = (_prefix_codes(vocab, codes) for vocab in (vocab_a, vocab_b))
    prefix = np.equal.outer(pre_a, pre_b) & (pre_a >= 0)[:, None]
    fuzzy = np.outer(pre_a > -2, pre_b > -2) & ((ratio >= FUZZY_RATIO) | prefix)
    credit = np.where(fuzzy, np.maximum(ratio, FUZZY_RATIO), 0.0) / 100
    return np.where(ratio == 100, 1.0, credit).astype(np.float32)


def _prefix_codes(vocab: Sequence[str], codes: dict[str, int]) -> np.ndarray:
    """Per token: -2 if it may not match fuzzily (short, or a number), -1 if it may but is
    shorter than the prefix, else the code of its prefix in ``codes`` (shared by both sides)."""
    return np.array(
        [
            -2
            if len(t) < FUZZY_MIN_LEN or t.isdecimal()
            else codes.setdefault(t[:PREFIX], len(codes))
            if len(t) >= PREFIX
            else -1
            for t in vocab
        ],
        dtype=np.int64,
    )


def _containment(a: frozenset[str], b: frozenset[str]) -> tuple[float, float]:
    if not a or not b:
        return 0.0, 0.0
    shared = len(a & b)
    return shared / len(a), shared / len(b)


def _ngrams(folds: tuple[str, ...], n: int) -> frozenset[tuple[str, ...]]:
    return frozenset(zip(*(folds[i:] for i in range(n)), strict=False))


def _diff(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a ^ b) / len(union) if union else 0.0


def features(a: Unit, b: Unit, sim: np.ndarray, wa: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """The feature vector (``FEATURES``) of two units; ``sim`` is the similarity of their
    sides' vocabularies, ``wa`` / ``wb`` the sides' rarity weights."""
    if not len(a.ids) or not len(b.ids):
        return np.zeros(len(FEATURES))
    sub = sim[np.ix_(a.ids, b.ids)]
    best_a, best_b = sub.max(axis=1), sub.max(axis=0)
    w_a, w_b = wa[a.ids], wb[b.ids]
    idf_a = float(w_a @ best_a) / max(float(w_a.sum()), 1e-9)
    idf_b = float(w_b @ best_b) / max(float(w_b.sum()), 1e-9)
    cont_a, cont_b = float(best_a.sum()) / len(best_a), float(best_b.sum()) / len(best_b)
    left_a = math.log1p(float(w_a @ (1 - best_a)))
    left_b = math.log1p(float(w_b @ (1 - best_b)))
    gram_a, gram_b = _containment(a.grams, b.grams)
    fold = [_containment(x, y) for x, y in zip(a.fold_grams, b.fold_grams, strict=True)]
    n_names = int(a.names.sum() + b.names.sum())
    missed = int((best_a[a.names] == 0).sum() + (best_b[b.names] == 0).sum())
    return np.array(
        [
            min(idf_a, idf_b),
            max(idf_a, idf_b),
            min(cont_a, cont_b),
            min(left_a, left_b),
            max(left_a, left_b),
            min(gram_a, gram_b),
            max(gram_a, gram_b),
            _diff(a.numbers, b.numbers),
            missed / n_names if n_names else 0.0,
            min(a.n_tokens, b.n_tokens) / max(a.n_tokens, b.n_tokens),
            *(f(pair) for pair in fold for f in (min, max)),
            fuzz.ratio(a.norm, b.norm) / 100,
            Indel.normalized_similarity(a.folds, b.folds),
        ]
    )


@dataclass(frozen=True)
class Model:
    """Logistic regression over ``FEATURES``: weights on the raw features, and a threshold."""

    weights: np.ndarray
    bias: float
    threshold: float

    def score(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row (a feature vector) is a rewrite of the same statement."""
        return 1 / (1 + np.exp(-(np.atleast_2d(x) @ self.weights + self.bias)))


@cache
def model() -> Model:
    """The fitted model in ``data/paraphrase.json``."""
    data = json.loads(files("dedup").joinpath("data/paraphrase.json").read_text("utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError("data/paraphrase.json was fitted on other features: refit it")
    return Model(np.array(data["weights"]), float(data["bias"]), float(data["threshold"]))


def _pair(
    text_a: str,
    spans_a: Sequence[tuple[int, int]],
    text_b: str,
    spans_b: Sequence[tuple[int, int]],
    idf: Idf,
) -> tuple[Side, Side]:
    """The two sides of a text pair, each split where the other writes words apart."""
    tokens_a, tokens_b = _tokens(text_a, spans_a), _tokens(text_b, spans_b)
    return (
        Side(text_a, spans_a, tokens_a, idf, WrittenApart(tokens_b)),
        Side(text_b, spans_b, tokens_b, idf, WrittenApart(tokens_a)),
    )


def pair_features(a: str, b: str, idf: Idf) -> np.ndarray:
    """The feature vector of two sentences (each read whole)."""
    side_a, side_b = _pair(a, [(0, len(a))], b, [(0, len(b))], idf)
    sim = similarity(side_a.vocab, side_b.vocab)
    return features(side_a.unit(0), side_b.unit(0), sim, side_a.weights, side_b.weights)


@dataclass(frozen=True)
class Aligned:
    """Aligned sentences: offsets on both sides (two adjacent sentences on one side read
    as one span), the sentence indices used, and the score (probability, 0-1)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_sentences: tuple[int, ...]
    b_sentences: tuple[int, ...]
    score: float


def _prefilter(side_a: Side, side_b: Side) -> tuple[np.ndarray, np.ndarray]:
    """(pairs to score, pairs that may join a 1:2 group): the shares of rarity of shared
    folded tokens, from sentence x folded-token incidence matrices, no fuzzy scoring."""
    codes: dict[str, int] = {}
    folds = [
        np.array([codes.setdefault(t[:PREFIX], len(codes)) for t in side.vocab], dtype=np.int64)
        for side in (side_a, side_b)
    ]
    rarity = np.zeros(len(codes))
    incidence = []
    for side, fold in zip((side_a, side_b), folds, strict=True):
        np.maximum.at(rarity, fold, side.weights)
        mat = np.zeros((len(side.ids), len(codes)))
        for i, ids in enumerate(side.ids):
            mat[i, fold[ids]] = 1.0
        incidence.append(mat)
    shared = (incidence[0] * rarity) @ incidence[1].T
    mass_a, mass_b = (np.maximum(m @ rarity, 1e-9) for m in incidence)
    share_a, share_b = shared / mass_a[:, None], shared / mass_b[None, :]
    loose = np.maximum(share_a, share_b) >= PREFILTER_MAX
    return loose & (np.minimum(share_a, share_b) >= PREFILTER_MIN), loose


def align_sentences(
    text_a: str,
    spans_a: Sequence[tuple[int, int]],
    text_b: str,
    spans_b: Sequence[tuple[int, int]],
    idf: Idf,
    threshold: float | None = None,
    min_tokens: int = 0,
    blocks: tuple[Sequence[Any], Sequence[Any]] | None = None,
) -> list[Aligned]:
    """Sentences of A paired with sentences of B (1:1, 1:2 or 2:1 adjacent), reordering
    allowed, each sentence used once per side, best scores first; sorted by A offset.
    ``min_tokens``: the fewest tokens each side of a pair holds, its sentences together (a
    short sentence counts as part of a longer unit, never alone). ``blocks``: a block (say
    a paragraph) of each sentence of A and of B; two sentences join only inside one."""
    for text, spans in ((text_a, spans_a), (text_b, spans_b)):
        bad = [(s, e) for s, e in spans if not 0 <= s <= e <= len(text)]
        if bad:
            raise ValueError(f"sentence span {bad[0]} is outside a text of {len(text)} characters")
    side_a, side_b = _pair(text_a, spans_a, text_b, spans_b, idf)
    if not side_a.ids or not side_b.ids:
        return []
    passes, loose = _prefilter(side_a, side_b)
    blocks_a, blocks_b = blocks or (None, None)
    joins_a, joins_b = _joins(blocks_a, len(spans_a)), _joins(blocks_b, len(spans_b))
    groups = {((int(i),), (int(j),)) for i, j in zip(*np.nonzero(passes), strict=True)}
    for i, j in zip(*np.nonzero(loose[:, :-1] & loose[:, 1:] & joins_b), strict=True):
        groups.add(((int(i),), (int(j), int(j) + 1)))
    for i, j in zip(*np.nonzero(loose[:-1] & loose[1:] & joins_a[:, None]), strict=True):
        groups.add(((int(i), int(i) + 1), (int(j),)))
    if min_tokens:  # counted only for the sentences a group holds
        sizes_a = {i: count_tokens(text_a, *spans_a[i]) for ga, _ in groups for i in ga}
        sizes_b = {j: count_tokens(text_b, *spans_b[j]) for _, gb in groups for j in gb}
        groups = {
            (ga, gb)
            for ga, gb in groups
            if sum(sizes_a[i] for i in ga) >= min_tokens
            and sum(sizes_b[j] for j in gb) >= min_tokens
        }
    if not groups:
        return []
    candidates = sorted(groups)
    sim = similarity(side_a.vocab, side_b.vocab)
    rows = [
        features(_unit(side_a, ga), _unit(side_b, gb), sim, side_a.weights, side_b.weights)
        for ga, gb in candidates
    ]
    m = model()
    cut = m.threshold if threshold is None else threshold
    scores = m.score(np.vstack(rows))
    used_a: set[int] = set()
    used_b: set[int] = set()
    found = []
    for k in np.argsort(-scores, kind="stable"):
        ga, gb = candidates[k]
        if scores[k] < cut:
            break
        if used_a.intersection(ga) or used_b.intersection(gb):
            continue
        used_a.update(ga)
        used_b.update(gb)
        found.append(
            Aligned(
                spans_a[ga[0]][0],
                spans_a[ga[-1]][1],
                spans_b[gb[0]][0],
                spans_b[gb[-1]][1],
                ga,
                gb,
                float(scores[k]),
            )
        )
    return sorted(found, key=lambda x: (x.a_start, x.b_start))


def _joins(blocks: Sequence[Any] | None, n: int) -> np.ndarray:
    """Whether each of ``n`` sentences may join the next: in the same block, or always."""
    if blocks is None:
        return np.ones(max(n - 1, 0), dtype=bool)
    return np.array([x == y for x, y in zip(blocks, blocks[1:], strict=False)], dtype=bool)


def _unit(side: Side, group: tuple[int, ...]) -> Unit:
    unit = side.unit(group[0])
    for i in group[1:]:
        unit = unit | side.unit(i)
    return unit
