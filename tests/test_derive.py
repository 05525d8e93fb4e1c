"""Derivation: direction, undecided pairs and siblings (README "Derivation")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SHARED_DATA

import dedup
from eval import clough

WIRE = [
    "The central bank raised its benchmark interest rate by half a percentage point on Tuesday.",
    "Governor Maria Santos told reporters in the capital that inflation had stayed too high for too long.",
    "The decision surprised economists who had expected a smaller increase of a quarter point.",
    "Markets fell sharply after the announcement, with the main index losing two percent by noon.",
    "The bank said it would watch food and energy prices closely over the coming months.",
    "Analysts said further increases were likely before the end of the year.",
    "The currency rose against the dollar in afternoon trading in the capital city.",
    "Government bond yields climbed to their highest level since the spring of last year.",
]


def _run(tmp_path: Path, records: list[dict]) -> Path:
    """A database of one ``dedup run`` over ``records``."""
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    dedup.run([path], tmp_path / "corpus.duckdb")
    return tmp_path / "corpus.duckdb"


def _aligned(db: Path) -> list[tuple]:
    """(source span text, target span text, source id, target id, match kind) of every
    alignment: the spans as the offsets cut them."""
    return dedup.query(
        db,
        "SELECT s.text[x.source_start + 1 : x.source_end], t.text[x.target_start + 1 : x.target_end],"
        " x.source_article_id, x.target_article_id, x.match_kind FROM alignments x"
        " JOIN articles s ON s.article_id = x.source_article_id"
        " JOIN articles t ON t.article_id = x.target_article_id",
    ).rows()


def _derivation(db: Path) -> dict[str, tuple]:
    rows = dedup.query(
        db, "SELECT article_id, derivation, top_source_article_id FROM article_derivation"
    )
    return {r[0]: r[1:] for r in rows.iter_rows()}


def test_siblings_name_the_earlier_source(tmp_path: Path) -> None:
    """A copies the wire story C, ending each sentence with two words of its own; B copies
    A's version. B shares a little more with A than with C (a few words a sentence), yet
    what it shares with A is C's story: A is B's sibling, B's top source is C."""
    sibling = [s[:-1] + " as well." for s in WIRE]
    records = [
        {"id": "C", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire",
         "published": "2024-03-05T08:00:00"},
        {"id": "A", "text": "\n\n".join(["Our own introduction to the story.", *sibling]),
         "outlet": "Daily A", "published": "2024-03-05T09:00:00"},
        {"id": "B", "text": "\n\n".join(["Another outlet writes its own opening line here.",
                                         *sibling]),
         "outlet": "Daily B", "published": "2024-03-05T10:00:00"},
    ]  # fmt: skip
    db = _run(tmp_path, records)
    found = _derivation(db)
    assert found["A"] == ("wholly", "C")
    assert found["B"][1] == "C"
    # B does align with A (it is not hidden), but A is not named as its source
    pairs = dedup.query(
        db, "SELECT 1 FROM alignments WHERE source_article_id = 'A' AND target_article_id = 'B'"
    )
    assert pairs.height > 0


def test_undecided_pairs_derive_neither_side(tmp_path: Path) -> None:
    """Two undated outlet articles sharing the story: neither dates nor kinds say which came
    first, so the alignment is 'undecided' and neither is derived from the other."""
    records = [
        {"id": "X", "text": "\n\n".join(WIRE), "outlet": "Daily X"},
        {"id": "Y", "text": "\n\n".join(WIRE[:5]), "outlet": "Daily Y"},
    ]
    db = _run(tmp_path, records)
    bases = dedup.query(db, "SELECT DISTINCT direction_basis FROM alignments")["direction_basis"]
    assert bases.to_list() == ["undecided"]
    assert {d for d, _ in _derivation(db).values()} == {"non"}


