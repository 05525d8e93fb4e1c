"""Fingerprints: bulk signatures are datasketch's, bit for bit; settings never mix."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import CORPUS
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import DedupError, fingerprint, pipeline, segment
from dedup import text as text_keys

FP = fingerprint.FingerprintSettings()
passages = (
    st.text(alphabet=st.characters(categories=["L", "N", "Zs", "P"]), min_size=5, max_size=200)
    .map(text_keys.normalise)
    .filter(lambda s: len(s) >= FP.shingle)
)


def _datasketch(norm: str, stop: set[int] | None = None) -> MinHash:
    m = MinHash(num_perm=FP.num_perm, seed=FP.seed, hashfunc=fingerprint.shingle_hash)
    m.update_batch(
        [
            s
            for s in fingerprint.shingles(norm)
            if fingerprint.shingle_hash(s) not in (stop or set())
        ]
    )
    return m


@given(st.lists(passages, min_size=1, max_size=8))
@settings(max_examples=100, deadline=None)
def test_bulk_signatures_equal_datasketch(norms: list[str]) -> None:
    sigs, counts = fingerprint.signatures(norms, FP)
    for norm, sig, count in zip(norms, sigs, counts, strict=True):
        expected = _datasketch(norm)
        assert np.array_equal(sig, expected.hashvalues)
        assert count == len(fingerprint.shingles(norm))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_equals_unicode_path(text: str) -> None:
    general = text_keys._SEPARATORS.sub(" ", text.casefold()).strip()
    assert text_keys.normalise(text) == general


def test_stop_shingles_and_lean_minhash_round_trip() -> None:
    a = text_keys.normalise("Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan")
    b = text_keys.normalise("Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan,” ujarnya")
    stop = np.array(
        sorted({fingerprint.shingle_hash(s) for s in fingerprint.shingles("tidak ")}),
        dtype=np.uint32,
    )
    sigs, _ = fingerprint.signatures([a, b], FP, stop)
    assert np.array_equal(sigs[0], _datasketch(a, set(stop.tolist())).hashvalues)
    lean = [LeanMinHash(seed=FP.seed, hashvalues=s, scheme=FP.scheme) for s in sigs]
    truth = _datasketch(a, set(stop.tolist())).jaccard(_datasketch(b, set(stop.tolist())))
    assert lean[0].jaccard(lean[1]) == pytest.approx(truth)


def test_stored_signatures_rebuild_as_lean_minhash(seed_con) -> None:
    """Every stored signature is datasketch's MinHash of its passage: the normalised text of
    a unit with that norm_hash, in its shingle form, shingled, without the stop shingles."""
    stop = {h for (h,) in seed_con.execute("SELECT shingle_hash FROM stop_shingles").fetchall()}
    rows = seed_con.execute(
        """SELECT s.hashvalues,
                  substr(a.text, u.char_start + 1, u.char_end - u.char_start)
           FROM signatures s
           JOIN (SELECT DISTINCT ON (norm_hash) * FROM units ORDER BY norm_hash, sentence_id) u
             USING (norm_hash)
           JOIN articles a USING (article_id)"""
    ).fetchall()
    assert len(rows) == seed_con.execute("SELECT count(*) FROM signatures").fetchone()[0] > 100
    for stored, passage in rows:
        values = np.array(stored, dtype=np.uint32)
        want = _datasketch(text_keys.shingle_form(fingerprint.normalise(passage)), stop)
        assert np.array_equal(values, want.hashvalues), passage
        lean = LeanMinHash(seed=FP.seed, hashvalues=values, scheme=FP.scheme)
        assert len(lean) == FP.num_perm and lean.jaccard(want) == 1.0
    settings_json = seed_con.execute(
        "SELECT settings FROM runs ORDER BY run_id LIMIT 1"
    ).fetchone()[0]
    assert json.loads(settings_json)["fingerprint"] == FP.as_dict()


def test_refuses_other_fingerprint_settings(tmp_path: Path) -> None:
    from conftest import CORPUS

    db = tmp_path / "x.duckdb"
    pipeline.run([CORPUS], db, stages=("ingest", "detect"))
    other = pipeline.Settings(fingerprint=fingerprint.FingerprintSettings(shingle=7))
    with pytest.raises(DedupError, match="signatures made with"):
        pipeline.run([CORPUS], db, settings=other, stages=("ingest", "detect"))


def test_clause_spans_cover_quotes() -> None:
    text = 'Ketika ditanya, juru bicara Kremlin Dmitry Peskov mengatakan: "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan."'
    spans = fingerprint.clause_spans(text, 0, len(text), FP.clause_min_chars)
    pieces = [text[a:b] for a, b in spans]
    assert "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan" in pieces


def test_kana_and_ideographs_count_twice() -> None:
    """A 5-gram holds two or three ideographs (not a whole phrase), and a clause is long
    enough to stand alone from half the characters a Latin-script one needs."""
    form = text_keys.shingle_form(fingerprint.normalise("央行宣布，Reuters 报道。カナ"))
    assert form.replace(text_keys.DENSE_MARK, "") == "央行宣布 reuters 报道 カナ"
    assert len(form) == len("央行宣布 reuters 报道 カナ") + 8
    grams = [s.replace(text_keys.DENSE_MARK, "") for s in fingerprint.shingles(form)]
    assert grams[:4] == ["央行宣", "行宣", "行宣布", "宣布"]
    # 15 ideographs make a clause of their own (30 counted), 14 do not
    for n, cut in ((15, True), (14, False)):
        text = "央" * n + "，" + "行" * 20 + "。"
        assert bool(fingerprint.clause_spans(text, 0, len(text), FP.clause_min_chars)) is cut


@given(
    st.text(
        alphabet=st.sampled_from("央行宣布利率不变かなカナ。，、 abc12"), min_size=1, max_size=60
    )
)
@settings(max_examples=100, deadline=None)
def test_signatures_of_kana_and_ideographs_are_datasketchs_of_the_shingle_form(raw: str) -> None:
    """Signing a raw passage (normalise, then shingle_form) gives datasketch's MinHash of
    those shingles, and the lengths units are measured in are those of the same form."""
    norm = text_keys.shingle_form(text_keys.normalise(raw))
    assert text_keys.shingled_length(text_keys.normalise(raw)) == len(norm)
    sigs, counts = fingerprint.sign_passages([raw], FP, workers=1)
    if len(norm) < FP.shingle:
        assert counts[0] == 0
        return
    assert np.array_equal(sigs[0], _datasketch(norm).hashvalues)
    assert counts[0] == len(fingerprint.shingles(norm))


def test_stop_list_and_signatures_shingle_ideographs_alike() -> None:
    """A sentence in every article of the sample is all stop shingles: the stop list is
    made from the same shingle form as the signatures."""
    sentence = "印度尼西亚央行宣布维持利率不变。"
    rows = [(f"a{i}", sentence) for i in range(10)]
    rule = fingerprint.StopList(share=0.5, min_articles=2, sample=10)
    stop = fingerprint._frequent_shingles(rows, 10, FP.shingle, rule)
    assert stop.size > 0
    assert fingerprint.sign_passages([sentence], FP, stop, workers=1)[1][0] == 0
    assert fingerprint.sign_passages([sentence], FP, workers=1)[1][0] > 0


@pytest.mark.parametrize(("n", "fingerprinted"), [(10, True), (9, False)])
def test_ten_ideographs_make_a_unit(n: int, fingerprinted: bool) -> None:
    """min_chars (20) counts a kana or ideograph twice: ten of them are a unit, nine not."""
    text = "央" * n + "。"
    units = segment._units(text, "s", "p", "a", 0, len(text), FP)
    assert bool(units) is fingerprinted


def test_copied_chinese_clause_is_aligned(tmp_path: Path) -> None:
    """A clause copied from a wire sentence into another sentence: counted a character a
    character, each clause was too short to stand alone and each sentence, glued to an
    unrelated clause, too unlike the other to be a candidate."""
    shared = "印度尼西亚央行周四宣布将基准利率维持在百分之五点七五不变"
    records = [
        {"id": "wire-1", "outlet": "Reuters", "kind": "wire", "language": "zh",
         "published": "2026-03-05T08:00:00Z", "title": "印尼央行维持利率不变",
         "text": f"{shared}，这一决定符合大多数经济学家和外汇交易员在上周调查中作出的预期。\n\n"
                 "该行行长在雅加达举行的新闻发布会上表示，通货膨胀仍在目标范围之内。"},
        {"id": "paper-1", "outlet": "晨报", "kind": "outlet", "language": "zh",
         "published": "2026-03-05T12:00:00Z", "title": "央行决定",
         "text": f"{shared}，但市场担心美国加息可能导致资金继续外流并带来新的贬值压力。\n\n"
                 "市场对此反应平淡，股市收盘小幅上涨。"},
    ]  # fmt: skip
    corpus = tmp_path / "zh.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "zh.duckdb"
    pipeline.run([corpus], db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT x.source_article_id, t.text[x.target_start + 1 : x.target_end], "
            "s.text[x.source_start + 1 : x.source_end] FROM alignments AS x "
            "JOIN articles AS s ON s.article_id = x.source_article_id "
            "JOIN articles AS t ON t.article_id = x.target_article_id"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("wire-1", shared, shared)]


def test_clause_merging_normalises_the_text_about_once(monkeypatch) -> None:
    """Many cuts with no word between them ("🙂, 🙂, ...", 8,000 of them) merge into one
    piece without normalising it again at every cut (that took minutes: quadratic)."""
    seen: list[int] = []
    real = fingerprint.normalise
    monkeypatch.setattr(fingerprint, "normalise", lambda s: seen.append(len(s)) or real(s))
    text = "🙂, " * 8000 + "dan akhirnya kalimat yang cukup panjang untuk satu klausa."
    assert fingerprint.clause_spans(text, 0, len(text), FP.clause_min_chars) == []
    assert sum(seen) <= 2 * len(text)


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_permutations_are_datasketchs(seed: int) -> None:
    a, b = MinHash(num_perm=128, seed=seed, scheme="affine32").permutations
    ours = fingerprint.permutations(128, seed, "affine32")
    assert (ours[0] == a.astype(np.uint32)).all() and (ours[1] == b.astype(np.uint32)).all()


def _stop_list(db: Path) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT shingle_hash FROM stop_shingles ORDER BY 1").fetchall()
        return [r[0] for r in rows]
    finally:
        con.close()


def test_stop_list_rule_below_and_past_the_sample(tmp_path: Path) -> None:
    """While fewer articles than the sample are stored, the stop list is what one run over
    them gives, whatever the batches; once the sample is full it is frozen: later articles
    never change it (README "fingerprint")."""
    files = sorted(CORPUS.glob("*.txt"))
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, part in ((first, files[:3]), (second, files[3:])):
        folder.mkdir()
        for f in part:
            (folder / f.name).write_bytes(f.read_bytes())
    loose = pipeline.Settings(maxdf_sample=6, maxdf_min_articles=2, maxdf_share=0.3)
    batched, whole = tmp_path / "batched.duckdb", tmp_path / "whole.duckdb"
    pipeline.run([first], batched, loose)
    pipeline.run([second], batched, loose)
    pipeline.run([CORPUS], whole, loose)
    assert _stop_list(batched) == _stop_list(whole) != []

    frozen = pipeline.Settings(maxdf_sample=3, maxdf_min_articles=2, maxdf_share=0.3)
    db = tmp_path / "frozen.duckdb"
    pipeline.run([first], db, frozen)
    before = _stop_list(db)
    pipeline.run([second], db, frozen)
    assert _stop_list(db) == before
