"""Quotations, speakers and quote trails, on sentences of the seed corpus and wire-style text."""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import quotes, store
from dedup.cues import load_cues
from dedup.quotes import (
    bucket_pairs,
    build_trails,
    extract_quotes,
    resolve_speakers,
    texts_keys,
)
from dedup.text import normalise

SPEAKERS = load_cues().speakers
SULLIVAN = (
    "“Kami terus menekan basis industri pertahanan Rusia, dan Moskow kini mencari sumber apa "
    "pun yang bisa mereka temukan untuk barang-barang seperti amunisi,” kata Sullivan, seperti "
    "dikutip Reuters."
)
TAMBAHNYA = (
    "“Kami akan terus menyerukan Korea Utara untuk mematuhi komitmen publiknya untuk tidak "
    "memasok senjata ke Rusia yang pada akhirnya akan membunuh warga Ukraina,” tambahnya."
)
PESKOV_JFID = (
    "“Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan,” ujarnya, seperti dikutip AFP."
)
PESKOV_FIFTH = (
    "Ketika ditanya apakah ia dapat mengkonfirmasi pertemuan tersebut, juru bicara Kremlin "
    'Dmitry Peskov mengatakan: "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan."'
)


def test_quote_offsets_are_the_words_inside_the_marks() -> None:
    [quote] = extract_quotes(SULLIVAN, SPEAKERS)
    assert SULLIVAN[quote.start : quote.end] == quote.text
    assert quote.text.startswith("Kami terus menekan") and quote.text.endswith("amunisi")
    assert quote.speaker == "Sullivan" and not quote.anaphoric


def test_speaker_before_the_quote() -> None:
    [quote] = extract_quotes(PESKOV_FIFTH, SPEAKERS)
    assert quote.text == "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan."
    assert quote.speaker is not None and quote.speaker.endswith("Dmitry Peskov")


def test_pronoun_speakers_resolve_only_to_the_quote_just_before() -> None:
    sullivan, tambahnya = (extract_quotes(t, SPEAKERS) for t in (SULLIVAN, TAMBAHNYA))
    assert tambahnya[0].anaphoric and tambahnya[0].speaker is None
    resolved = resolve_speakers([sullivan, tambahnya, [], extract_quotes(PESKOV_JFID, SPEAKERS)])
    assert resolved[1][0].speaker == "Sullivan"
    assert resolved[3][0].speaker is None  # "ujarnya" after a paragraph without quotes


def test_two_quotes_in_one_paragraph_and_kata_dia() -> None:
    text = (
        '"Kami tetap khawatir bahwa… DPRK terus mempertimbangkan untuk memberikan dukungan '
        'militer," kata Kirby. "Diskusi tingkat tinggi mungkin berlanjut dalam beberapa bulan '
        'mendatang," kata dia.'
    )
    [first, second] = resolve_speakers([extract_quotes(text, SPEAKERS)])[0]
    assert first.speaker == "Kirby" and second.speaker == "Kirby"


def test_english_speakers() -> None:
    cases = {
        '"We will take countermeasures," he said.': None,
        '"We will take countermeasures," said Kim Yo Jong, the leader\'s sister.': "Kim Yo Jong",
        '"We will take countermeasures," Blinken told reporters.': "Blinken",
        'Blinken said: "We will take countermeasures."': "Blinken",
        "«We will take countermeasures», the statement read.": None,
        "„Wir werden Gegenmaßnahmen ergreifen“, the minister said.": None,
    }
    for text, speaker in cases.items():
        [quote] = extract_quotes(text, SPEAKERS)
        assert quote.speaker == speaker, text
        assert quote.text.split()[0] in ("We", "Wir")


def test_quotes_and_speakers_in_european_languages() -> None:
    """German »…« marks, and speakers after the quote in the cue files of Spanish, French,
    German, Italian and Portuguese (helper-50: none was found)."""
    cases = {
        "»Die Geduld der Beschäftigten ist am Ende«, sagte Hartmann.": "Hartmann",
        "„Die Geduld der Beschäftigten ist am Ende“, sagte Jens Hartmann.": "Jens Hartmann",
        "«Es un paso, pero llega tarde», dijo Marta Gil.": "Marta Gil",
        "« Nous avons connu des rafales exceptionnelles », a déclaré Paul Le Guen.": "Paul Le Guen",
        "«Abbiamo avuto molta paura», racconta Anna Esposito.": "Anna Esposito",
        '"O défice vai descer este ano", disse Tiago Fernandes.': "Tiago Fernandes",
    }
    for text, speaker in cases.items():
        [quote] = extract_quotes(text, SPEAKERS)
        assert quote.speaker == speaker, text
        assert quote.text.split()[0] in ("Die", "Es", "Nous", "Abbiamo", "O"), text
    english = "Smith said: “We will not back down now.” So Netanyahu ordered the strike."
    assert [q.speaker for q in extract_quotes(english, SPEAKERS)] == ["Smith"]  # not "So ..."
    french = "« Non merci » et « nous verrons bien demain matin »"  # no » et « quote
    assert [q.text for q in extract_quotes(french, SPEAKERS)] == ["nous verrons bien demain matin"]


def test_scare_quotes_are_not_quotations() -> None:
    text = "Korut menyalahkan kebijakan hegemonik dan “keangkuhan” Amerika Serikat."
    assert extract_quotes(text, SPEAKERS) == []


