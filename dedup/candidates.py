"""Candidates stage: LSH banding of passage signatures, never all pairs.

Reads: signatures, units, paragraphs, the temp tables article_order, new_articles,
role_changes and unsigned (:mod:`dedup.fingerprint`'s texts signed in this run).
Leaves: band_keys, text_reps, sig_pairs, candidate_links, candidate_pairs (its incremental
state, described below, which it also reads), the ``meta`` rows band_keys and
``lsh_bands:*``, pair_checks and sentence_alignments without the pairs that are no longer
candidates, and the temp table ``pair_changes`` (candidate sentence pairs that came or
went) for :mod:`dedup.align` and :mod:`dedup.merge`.

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

from collections.abc import Callable
from functools import cache, partial

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

from dedup import store
from dedup.parallel import one_ahead

THRESHOLD = 0.3
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xBF58476D1CE4E5B9)


@cache
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) as datasketch's MinHashLSH chooses them with equal weights: the pair
    with b * r <= num_perm that minimises the area under the chance of a pair sharing a
    bucket, 1 - (1 - s^r)^b, below the threshold (false positives) plus the area above the
    curve beyond it (false negatives). The integrals are of polynomials, so Gauss-Legendre
    quadrature with 64 nodes per side is exact to rounding; every (b, r) is scored at once."""
    nodes, weights = np.polynomial.legendre.leggauss(64)
    below = threshold / 2 * (nodes + 1)  # [0, threshold]
    above = threshold + (1 - threshold) / 2 * (nodes + 1)  # [threshold, 1]
    best, choice = np.inf, (0, 0)
    for b in range(1, num_perm + 1):
        r = np.arange(1, num_perm // b + 1, dtype=np.float64)[:, None]
        false_pos = threshold / 2 * ((1 - (1 - below**r) ** b) @ weights)
        false_neg = (1 - threshold) / 2 * (((1 - above**r) ** b) @ weights)
        error = 0.5 * false_pos + 0.5 * false_neg
        k = int(np.argmin(error))
        if error[k] < best:
            best, choice = float(error[k]), (b, k + 1)
    return choice


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
    """Index pairs (i, j), i != j, of signatures sharing at least one band bucket (see
    :func:`banded_pairs`)."""
    return banded_pairs(sigs, threshold, order, expand)[0]


def banded_pairs(
    sigs: np.ndarray,
    threshold: float = THRESHOLD,
    order: np.ndarray | None = None,
    expand: str = "star",
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), i != j, of signatures sharing at least one band bucket, and for
    each the number of bands in which it is a pair.

    ``order`` ranks signatures (lower = earlier; negative = not banded); with
    ``expand="star"`` each bucket member is paired with the bucket's lowest-ranked member
    only (pairs are (head, member)); with ``expand="all"`` every pair in a bucket is
    returned as (i, j), i < j. Empty signatures (all max values: nothing left after the
    maxDF filter) are never banded.
    """
    bands, rows = band_params(threshold, sigs.shape[1])
    nonempty = np.flatnonzero(nonempty_mask(sigs))
    live = nonempty
    if order is not None:  # earliest first: a lower position in `live` is an earlier member
        live = live[order[live] >= 0]
        live = live[np.argsort(order[live], kind="stable")]
    # positions of the live signatures among the non-empty ones, to slice their keys
    at = np.searchsorted(nonempty, live)
    # a copy only when some are empty (a corpus's matrix is hundreds of megabytes)
    nonempty_sigs = sigs if nonempty.size == sigs.shape[0] else sigs[nonempty]

    def sorted_band(band: int) -> tuple[np.ndarray, np.ndarray]:
        keys = band_keys(nonempty_sigs, band, rows)[at]
        return keys, pl.Series(keys).arg_sort().to_numpy().astype(np.int64)  # on every core

    found = []
    # numpy and polars let go of the GIL: the next band is keyed and sorted meanwhile
    for keys, idx in one_ahead(sorted_band, range(bands)):
        sorted_keys = keys[idx]
        starts = np.flatnonzero(np.diff(sorted_keys, prepend=~sorted_keys[:1]))
        sizes = np.diff(np.append(starts, sorted_keys.shape[0]))
        if (sizes > 1).any():
            found.append(_bucket_pairs(live, idx, starts, sizes, star=expand == "star"))
    if not found:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = np.sort(np.concatenate(found))
    first = np.flatnonzero(np.diff(codes, prepend=~codes[:1]))
    counts = np.diff(np.append(first, codes.shape[0]))
    codes = codes[first]
    pairs = np.stack([(codes >> np.uint64(32)), codes & np.uint64(0xFFFFFFFF)], axis=1)
    return pairs.astype(np.int64), counts


def nonempty_mask(sigs: np.ndarray) -> np.ndarray:
    """Signatures with something left after the maxDF filter (an empty one is all max
    values and is never banded). Only a row whose first value is the max can be empty, so
    only those rows are read whole (comparing the whole matrix took 0.4 s per million)."""
    empty = np.uint32(0xFFFFFFFF)
    mask = sigs[:, 0] != empty
    maybe = np.flatnonzero(~mask)
    mask[maybe] = ~(sigs[maybe] == empty).all(axis=1)
    return mask


def all_band_keys(sigs: np.ndarray, params: tuple[int, int]) -> np.ndarray:
    """(n, bands) keys of non-empty signatures."""
    bands, rows = params
    return np.stack([band_keys(sigs, band, rows) for band in range(bands)], axis=1)


def verified_mask(sigs: np.ndarray, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """Which pairs have a signature estimate of Jaccard similarity of at least half the
    threshold.

    Bands of 3 rows let through many chance collisions (pairs with a true similarity of
    0.03-0.07); half the threshold sits more than 3 standard errors (128 permutations)
    below any pair at the threshold, so this drops noise, not reuse.
    """
    keep = np.zeros(pairs.shape[0], dtype=bool)
    for lo in range(0, pairs.shape[0], 100_000):
        a, b = pairs[lo : lo + 100_000, 0], pairs[lo : lo + 100_000, 1]
        equal = np.count_nonzero(sigs[a] == sigs[b], axis=1)
        keep[lo : lo + 100_000] = equal / sigs.shape[1] >= threshold / 2
    return keep


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


# ---------------------------------------------------------------- in the database
#
# Stored state: band_keys (every non-empty signature's keys, added as signatures are made),
# text_reps, sig_pairs (the verified star pairs of texts, with the number of buckets whose
# star each is in), candidate_links and candidate_pairs. A full run builds the last four
# from every signature; an incremental run changes only what new or re-roled units touch:
#
# - texts whose representative changed (new, gone, or earlier now) are Q;
# - only a bucket holding a member of Q can change head or members; its star before and
#   now (from its members' ranks before and now) changes the counts of its pairs, and a
#   pair is stored while its count is above 0 (any other bucket's star stands as it was);
# - the links of texts whose units, representative or pairs changed are redone.


def update(con: duckdb.DuckDBPyConnection, threshold: float, num_perm: int, full: bool) -> int:
    """Bring text_reps, sig_pairs, candidate links and pairs up to date with the units of
    ``new_articles`` and the paragraphs of ``role_changes`` (temp tables); returns the
    number of candidate pairs. Leaves the temp table ``pair_changes``."""
    if not full and not store.scalar(
        con, "SELECT (SELECT count(*) FROM new_articles) + (SELECT count(*) FROM role_changes)"
    ):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE pair_changes AS "
            "SELECT sentence_a, sentence_b, true AS present FROM candidate_pairs LIMIT 0"
        )
        return store.scalar(con, "SELECT count(*) FROM candidate_pairs")
    if full:
        for table in ("text_reps", "sig_pairs", "candidate_links", "candidate_pairs"):
            con.execute(f"DELETE FROM {table}")
    store.run_sql_file(con, "candidate_reps.sql")
    if full:
        _all_pairs(con, threshold)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE link_hashes AS SELECT norm_hash FROM text_reps; "
            "CREATE OR REPLACE TEMP TABLE grown_hashes AS SELECT norm_hash FROM text_reps LIMIT 0"
        )
    else:
        _touched_pairs(con, threshold, lsh_params(con, threshold, num_perm))
    store.run_sql_file(con, "candidate_pairs.sql")
    if full:  # verdicts of pairs that are no longer candidates go (see candidate_pairs.sql)
        for table in ("pair_checks", "sentence_alignments"):
            con.execute(
                f"DELETE FROM {table} AS k USING ("
                f"  SELECT sentence_a, sentence_b FROM {table}"
                "   EXCEPT SELECT sentence_a, sentence_b FROM candidate_pairs"
                ") AS x WHERE k.sentence_a = x.sentence_a AND k.sentence_b = x.sentence_b"
            )
    return store.scalar(con, "SELECT count(*) FROM candidate_pairs")


#: signatures whose band keys are made at once: a (n, bands) block of about 15 MB
KEY_CHUNK = 50_000


def add_band_keys(
    con: duckdb.DuckDBPyConnection, hashes: np.ndarray, sigs: np.ndarray, params: tuple[int, int]
) -> None:
    """Store the band keys of new signatures (empty ones are never banded).

    A signature's keys are stored next to each other, so the ``norm_hash`` column is runs of
    one value that DuckDB keeps run-length encoded: a lookup by key then reads little more
    than the key column (band by band, the column took as long to read as the keys)."""
    for lo in range(0, len(hashes), KEY_CHUNK):
        chunk = sigs[lo : lo + KEY_CHUNK]
        nonempty = nonempty_mask(chunk)
        keys = all_band_keys(chunk[nonempty], params)
        store.insert(
            con,
            "band_keys",
            pa.table(
                {
                    "key": keys.ravel(),
                    "norm_hash": np.repeat(hashes[lo : lo + KEY_CHUNK][nonempty], keys.shape[1]),
                }
            ),
        )


def band_keeper(
    con: duckdb.DuckDBPyConnection, threshold: float, num_perm: int
) -> Callable[[np.ndarray, np.ndarray], None]:
    """Bring the stored band keys up to the LSH parameters of ``threshold``, and return
    the function that stores the keys of new signatures (the fingerprint stage calls it
    batch by batch, while the signatures are in memory)."""
    params = lsh_params(con, threshold, num_perm)
    sync_band_keys(con, params)
    return partial(add_band_keys, con, params=params)


def sync_band_keys(con: duckdb.DuckDBPyConnection, params: tuple[int, int]) -> None:
    """Make the stored band keys those of ``params`` (bands, rows).

    A key depends on its signature and ``params`` alone, so stored keys stand across runs
    and settings; only when ``params`` change (another threshold) is every stored signature
    banded again."""
    made = f"{params[0]}x{params[1]}"
    found = con.execute("SELECT value FROM meta WHERE key = 'band_keys'").fetchall()
    if found and found[0][0] == made:
        return
    con.execute("DELETE FROM band_keys")
    rows = store.signatures(con, "SELECT norm_hash, hashvalues FROM signatures")
    if len(rows["norm_hash"]):
        hashes = np.asarray(rows["norm_hash"], dtype=np.uint64)
        add_band_keys(con, hashes, rows["hashvalues"], params)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('band_keys', ?)", [made])


def lsh_params(con: duckdb.DuckDBPyConnection, threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows), chosen once per database and threshold and kept in meta (choosing
    them imports scipy, which an incremental run need not pay for)."""
    key = f"lsh_bands:{threshold}:{num_perm}"
    found = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    if found:
        bands, rows = map(int, found[0][0].split("x"))
        return bands, rows
    bands, rows = band_params(threshold, num_perm)
    con.execute("INSERT INTO meta VALUES (?, ?)", [key, f"{bands}x{rows}"])
    return bands, rows


def _all_pairs(con: duckdb.DuckDBPyConnection, threshold: float) -> None:
    """Band every live text (pairs stored)."""
    rows = store.signatures(
        con,
        "SELECT g.norm_hash, coalesce(o.rank, -1) AS rank, g.hashvalues FROM signatures AS g "
        "LEFT JOIN text_reps AS t USING (norm_hash) "
        "LEFT JOIN article_order AS o ON o.article_id = t.article_id "
        "WHERE g.n_shingles > 0 ORDER BY g.norm_hash",
    )
    hashes = np.asarray(rows["norm_hash"], dtype=np.uint64)
    if not hashes.size:
        return
    sigs = rows["hashvalues"]
    order = np.asarray(rows["rank"], dtype=np.int64)
    pairs, counts = banded_pairs(sigs, threshold, order)
    keep = verified_mask(sigs, pairs, threshold)
    pairs, counts = pairs[keep], counts[keep]
    store.insert(
        con,
        "sig_pairs",
        pl.DataFrame(
            {"h1": hashes[pairs[:, 0]], "h2": hashes[pairs[:, 1]], "n_buckets": counts},
            schema={"h1": pl.UInt64, "h2": pl.UInt64, "n_buckets": pl.Int32},
        ),
    )


def _touched_pairs(
    con: duckdb.DuckDBPyConnection, threshold: float, params: tuple[int, int]
) -> None:
    """Apply to sig_pairs what the buckets of texts whose rank changed gain and lose.

    A stored pair counts the buckets whose star it is in (n_buckets). Only a bucket holding
    a text whose rank changed (``rep_changes``: new, gone, or earlier) changes its head or
    its members, so its star before and now, worked out from its members' ranks before and
    now, gives each pair's change of count; a pair goes at 0 and comes (once verified) from
    0. Leaves ``link_hashes``, the texts whose links are all redone (representative moved,
    a unit re-roled, or an end of a pair that came or went), and ``grown_hashes``, the other
    changed texts: they only gained units, which are linked as their old units are."""
    changed = store.frame(con, "SELECT norm_hash, old_rank FROM rep_changes")
    members = _bucket_members(con, changed["norm_hash"].to_numpy(), params)
    now = _ranks(con, members["norm_hash"].unique().to_numpy())
    # before: the changed texts had their old rank (null: not live); the others, the same
    before = pl.concat(
        [
            now.join(changed, on="norm_hash", how="anti"),
            changed.drop_nulls("old_rank").select("norm_hash", rank="old_rank"),
        ]
    )
    delta = (
        pl.concat([_stars(members, now, 1), _stars(members, before, -1)])
        .group_by("h1", "h2")
        .agg(pl.col("d").sum())
        .filter(pl.col("d") != 0)
    )
    with store.registered(con, _delta=delta):
        stored = store.frame(
            con, "SELECT h1, h2, n_buckets FROM sig_pairs SEMI JOIN _delta USING (h1, h2)"
        )
    counted = stored.join(delta, on=["h1", "h2"]).with_columns(
        n_buckets=(pl.col("n_buckets") + pl.col("d")).cast(pl.Int32)
    )
    # a pair that is not stored has a count of 0 or fails verification, now as before
    fresh = delta.join(stored, on=["h1", "h2"], how="anti").filter(pl.col("d") > 0)
    came = _verified_pairs(con, fresh, threshold).select(
        "h1", "h2", n_buckets=pl.col("d").cast(pl.Int32)
    )
    gone = counted.filter(pl.col("n_buckets") <= 0).select("h1", "h2")
    with store.registered(con, _counted=counted.select("h1", "h2", "n_buckets")):
        con.execute(
            "DELETE FROM sig_pairs AS p USING _counted AS c WHERE p.h1 = c.h1 AND p.h2 = c.h2; "
            "INSERT INTO sig_pairs SELECT h1, h2, n_buckets FROM _counted WHERE n_buckets > 0"
        )
    store.insert(con, "sig_pairs", came)
    ends = pl.concat([came["h1"], came["h2"], gone["h1"], gone["h2"]]).to_numpy()
    with store.registered(con, _ends=_hash_table(ends)):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE link_hashes AS SELECT norm_hash FROM rep_changes "
            "UNION SELECT norm_hash FROM rerolled UNION SELECT norm_hash FROM _ends; "
            "CREATE OR REPLACE TEMP TABLE grown_hashes AS "
            "SELECT norm_hash FROM changed_hashes EXCEPT SELECT norm_hash FROM link_hashes"
        )


