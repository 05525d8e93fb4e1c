"""Alignment: the seed passages are found with exact spans; scores are rapidfuzz's."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import duckdb
import polars as pl
from conftest import FIFTH, JFID, SAMUDRA
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, utils

from dedup import align, store

SHARED = [
    "akan menanggung konsekuensinya di komunitas internasional",
    "secara aktif mengalami kemajuan",
    "apakah ia dapat mengkonfirmasi",
    "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan",
    "paling cepat minggu depan",
]


def _spans(con, article: str) -> list[str]:
    rows = con.execute(
        """
        SELECT a.text, x.source_start, x.source_end FROM alignments x
        JOIN articles a ON a.article_id = x.source_article_id WHERE x.source_article_id = ?
        UNION ALL
        SELECT a.text, x.target_start, x.target_end FROM alignments x
        JOIN articles a ON a.article_id = x.target_article_id WHERE x.target_article_id = ?
        """,
        [article, article],
    ).fetchall()
    return [text[s:e] for text, s, e in rows]


def test_seed_shared_passages_are_aligned(seed_con) -> None:
    pairs = seed_con.execute(
        "SELECT DISTINCT least(source_article_id, target_article_id), greatest(source_article_id, target_article_id) "
        "FROM alignments WHERE NOT same_outlet"
    ).fetchall()
    assert (JFID, FIFTH) in pairs
    for side in (JFID, FIFTH):
        spans = _spans(seed_con, side)
        for phrase in SHARED:
            assert any(phrase.casefold() in s.casefold() for s in spans), (side, phrase)


def test_independent_report_has_no_long_alignment(seed_con) -> None:
    long = [s for s in _spans(seed_con, SAMUDRA) if len(s) >= 80]
    assert long == []


def test_alignment_spans_and_scores(seed_con) -> None:
    rows = seed_con.execute(
        """
        SELECT s.text, x.source_start, x.source_end, t.text, x.target_start, x.target_end,
               x.score, x.match_kind, ps.char_start, ps.char_end, pt.char_start, pt.char_end
        FROM alignments x
        JOIN articles s ON s.article_id = x.source_article_id
        JOIN articles t ON t.article_id = x.target_article_id
        JOIN paragraphs ps ON ps.paragraph_id = x.source_paragraph_id
        JOIN paragraphs pt ON pt.paragraph_id = x.target_paragraph_id
        """
    ).fetchall()
    assert rows
    for st_, s0, s1, tt, t0, t1, score, kind, ps0, ps1, pt0, pt1 in rows:
        assert ps0 <= s0 < s1 <= ps1 <= len(st_) and pt0 <= t0 < t1 <= pt1 <= len(tt)
        expected = round(fuzz.ratio(st_[s0:s1], tt[t0:t1], processor=utils.default_process), 2)
        assert score == expected
        assert kind == align.match_kind(score)


KINDS = st.sampled_from(["wire", "outlet"])
#: (published, published_precision): days (stored as midnight), and times, midnight included
DATES = st.none() | st.sampled_from(
    [(datetime(2024, 1, d), "day") for d in (1, 2, 3)]
    + [(datetime(2024, 1, d, h), "time") for d in (1, 2, 3) for h in (0, 3)]
)


def _order(metas: list[tuple[str, tuple | datetime | None]]) -> duckdb.DuckDBPyConnection:
    """A connection holding articles a0, a1, ... with these (kind, published) and the
    macros and order of data/article_order.sql; published is (value, precision), or a
    datetime, a time."""

    def when(p: tuple | datetime | None) -> tuple:
        return p if isinstance(p, tuple) else (p, p and "time")

    frame = pl.DataFrame(
        [(f"a{i}", None, k, *when(p)) for i, (k, p) in enumerate(metas)],
        schema={"article_id": pl.String, "outlet": pl.String, "kind": pl.String,
                "published": pl.Datetime("us"), "published_precision": pl.String},
        orient="row",
    )  # fmt: skip
    con = duckdb.connect()
    con.register("articles", frame.to_arrow())
    store.run_sql_file(con, "article_order.sql")
    return con


def _earlier(con: duckdb.DuckDBPyConnection, i: int, j: int) -> tuple[str, bool | None]:
    return con.execute(
        "SELECT direction_basis(x.kind, x.published, x.published_precision, "
        "y.kind, y.published, y.published_precision), "
        "comes_first(x.kind, x.published, x.published_precision, "
        "y.kind, y.published, y.published_precision) "
        "FROM articles x, articles y WHERE x.article_id = ? AND y.article_id = ?",
        [f"a{i}", f"a{j}"],
    ).fetchone()


def test_direction_prefers_dates_then_wire_else_undecided() -> None:
    early, late = datetime(2024, 1, 1), datetime(2024, 1, 2)
    con = _order([("outlet", late), ("wire", early), ("outlet", early), ("wire", None),
                  ("outlet", None)])  # fmt: skip
    assert _earlier(con, 0, 1) == ("published", False)
    assert _earlier(con, 2, 1) == ("kind", False)
    assert _earlier(con, 2, 3) == ("kind", False)
    assert _earlier(con, 4, 4) == ("undecided", None)
    assert _earlier(con, 2, 4) == ("undecided", None)


def test_a_day_ties_with_the_times_of_its_day() -> None:
    """A date given without a time differs only from another day: the wire rule decides
    within its day, two outlets stay undecided; a time at midnight is still a time."""
    day, evening_before = datetime(2024, 3, 5), datetime(2024, 3, 4, 22)
    con = _order([("outlet", (day, "day")), ("wire", day.replace(hour=3)),
                  ("wire", (day, "day")), ("outlet", day.replace(hour=3)),
                  ("outlet", evening_before), ("outlet", day), ("wire", day.replace(hour=5))])  # fmt: skip
    assert _earlier(con, 1, 0) == ("kind", True)  # a wire's time on an outlet's day
    assert _earlier(con, 2, 3) == ("kind", True)  # a wire's day, an outlet's time on it
    assert _earlier(con, 3, 0) == ("undecided", None)
    assert _earlier(con, 4, 2) == ("published", True)  # the evening before
    assert _earlier(con, 5, 6) == ("published", True)  # midnight as a time is a time


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(KINDS, DATES), min_size=2, max_size=8))
def test_order_agrees_with_earlier(metas: list[tuple[str, tuple | None]]) -> None:
    """article_order ranks articles so that whenever the pairwise rule decides, the earlier
    one has the lower rank (one definition of "earlier"), days and times mixed."""
    con = _order(metas)
    rank = dict(con.execute("SELECT article_id, rank FROM article_order").fetchall())
    for i in range(len(metas)):
        for j in range(len(metas)):
            _, first = _earlier(con, i, j)
            if first is not None and i != j:
                assert (rank[f"a{i}"] < rank[f"a{j}"]) == first


# at most 8 padding words a side: the shared 10 tokens stay above min_coverage (0.3)
words = st.lists(
    st.sampled_from(
        ["alpha", "beta", "gamma", "delta", "kata", "dia", "yang", "dan", "rusia", "korut"]
    ),
    min_size=0,
    max_size=8,
)


@given(words, words, words, words)
@settings(max_examples=200, deadline=None)
def test_shared_segment_is_found_with_exact_spans(pre_a, pre_b, post_a, post_b) -> None:
    shared = "juru bicara kremlin dmitry peskov menolak berkomentar ketika ditanya wartawan"
    a = " ".join(pre_a + [shared] + post_a)
    b = " ".join(pre_b + [shared.upper()] + post_b)
    pairs = align.align_sentences(a, (0, len(a)), b, (0, len(b)), align.AlignSettings())
    assert pairs
    for p in pairs:
        assert 0 <= p.a_start < p.a_end <= len(a) and 0 <= p.b_start < p.b_end <= len(b)
    assert any(shared in a[p.a_start : p.a_end] for p in pairs)
    assert any(shared.upper() in b[p.b_start : p.b_end] for p in pairs)


def test_unrelated_sentences_sharing_names_do_not_align() -> None:
    a = "Presiden Rusia Vladimir Putin menerima tamu dari Afrika di Moskow pada hari Senin."
    b = "Pada hari Selasa, Presiden Rusia Vladimir Putin terbang ke Beijing untuk konferensi."
    assert align.align_sentences(a, (0, len(a)), b, (0, len(b)), align.AlignSettings()) == []


# letters of several scripts, digits, CJK and Thai (written without spaces), punctuation,
# the underscore and characters NFKC changes (ligature, full-width, superscript)
token_text = st.text(
    alphabet=st.sampled_from(list("aZ9 _-.,'ÉéßİıΣς中文字ไทยﬁＡ²\u00a0") + ["Ⅻ"]), max_size=40
)


@given(token_text, token_text, st.data())
@settings(max_examples=300, deadline=None)
def test_tokens_are_their_spans_normalised(left: str, right: str, data) -> None:
    text = left + right
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    sentence = align.Sentence(text, start, end)
    spans = sentence.spans()
    assert all(start <= a < b <= end for a, b in spans)
    assert sentence.keys == [unicodedata.normalize("NFKC", text[a:b]).casefold() for a, b in spans]
    # every letter or digit outside "_" is in a token; scripts without spaces one by one
    covered = {i for a, b in spans for i in range(a, b)}
    for i in range(start, end):
        assert (i in covered) == (text[i].isalnum() and text[i] != "_" or text[i] in "中文字ไทย")
    for a, b in spans:
        if any(c in "中文字ไทย" for c in text[a:b]):
            assert b - a == 1


@given(words)
@settings(max_examples=100, deadline=None)
def test_a_copied_sentence_aligns_whole_or_not_at_all(tokens: list[str]) -> None:
    text = " ".join(tokens)
    pairs = align.align_sentences(text, (0, len(text)), text, (0, len(text)), align.AlignSettings())
    long_enough = len(tokens) >= align.AlignSettings().min_matched
    assert pairs == (
        [align.SpanPair(0, len(text), 0, len(text), len(tokens))] if long_enough else []
    )


#: a sentence of the seed corpus (corpus/001_*.txt)
SEED_SENTENCE = (
    "Kantor berita KCNA kemarin melaporkan bahwa Pemimpin Korut Kim Jong Un mengirimkan "
    "sebuah pesan kepada Presiden Rusia Vladimir Putin dalam rangka peringatan Hari Nasional "
    "Rusia."
)


@given(st.sets(st.integers(0, SEED_SENTENCE.count(" ") - 1)), st.booleans())
@settings(max_examples=150, deadline=None)
def test_a_copy_with_spaces_left_out_still_aligns_whole(drops: set[int], swap: bool) -> None:
    """A copy whose typist left out spaces (Urdu and Persian typists often do, Indonesian
    ones write "dirumah"): each run of two to four words run together is split as the
    other side writes it, so the copy aligns whole, whichever side it is, with offsets in
    its text."""
    words = SEED_SENTENCE.split(" ")
    dropped: set[int] = set()
    for i in sorted(drops):  # four spaces side by side left out make five words one
        if not {i - 1, i - 2, i - 3} <= dropped:
            dropped.add(i)
    copy = words[0] + "".join(("" if i in dropped else " ") + w for i, w in enumerate(words[1:]))
    a, b = (copy, SEED_SENTENCE) if swap else (SEED_SENTENCE, copy)
    pairs = align.align_sentences(a, (0, len(a)), b, (0, len(b)), align.AlignSettings())
    assert [(a[p.a_start : p.a_end], b[p.b_start : p.b_end]) for p in pairs] == [(a[:-1], b[:-1])]
    assert pairs[0].matched == len(words)


def test_a_word_run_together_amid_reworded_ones_is_split() -> None:
    """ "padahari" where the source writes "pada hari", next to a changed word: the stretch
    is not one text spaced differently, but short, so the split is tried, and "pada hari"
    counts as matched."""
    a = SEED_SENTENCE.replace("kemarin", "pada hari Senin")
    b = SEED_SENTENCE.replace("kemarin", "padahari Minggu")
    pairs = align.align_sentences(a, (0, len(a)), b, (0, len(b)), align.AlignSettings())
    assert [(a[p.a_start : p.a_end], b[p.b_start : p.b_end]) for p in pairs] == [(a[:-1], b[:-1])]
    assert pairs[0].matched == len(a.split()) - 1  # all but "Senin" / "Minggu"