@pytest.mark.parametrize(
    ("outlet_date", "basis", "source"),
    [
        ("2024-03-05", "kind", "W"),
        ("2024-03-04", "published", "O"),
        ("2024-03-05T07:00:00+07:00", "published", "O"),  # a time: midnight UTC, no day
    ],
)
def test_a_date_without_a_time_ties_with_its_own_day(
    tmp_path: Path, outlet_date: str, basis: str, source: str
) -> None:
    """An outlet that gives only the day copies the wire story of 08:00 that day: the day
    does not put it first (midnight did), so the wire rule decides; a day before does, and
    so does a time that happens to fall at midnight UTC (07:00 in Jakarta)."""
    records = [
        {"id": "W", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire",
         "published": "2024-03-05T08:00:00"},
        {"id": "O", "text": "\n\n".join(WIRE[:6]), "outlet": "Daily O", "published": outlet_date},
    ]  # fmt: skip
    db = _run(tmp_path, records)
    found = dedup.query(db, "SELECT DISTINCT direction_basis, source_article_id FROM alignments")
    assert found.rows() == [(basis, source)]
    assert _derivation(db)["O" if source == "W" else "W"] == ("wholly", source)


REWRITE = [
    "On Tuesday the central bank lifted its main rate for borrowing by a half point.",
    "Inflation had been too high for too long, Governor Maria Santos said to journalists in the capital city.",
    "Economists were surprised, having expected that the rise would be just a quarter of a point.",
    "After the announcement markets dropped hard, and by noon the main index was down by two percent.",
]
INDEPENDENT = [
    "Governor Maria Santos spent Tuesday at a farm fair far from the capital, meeting growers.",
    "Two percent of the harvest was lost to floods, the farmers' union said in a statement.",
    "The fair drew a quarter of a million visitors over four days, organisers estimated.",
    "Local officials said they hoped the governor would return to open next year's event.",
]


def test_a_rewritten_story_is_aligned_sentence_by_sentence(tmp_path: Path) -> None:
    """An outlet rewords the wire story: the sentence the verbatim aligner cannot see (no run
    of shared words long enough) is aligned to the wire's as 'paraphrase', spans on both
    sides; an independent report with the same names and numbers is not aligned."""
    records = [
        {"id": "W", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire",
         "published": "2024-03-05T08:00:00"},
        {"id": "R", "text": "\n\n".join(REWRITE), "outlet": "Daily R",
         "published": "2024-03-05T11:00:00"},
        {"id": "I", "text": "\n\n".join(INDEPENDENT), "outlet": "Daily I",
         "published": "2024-03-05T12:00:00"},
    ]  # fmt: skip
    db = _run(tmp_path, records)
    rows = _aligned(db)
    rewritten = {(a, b) for a, b, _, target, kind in rows if target == "R" and kind == "paraphrase"}
    assert (WIRE[0], REWRITE[0]) in rewritten  # whole sentences: spans on both sides
    assert not [r for r in rows if r[3] == "I"], "an independent report shares no sentence"
    derived = _derivation(db)
    assert derived["R"][0] != "non" and derived["R"][1] == "W"
    assert derived["I"][0] == "non"


