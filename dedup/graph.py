"""Connected components, shared by clusters (overlapping aligned spans) and quote trails
(texts that are the same quote)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def components(n: int, edges: Iterable[tuple[int, int]]) -> np.ndarray:
    """Component label of each of ``n`` nodes joined by ``edges``: the smallest node of its
    component, so labels never depend on the order edges come in."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.fromiter((root(i) for i in range(n)), dtype=np.int64, count=n)