def _stars(members: pl.DataFrame, ranks: pl.DataFrame, sign: int) -> pl.DataFrame:
    """(h1, h2, d=sign): each bucket's star pairs (head, member) among its live members
    (those with a rank)."""
    live = members.join(ranks, on="norm_hash")
    return (
        live.join(_heads(live), on="key")
        .filter(pl.col("norm_hash") != pl.col("head"))
        .select(h1="head", h2="norm_hash", d=pl.lit(sign, dtype=pl.Int64))
    )


def _bucket_members(
    con: duckdb.DuckDBPyConnection, hashes: np.ndarray, params: tuple[int, int]
) -> pl.DataFrame:
    """(key, norm_hash) of every stored signature sharing a bucket with one of ``hashes``."""
    sigs = _signatures_of(con, hashes)["hashvalues"]
    keys = np.empty(0, dtype=np.uint64)
    if len(sigs):
        keys = np.unique(all_band_keys(sigs[nonempty_mask(sigs)], params).ravel())
    with store.registered(con, _keys=pa.table({"key": keys})):
        return store.frame(con, "SELECT key, norm_hash FROM band_keys SEMI JOIN _keys USING (key)")


def _signatures_of(con: duckdb.DuckDBPyConnection, hashes: np.ndarray) -> dict[str, np.ndarray]:
    """Stored signatures of ``hashes``, ordered by norm_hash (``unsigned``: those signed in
    this run)."""
    with store.registered(con, _hashes=_hash_table(hashes)):
        return store.signatures(
            con,
            store.picked("signatures", "norm_hash, hashvalues", "norm_hash", "_hashes", "unsigned")
            + " ORDER BY norm_hash",
        )