def test_copied_chars_count_the_text_copied_not_the_text_reworded(tmp_path: Path) -> None:
    """An outlet rewords the wire's first sentence and keeps its second as it is:
    ``derived_chars`` is the union of every aligned body span, ``copied_chars`` that of the
    copied ones alone (verbatim, near_verbatim, rewrite), so the kept sentence counts in
    both and the reworded one in the first only."""
    mixed = [REWRITE[0], WIRE[1], *REWRITE[2:]]
    text = "\n\n".join(mixed)
    records = [
        {"id": "W", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire",
         "published": "2024-03-05T08:00:00"},
        {"id": "M", "text": text, "outlet": "Daily M", "published": "2024-03-05T11:00:00"},
        {"id": "I", "text": "\n\n".join(INDEPENDENT), "outlet": "Daily I",
         "published": "2024-03-05T12:00:00"},
    ]  # fmt: skip
    db = _run(tmp_path, records)
    spans = dedup.query(
        db,
        "SELECT target_start, target_end, match_kind FROM alignments WHERE target_article_id = 'M'",
    ).rows()
    kinds = {text[s:e]: k for s, e, k in spans}
    assert kinds[REWRITE[0]] == "paraphrase" and kinds[WIRE[1][:-1]] == "verbatim"
    covered = {i for s, e, _ in spans for i in range(s, e)}
    copied = {i for s, e, k in spans if k != "paraphrase" for i in range(s, e)}
    total, derived, copied_chars, fraction = dedup.query(
        db, "SELECT total_chars, derived_chars, copied_chars, copied_fraction"
        " FROM article_derivation WHERE article_id = 'M'"
    ).row(0)  # fmt: skip
    assert (derived, copied_chars) == (len(covered), len(copied))
    assert fraction == pytest.approx(len(copied) / total)
    assert 0 < copied_chars <= derived - len(REWRITE[0])


