"""Brute-force lexical baselines the tool is measured against in the same run: unigram
containment and Jaccard over word sets. They compare every pair, which the tool must never
do at scale, so they are run only on the small labelled sets (clough, msrp)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

#: a word: a run of letters or digits, case folded
_WORD = re.compile(r"[^\W_]+")
NAMES = ("containment", "jaccard")


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of ``a``'s words found in ``b``: how much of ``a`` could come from ``b``."""
    return len(a & b) / len(a) if a else 0.0


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def pair_score(name: str, a: str, b: str) -> float:
    """A sentence pair's score, symmetric: containment of the smaller word set."""
    wa, wb = words(a), words(b)
    if name == "jaccard":
        return jaccard(wa, wb)
    return containment(wa, wb) if len(wa) <= len(wb) else containment(wb, wa)


def score_matrix(name: str, targets: Sequence[str], candidates: Sequence[str]) -> np.ndarray:
    """``[i, j]``: target i against candidate j (containment of the target in the candidate)."""
    tw, cw = [words(t) for t in targets], [words(c) for c in candidates]
    score = jaccard if name == "jaccard" else containment
    return np.array([[score(t, c) for c in cw] for t in tw])