def _hash_table(hashes: np.ndarray) -> pa.Table:
    return pa.table({"norm_hash": np.asarray(hashes, dtype=np.uint64)})


def _ranks(con: duckdb.DuckDBPyConnection, hashes: np.ndarray) -> pl.DataFrame:
    """(norm_hash, rank) of the live texts among ``hashes``."""
    with store.registered(con, _hashes=_hash_table(hashes)):
        return store.frame(
            con,
            "SELECT t.norm_hash, o.rank FROM text_reps AS t "
            "SEMI JOIN _hashes AS h ON h.norm_hash = t.norm_hash "
            "JOIN article_order AS o ON o.article_id = t.article_id",
        )


def _heads(ranked: pl.DataFrame) -> pl.DataFrame:
    """(key, head) of (key, norm_hash, rank) members: a bucket's earliest member, rank then
    norm_hash, as the full run's stable sort picks it."""
    return (
        ranked.sort("key", "rank", "norm_hash")
        .group_by("key", maintain_order=True)
        .agg(head=pl.col("norm_hash").first())
    )


def _verified_pairs(
    con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame, threshold: float
) -> pl.DataFrame:
    """The rows of ``pairs`` (h1, h2, ...) whose signature estimate passes
    :func:`verified_mask`."""
    if pairs.is_empty():
        return pairs
    h1, h2 = pairs["h1"].to_numpy(), pairs["h2"].to_numpy()
    rows = _signatures_of(con, np.unique(np.concatenate([h1, h2])))
    known = np.asarray(rows["norm_hash"], dtype=np.uint64)
    index = np.stack([np.searchsorted(known, h1), np.searchsorted(known, h2)], axis=1)
    return pairs.filter(pl.Series(verified_mask(rows["hashvalues"], index, threshold)))