def test_a_sentence_copied_from_the_wire_is_not_reworded_from_a_sibling(tmp_path: Path) -> None:
    """Two outlets copy the wire: the later one's sentences are explained by the wire, so
    they are not paired again with the other outlet's identical sentences (retrieval ranks
    that sibling above the wire, for the line of its own that the later one took too): no
    paraphrase alignment holds identical text, and nothing of the later copy counts as
    reworded."""
    own = "Daily A's correspondent added that the harbour cranes stood idle all afternoon."
    records = [
        {"id": "W", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire"},
        {"id": "A", "text": "\n\n".join([*WIRE[:7], own]), "outlet": "Daily A",
         "published": "2024-03-05T09:00:00"},
        {"id": "B", "text": "\n\n".join([*WIRE[2:6], own]), "outlet": "Daily B",
         "published": "2024-03-05T10:00:00"},
    ]  # fmt: skip
    db = _run(tmp_path, records)
    top = dedup.query(
        db, "SELECT source_article_id FROM article_pairs WHERE target_article_id = 'B' AND rank = 1"
    ).rows()
    assert top == [("A",)]  # the sibling is the target's most likely source: the case at stake
    rows = _aligned(db)
    assert {r[2] for r in rows if r[3] == "B" and r[1] in "\n\n".join(WIRE)} == {"W"}
    assert {r[2] for r in rows if r[3] == "B" and r[1] in own} == {"A"}
    assert not [r for r in rows if r[4] == "paraphrase"]
    derived, copied = dedup.query(
        db, "SELECT derived_chars, copied_chars FROM article_derivation WHERE article_id = 'B'"
    ).row(0)
    assert derived == copied > 0
    assert _derivation(db)["B"] == ("wholly", "W")


@pytest.mark.parametrize(("published", "paired"), [("2024-03-25T11:00:00", True),
                                                    ("2024-04-15T11:00:00", False)])  # fmt: skip
def test_a_source_is_retrieved_only_inside_the_window(
    tmp_path: Path, published: str, paired: bool
) -> None:
    """The rewrite 20 days after the wire story is paired with it; 41 days after, the wire
    is outside its 30-day window (RetrievalSettings.window_days) and is not its source."""
    records = [
        {"id": "W", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire",
         "published": "2024-03-05T08:00:00"},
        {"id": "I", "text": "\n\n".join(INDEPENDENT), "outlet": "Daily I",
         "published": "2024-03-05T12:00:00"},
        {"id": "R", "text": "\n\n".join(REWRITE), "outlet": "Daily R", "published": published},
    ]  # fmt: skip
    db = _run(tmp_path, records)
    pairs = dedup.query(db, "SELECT source_article_id, target_article_id FROM article_pairs")
    assert pairs.rows() == ([("W", "R")] if paired else [])
    rewritten = {r[2:] for r in _aligned(db) if r[4] == "paraphrase"}
    assert rewritten == ({("W", "R", "paraphrase")} if paired else set())


def _wire_copy_rewrite(copy: list[str], rewrite: list[str]) -> list[dict]:
    """The wire story W, an outlet's copy A an hour later, a rewrite R and an independent
    report I four hours later, and other stories, so that R's words are rare enough to
    weigh."""
    return [
        {"id": "W", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire",
         "published": "2024-03-05T08:00:00"},
        {"id": "A", "text": "\n\n".join(copy), "outlet": "Daily A",
         "published": "2024-03-05T09:00:00"},
        {"id": "R", "text": "\n\n".join(rewrite), "outlet": "Daily R",
         "published": "2024-03-05T12:00:00"},
        {"id": "I", "text": "\n\n".join(INDEPENDENT), "outlet": "Daily I",
         "published": "2024-03-05T12:00:00"},
    ] + [
        {"id": f"O{i}", "text": f"Story {i}: the {topic} drew a crowd on {day}.", "outlet": "P"}
        for i, (topic, day) in enumerate([("harvest fair", "Sunday"), ("film festival", "Friday"),
                                          ("chess final", "Monday"), ("flower show", "Tuesday")])
    ]  # fmt: skip


def test_a_wire_and_its_copy_tie_and_the_wire_ranks_first(tmp_path: Path) -> None:
    """A verbatim copy of the wire scores as the wire does for the rewrite; the earlier
    article ranks first, not the id that sorts first ("A" before "W"), so the rewording is
    read against the wire and the wire is the rewrite's source (helper-47)."""
    db = _run(tmp_path, _wire_copy_rewrite(WIRE, REWRITE))
    ranked = dedup.query(
        db, "SELECT source_article_id, score FROM article_pairs WHERE target_article_id = 'R' "
        "ORDER BY rank"
    ).rows()  # fmt: skip
    assert [a for a, _ in ranked[:2]] == ["W", "A"] and ranked[0][1] == ranked[1][1]
    assert {r[2] for r in _aligned(db) if r[3] == "R" and r[4] == "paraphrase"} == {"W"}
    assert _derivation(db)["R"][1] == "W"


def test_a_rewrite_is_read_against_the_wire_not_a_copy_that_outscores_it(tmp_path: Path) -> None:
    """A copies the wire with a lede of its own; R rewords the wire and mentions what A's lede
    says, so retrieval ranks A above the wire for R. A copied the wire (a verbatim alignment
    from it), and the wire scores at least 90% of A's score: A is R's sibling, and R's
    rewording is read against the wire and traced to it (it was traced to A, helper-47)."""
    lede = "Harbour Capital economist Valeria Osei called the move a brave one in Lisbon."
    rewrite = [*REWRITE[:3], f"{REWRITE[3][:-1]}, Osei noted."]
    db = _run(tmp_path, _wire_copy_rewrite([lede, *WIRE], rewrite))
    ranked = dict(
        dedup.query(
            db, "SELECT source_article_id, rank FROM article_pairs WHERE target_article_id = 'R'"
        ).rows()
    )
    assert ranked["A"] == 1 and ranked["W"] == 2  # the copy outscores the wire: the case
    reworded = {r[2] for r in _aligned(db) if r[3] == "R" and r[4] == "paraphrase"}
    assert reworded == {"W"}
    assert _derivation(db)["R"][1] == "W"


ZH_WIRE = """北京（路透社）——中国国家统计局周一公布的数据显示，今年第三季度国内生产总值同比增长百分之四点九，略低于市场预期。

分析人士指出，房地产市场持续低迷和出口需求疲软拖累了经济增长。统计局发言人表示，政府将继续实施积极的财政政策，支持消费和投资。

数据还显示，九月份工业增加值同比增长百分之四点五，社会消费品零售总额增长百分之五点五。"""
ZH_REWRITE = """国家统计局周一发布数据，第三季度中国经济同比增长百分之四点九，增速不及市场预期。

有分析认为，经济增长受到房地产市场低迷以及出口需求疲软的拖累。统计局发言人称，政府会继续推行积极的财政政策，以支持投资和消费。

另外，九月份社会消费品零售总额增长百分之五点五，工业增加值增长百分之四点五。"""
ZH_OTHERS = [
    "上海证券交易所周二表示，将对部分上市公司的信息披露进行专项检查，以保护投资者的合法权益。交易所负责人说，检查将持续三个月。",
    "日本首相周三在东京会见了来访的美国国务卿，双方就地区安全问题交换了意见。会谈持续了大约两个小时。",
    "香港天文台发出强烈季候风信号，预计未来两天气温将明显下降，市民应注意保暖。",
    "欧洲中央银行周四宣布维持利率不变，并表示将密切关注通胀走势。银行行长在记者会上回答了问题。",
]


def test_a_chinese_rewrite_is_retrieved_and_aligned(tmp_path: Path) -> None:
    """Chinese has no spaces: retrieval pairs adjacent characters (one ideograph is too
    common to be rare), so the rewrite finds its wire story and nothing else pairs up."""
    records = [
        {"id": "W", "text": ZH_WIRE, "kind": "wire", "outlet": "Reuters",
         "published": "2026-10-20T08:00:00"},
        {"id": "R", "text": ZH_REWRITE, "outlet": "Xinwen", "published": "2026-10-20T12:00:00"},
    ] + [
        {"id": f"O{i}", "text": text, "outlet": f"P{i}", "published": "2026-10-19T12:00:00"}
        for i, text in enumerate(ZH_OTHERS)
    ]  # fmt: skip
    db = _run(tmp_path, records)
    pairs = dedup.query(db, "SELECT source_article_id, target_article_id FROM article_pairs").rows()
    assert pairs == [("W", "R")]
    spans = {b for _, b, _, _, kind in _aligned(db) if kind == "paraphrase"}
    assert "统计局发言人称，政府会继续推行积极的财政政策，以支持投资和消费。" in spans
    # the figures of the last paragraph, reordered, align as text: clauses of 15 ideographs
    # stand alone (README "fingerprint"); with the two rewritten sentences that makes the
    # rewrite wholly derived, as it is
    copied = {b for _, b, _, _, kind in _aligned(db) if kind in ("verbatim", "near_verbatim")}
    assert "社会消费品零售总额增长百分之五" in copied
    assert _derivation(db)["R"] == ("wholly", "W")
    # the term sample counts single ideographs too (the paraphrase model's units there, to
    # weigh by rarity); retrieval indexes only the pairs
    df = dict(dedup.query(db, "SELECT term, df FROM term_df").rows())
    assert df["的"] == sum("的" in r["text"] for r in records) > 1
    assert df["统计"] == 2
    held = dedup.query(db, "SELECT count(*) FROM article_terms WHERE term IN ('的', '统')")
    assert held.rows() == [(0,)]


UR_WIRE = [
    "پاکستان کی وفاقی حکومت نے منگل کے روز نئی معاشی پالیسی کا اعلان کیا ہے۔",
    "وزیر خزانہ نے اسلام آباد میں صحافیوں کو بتایا کہ مہنگائی کی شرح ۲۴ فیصد تک پہنچ گئی ہے۔",
    "انہوں نے کہا کہ حکومت بجلی اور گیس کی قیمتوں میں کمی کے لیے اقدامات کرے گی۔",
    "اسٹیٹ بینک آف پاکستان نے شرح سود میں ڈیڑھ فیصد اضافہ کر دیا ہے۔",
    "ماہرین کا کہنا ہے کہ آنے والے مہینوں میں روپے کی قدر مزید کم ہو سکتی ہے۔",
    "کراچی اسٹاک ایکسچینج میں کاروبار کے دوران انڈیکس میں دو فیصد کمی دیکھی گئی۔",
]
#: what an Arabic keyboard types for the Urdu kaf, yeh and heh, and ASCII digits
ARABIC_KEYS = {0x06A9: 0x0643, 0x06CC: 0x064A, 0x06C1: 0x0647} | {
    0x06F0 + d: ord(str(d)) for d in range(10)
}


def _agency_and_copy(copy: list[str]) -> list[dict]:
    """The APP wire story (UR_WIRE) and a newspaper's copy of it, four hours later."""
    return [
        {"id": "APP", "text": "\n\n".join(UR_WIRE), "kind": "wire", "outlet": "APP",
         "language": "ur", "published": "2026-10-20T08:00:00"},
        {"id": "NP", "text": "\n\n".join(copy), "outlet": "Akhbar", "language": "ur",
         "published": "2026-10-20T12:00:00"},
    ]  # fmt: skip


def test_an_urdu_copy_typed_on_another_keyboard_is_found(tmp_path: Path) -> None:
    """A newspaper retypes an agency story on an Arabic keyboard: nearly every word has
    other code points (kaf, yeh, heh, digits), and a web page left a soft hyphen and a
    right-to-left mark in it; it is still the agency's text, aligned where it really is."""
    copy = [s.translate(ARABIC_KEYS) for s in UR_WIRE]
    copy[1] = copy[1].replace("صحافیوں".translate(ARABIC_KEYS), "صحا\u00adفيوں\u200f")
    words = [zip(s.split(), c.split(), strict=True) for s, c in zip(UR_WIRE, copy, strict=True)]
    changed = sum(a != b for pairs in words for a, b in pairs)
    assert changed > len(" ".join(UR_WIRE).split()) / 3
    db = _run(tmp_path, _agency_and_copy(copy))
    rows = _aligned(db)
    assert {(r[2], r[3]) for r in rows} == {("APP", "NP")}
    assert {c.rstrip("۔") for c in copy} == {b for _, b, *_ in rows}
    assert {kind for *_, kind in rows} == {"verbatim"}
    assert _derivation(db)["NP"] == ("wholly", "APP")


#: a typist who leaves out every space the script hides: after a letter that does not join
#: the next (Unicode joining type R)
HIDDEN_SPACE = re.compile("(?<=[اآدذرزوڈڑژےۓ]) (?=\\S)")
UR_OTHERS = [
    "لاہور میں بارش کے بعد شہر کی سڑکوں پر پانی جمع ہو گیا اور ٹریفک کا نظام متاثر ہوا۔",
    "کرکٹ ٹیم کے کپتان نے کہا کہ کھلاڑی اگلے میچ کے لیے تیار ہیں اور جیت کی امید ہے۔",
    "پشاور میں پولیس نے ایک کارروائی کے بعد تین ملزمان کو گرفتار کر لیا اور اسلحہ برآمد کیا۔",
    "محکمہ موسمیات نے کہا ہے کہ ملک کے بیشتر حصوں میں موسم خشک رہے گا اور گرمی بڑھے گی۔",
    "صوبائی اسمبلی کے اجلاس میں تعلیم کے بجٹ پر بحث ہوئی اور ارکان نے تجاویز پیش کیں۔",
    "شہر کے ہسپتالوں میں ڈاکٹروں کی کمی ہے اور مریضوں کو مشکلات کا سامنا ہے۔",
]


def test_an_urdu_copy_typed_without_its_hidden_spaces_is_found(tmp_path: Path) -> None:
    """The newspaper's typist leaves out every space the script hides (after a letter that
    does not join the next): words run together in twos, threes and fours ("کرےگی",
    "کاروبارکےدوران", "کاکہناہےکہ"), and over a third of the agency's words are no word of
    the copy. It is still a whole copy, aligned sentence by sentence, and retrieval reads
    the words it hid as the agency writes them ("اورگیس" is "اور" and "گیس")."""
    copy = [HIDDEN_SPACE.sub("", s) for s in UR_WIRE]
    words = " ".join(UR_WIRE).split()
    assert sum(w not in " ".join(copy).split() for w in words) > len(words) / 3
    others = [  # 30 articles: "کے" and "اور" are frequent terms of the sample
        {"id": f"O{i}", "text": f"{UR_OTHERS[i % 6]}\n\n{UR_OTHERS[(i + 1) % 6]}",
         "outlet": f"P{i}", "language": "ur", "published": "2026-10-19T12:00:00"}
        for i in range(30)
    ]  # fmt: skip
    db = _run(tmp_path, _agency_and_copy(copy) + others)
    aligned = {(a, b) for a, b, source, target, _ in _aligned(db) if target == "NP"}
    assert aligned == {(w.rstrip("۔"), c.rstrip("۔")) for w, c in zip(UR_WIRE, copy, strict=True)}
    assert _derivation(db)["NP"] == ("wholly", "APP")
    terms = dedup.query(db, "SELECT term FROM article_terms WHERE article_id = 'NP'")
    held = {term for (term,) in terms.rows()}
    assert {"گیس", "کاروبار", "دوران"} <= held
    assert not held & {"اورگیس", "کاروبارکےدوران"}


CLOUGH = SHARED_DATA / "clough"


@pytest.mark.skipif(not CLOUGH.is_dir(), reason=f"{CLOUGH} is absent (shared data)")
def test_a_heavy_revision_split_into_a_short_sentence_is_found(tmp_path: Path) -> None:
    """Real rewriting (Clough, all 100 texts as ``make eval`` runs them): g4pE_taska turns
    the source's "Inheritance is also sometimes called generalization, because ..." into a
    6-token sentence and a second one. A short sentence is paired only as part of a longer
    unit, so the two are aligned as one span and the answer is derived from its source
    (before, short sentences were left out before pairing, and the answer came out
    ``non``)."""
    db = _run(tmp_path, clough.records(clough.load(CLOUGH)))
    spans = {b for _, b, _, target, kind in _aligned(db) if target == "g4pE_taska"}
    assert (
        "Generlisation also some time known as inheritance. The main reason behind this is a "
        "hierarchi structure of objects and classes."
    ) in spans
    assert _derivation(db)["g4pE_taska"] == ("partially", "orig_taska")


#: the clough answers whose source retrieval did not rank first in Thai letters while it
#: compared them in pairs (each ranked task b's or task e's long source first instead)
OUTRANKED_IN_THAI = (
    "g0pA_taskd", "g0pC_taska", "g1pA_taskc", "g1pA_taskd", "g1pD_taske",
    "g2pA_taskd", "g2pB_taskc", "g2pC_taske", "g3pB_taskd", "g4pE_taskc",
)  # fmt: skip


@pytest.mark.skipif(not CLOUGH.is_dir(), reason=f"{CLOUGH} is absent (shared data)")
def test_thai_letters_retrieve_the_source_not_the_longest_text(tmp_path: Path) -> None:
    """Clough re-spelled in Thai letters, no spaces between words (``eval.respell``), all 100
    texts in one run. A pair of letters is in nearly every text, so with pairs alone the
    sources holding the most pairs came first; three letters are as specific as a word,
    and each of these answers ranks its own task's source first, as in English."""
    texts = clough.respelled(clough.load(CLOUGH), "thai")
    db = _run(tmp_path, clough.records(texts, "th"))
    first = dict(
        dedup.query(
            db, "SELECT target_article_id, source_article_id FROM article_pairs WHERE rank = 1"
        ).rows()
    )
    assert {a: first.get(a) for a in OUTRANKED_IN_THAI} == {
        a: "orig_" + a.split("_")[1] for a in OUTRANKED_IN_THAI
    }
