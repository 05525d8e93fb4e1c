"""Candidates: our band join gives exactly datasketch's MinHashLSH pairs."""

from __future__ import annotations

import random

import numpy as np
from datasketch import MinHash, MinHashLSH

from dedup import candidates, fingerprint

FP = fingerprint.FingerprintSettings()


def _corpus(seed: int = 3) -> list[str]:
    rnd = random.Random(seed)
    words = [
        "".join(rnd.choice("aeioukmnst") for _ in range(rnd.randint(2, 8))) for _ in range(800)
    ]
    base = [" ".join(rnd.choice(words) for _ in range(rnd.randint(6, 25))) for _ in range(600)]
    edited = []
    for text in base[:300]:
        tokens = text.split()
        for _ in range(rnd.randint(0, 5)):
            tokens[rnd.randrange(len(tokens))] = rnd.choice(words)
        edited.append(" ".join(tokens))
    return base + edited


def test_band_join_equals_datasketch_lsh() -> None:
    norms = _corpus()
    sigs, _ = fingerprint.signatures(norms, FP)
    ours = {tuple(p) for p in candidates.similar_pairs(sigs, 0.3, expand="all").tolist()}
    lsh = MinHashLSH(threshold=0.3, num_perm=FP.num_perm)
    minhashes = [
        MinHash(num_perm=FP.num_perm, seed=FP.seed, hashvalues=s, scheme=FP.scheme) for s in sigs
    ]
    for i, m in enumerate(minhashes):
        lsh.insert(i, m)
    theirs = {
        (min(i, j), max(i, j)) for i, m in enumerate(minhashes) for j in lsh.query(m) if i != j
    }
    assert theirs and ours == theirs


def test_star_links_every_member_to_the_earliest() -> None:
    norms = ["sama persis kalimat ini diulang"] * 4 + ["kalimat lain yang tidak mirip sama sekali"]
    sigs, _ = fingerprint.signatures(norms, FP)
    order = np.array([3, 1, 2, 0, 4])
    pairs = candidates.similar_pairs(sigs, 0.3, order=order, expand="star")
    assert sorted(map(tuple, pairs.tolist())) == [(3, 0), (3, 1), (3, 2)]
    assert candidates.band_params(0.3, 128) == (37, 3)
