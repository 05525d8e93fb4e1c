"""Fingerprint stage: shingle passages and compute MinHash signatures in bulk.

Reads: units, articles, stop_shingles, signatures, meta, the temp table new_articles.
Leaves: new rows in signatures (one per distinct unit text; their band keys are stored by
:mod:`dedup.candidates`), stop_shingles while the maxDF sample fills, the ``meta`` rows
``fingerprint`` and ``stoplist_frozen``, and the temp table ``unsigned`` (the texts signed
in this run) for :mod:`dedup.candidates`.

Signatures are exactly those of ``datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=shingle_hash)`` fed with a passage's shingles, so a stored signature can be turned
back into ``datasketch.LeanMinHash(seed=..., hashvalues=..., scheme="affine32")``. They are
computed for many passages at once with numpy: one vector pass per shingle position and
per block of permutations, never one Python call per shingle.

Why character 5-grams: they work in every script, including those written without spaces,
survive inflection and spelling variants (an Indonesian "mengkonfirmasi"/"mengonfirmasi"
keeps most of its 5-grams), and one 5-gram spans roughly one word in Latin-script news, so a
substituted word costs only the few shingles around it. Shorter grams (3-4) make unrelated
sentences of one language look alike through shared function words; longer ones (7+) drop
the similarity of rewrites towards that of unrelated text (measured in tests/test_fingerprint).

A kana or CJK ideograph is a syllable or a word, not a letter: five of them span three or
four words, the "7+" of Latin-script text, and twenty (``min_chars``) a whole sentence. So
each counts as two characters (:func:`dedup.text.shingle_form` puts a mark after it): a
5-gram holds two or three of them (character bigrams and trigrams, the usual units for
Chinese and Japanese near-duplicates), a passage needs ten of them to be fingerprinted and
a clause fifteen to stand alone. On the Clough answers re-spelled as Chinese-like text
(``make eval``, ``dedup_chinese``: each word one to three ideographs, no spaces) counting
them once gave F1 0.893 and source P@1 0.807, counting them twice 0.954 and 0.912.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache, partial

import duckdb
import numpy as np
import polars as pl

from dedup import DedupError, store
from dedup.parallel import batched, parallel_map
from dedup.text import normalise, shingle_form, shingled_length

#: clause boundaries inside a sentence: , ; : in Latin, CJK (with the enumeration comma 、)
#: and Arabic-script forms, quotation marks, and spaced dashes
_CLAUSE_CUT = re.compile(r"[,;:，；：、،؛\"“”«»„‹›「」『』]|\s[–—-]\s")
_POLY = np.uint32(0x01000193)  # FNV prime: an odd multiplier, so the hash mixes every char
#: passages per vectorised chunk, and shingles per permutation-major block (cache sized)
PASSAGE_CHUNK = 10_000
SHINGLE_BLOCK = 4096


@dataclass(frozen=True)
class FingerprintSettings:
    """Everything that changes a signature; stored in ``runs.settings``."""

    shingle: int = 5
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    #: passages shorter than this are not fingerprinted: too short to be evidence of reuse
    #: on their own (a name, a date). Lengths are in characters of the normalised text, a
    #: kana or ideograph counting two (:func:`dedup.text.shingled_length`)
    min_chars: int = 20
    #: clause units shorter than this (counted so too) merge with their neighbour
    clause_min_chars: int = 30

    def as_dict(self) -> dict:
        return asdict(self)


def shingles(norm: str, n: int = 5) -> list[str]:
    """Character n-grams of a passage in its shingle form (:func:`dedup.text.shingle_form`;
    the passage itself when shorter than n)."""
    if len(norm) <= n:
        return [norm]
    return [norm[i : i + n] for i in range(len(norm) - n + 1)]


def shingle_hash(shingle: str) -> int:
    """32-bit polynomial hash of a shingle's code points; the scalar twin of the bulk hash."""
    h = 0
    for ch in shingle:
        h = (h * 0x01000193 + ord(ch)) & 0xFFFFFFFF
    return h


