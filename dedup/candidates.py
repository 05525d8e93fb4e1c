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
    is paired with the bucket's lowest-ranked member only. Empty signatures (all max
    values: nothing left after the maxDF filter) are never banded.
    """
    bands, rows = band_params(threshold, sigs.shape[1])
    live = np.flatnonzero(~(sigs == np.uint32(0xFFFFFFFF)).all(axis=1))
    if order is None:
        order = np.arange(sigs.shape[0])
    found = []
    for band in range(bands):
        keys = band_keys(sigs[live], band, rows)
        idx = np.lexsort((order[live], keys))
        sorted_keys = keys[idx]
        members = live[idx]
        starts = np.flatnonzero(np.diff(sorted_keys, prepend=~sorted_keys[:1]))
        sizes = np.diff(np.append(starts, sorted_keys.shape[0]))
        multi = sizes > 1
        if not multi.any():
            continue
        if expand == "star":
            group = np.repeat(np.arange(starts.shape[0]), sizes)
            head = members[starts][group]
            keep = multi[group] & (members != head)
            found.append(np.stack([head[keep], members[keep]], axis=1))
        else:
            for s, n in zip(starts[multi], sizes[multi], strict=True):
                g = members[s : s + n]
                i, j = np.triu_indices(n, 1)
                found.append(np.stack([g[i], g[j]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    pairs = np.sort(pairs, axis=1) if expand != "star" else pairs
    return np.unique(pairs, axis=0)
