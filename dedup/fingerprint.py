"""Fingerprint: normalise passages, shingle them and compute MinHash signatures in bulk.

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
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache

import numpy as np
from datasketch import MinHash

_NON_WORD = re.compile(r"[\W_]+")
#: clause boundaries inside a sentence: , ; : and quotation marks, and spaced dashes
_CLAUSE_CUT = re.compile(r"[,;:\"“”«»„]|\s[–—-]\s")
_POLY = np.uint32(0x01000193)  # FNV prime: an odd multiplier, so the hash mixes every char
#: passages per vectorised chunk, and shingles per permutation-major block (cache sized)
PASSAGE_CHUNK = 20_000
SHINGLE_BLOCK = 4096


@dataclass(frozen=True)
class FingerprintSettings:
    """Everything that changes a signature; stored in ``runs.settings``."""

    shingle: int = 5
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    #: passages shorter than this (normalised characters) are not fingerprinted: too short
    #: to be evidence of reuse on their own (a name, a date)
    min_chars: int = 20
    #: clause units shorter than this merge with their neighbour
    clause_min_chars: int = 30

    def as_dict(self) -> dict:
        return asdict(self)


def normalise(text: str) -> str:
    """Case folded, compatibility-normalised, every run of non-letters/digits one space."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def norm_hash(norm: str) -> int:
    """A stable 64-bit id of a normalised passage (identical passages are fingerprinted once)."""
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little")


def shingles(norm: str, n: int = 5) -> list[str]:
    """Character n-grams of a normalised passage (the passage itself when shorter than n)."""
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
    """datasketch's own permutation parameters, so signatures match it bit for bit."""
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

    Passages must be at least ``n`` characters long (shorter ones are not fingerprinted).
    """
    lengths = np.fromiter((len(s) for s in norms), dtype=np.int64, count=len(norms))
    codes = np.frombuffer("".join(norms).encode("utf-32-le"), dtype=np.uint32)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    counts = lengths - n + 1
    # positions of valid shingle starts: inside a passage, n characters before its end
    owner = np.repeat(np.arange(len(norms)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    pos = starts[owner] + offsets
    h = np.zeros(pos.shape[0], dtype=np.uint32)
    for k in range(n):
        h = h * _POLY + codes[pos + k]
    return h, np.concatenate(([0], np.cumsum(counts)[:-1]))


def signatures(
    norms: list[str], settings: FingerprintSettings, stop: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (len(norms) x num_perm, uint32) and each passage's shingle count.

    ``stop`` is a sorted array of shingle hashes to ignore (the maxDF filter). A passage
    whose every shingle is a stop shingle keeps the empty signature (all max values) and a
    shingle count of 0; such passages are not banded.
    """
    out = np.full((len(norms), settings.num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    n_shingles = np.zeros(len(norms), dtype=np.int32)
    for lo in range(0, len(norms), PASSAGE_CHUNK):
        chunk = norms[lo : lo + PASSAGE_CHUNK]
        h, starts = shingle_hashes(chunk, settings.shingle)
        owner = np.repeat(np.arange(len(chunk)), np.diff(np.append(starts, h.shape[0])))
        # unique (passage, shingle): MinHash is a set sketch, and counts must be set sizes
        key = _sorted_unique((owner.astype(np.uint64) << np.uint64(32)) | h.astype(np.uint64))
        owner, h = (key >> np.uint64(32)).astype(np.int64), key.astype(np.uint32)
        if stop is not None and stop.size:
            keep = ~_isin_sorted(h, stop)
            owner, h = owner[keep], h[keep]
        first = np.flatnonzero(np.diff(owner, prepend=-1))
        present = owner[first]
        n_shingles[lo + present] = np.diff(np.append(first, owner.shape[0]))
        out[lo + present] = _min_hash(_fmix32(h), first, settings).T
    return out, n_shingles


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


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hash path is slower for these sizes)."""
    values = np.sort(values)
    return values[np.diff(values, prepend=values[:1] + 1) != 0] if values.size else values


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(sorted_set, values)
    idx[idx == sorted_set.shape[0]] = 0
    return sorted_set[idx] == values


def clause_spans(text: str, start: int, end: int, min_chars: int) -> list[tuple[int, int]]:
    """Clauses of the sentence ``text[start:end]``: cut at , ; : quotes and dashes, pieces
    shorter than ``min_chars`` (normalised) merged into the next one. A sentence that is
    one clause gives an empty list (the sentence unit already covers it)."""
    cuts = [start] + [m.end() for m in _CLAUSE_CUT.finditer(text, start, end)] + [end]
    pieces: list[list[int]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if pieces and len(normalise(text[pieces[-1][0] : pieces[-1][1]])) < min_chars:
            pieces[-1][1] = b
        else:
            pieces.append([a, b])
    if len(pieces) > 1 and len(normalise(text[pieces[-1][0] : pieces[-1][1]])) < min_chars:
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
