"""Candidates: LSH banding of passage signatures, never all pairs.

Banding follows datasketch's ``MinHashLSH``: the same (bands, rows) choice for a threshold
and ``num_perm``, so a pair of passages lands in one bucket here exactly when it would share
a bucket there. Buckets are formed by sorting band keys in numpy, not by a Python dict.

Why threshold 0.3: a rewritten news sentence keeps about 0.25-0.5 of its character 5-grams
(reordered clauses, substituted words), and a clause reused inside a longer sentence has a
Jaccard similarity of about its share of that sentence; unrelated sentences of one language
stay under 0.1 once the corpus-wide frequent shingles are dropped. Candidates are only
proposals: the alignment decides.

A bucket of near-identical passages (a story syndicated 50 times) is not expanded into all
k(k-1)/2 pairs: ``expand="star"`` links every member to the bucket's earliest member, which
is the pair derivation needs; ``expand="all"`` gives datasketch's pairs, for comparison.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from datasketch.lsh import _optimal_param

THRESHOLD = 0.3
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xBF58476D1CE4E5B9)


@cache
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) as datasketch's MinHashLSH chooses them (equal weights)."""
    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def band_keys(sigs: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One 64-bit key per signature for one band (equal keys = equal band values, up to
    a 2^-64 chance of collision)."""
    cols = sigs[:, band * rows : (band + 1) * rows].astype(np.uint64)
    key = np.full(sigs.shape[0], ((band + 1) * int(_K1)) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    for c in range(rows):
        key = (key ^ cols[:, c]) * _K2
        key ^= key >> np.uint64(31)
    return key


def similar_pairs(
    sigs: np.ndarray,
    threshold: float = THRESHOLD,
    order: np.ndarray | None = None,
    expand: str = "star",
) -> np.ndarray:
    """Index pairs (i, j), i != j, of signatures sharing at least one band bucket.

    ``order`` ranks signatures (lower = earlier); with ``expand="star"`` each bucket member
    is paired with the bucket's lowest-ranked member only (pairs are (head, member)); with
    ``expand="all"`` every pair in a bucket is returned as (i, j), i < j. Empty signatures
    (all max values: nothing left after the maxDF filter) are never banded.
    """
    bands, rows = band_params(threshold, sigs.shape[1])
    live = np.flatnonzero(~(sigs == np.uint32(0xFFFFFFFF)).all(axis=1))
    if order is not None:  # earliest first: a lower position in `live` is an earlier member
        live = live[np.argsort(order[live], kind="stable")]
    live_sigs = sigs[live]
    found = []
    for band in range(bands):
        keys = band_keys(live_sigs, band, rows)
        idx = np.argsort(keys)
        sorted_keys = keys[idx]
        starts = np.flatnonzero(np.diff(sorted_keys, prepend=~sorted_keys[:1]))
        sizes = np.diff(np.append(starts, sorted_keys.shape[0]))
        if (sizes > 1).any():
            found.append(_bucket_pairs(live, idx, starts, sizes, star=expand == "star"))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.sort(np.concatenate(found))
    codes = codes[np.diff(codes, prepend=~codes[:1]) != 0]
    return np.stack([(codes >> np.uint64(32)), codes & np.uint64(0xFFFFFFFF)], axis=1).astype(
        np.int64
    )


def verified(sigs: np.ndarray, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """Pairs whose signature estimate of Jaccard similarity reaches half the threshold.

    Bands of 3 rows let through many chance collisions (pairs with a true similarity of
    0.03-0.07); half the threshold sits more than 3 standard errors (128 permutations)
    below any pair at the threshold, so this drops noise, not reuse.
    """
    keep = np.zeros(pairs.shape[0], dtype=bool)
    for lo in range(0, pairs.shape[0], 100_000):
        a, b = pairs[lo : lo + 100_000, 0], pairs[lo : lo + 100_000, 1]
        keep[lo : lo + 100_000] = (sigs[a] == sigs[b]).mean(axis=1) >= threshold / 2
    return pairs[keep]


def _bucket_pairs(
    live: np.ndarray, idx: np.ndarray, starts: np.ndarray, sizes: np.ndarray, star: bool
) -> np.ndarray:
    """Pairs inside buckets as i << 32 | j codes. ``idx`` lists positions in ``live``
    grouped by bucket (``starts``, ``sizes``); the lowest position of a bucket is its
    earliest member, the head of the star.

    Vectorised: every member is repeated once per later member of its bucket (all pairs),
    or paired with its bucket's head only (star).
    """
    if star:
        head = np.repeat(np.minimum.reduceat(idx, starts), sizes)
        member = idx != head  # everyone but the head (a lone member is its own head)
        left, right = live[head[member]], live[idx[member]]
    else:
        pos = np.arange(idx.shape[0]) - np.repeat(starts, sizes)
        later = np.repeat(sizes, sizes) - 1 - pos
        total = int(later.sum())
        left_at = np.repeat(np.arange(idx.shape[0]), later)
        right_at = left_at + 1 + (np.arange(total) - np.repeat(np.cumsum(later) - later, later))
        a, b = live[idx[left_at]], live[idx[right_at]]
        left, right = np.minimum(a, b), np.maximum(a, b)
    return (left.astype(np.uint64) << np.uint64(32)) | right.astype(np.uint64)
