"""Peer pipelines for the candidate stage: MinHash LSH over passages with datasketch and rensa.

Both start from raw passage strings, so their timings include normalisation and shingling:
NFKC, casefold, every run of non-letters/digits (``_`` included) one space, then
character 5-grams (the passage itself when it is shorter). Passages with no shingle are
left out. Each returns the candidate pairs ``(i, j)``, ``i < j``, indices into the input,
packed in numpy (:func:`packed`, :func:`unpacked`), and the wall-clock seconds.

- datasketch: ``MinHash(num_perm, seed=1, scheme="affine32")`` per passage (through
  ``MinHash.generator``, which copies one initialised sketch instead of redrawing the
  permutations), shingles encoded as UTF-8 for the default SHA-1 hash, ``MinHashLSH``
  with its own optimal bands for ``threshold``; insert all, then query all.
- rensa: ``RMinHash`` built in bulk (``from_token_sets``), ``RMinHashLSH`` with
  datasketch's bands and rows (``num_perm`` cut to bands x rows, since rensa needs the
  bands to divide it; datasketch uses only those first bands x rows values anyway), so
  both have the same S-curve. rensa's signatures never equal datasketch's (own hashing
  and permutations); only the candidate sets are comparable.

``hashfunc`` (a shingle string -> unsigned int, e.g. ``dedup.fingerprint.shingle_hash``)
replaces the shingle hash: datasketch gets it as its ``hashfunc`` and is fed ``str``
shingles, so its signatures can be compared with our own bit for bit on the bench's
texts (Latin script: ours also fold some characters and double kana and ideographs, see
``dedup.text.shingle_form``, which these shingles do not); rensa gets each
hash as 8 little-endian bytes, which it hashes again.

``python -m bench.peers CORPUS.jsonl --limit 20000`` times both on the corpus' paragraphs.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import unicodedata
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import partial
from itertools import islice, repeat
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH
from rensa import RMinHash, RMinHashLSH

SEED = 1
SHINGLE = 5
#: passages rensa signs per call (its input is held whole)
CHUNK = 20_000
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)

HashFunc = Callable[[str], int]


def normalise(text: str) -> str:
    """NFKC, casefold, runs of non-letters/digits (and ``_``) to one space, stripped."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def shingles(text: str, n: int = SHINGLE) -> set[str]:
    """Character n-grams of the normalised passage; a short passage is its own shingle."""
    norm = normalise(text)
    if len(norm) <= n:
        return {norm} if norm else set()
    return {norm[i : i + n] for i in range(len(norm) - n + 1)}


def _utf8(shingled: set[str]) -> list[bytes]:
    return [s.encode("utf-8") for s in shingled]


def _hashed(hashfunc: HashFunc, shingled: set[str]) -> list[bytes]:
    return [hashfunc(s).to_bytes(8, "little") for s in shingled]


def _shingled(
    passages: Sequence[str], keys: list[int], encode: Callable[[set[str]], Collection]
) -> Iterator[Collection]:
    """Each passage's encoded shingles, made one passage at a time, its index appended to
    ``keys``: every passage's shingles at once would be about 30 KB a passage (18 GB for
    the 619,470 passages of a 100k corpus)."""
    for i, text in enumerate(passages):
        shingled = shingles(text)
        if shingled:
            keys.append(i)
            yield encode(shingled)