@cache
def permutations(num_perm: int, seed: int, scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own permutation parameters, so signatures match it bit for bit.

    For affine32, datasketch draws an odd 32-bit multiplier and a 32-bit offset per
    permutation from ``RandomState(seed)``; drawing them the same way here spares every run
    the import of datasketch (and of scipy with it). Other schemes ask datasketch itself.
    """
    if scheme == "affine32":
        gen = np.random.RandomState(seed)
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        return a, b
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=scheme).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer, which datasketch applies before its affine permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hashes(norms: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every shingle of every passage, and each passage's start in that array.

    The rolling hash runs over the concatenated passages with contiguous slices (no gather);
    the n-1 positions at the end of each passage, which would straddle two passages, are
    then dropped. Passages must be at least ``n`` characters long.
    """
    lengths = np.fromiter((len(s) for s in norms), dtype=np.int64, count=len(norms))
    codes = np.frombuffer("".join(norms).encode("utf-32-le"), dtype=np.uint32)
    width = codes.shape[0] - n + 1
    h = np.zeros(width, dtype=np.uint32)
    for k in range(n):
        h = h * _POLY + codes[k : k + width]
    straddle = (np.cumsum(lengths)[:, None] - np.arange(1, n)[None, :]).ravel()
    keep = np.ones(width, dtype=bool)
    keep[straddle[straddle < width]] = False
    counts = lengths - n + 1
    return h[keep], np.concatenate(([0], np.cumsum(counts)[:-1]))


def signatures(
    norms: list[str], settings: FingerprintSettings, stop: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (len(norms) x num_perm, uint32) and each passage's count of kept
    shingle occurrences.

    ``stop`` is a sorted array of shingle hashes to ignore (the maxDF filter). A passage
    whose every shingle is a stop shingle keeps the empty signature (all max values) and a
    count of 0; such passages are not banded. Repeated shingles are not removed first: the
    minimum of a multiset is that of its set, so the signature is the set's.
    """
    out = np.full((len(norms), settings.num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    n_shingles = np.zeros(len(norms), dtype=np.int32)
    for lo in range(0, len(norms), PASSAGE_CHUNK):
        chunk = norms[lo : lo + PASSAGE_CHUNK]
        h, starts = shingle_hashes(chunk, settings.shingle)
        owner = np.repeat(np.arange(len(chunk)), np.diff(np.append(starts, h.shape[0])))
        if stop is not None and stop.size:
            keep = ~_isin_sorted(h, stop)
            owner, h = owner[keep], h[keep]
        first = np.flatnonzero(np.diff(owner, prepend=-1))
        present = owner[first]
        n_shingles[lo + present] = np.diff(np.append(first, owner.shape[0]))
        out[lo + present] = _min_hash(_fmix32(h), first, settings).T
    return out, n_shingles


def sign_passages(
    passages: list[str],
    settings: FingerprintSettings,
    stop: np.ndarray | None = None,
    workers: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Normalise raw passages and sign them, on every core for large inputs.

    Passages shorter than one shingle once normalised get the empty signature and a count
    of 0. Chunks go to forked worker processes (``dedup.parallel``).
    """
    job = partial(_sign_chunk, settings=settings, stop=stop)
    parts = list(parallel_map(job, batched(passages, PASSAGE_CHUNK), workers))
    if not parts:
        return np.empty((0, settings.num_perm), dtype=np.uint32), np.empty(0, dtype=np.int32)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _shingled(passage: str) -> str:
    """A raw passage as it is shingled, for its signature and for the stop list alike."""
    return shingle_form(normalise(passage))


def _sign_chunk(
    passages: list[str], settings: FingerprintSettings, stop: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    norms = [_shingled(p) for p in passages]
    ok = [i for i, s in enumerate(norms) if len(s) >= settings.shingle]
    sigs = np.full((len(norms), settings.num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    counts = np.zeros(len(norms), dtype=np.int32)
    if ok:
        sigs[ok], counts[ok] = signatures([norms[i] for i in ok], settings, stop)
    return sigs, counts


def _min_hash(mixed: np.ndarray, first: np.ndarray, settings: FingerprintSettings) -> np.ndarray:
    """Per-passage minima of every permutation (num_perm x passages).

    Permutation-major blocks of a few thousand shingles stay in cache, which makes the
    multiply-add-min pass several times faster than one shingle-major matrix.
    """
    a, b = permutations(settings.num_perm, settings.seed, settings.scheme)
    a, b = a[:, None], b[:, None]
    result = np.empty((settings.num_perm, first.shape[0]), dtype=np.uint32)
    buf = np.empty((settings.num_perm, SHINGLE_BLOCK * 2), dtype=np.uint32)
    bounds = np.append(first, mixed.shape[0])
    p = 0
    while p < first.shape[0]:
        # whole passages per block: up to SHINGLE_BLOCK shingles, at least one passage
        q = max(p + 1, int(np.searchsorted(bounds, bounds[p] + SHINGLE_BLOCK, side="right")) - 1)
        lo, hi = bounds[p], bounds[q]
        view = (
            buf[:, : hi - lo]
            if hi - lo <= buf.shape[1]
            else np.empty((a.shape[0], hi - lo), np.uint32)
        )
        np.multiply(a, mixed[None, lo:hi], out=view)
        np.add(view, b, out=view)
        result[:, p:q] = np.minimum.reduceat(view, bounds[p:q] - lo, axis=1)
        p = q
    return result


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(sorted_set, values)
    idx[idx == sorted_set.shape[0]] = 0
    return sorted_set[idx] == values


def _length_bound(piece: str) -> int:
    """At least the shingled length of ``piece`` (:func:`dedup.text.shingled_length`):
    normalising never lengthens ASCII text, so ASCII needs no normalising."""
    return len(piece) if piece.isascii() else shingled_length(normalise(piece))


def _short(piece: str, bound: int, min_chars: int) -> tuple[bool, int]:
    """Whether ``piece`` is under ``min_chars`` once normalised (its shingled length), and
    a new bound of that length; ``bound`` (at least that length) spares normalising a short
    one."""
    if bound < min_chars:
        return True, bound
    n = shingled_length(normalise(piece))
    return n < min_chars, n


def clause_spans(text: str, start: int, end: int, min_chars: int) -> list[tuple[int, int]]:
    """Clauses of the sentence ``text[start:end]``: cut at , ; : quotes and dashes, pieces
    shorter than ``min_chars`` (shingled length) merged into the next one. A sentence that is
    one clause gives an empty list (the sentence unit already covers it)."""
    cuts = [start] + [m.end() for m in _CLAUSE_CUT.finditer(text, start, end)] + [end]
    pieces: list[list[int]] = []
    # ``bound``: at least the last piece's shingled length. Joining text never makes it
    # longer than both parts' plus a space, so a piece still under min_chars is not
    # normalised again as it grows ("🙂, 🙂, ..." made one piece in quadratic time)
    bound = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        added = _length_bound(text[a:b])
        if pieces:
            short, bound = _short(text[pieces[-1][0] : pieces[-1][1]], bound, min_chars)
            if short:
                pieces[-1][1] = b
                bound += added + (1 if bound and added else 0)
                continue
        pieces.append([a, b])
        bound = added
    if len(pieces) > 1 and _short(text[pieces[-1][0] : pieces[-1][1]], bound, min_chars)[0]:
        last = pieces.pop()
        pieces[-1][1] = last[1]
    if len(pieces) < 2:
        return []
    spans = []
    for a, b in pieces:
        while a < b and not text[a].isalnum():
            a += 1
        while b > a and not text[b - 1].isalnum():
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


# ---------------------------------------------------------------- the stage


def check_settings(con: duckdb.DuckDBPyConnection, settings: FingerprintSettings) -> None:
    """Refuse to mix signatures made with other fingerprint settings in one database."""
    wanted = json.dumps(settings.as_dict(), sort_keys=True)
    stored = store.scalar(con, "SELECT value FROM meta WHERE key = 'fingerprint'")
    if stored is None:
        con.execute("INSERT INTO meta VALUES ('fingerprint', ?)", [wanted])
    elif stored != wanted:
        raise DedupError(
            f"this database holds signatures made with {stored}, not {wanted}: "
            "use a new database (--db) or the settings it was made with"
        )


@dataclass(frozen=True)
class StopList:
    """The maxDF rule: a shingle in more than ``share`` of the sampled articles (and in more
    than ``min_articles`` of them) is too common to be evidence of reuse.

    The sample is the first ``sample`` articles stored (by run, then article id). While the
    corpus is smaller, the list is made again from every article at each run, so it equals
    what one run over the same articles gives; once the sample is full the list is frozen,
    so fingerprints never change as the corpus grows. A corpus that arrives in batches past
    the sample size thus keeps the stop list of its first batches: the price of signatures
    that never need redoing (tests/test_fingerprint.py)."""

    share: float
    min_articles: int
    sample: int


def update_stoplist(
    con: duckdb.DuckDBPyConnection, fp: FingerprintSettings, rule: StopList
) -> bool:
    """Recompute the stop shingles while the corpus is smaller than the sample; then
    freeze them. Returns True when they changed (every signature must then be redone)."""
    if store.scalar(con, "SELECT value FROM meta WHERE key = 'stoplist_frozen'"):
        return False
    # texts and sentence offsets are fetched apart and cut here: joined in SQL, each
    # sentence row carried its article's whole text (a 20,000-sentence article: gigabytes)
    texts = dict(
        con.execute(
            "SELECT article_id, text FROM articles ORDER BY run_id, article_id LIMIT ?",
            [rule.sample],
        ).fetchall()
    )
    with store.registered(
        con, _sample=pl.DataFrame({"article_id": pl.Series(list(texts), dtype=pl.String)})
    ):
        spans = con.execute(
            "SELECT article_id, char_start, char_end FROM units SEMI JOIN _sample "
            "USING (article_id) WHERE unit_kind = 'sentence'"
        ).fetchall()
    rows = [(aid, texts[aid][start:end]) for aid, start, end in spans]
    n_articles = store.scalar(con, "SELECT least(count(*), ?) FROM articles", [rule.sample])
    stop = _frequent_shingles(rows, n_articles, fp.shingle, rule)
    old = con.execute("SELECT shingle_hash FROM stop_shingles ORDER BY 1").fetchnumpy()
    changed = not np.array_equal(np.asarray(old["shingle_hash"], dtype=np.uint32), stop)
    if changed:
        con.execute("DELETE FROM stop_shingles")
        store.insert(
            con, "stop_shingles", pl.DataFrame({"shingle_hash": pl.Series(stop, dtype=pl.UInt32)})
        )
    if n_articles >= rule.sample:
        con.execute("INSERT INTO meta VALUES ('stoplist_frozen', ?)", [str(n_articles)])
    return changed


def _frequent_shingles(rows: list[tuple], n_articles: int, n: int, rule: StopList) -> np.ndarray:
    """Shingle hashes found in more than the rule's share of the articles (sorted)."""
    limit = max(rule.share * n_articles, rule.min_articles)
    if not rows or n_articles <= limit:
        return np.empty(0, dtype=np.uint32)
    ids = {aid: i for i, aid in enumerate(dict.fromkeys(r[0] for r in rows))}
    norms = [_shingled(sentence) for _, sentence in rows]
    owner = np.array([ids[r[0]] for r in rows], dtype=np.uint64)
    h, starts = shingle_hashes(norms, n)
    per = np.repeat(owner, np.diff(np.append(starts, h.shape[0])))
    # distinct (article, shingle), then the number of articles per shingle
    pairs = np.sort((per << np.uint64(32)) | h.astype(np.uint64))
    values = np.sort(pairs[np.diff(pairs, prepend=~pairs[:1]) != 0].astype(np.uint32))
    starts = np.flatnonzero(np.diff(values, prepend=~values[:1]))
    df = np.diff(np.append(starts, values.shape[0]))
    return values[starts][df > limit]


#: passages signed per batch: bounds memory (signatures are 512 bytes each)
FINGERPRINT_BATCH = 200_000


def fingerprint_units(
    con: duckdb.DuckDBPyConnection,
    fp: FingerprintSettings,
    full: bool,
    on_signed: Callable[[np.ndarray, np.ndarray], None],
) -> int:
    """Signatures for every distinct unit text that has none yet, in bounded batches; in an
    incremental run only new articles have such units. ``on_signed(hashes, signatures)``
    sees each batch while it is in memory (the candidates stage bands it there)."""
    scope = "units" if full else "(SELECT * FROM units SEMI JOIN new_articles USING (article_id))"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE unsigned AS
        SELECT u.norm_hash, any_value((u.article_id, u.char_start, u.char_end)) AS span,
               row_number() OVER () AS rn
        FROM {scope} AS u
        ANTI JOIN signatures AS g ON g.norm_hash = u.norm_hash
        GROUP BY u.norm_hash
        """
    )
    total = store.scalar(con, "SELECT count(*) FROM unsigned")
    stop = con.execute("SELECT shingle_hash FROM stop_shingles ORDER BY 1").fetchnumpy()
    stop = np.asarray(stop["shingle_hash"], dtype=np.uint32)
    for lo in range(0, total, FINGERPRINT_BATCH):
        rows = con.execute(
            "SELECT norm_hash, span[1], span[2], span[3] FROM unsigned WHERE rn > ? AND rn <= ?",
            [lo, lo + FINGERPRINT_BATCH],
        ).fetchall()
        # passages are cut from each text fetched once: a join would copy an article's
        # whole text into every one of its unit rows
        texts = dict(store.article_rows(con, "article_id, text", {r[1] for r in rows}, None))
        hashes = np.array([r[0] for r in rows], dtype=np.uint64)
        passages = [texts[aid][start:end] for _, aid, start, end in rows]
        sigs, counts = sign_passages(passages, fp, stop)
        store.insert(con, "signatures", store.signature_table(hashes, counts, sigs))
        on_signed(hashes, sigs)
    return total