def test_normalise() -> None:
    assert normalise("Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan,") == normalise(
        "tidak saya  TIDAK bisa — tidak ada yang perlu dikatakan."
    )
    assert normalise("Kami khawatir… DPRK") == "kami khawatir dprk"


def _frames(quotes: list[tuple[str, str, str]], articles: list[tuple]) -> tuple:
    q = pl.DataFrame(
        [
            {"quote_id": qid, "article_id": aid, "text": text, "norm_text": normalise(text)}
            for qid, aid, text in quotes
        ]
    )
    a = pl.DataFrame(
        articles,
        schema={
            "article_id": pl.String,
            "outlet": pl.String,
            "kind": pl.String,
            "published": pl.Datetime("us"),
        },
        orient="row",
    )
    return q, _ranked(a)


def _ranked(articles: pl.DataFrame) -> pl.DataFrame:
    """The articles with their rank in the one article order (data/article_order.sql)."""
    con = duckdb.connect()
    timed = pl.when(pl.col("published").is_not_null()).then(pl.lit("time"))
    con.register("articles", articles.with_columns(published_precision=timed).to_arrow())
    store.run_sql_file(con, "article_order.sql")
    return store.frame(con, "SELECT * FROM article_order")


def test_trails_join_equal_near_and_contained_quotes() -> None:
    quotes, articles = _frames(
        [
            ("a/1/q1", "a", "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan,"),
            ("b/5/q1", "b", "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan."),
            ("c/2/q1", "c", "Tidak, saya tak bisa. Tidak ada yang perlu dikatakan"),
            ("d/3/q1", "d", "Tidak ada yang perlu dikatakan"),
            ("e/1/q1", "e", "perlu dikatakan"),
            ("f/1/q1", "f", "Kami mendesak DPRK untuk menghentikan perundingan senjata"),
        ],
        [
            ("a", "jfid", "outlet", None),
            ("b", "detik", "outlet", None),
            ("c", "Reuters", "wire", None),
            ("d", "x", "outlet", datetime(2023, 9, 1)),
            ("e", "y", "outlet", None),
            ("f", "z", "outlet", None),
        ],
    )
    mapping, trails = build_trails(quotes, articles)
    trail = dict(mapping.iter_rows())
    assert trail["a/1/q1"] == trail["b/5/q1"] == trail["c/2/q1"]  # equal, ratio >= 90
    assert trail["d/3/q1"] == trail["a/1/q1"]  # 5 words, contained in the others
    assert "e/1/q1" not in trail and "f/1/q1" not in trail  # too short; no partner
    [row] = trails.to_dicts()
    assert row["n_articles"] == 4 and row["n_outlets"] == 4
    # the undated wire comes before every outlet article; the dated outlet article d comes
    # before the undated ones
    assert row["first_article_id"] == "c"


def test_wire_wins_a_tie_for_first_article() -> None:
    quotes, articles = _frames(
        [
            ("a/1/q1", "a", "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan"),
            ("b/1/q1", "b", "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan"),
        ],
        [("a", "jfid", "outlet", datetime(2023, 9, 6)), ("b", "AFP", "wire", datetime(2023, 9, 6))],
    )
    _, trails = build_trails(quotes, articles)
    assert trails["first_article_id"].to_list() == ["b"]
    assert trails["first_outlet"].to_list() == ["AFP"]


def test_one_article_is_no_trail() -> None:
    quotes, articles = _frames(
        [("a/1/q1", "a", "sama sekali tidak benar"), ("a/2/q1", "a", "sama sekali tidak benar")],
        [("a", "jfid", "outlet", None)],
    )
    mapping, trails = build_trails(quotes, articles)
    assert mapping.is_empty() and trails.is_empty()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from("abcdef"), min_size=1, max_size=5).map(" ".join),
        min_size=1,
        max_size=12,
        unique=True,
    ),
    st.data(),
)
def test_bucket_pairs_touching_new_texts_are_those_of_all_pairs(texts, data) -> None:
    """Incremental trails compare only pairs with a new text: exactly those of all pairs."""
    new = set(data.draw(st.lists(st.sampled_from(texts), max_size=4)))
    everything, pairs = bucket_pairs(texts_keys(texts))
    named = {(everything[i], everything[j]) for i, j in pairs}
    found, touching = bucket_pairs(texts_keys(texts), touching=new)
    assert found == everything
    assert {(found[i], found[j]) for i, j in touching} == {p for p in named if set(p) & new}


def test_an_edge_goes_when_its_last_small_bucket_overflows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new text pushes the bucket "alpha beta" past the limit: the pair that shared only
    that bucket is no longer proposed; the pair that also shares "beta gamma" stands."""
    monkeypatch.setattr(quotes, "MAX_BUCKET", 3)
    a, b, e = "alpha beta gamma", "alpha beta delta", "alpha beta gamma delta"
    new = "alpha beta omega"
    con = duckdb.connect()
    con.execute(store.schema_sql())
    store.insert(con, "quote_keys", texts_keys([a, b, e, new]))
    grown = store.frame(
        con,
        "SELECT key, norm_text FROM quote_keys WHERE key IN "
        "(SELECT key FROM quote_keys WHERE norm_text = ?)",
        [new],
    )
    edges = pl.DataFrame({"a": [min(a, b), min(a, e)], "b": [max(a, b), max(a, e)]})
    stale = quotes._overflown_edges(con, edges, grown)
    assert stale.rows() == [(min(a, b), max(a, b))]
