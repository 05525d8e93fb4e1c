"""The benchmark generator's ground truth must be right, or every recall figure is wrong."""

from __future__ import annotations

import json
import zlib
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.generate import LONG_SENTENCE_WORDS, evaluate, generate, split_body
from bench.peers import (
    datasketch_candidates,
    normalise,
    packed,
    rensa_candidates,
    shingles,
    unpacked,
)
from bench.sources import DATA_ROOT, dataset_status, detokenise, reuters_stories

N = 300
CONTRACT_FIELDS = {"id", "text", "outlet", "kind", "published", "url", "language", "title"}


def _require_data() -> None:
    missing = [reason for reason in dataset_status().values() if reason]
    if missing:
        pytest.skip("benchmark data absent: " + "; ".join(missing))


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    _require_data()
    return generate(N, tmp_path_factory.mktemp("bench"), seed=7)


@pytest.fixture(scope="module")
def corpus(built: tuple[Path, Path]) -> tuple[dict[str, dict], dict[str, dict]]:
    articles = {a["id"]: a for a in _read(built[0])}
    truth = {t["id"]: t for t in _read(built[1])}
    return articles, truth


def test_same_seed_same_bytes(built: tuple[Path, Path], tmp_path: Path) -> None:
    again = generate(N, tmp_path, seed=7)
    for first, second in zip(built, again, strict=True):
        assert first.read_bytes() == second.read_bytes()


def test_records_follow_the_contract_with_unique_ids(corpus) -> None:
    articles, truth = corpus
    records = list(articles.values())
    assert len(records) == N and set(truth) == set(articles)
    for rec in records:
        assert set(rec) == CONTRACT_FIELDS
        assert rec["kind"] in {"wire", "outlet"} and rec["language"] in {"en", "id"}
        datetime.fromisoformat(rec["published"])
    derivations = {t["derivation"] for t in truth.values()}
    assert {"wholly", "partially", "non"} <= derivations


def test_sources_are_published_before_what_derives_from_them(corpus) -> None:
    articles, truth = corpus
    for t in truth.values():
        published = datetime.fromisoformat(articles[t["id"]]["published"])
        for src in t["sources"]:
            src_published = datetime.fromisoformat(articles[src]["published"])
            if t["derivation"] == "natural":  # re-sent stories can share a timestamp
                assert src_published <= published
            else:
                assert src_published < published, (t["id"], src)


def test_derived_text_contains_the_kept_source_sentences(corpus) -> None:
    articles, truth = corpus
    derived = [t for t in truth.values() if t["derivation"] in {"wholly", "partially"}]
    assert derived
    for t in derived:
        text = articles[t["id"]]["text"]
        changed = {(op["source"], op["sentence"]) for op in t["ops"] if "sentence" in op}
        for op in (op for op in t["ops"] if op["op"] == "keep"):
            src = articles[op["source"]]
            sentences = [s for par in split_body(src["text"], src["title"]) for s in par]
            copyable = [s for s in sentences if len(s.split()) >= 3]
            share = len(op["sentences"]) / len(copyable)
            assert share >= 0.8 if t["derivation"] == "wholly" else share < 1
            for i in op["sentences"]:
                if (op["source"], i) not in changed:
                    assert sentences[i] in text, (t["id"], op["source"], i)


def test_truth_names_every_original_a_derived_article_repeats(corpus) -> None:
    """Filler must derive from nothing: a long sentence found in an original is accounted for."""
    articles, truth = corpus
    holders: dict[str, set[str]] = {}
    for t in truth.values():
        if t["derivation"] in {"non", "natural"}:
            art = articles[t["id"]]
            for par in split_body(art["text"], art["title"]):
                for s in par:
                    if len(s.split()) >= LONG_SENTENCE_WORDS:
                        holders.setdefault(normalise(s), set()).add(t["id"])
    for t in truth.values():
        if t["derivation"] not in {"wholly", "partially"}:
            continue
        art = articles[t["id"]]
        for par in split_body(art["text"], art["title"]):
            for s in par:
                found = holders.get(normalise(s), set())
                if len(found) == 1:  # sentences in several originals may be boilerplate
                    assert found <= set(t["accept"]), (t["id"], s)


def test_evaluate_scores_perfect_and_wrong_predictions(built, corpus) -> None:
    _, truth = corpus
    perfect = {t["id"]: set(t["sources"]) for t in truth.values() if t["derivation"] != "non"}
    scores = evaluate(built[1], perfect)
    assert scores["recall"] == scores["precision"] == scores["source_precision"] == 1.0
    originals = [t["id"] for t in truth.values() if t["derivation"] == "non"]
    wrong = {a: {originals[0]} for a in originals[1:11]}
    scores = evaluate(built[1], wrong)
    assert scores["recall"] == scores["precision"] == 0.0


def test_reuters_reader_cleans_sgml() -> None:
    _require_data()
    skipped: Counter[str] = Counter()
    first = next(reuters_stories(DATA_ROOT / "reuters21578", skipped))
    assert first["id"] == "reuters-1" and first["title"] == "BAHIA COCOA REVIEW"
    assert first["published"] == "1987-02-26T15:01:01"
    assert first["text"].startswith("BAHIA COCOA REVIEW\n\nSALVADOR, Feb 26 - Showers")
    assert not any(ord(c) < 32 and c != "\n" for c in first["text"])
    list(reuters_stories(DATA_ROOT / "reuters21578", skipped))
    assert skipped["no_body"] > 0  # title-only briefs and unprocessed tables


def test_detokenise_attaches_punctuation_and_quotes() -> None:
    tokens = ["Senin", "(", "13", "/", "3", ")", ",", '"', "Halo", ",", '"', "kata", "dia", "."]
    assert detokenise(tokens) == 'Senin (13/3), "Halo," kata dia.'


PASSAGES = [
    "Jakarta (ANTARA) - Bank Indonesia kept its benchmark rate at 5.75 percent on Thursday.",
    "Jakarta (ANTARA) - Bank Indonesia kept its benchmark rate at 5.75 percent on Thursday!!",
    "The cocoa harvest in Bahia was delayed by showers and poor humidity this week.",
    "Harga minyak dunia turun tajam setelah laporan stok Amerika Serikat dirilis.",
    "",
]


@pytest.mark.parametrize("peer", [datasketch_candidates, rensa_candidates])
def test_peers_find_the_near_duplicate_pair(peer) -> None:
    found, seconds = peer(PASSAGES)
    pairs = unpacked(found)
    assert (0, 1) in pairs and seconds >= 0 and len(pairs) == found.size
    assert all(i < j < len(PASSAGES) - 1 for i, j in pairs)  # the empty passage is left out
    crc_pairs, _ = peer(PASSAGES, hashfunc=lambda s: zlib.crc32(s.encode("utf-8")))
    assert (0, 1) in unpacked(crc_pairs)


@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)), max_size=50))
def test_packed_pairs_are_the_distinct_ordered_pairs(raw: list[tuple[int, int]]) -> None:
    i, j = (
        np.array([a for a, _ in raw], dtype=np.uint64),
        np.array([b for _, b in raw], dtype=np.uint64),
    )
    expected = {(min(a, b), max(a, b)) for a, b in raw if a != b}
    assert unpacked(packed(i, j)) == expected and packed(i, j).size == len(expected)


def test_shingles_of_normalised_text() -> None:
    assert normalise("Foo_bar,  BAZ! ﬁ") == "foo bar baz fi"
    assert shingles("Ab_c") == {"ab c"}
    assert shingles("abcdef") == {"abcde", "bcdef"}
