"""Candidates: our band join gives exactly datasketch's MinHashLSH pairs."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import numpy as np
from conftest import CORPUS
from datasketch import MinHash, MinHashLSH

from dedup import candidates, fingerprint, pipeline, store

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


def _assert_band_keys(db: Path, threshold: float) -> None:
    """band_keys holds each non-empty signature's keys for the threshold's bands, no more."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = store.signatures(con, "SELECT norm_hash, hashvalues FROM signatures")
        stored = con.execute("SELECT key, norm_hash FROM band_keys").fetchall()
    finally:
        con.close()
    bands, r = candidates.band_params(threshold, FP.num_perm)
    keep = candidates.nonempty_mask(rows["hashvalues"])
    keys = candidates.all_band_keys(rows["hashvalues"][keep], (bands, r))
    hashes = np.repeat(rows["norm_hash"][keep], bands)
    assert len(stored) == keys.size > 0
    assert sorted(stored) == sorted(zip(keys.ravel().tolist(), hashes.tolist(), strict=True))


def test_band_keys_are_made_again_when_the_threshold_changes_the_bands(tmp_path: Path) -> None:
    assert candidates.band_params(0.3, FP.num_perm) != candidates.band_params(0.5, FP.num_perm)
    db = tmp_path / "keys.duckdb"
    pipeline.run([CORPUS], db)
    _assert_band_keys(db, 0.3)
    pipeline.run([CORPUS], db, settings=pipeline.Settings(threshold=0.5))
    _assert_band_keys(db, 0.5)


def test_band_parameters_are_datasketchs() -> None:
    """(bands, rows) are what MinHashLSH chooses, without its private helper."""
    from datasketch import MinHashLSH

    for num_perm in (32, 64, 128, 256):
        for threshold in (0.2, 0.3, 0.5, 0.7, 0.9):
            lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
            assert candidates.band_params(threshold, num_perm) == (lsh.b, lsh.r)


def test_nonempty_mask_reads_whole_rows_only_where_it_must() -> None:
    """Empty (all max) signatures are found, and a signature whose first value alone is
    the max is not taken for one."""
    sigs = np.arange(5 * 4, dtype=np.uint32).reshape(5, 4)
    sigs[1] = 0xFFFFFFFF
    sigs[3, 0] = 0xFFFFFFFF
    sigs[4, 1:] = 0xFFFFFFFF
    assert candidates.nonempty_mask(sigs).tolist() == [True, False, True, True, True]
    assert candidates.nonempty_mask(sigs[:0]).tolist() == []
