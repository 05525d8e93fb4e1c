"""Cross-language tracing: lexicon, anchors, and translated paragraphs aligned to the
English wire paragraphs they translate (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
from rich.console import Console

from dedup import anchors, api, bilingual, store
from dedup.provenance import render_trace, trace

WIRE = [
    "Indonesia's central bank raised its benchmark interest rate by 25 basis points to 5.75 "
    "percent on Tuesday, the first increase in two years, as the rupiah weakened.",
    "Bank Indonesia Governor Perry Warjiyo said the decision was taken to strengthen the "
    "currency and keep inflation within the target of 2 to 4 percent in 2024.",
    "The rupiah fell 1.2 percent against the dollar last week to 15,360, its weakest level "
    "since March, as foreign investors sold 8.5 trillion rupiah of government bonds.",
    "Economists polled by Reuters had expected the bank to keep the rate unchanged at its "
    "monthly meeting in Jakarta.",
]
TRANSLATION = [
    "Bank sentral Indonesia menaikkan suku bunga acuan sebesar 25 basis poin menjadi 5,75 "
    "persen pada Selasa, kenaikan pertama dalam dua tahun, karena rupiah melemah.",
    "Gubernur Bank Indonesia Perry Warjiyo mengatakan keputusan itu diambil untuk memperkuat "
    "mata uang dan menjaga inflasi dalam sasaran 2 hingga 4 persen pada 2024.",
    "Rupiah turun 1,2 persen terhadap dolar pekan lalu menjadi 15.360, level terlemah sejak "
    "Maret, karena investor asing menjual obligasi pemerintah senilai 8,5 triliun rupiah.",
    "Para ekonom yang disurvei Reuters memperkirakan bank akan mempertahankan suku bunga "
    "dalam rapat bulanan di Jakarta.",
]
#: the same event reported independently: same names and numbers, other sentences
INDEPENDENT = [
    "Pelaku pasar di Jakarta menyambut dingin langkah Bank Indonesia pada Selasa, dan indeks "
    "saham ditutup melemah tipis di tengah aksi jual investor asing.",
    "Sejumlah pengusaha eksportir mengaku khawatir biaya pinjaman naik, sementara importir "
    "berharap kurs stabil menjelang akhir tahun.",
    "Analis sebuah sekuritas lokal menilai kebijakan itu terlambat dan menyarankan investor "
    "menunggu data neraca perdagangan bulan depan.",
]


def _record(id_, paras, kind, outlet, lang, when):
    return {"id": id_, "text": "\n\n".join(paras), "kind": kind, "outlet": outlet,
            "language": lang, "published": when}  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("xlang")
    wire = [_record("wire-en", WIRE, "wire", "Reuters", "en", "2024-04-23T04:00:00Z")]
    local = [
        _record("harian-id", TRANSLATION, "outlet", "Harian", "id", "2024-04-23T09:00:00Z"),
        _record("pasar-id", INDEPENDENT, "outlet", "Pasar", "id", "2024-04-23T10:00:00Z"),
    ]
    for name, recs in (("wire", wire), ("local", local)):
        with (folder / f"{name}.jsonl").open("w") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in recs)
    return folder


@pytest.fixture(scope="module")
def db(corpus, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "x.duckdb"
    api.run([corpus / "wire.jsonl", corpus / "local.jsonl"], path)
    return path


def _translations(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            """
            SELECT a.source_article_id, s.seq, a.target_article_id, t.seq, a.score,
                   a.alignment_id, a.cluster_id,
                   a.source_start, a.source_end, a.target_start, a.target_end,
                   substr(sa.text, a.source_start + 1, a.source_end - a.source_start) = s.text,
                   substr(ta.text, a.target_start + 1, a.target_end - a.target_start) = t.text
            FROM alignments AS a
            JOIN paragraphs AS s ON s.paragraph_id = a.source_paragraph_id
            JOIN paragraphs AS t ON t.paragraph_id = a.target_paragraph_id
            JOIN articles AS sa ON sa.article_id = a.source_article_id
            JOIN articles AS ta ON ta.article_id = a.target_article_id
            WHERE a.match_kind = 'translation' ORDER BY t.seq
            """
        ).fetchall()


def test_affixes_are_stripped_to_the_lexicon_root():
    lex = bilingual.Lexicon.load("en", "id")
    assert lex is not None and bilingual.Lexicon.load("id", "en") is lex
    said = lex.concept("en", "said")
    for word in ("mengatakan", "dikatakannya", "kata", "katanya"):
        assert lex.concept("id", word) == said, word
    assert lex.concept("id", "Selasa") == lex.concept("en", "Tuesday") is not None
    assert lex.concept("id", "pembangunan") == lex.concept("en", "development")
    assert lex.concept("en", "rises") == lex.concept("id", "kenaikan")
    assert "ada" in bilingual.stems("id", "ada")  # a short word is never cut below 3 letters
    assert all(len(s) >= 3 for s in bilingual.stems("id", "diberi"))


def test_lexicon_files_are_well_formed():
    for a, b in bilingual.languages():
        rows = bilingual.read_rows(bilingual.LEXICONS / f"{a}-{b}.tsv")
        assert len(rows) > 1000
        assert len(rows) == len(set(rows)), "duplicate rows"
        assert all(x == x.lower() and " " not in x for row in rows for x in row)


def test_a_language_pair_is_a_file(tmp_path):
    (tmp_path / "en-ms.tsv").write_text("# test\nsaid\tberkata\nsaid\tkata\n", encoding="utf-8")
    lex = bilingual.Lexicon.load("ms", "en", tmp_path)
    assert lex is not None and lex.concept("ms", "berkata") == lex.concept("en", "said")
    assert bilingual.Lexicon.load("en", "xx", tmp_path) is None
    (tmp_path / "bad-xx.tsv").write_text("one field\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        bilingual.read_rows(tmp_path / "bad-xx.tsv")


@pytest.mark.parametrize(
    ("written", "lang", "scale", "value"),
    [
        ("5,75", "id", None, "5.75"),
        ("5.75", "en", None, "5.75"),
        ("15.360", "id", None, "15360"),
        ("15,360", "en", None, "15360"),
        ("1,5", "id", "juta", "1500000"),
        ("1.5", "en", "million", "1500000"),
        ("8,5", "id", "triliun", "8500000000000"),
        ("2024", "id", None, "2024"),
    ],
)
def test_numbers_read_by_their_language(written, lang, scale, value):
    assert anchors.number_value(written, lang, scale) == value


def test_true_pairs_overlap_and_unrelated_ones_do_not():
    lex = bilingual.Lexicon.load("en", "id")

    def keys(text, lang):
        return anchors.paragraph_keys(text, lang, lex, lambda w: 1.0)

    for en, id_ in zip(WIRE, TRANSLATION, strict=True):
        assert anchors.overlap(keys(en, "en"), keys(id_, "id")) >= 0.4, en
    # the shared numbers of the translation are the same keys
    assert {"#5.75", "#15360", "#8500000000000", "#1.2"} <= set(
        keys(TRANSLATION[0] + TRANSLATION[2], "id")
    )
    for en in WIRE:
        for other in INDEPENDENT:
            assert anchors.overlap(keys(en, "en"), keys(other, "id")) < 0.3


#: texts where the vectorised key maker could part from paragraph_keys: numbers at the start,
#: after punctuation and before a scale word on the next line, Python-only white space
#: (\x1c), a digit inside a word, non-ASCII texts (marks, curly quotes; separators only:
#: a no-break space or a dash before a scale word, Thai, a superscript), an empty text
KEY_TEXTS = [
    *WIRE,
    *TRANSLATION,
    "5 juta orang, 3,5 triliun\nrupiah; x5 y 7.5.6 dan 1.200.000 di Jakarta",
    "12\x1cmillion Tuesday said 4,000\x1dUS 2.5 percent",
    "“Mulyani” berkata 5,75% «Selasa» — 1,5 juta dolar, naïve Café",
    "“Mulyani” berkata 5\xa0juta, 7–juta, “9” juta, ฿5 juta x²5 1\u2028juta",
    "",
]


def test_text_keys_equal_paragraph_keys():
    lex = bilingual.Lexicon.load("en", "id")
    df = {"said": 800, "mulyani": 2, "tuesday": 300, "jakarta": 40, "1": 1000}
    weight = anchors.Weights(df, 1000, [lex])
    texts = [(f"{lang}{i}", lang, t) for i, t in enumerate(KEY_TEXTS) for lang in ("en", "id")]
    made = anchors.TextKeys({"en": lex, "id": lex}, weight, 0.5)(
        pl.DataFrame(texts, schema=["article_id", "language", "text"], orient="row")
    )
    expected = {
        (aid, lang, key, w)
        for aid, lang, text in texts
        for key, w in anchors.paragraph_keys(text, lang, lex, weight).items()
        if weight.share(key, w) <= 0.5
    }
    assert set(made.iter_rows()) == expected


def test_a_kept_vocabulary_gives_word_key_the_keys_it_reads_afresh():
    """Words an earlier run read are not stemmed again by the aligner: their keys, kept in
    the vocabulary, are the ones word_key reads afresh."""
    lex = bilingual.Lexicon.load("en", "id")
    weight = anchors.Weights({"said": 800}, 1000, [lex])
    texts = pl.DataFrame(
        [(f"{lang}{i}", lang, t) for i, t in enumerate(KEY_TEXTS) for lang in ("en", "id")],
        schema=["article_id", "language", "text"],
        orient="row",
    )
    first = anchors.TextKeys({"en": lex, "id": lex}, weight, 0.5)
    first(texts)
    anchors._WORD_KEYS.clear()
    again = anchors.TextKeys({"en": lex, "id": lex}, weight, 0.5, first.vocabulary())
    again.recall(texts.iter_rows())
    again.recall([])  # nothing to look up
    remembered = dict(anchors._WORD_KEYS)
    assert any(found is not None for found in remembered.values())
    anchors._WORD_KEYS.clear()
    assert remembered == {
        (pair, lang, token): anchors.word_key(lex, lang, token) for pair, lang, token in remembered
    }


def test_translated_paragraphs_align_to_the_paragraph_they_translate(db):
    rows = _translations(db)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("wire-en", i, "harian-id", i) for i in range(len(WIRE))
    ]
    assert all(r[11] and r[12] for r in rows), "a span is not its paragraph's text"
    assert all(r[2] != "pasar-id" for r in rows)  # the independent report is not a translation


@pytest.mark.parametrize(("when", "found"), [("2024-05-13T09:00:00Z", True),
                                              ("2024-06-03T09:00:00Z", False)])  # fmt: skip
def test_a_translation_is_found_only_inside_the_window(tmp_path, when, found):
    """The translation 20 days after the wire story is aligned to it; 41 days after, the
    wire is outside its 30-day window (RetrievalSettings.window_days)."""
    path = tmp_path / "c.jsonl"
    recs = [
        _record("wire-en", WIRE, "wire", "Reuters", "en", "2024-04-23T04:00:00Z"),
        _record("pasar-id", INDEPENDENT, "outlet", "Pasar", "id", "2024-04-23T10:00:00Z"),
        _record("harian-id", TRANSLATION, "outlet", "Harian", "id", when),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    api.run([path], tmp_path / "c.duckdb")
    rows = _translations(tmp_path / "c.duckdb")
    assert {(r[0], r[2]) for r in rows} == ({("wire-en", "harian-id")} if found else set())


def test_language_tags_in_other_forms_still_pair_the_languages(tmp_path):
    """``EN`` / ``id-ID`` name the lexicon's pair as ``en`` / ``id`` do (they used to match
    no lexicon, which turned translation detection off without a word)."""
    path = tmp_path / "c.jsonl"
    recs = [
        _record("wire-en", WIRE, "wire", "Reuters", "EN", "2024-04-23T04:00:00Z"),
        _record("harian-id", TRANSLATION, "outlet", "Harian", "id-ID", "2024-04-23T09:00:00Z"),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    api.run([path], tmp_path / "c.duckdb")
    rows = _translations(tmp_path / "c.duckdb")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("wire-en", i, "harian-id", i) for i in range(len(WIRE))
    ]


def test_a_translation_goes_to_the_wire_not_to_a_copy_whose_id_sorts_first(tmp_path):
    """Two English outlets carried the wire story after it: "b-copy" whole, "a-copy" only its
    lede, without the sentence the wire's lede adds (so a-copy matches that paragraph best).
    On equal scores the earlier article takes a paragraph, not the id that sorts first; and a
    source left with fewer than 3 paragraphs hands them to the next best instead of losing
    them. The translation then names the wire for every paragraph (it used to name b-copy,
    with the lede unaligned)."""
    lede = WIRE[0] + " The Jakarta Composite Index rose 0.8 percent to 7,100 points."
    recs = [
        _record("wire-en", [lede, *WIRE[1:]], "wire", "Reuters", "en", "2024-04-23T04:00:00Z"),
        _record("a-copy", [WIRE[0]], "outlet", "Globe", "en", "2024-04-23T05:00:00Z"),
        _record("b-copy", [lede, *WIRE[1:]], "outlet", "Times", "en", "2024-04-23T06:00:00Z"),
        _record("harian-id", TRANSLATION, "outlet", "Harian", "id", "2024-04-23T09:00:00Z"),
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    api.run([path], tmp_path / "c.duckdb")
    rows = _translations(tmp_path / "c.duckdb")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("wire-en", i, "harian-id", i) for i in range(len(WIRE))
    ]


def test_derivation_source_and_attribution_use_translations(db):
    with duckdb.connect(str(db), read_only=True) as con:
        derived = dict(
            con.execute("SELECT article_id, derivation FROM article_derivation").fetchall()
        )
        top = con.execute(
            "SELECT top_source_article_id FROM article_derivation WHERE article_id = 'harian-id'"
        ).fetchone()[0]
        evidence = con.execute(
            "SELECT evidence FROM attributions WHERE article_id = 'harian-id' AND method = 'matched'"
        ).fetchall()
    assert derived["harian-id"] == "wholly" and derived["pasar-id"] == "non"
    assert top == "wire-en"
    assert evidence and all(e[0].startswith("translation of wire-en") for e in evidence)


def test_trace_shows_the_english_original(db):
    console = Console(record=True, width=400)
    with duckdb.connect(str(db), read_only=True) as con:
        render_trace(trace(con, "harian-id"), console)
    text = console.export_text()
    assert "translation" in text and "Perry Warjiyo said the decision" in text


def test_incremental_equals_full(corpus, db, tmp_path):
    step = tmp_path / "step.duckdb"
    api.run([corpus / "local.jsonl"], step)  # the translations first: no source yet
    assert _translations(step) == []
    api.run([corpus / "wire.jsonl"], step)  # the wire arrives (earlier by date)
    assert _translations(step) == _translations(db)


@pytest.mark.parametrize("lookup", [12, 200], ids=["lookup with a next key", "every key"])
def test_a_source_arriving_later_is_found_once_weights_are_frozen(corpus, tmp_path, lookup):
    """The wire arrives after its translation, when the term sample is frozen (so the run is
    incremental) and every key the translation looks up is already held by a later English
    reprint: the lookup keys stay the same, yet the wire is a new candidate that comes
    first, so the translation is redone and aligned to it. With a lookup of every key
    there is no next key a rising count could pass: the new candidate alone redoes it."""
    from dedup.pipeline import Settings
    from dedup.translate import TranslateSettings

    settings = Settings(maxdf_sample=2, translate=TranslateSettings(lookup=lookup))
    reprint = _record("reprint-en", WIRE, "outlet", "Daily", "en", "2024-04-23T12:00:00Z")
    first = tmp_path / "first.jsonl"
    first.write_text(
        json.dumps(reprint) + "\n" + (corpus / "local.jsonl").read_text(), encoding="utf-8"
    )
    step = tmp_path / "step.duckdb"
    api.run([first], step, settings)
    assert not [t for t in _translations(step) if t[2] == "harian-id"]  # no earlier source
    with duckdb.connect(str(step), read_only=True) as con:
        lookups = con.execute(
            "SELECT key FROM translate_lookups WHERE article_id = 'harian-id' ORDER BY key"
        ).fetchall()
    assert lookups
    api.run([corpus / "wire.jsonl"], step, settings)
    got = [(t[0], t[1], t[2], t[3]) for t in _translations(step) if t[2] == "harian-id"]
    assert got == [("wire-en", seq, "harian-id", seq) for seq in range(len(WIRE))]
    assert _holders(step)
    with duckdb.connect(str(step), read_only=True) as con:
        assert "terms_frozen" in dict(con.execute("SELECT key, value FROM meta").fetchall())
        again = con.execute(
            "SELECT key FROM translate_lookups WHERE article_id = 'harian-id' ORDER BY key"
        ).fetchall()
        kept = json.loads(store.scalar(con, "SELECT value FROM meta WHERE key = 'concept_df'"))
        df = dict(con.execute("SELECT term, df FROM term_df").fetchall())
    assert again == lookups
    # the concept frequencies kept since the sample froze are those of the frozen sample
    fresh = anchors.Weights(df, 2, [bilingual.Lexicon.load("en", "id")]).concept_df
    assert kept["df"] == fresh and fresh


def test_the_first_article_of_a_partner_language_gives_earlier_ones_keys(corpus, tmp_path):
    """A corpus of Indonesian articles, weights frozen, gets its first English article (the
    wire they translate): the Indonesian articles had no partner language, so no keys, and
    now need them; the run finds what one run over everything finds."""
    from dedup.pipeline import Settings

    settings = Settings(maxdf_sample=2)
    step, whole = tmp_path / "step.duckdb", tmp_path / "whole.duckdb"
    api.run([corpus / "local.jsonl"], step, settings)
    assert not _translations(step)
    api.run([corpus / "wire.jsonl"], step, settings)
    api.run([corpus / "local.jsonl", corpus / "wire.jsonl"], whole, settings)
    found = [(t[0], t[1], t[2], t[3]) for t in _translations(step)]
    assert found == [("wire-en", seq, "harian-id", seq) for seq in range(len(WIRE))]
    assert found == [(t[0], t[1], t[2], t[3]) for t in _translations(whole)]


def test_the_kept_vocabulary_makes_the_keys_a_fresh_reading_makes(corpus, tmp_path):
    """Once the sample is frozen, the words translation has read are kept with their keys
    (anchor_vocabulary) and not read again; the next run's keys and alignments are those it
    makes when it reads every word afresh."""
    import shutil

    from dedup.pipeline import Settings

    settings = Settings(maxdf_sample=2)
    reprint = _record("reprint-en", WIRE, "outlet", "Daily", "en", "2024-04-23T12:00:00Z")
    first = tmp_path / "first.jsonl"
    first.write_text(
        json.dumps(reprint) + "\n" + (corpus / "local.jsonl").read_text(), encoding="utf-8"
    )
    kept, fresh = tmp_path / "kept.duckdb", tmp_path / "fresh.duckdb"
    api.run([first], kept, settings)
    shutil.copy(kept, fresh)
    with duckdb.connect(str(fresh)) as con:  # as if no vocabulary had been kept
        con.execute(
            "DELETE FROM anchor_vocabulary; DELETE FROM meta WHERE key = 'anchor_vocabulary'"
        )
    with duckdb.connect(str(kept), read_only=True) as con:
        known = con.execute(
            "SELECT count(*) FROM anchor_vocabulary WHERE key IS NOT NULL"
        ).fetchone()
    assert known[0] > 0
    for db in (kept, fresh):
        api.run([corpus / "wire.jsonl"], db, settings)
    tables = {}
    for db in (kept, fresh):
        with duckdb.connect(str(db), read_only=True) as con:
            tables[db] = [
                con.execute(
                    "SELECT * REPLACE (round(weight, 9) AS weight) FROM article_anchors"
                    " ORDER BY ALL"
                ).fetchall(),
                con.execute(
                    "SELECT * EXCLUDE (alignment_id, cluster_id) FROM alignments ORDER BY ALL"
                ).fetchall(),
            ]
            once = con.execute(
                "SELECT count(*) FROM (SELECT kind, language, token, after FROM anchor_vocabulary"
                " GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()
            assert once == (0,)  # a word is read once
    assert tables[kept] == tables[fresh]
    assert _translations(kept)


def _lookups(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM translate_lookups ORDER BY ALL").fetchall()


def test_a_later_article_that_moves_a_lookup_redoes_it(corpus, tmp_path):
    """A later English story holding two of the translation's lookup keys (a figure it
    repeats) cannot be its source, but it raises those keys' holder counts, so the lookup
    moves: the stored lookups must be those a full run over the same frozen weights makes."""
    from dedup.pipeline import Settings

    settings = Settings(maxdf_sample=2)
    first = tmp_path / "first.jsonl"
    first.write_text(
        (corpus / "wire.jsonl").read_text() + (corpus / "local.jsonl").read_text(),
        encoding="utf-8",
    )
    late = _record(
        "late-en",
        ["The rupiah was at 15,360 per dollar, 1.2 percent lower than a week earlier."],
        "outlet", "Daily", "en", "2024-04-25T08:00:00Z",
    )  # fmt: skip
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps(late) + "\n", encoding="utf-8")
    step = tmp_path / "step.duckdb"
    api.run([first], step, settings)
    before = _lookups(step)
    api.run([second], step, settings)
    assert _lookups(step) != before  # the lookup moved
    full = tmp_path / "full.duckdb"
    full.write_bytes(step.read_bytes())
    api.run([], full, Settings(maxdf_sample=2, wholly=0.61))  # detect in full, same weights
    assert _lookups(step) == _lookups(full)
    assert _translations(step) == _translations(full)
    assert _holders(step) == _holders(full)


def _holders(path: Path) -> list[tuple]:
    """anchor_holders, checked against a count of the anchors it keeps up to date."""
    with duckdb.connect(str(path), read_only=True) as con:
        kept = con.execute("SELECT * FROM anchor_holders ORDER BY ALL").fetchall()
        counted = con.execute(
            "SELECT key, language, count(*) FROM article_anchors GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    assert kept == counted
    return kept


def test_anchor_holders_follow_the_anchors_that_changed():
    """An incremental run counts each key up by the anchors changed articles hold now and
    down by those they held before; a count at 0 goes."""
    con = duckdb.connect()
    con.execute(store.schema_sql())
    con.execute(
        "INSERT INTO anchor_holders VALUES ('k1', 'en', 2), ('k2', 'en', 1), ('k3', 'id', 1)"
    )
    con.execute(
        "CREATE TEMP TABLE old_anchors AS "
        "SELECT * FROM (VALUES ('a1', 'en', 'k1'), ('a1', 'en', 'k2')) AS v(article_id, language, key)"
    )
    con.execute(
        "CREATE TEMP TABLE changed_anchors AS SELECT * FROM (VALUES ('a1', 'en', 'k1', 1.0), "
        "('a1', 'en', 'k4', 1.0), ('a2', 'id', 'k3', 1.0)) AS v(article_id, language, key, weight)"
    )
    store.run_sql_file(con, "anchor_holders.sql")
    assert con.execute("SELECT * FROM anchor_holders ORDER BY ALL").fetchall() == [
        ("k1", "en", 2), ("k3", "id", 2), ("k4", "en", 1)
    ]  # fmt: skip


def test_panl_eval_scores_a_hand_made_case():
    from eval import panl

    truth = {
        "eco0000-id": {"domain": "ECO", "original": "eco0000-en"},
        "eco0001-id": {"domain": "ECO", "original": None},
    }
    rows = {
        "eco0000-id": {"derivation": "wholly", "top_source_article_id": "eco0000-en"},
        "eco0001-id": {"derivation": "partially", "top_source_article_id": "eco0000-en"},
    }
    found = [
        {"source": "eco0000-en", "target": "eco0000-id", "source_seq": 0, "target_seq": 0, "score": 50.0},
        {"source": "eco0000-en", "target": "eco0000-id", "source_seq": 2, "target_seq": 1, "score": 40.0},
        {"source": "eco0000-en", "target": "eco0001-id", "source_seq": 1, "target_seq": 1, "score": 35.0},
    ]  # fmt: skip
    got = panl.score(truth, rows, found, {"eco0000-id": 4, "eco0001-id": 3})
    assert got["f1"] == pytest.approx(2 / 3)  # one true positive, one false positive
    assert got["top_source"] == 1.0
    assert got["paragraphs"] == 0.25  # one of the four paragraphs aligned to its line
    assert got["precision"] == pytest.approx(1 / 3)


def test_no_cross_language_alignment_on_the_seeds(seed_con, corpus, tmp_path):
    assert (
        seed_con.execute(
            "SELECT count(*) FROM alignments WHERE match_kind = 'translation'"
        ).fetchone()[0]
        == 0
    )
    # with an English wire story beside them (another event), still none
    db = tmp_path / "seeds-en.duckdb"
    api.run([Path(__file__).resolve().parents[1] / "corpus", corpus / "wire.jsonl"], db)
    assert _translations(db) == []