def packed(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Distinct pairs of indices, sorted, each packed as ``min << 32 | max`` (a pair of an
    index with itself left out). A 100k-article corpus gives 34 million candidate pairs,
    about 6 GB as a set of tuples and 270 MB packed."""
    i, j = np.asarray(i, dtype=np.uint64), np.asarray(j, dtype=np.uint64)
    keep = i != j
    lo, hi = np.minimum(i, j)[keep], np.maximum(i, j)[keep]
    return np.unique((lo << np.uint64(32)) | hi)


def unpacked(pairs: np.ndarray) -> set[tuple[int, int]]:
    """Packed pairs as a set of ``(i, j)`` tuples, for small results."""
    high, low = (pairs >> np.uint64(32)).tolist(), (pairs & np.uint64(0xFFFFFFFF)).tolist()
    return set(zip(high, low, strict=True))


def _pairs(keys: Sequence[int], neighbours: Iterable[Sequence[int]]) -> np.ndarray:
    """Packed pairs of input indices from per-row LSH query results (row positions)."""
    rows, found = array("q"), array("q")
    for row, others in enumerate(neighbours):
        found.extend(others)
        rows.extend(repeat(row, len(others)))
    key = np.asarray(keys, dtype=np.uint64)
    return packed(
        key[np.frombuffer(rows, dtype=np.int64)], key[np.frombuffer(found, dtype=np.int64)]
    )


def datasketch_candidates(
    passages: Sequence[str],
    num_perm: int = 128,
    threshold: float = 0.3,
    hashfunc: HashFunc | None = None,
    bulk: bool = False,
) -> tuple[np.ndarray, float]:
    """Candidate pairs and seconds with datasketch's MinHash and MinHashLSH.

    The plain pipeline (default) makes one ``MinHash`` per passage and calls
    ``update_batch``, as datasketch's documentation shows; ``bulk`` uses
    ``MinHash.generator`` instead, which copies one initialised sketch per passage.
    """
    start = time.perf_counter()
    keys: list[int] = []
    encode = list if hashfunc else _utf8
    extra = {"hashfunc": hashfunc} if hashfunc else {}
    if bulk:
        made = MinHash.generator(
            _shingled(passages, keys, encode),
            num_perm=num_perm,
            seed=SEED,
            scheme="affine32",
            **extra,
        )
        sketches = list(made)
    else:
        sketches = []
        for batch in _shingled(passages, keys, encode):
            m = MinHash(num_perm=num_perm, seed=SEED, scheme="affine32", **extra)
            m.update_batch(batch)
            sketches.append(m)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for row, m in enumerate(sketches):
        lsh.insert(row, m)
    pairs = _pairs(keys, (lsh.query(m) for m in sketches))
    return pairs, time.perf_counter() - start


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) for a threshold: the banding both peers share."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def rensa_candidates(
    passages: Sequence[str],
    num_perm: int = 128,
    threshold: float = 0.3,
    hashfunc: HashFunc | None = None,
) -> tuple[np.ndarray, float]:
    """Candidate pairs and seconds with rensa's RMinHash and RMinHashLSH."""
    start = time.perf_counter()
    bands, rows = lsh_bands(threshold, num_perm)
    keys: list[int] = []
    tokens = _shingled(passages, keys, partial(_hashed, hashfunc) if hashfunc else set)
    sketches = []
    while chunk := list(islice(tokens, CHUNK)):
        sketches.extend(RMinHash.from_token_sets(chunk, bands * rows, SEED))
    lsh = RMinHashLSH(threshold, bands * rows, bands)
    lsh.insert_many(sketches)
    pairs = _pairs(keys, lsh.query_all(sketches))
    return pairs, time.perf_counter() - start


def corpus_passages(corpus: Path, limit: int, min_chars: int = 40) -> list[str]:
    """Paragraphs of a JSONL corpus (blank-line or indent separated), the first ``limit``."""
    out: list[str] = []
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            for par in re.split(r"\n\s*\n|\n(?=[ \t]{2,}\S)", text):
                par = " ".join(par.split())
                if len(par) >= min_chars:
                    out.append(par)
                    if len(out) == limit:
                        return out
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time datasketch and rensa candidate pairs.")
    parser.add_argument("corpus", type=Path, help="JSONL corpus, e.g. from bench.generate")
    parser.add_argument("--limit", type=int, default=20_000, help="number of passages")
    parser.add_argument("--threshold", type=float, default=0.3)
    parser.add_argument("--num-perm", type=int, default=128)
    args = parser.parse_args(argv)
    passages = corpus_passages(args.corpus, args.limit)
    results = {}
    for name, peer in (("datasketch", datasketch_candidates), ("rensa", rensa_candidates)):
        pairs, seconds = peer(passages, args.num_perm, args.threshold)
        results[name] = pairs
        print(f"{name:<10} {len(passages)} passages  {len(pairs):>8} pairs  {seconds:7.2f}s")
    ds, rs = results["datasketch"], results["rensa"]
    both = np.intersect1d(ds, rs, assume_unique=True).size
    print(f"in both: {both}, datasketch only: {ds.size - both}, rensa only: {rs.size - both}")


if __name__ == "__main__":
    main()
