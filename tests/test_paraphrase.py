"""Paraphrase-tolerant alignment (dedup/paraphrase.py): rewrites are paired with exact
offsets, independent reports of the same event are not."""

from __future__ import annotations

import re

import polars as pl
import pytest
from conftest import SHARED_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import paraphrase
from dedup.decoding import decode
from dedup.segment import paragraph_spans, sentence_spans
from dedup.text import WrittenApart, token_keys

WIRE = [
    "JAKARTA, March 3 (Reuters) - Bank Indonesia raised its benchmark rate by 25 basis points "
    "to 6.25 percent on Thursday, its third increase this year.",
    "Governor Perry Warjiyo told reporters the move was needed to keep inflation within the "
    "bank's target range of 2 to 4 percent.",
    "The rupiah has weakened about 4 percent against the dollar since January.",
    "Economists polled by Reuters had expected the central bank to hold its benchmark rate steady.",
    "Perry said the bank would keep intervening in the currency market when needed.",
]
#: the wire story rewritten: sentences reordered, words substituted and inflected
REWRITE = [
    "Most economists surveyed by Reuters had expected the central bank to keep its "
    "benchmark rate unchanged.",
    "Bank Indonesia raised its benchmark interest rate by 25 basis points to 6.25 percent on "
    "Thursday, the third increase this year.",
    "The move was needed to keep inflation inside the target range of 2 to 4 percent, "
    "governor Perry Warjiyo told journalists.",
]
#: the same event reported independently: same names and figures, other sentences
INDEPENDENT = [
    "Perry Warjiyo, the governor of Bank Indonesia, faced a difficult choice on Thursday.",
    "Traders in Jakarta said the slide of the rupiah had made a move all but certain, and the "
    "6.25 percent rate matches levels last seen three years ago.",
    "Small businesses complain that loans are already expensive, some paying more than 10 percent.",
    '"We cannot plan anything," said Budi Santoso, who runs a furniture workshop, adding that '
    "inflation of 2 to 4 percent still hurts his customers.",
    "Exporters, by contrast, have welcomed a weaker rupiah since January.",
]
#: unrelated sentences that surround the aligned ones in the property test
FILLER = [
    "Heavy rain flooded several districts of the capital overnight, officials said.",
    "The football league postponed two matches because of the weather.",
    "A new bridge over the river is due to open next month.",
    "Schools in the province will reopen after a two-week holiday.",
    "The museum reported a record number of visitors during the festival.",
    "Farmers expect a good rice harvest after a wet season.",
]


def _join(sentences: list[str], seps: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A text of the sentences separated by ``seps``, and each sentence's span."""
    text, spans = "", []
    for sentence, sep in zip(sentences, seps, strict=True):
        text += sep
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence
    return text, spans


def _idf(*texts: str) -> paraphrase.Idf:
    return paraphrase.Idf.from_texts([*texts, *FILLER, *WIRE, *INDEPENDENT])


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 3),
    st.integers(0, 3),
    st.lists(st.sampled_from([" ", "\n", "\n\n", "  "]), min_size=8, max_size=8),
)
def test_paraphrased_sentence_is_aligned_with_exact_offsets(i: int, j: int, seps) -> None:
    """One rewritten sentence among unrelated ones, anywhere on either side: it is paired
    with its source, and the offsets cut out exactly the two sentences."""
    source, rewrite = WIRE[3], REWRITE[0]
    a = FILLER[:3]
    a.insert(i, source)
    b = FILLER[3:]
    b.insert(j, rewrite)
    text_a, spans_a = _join(a, seps[:4])
    text_b, spans_b = _join(b, seps[4:])
    found = paraphrase.align_sentences(text_a, spans_a, text_b, spans_b, _idf(text_a, text_b))
    assert [(x.a_sentences, x.b_sentences) for x in found] == [((i,), (j,))]
    assert text_a[found[0].a_start : found[0].a_end] == source
    assert text_b[found[0].b_start : found[0].b_end] == rewrite
    assert 0 < found[0].score <= 1


def _paired_with_wire(rewrite: list[str]) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    """(wire sentences, rewrite sentences) of each aligned group, the rewrite's sentences
    one paragraph."""
    text_a, spans_a = _join(WIRE, [""] + ["\n"] * 4)
    text_b, spans_b = _join(rewrite, [""] + [" "] * 2)
    found = paraphrase.align_sentences(text_a, spans_a, text_b, spans_b, _idf(text_a, text_b))
    return {(x.a_sentences, x.b_sentences) for x in found}


def test_reordered_rewrite_pairs_the_right_sentences() -> None:
    assert _paired_with_wire(REWRITE) == {
        ((0,), (1,)),
        ((1,), (2,)),
        ((3,), (0,)),
    }


def test_a_rewrite_with_spaces_left_out_pairs_the_same_sentences() -> None:
    """Every second space of the rewrite left out (as Urdu and Persian typists often leave
    them out): each run-together word is split as the wire writes it, so the same sentences
    pair as when it is written apart (without the split, none reached the threshold)."""
    squeezed = [re.sub(r"(\S+ \S+) ", r"\1", s) for s in REWRITE]
    assert squeezed[0].startswith("Most economistssurveyed byReuters")
    assert _paired_with_wire(squeezed) == {
        ((0,), (1,)),
        ((1,), (2,)),
        ((3,), (0,)),
    }


def test_a_split_word_is_not_a_name_and_names_keep_their_place() -> None:
    """Names are capitalised tokens past a sentence's first; a word split as the other side
    writes it points at its token, so the halves of "dirumah" are not names, "Jakarta" is."""
    text = "Polisi dirumah Jakarta kemarin."
    other = WrittenApart([token_keys("Polisi di rumah Jakarta kemarin.")])
    side = paraphrase.Side(text, [(0, len(text))], [token_keys(text)], _idf(), other)
    unit = side.unit(0)
    assert unit.n_tokens == 5
    assert {side.vocab[i] for i, name in zip(unit.ids, unit.names, strict=True) if name} == {
        "jakarta"
    }


def test_independent_report_of_the_same_event_is_not_aligned() -> None:
    """Same names, places and figures, no shared sentence: nothing aligned."""
    text_a, spans_a = _join(WIRE, [""] + ["\n"] * 4)
    text_b, spans_b = _join(INDEPENDENT, [""] + ["\n"] * 4)
    shared = {"perry", "warjiyo", "bank", "indonesia", "rupiah", "6", "25", "2", "4", "january"}
    assert shared <= set(token_keys(text_a)) & set(token_keys(text_b))
    assert paraphrase.align_sentences(text_a, spans_a, text_b, spans_b, _idf(text_a, text_b)) == []


#: the first two wire sentences fused into one by an outlet
FUSED = (
    "Bank Indonesia raised its benchmark rate by 25 basis points to 6.25 percent on "
    "Thursday, and governor Perry Warjiyo told reporters the move was needed to keep "
    "inflation within the target range of 2 to 4 percent."
)


def _fused_against_wire(**options) -> tuple[str, list]:
    """FUSED after a filler sentence, aligned to the wire: the wire text and the groups."""
    text_a, spans_a = _join([FILLER[0], FUSED], ["", " "])
    text_b, spans_b = _join(WIRE, [""] + ["\n"] * 4)
    idf = _idf(text_a, text_b)
    return text_b, paraphrase.align_sentences(text_a, spans_a, text_b, spans_b, idf, **options)


def test_fused_sentences_align_one_to_two() -> None:
    """An outlet fusing two wire sentences into one: one sentence against two adjacent."""
    text_b, found = _fused_against_wire()
    assert [(x.a_sentences, x.b_sentences) for x in found] == [((1,), (0, 1))]
    assert text_b[found[0].b_start : found[0].b_end] == "\n".join(WIRE[:2])


def _paired_around(sentences: list[str], min_tokens: int) -> tuple[str, list]:
    """The wire against ``sentences`` set among filler (one paragraph): the filler-side
    text and its aligned groups as (wire sentences, its sentences)."""
    text_a, spans_a = _join(WIRE, [""] + ["\n"] * 4)
    b = [*FILLER[:2], *sentences, *FILLER[2:4]]
    text_b, spans_b = _join(b, [""] + [" "] * (len(b) - 1))
    idf = _idf(text_a, text_b)
    found = paraphrase.align_sentences(text_a, spans_a, text_b, spans_b, idf, min_tokens=min_tokens)
    return text_b, found


def test_a_short_sentence_is_paired_only_inside_a_longer_unit() -> None:
    """``min_tokens`` holds for each side of a pair, its sentences together: a short line
    alone (7 and 6 tokens) is a formula that other stories may share, and is not paired
    (without the minimum it is); a short sentence that opens a split one is paired with the
    rest of it, so the span covers both."""
    for short, wire in [
        ("Perry will keep intervening in currency markets.", 4),
        ("Economists had expected a steady rate.", 3),
    ]:
        assert [(x.a_sentences, x.b_sentences) for x in _paired_around([short], 0)[1]] == [
            ((wire,), (2,))
        ]
        assert _paired_around([short], 8)[1] == []
    split = [
        "The move was needed, Perry said.",
        "It would keep inflation within the bank's target range of 2 to 4 percent, the "
        "governor told reporters.",
    ]
    text_b, found = _paired_around(split, 8)
    assert [(x.a_sentences, x.b_sentences) for x in found] == [((1,), (2, 3))]
    assert text_b[found[0].b_start : found[0].b_end] == " ".join(split)


def test_sentences_join_only_inside_one_block() -> None:
    """The fused sentence of the test above, with the two wire sentences it fuses in two
    paragraphs: they are not read as one unit (a span never crosses a paragraph), and
    neither alone holds enough of the fused sentence to pair with it."""
    assert _fused_against_wire(blocks=([0, 0], [0, 1, 1, 1, 1]))[1] == []
    _, found = _fused_against_wire(blocks=([0, 0], [0, 0, 1, 1, 1]))
    assert [(x.a_sentences, x.b_sentences) for x in found] == [((1,), (0, 1))]


def test_a_changed_figure_lowers_the_score() -> None:
    same = WIRE[3].replace("steady.", "steady at 6 percent.")
    other = WIRE[3].replace("steady.", "steady at 5.75 percent.")
    idf = _idf(same, other)
    score = paraphrase.model().score
    rewrite = REWRITE[0].replace("unchanged.", "unchanged at 6 percent.")
    assert score(paraphrase.pair_features(rewrite, other, idf)) < score(
        paraphrase.pair_features(rewrite, same, idf)
    )


def test_other_scripts_inflection_and_reordering() -> None:
    """Cyrillic with inflected forms and moved clauses; Devanagari (combining marks)."""
    pairs = [
        (
            "Центральный банк России в пятницу повысил ключевую ставку до 16 процентов, "
            "сообщила пресс-служба регулятора.",
            "Как сообщила пресс-служба регулятора, в пятницу Центробанк России повысил "
            "ключевую ставку до 16 процентов.",
        ),
        (
            "भारत के प्रधानमंत्री नरेंद्र मोदी ने सोमवार को नई दिल्ली में 20 देशों के नेताओं से मुलाकात की।",
            "प्रधानमंत्री नरेंद्र मोदी ने नई दिल्ली में सोमवार को 20 देशों के नेताओं के साथ मुलाकात की।",
        ),
    ]
    for a, b in pairs:
        text_a, spans_a = _join([FILLER[1], a], ["", " "])
        text_b, spans_b = _join([b, FILLER[4]], ["", " "])
        found = paraphrase.align_sentences(
            text_a, spans_a, text_b, spans_b, paraphrase.Idf.from_texts([text_a, text_b, *FILLER])
        )
        assert [(x.a_sentences, x.b_sentences) for x in found] == [((1,), (0,))]


def test_rarity_weights_and_unknown_terms() -> None:
    idf = paraphrase.Idf.from_texts(["the bank", "the bank rupiah", "the dollar"])
    frame = pl.DataFrame({"term": list(idf.df), "df": list(idf.df.values())})
    assert paraphrase.Idf.from_frame(frame, idf.n) == idf
    the, bank, unseen = idf.weights(["the", "bank", "warjiyo"])
    assert the == 0.0 and unseen == 1.0 and 0 < bank < 1


def test_spans_outside_the_text_are_a_clear_error() -> None:
    with pytest.raises(ValueError, match="outside a text of 5 characters"):
        paraphrase.align_sentences("Hello", [(0, 9)], "Hello", [(0, 5)], _idf())


def test_model_file_matches_the_features() -> None:
    model = paraphrase.model()
    assert model.weights.shape == (len(paraphrase.FEATURES),) and 0 < model.threshold < 1


CLOUGH = SHARED_DATA / "clough"


def _sentences(text: str) -> list[tuple[int, int]]:
    return [s for a, b in paragraph_spans(text) for s in sentence_spans(text, a, b)]


def _aligned_to(
    texts: dict[str, str], source: str, answers: tuple[str, ...]
) -> dict[str, tuple[list[tuple[int, int]], list[paraphrase.Aligned]]]:
    """Each answer's sentence spans and its sentences paired with those of ``source``, the
    rarity weights read from every text."""
    idf = paraphrase.Idf.from_texts(texts.values())
    spans_s = _sentences(texts[source])
    found = {}
    for name in answers:
        spans = _sentences(texts[name])
        found[name] = (
            spans,
            paraphrase.align_sentences(texts[name], spans, texts[source], spans_s, idf),
        )
    return found


@pytest.mark.skipif(not CLOUGH.is_dir(), reason=f"{CLOUGH} is absent (shared data)")
def test_clough_cut_answer_covers_more_than_an_independent_one() -> None:
    """Real graded reuse: the cut-and-paste answer to task d aligns more of its text to the
    source than the independently written one, and every span is a whole sentence."""
    texts = {p.stem: decode(p.read_bytes())[0] for p in CLOUGH.glob("*.txt")}
    answers = _aligned_to(texts, "orig_taskd", ("g0pC_taskd", "g0pD_taskd"))  # cut, non
    covered = {}
    for name, (spans, found) in answers.items():
        starts, ends = {s for s, _ in spans}, {e for _, e in spans}
        assert all(x.a_start in starts and x.a_end in ends for x in found)
        covered[name] = sum(x.a_end - x.a_start for x in found)
    assert covered["g0pC_taskd"] > covered["g0pD_taskd"]


#: a Bank of Thailand rate decision (written for this test), a rewrite of its second sentence
#: (clauses moved, a word added) and reports on other subjects
THAI = [
    "ฝนตกหนักทำให้น้ำท่วมหลายพื้นที่ในกรุงเทพฯ เมื่อคืนนี้",
    "ธนาคารแห่งประเทศไทยปรับขึ้นอัตราดอกเบี้ยนโยบาย 0.25 เปอร์เซ็นต์ เป็น 2.5 เปอร์เซ็นต์ เมื่อวันพุธ",
]
THAI_REWRITE = [
    "เมื่อวันพุธ ธนาคารแห่งประเทศไทยได้ปรับขึ้นอัตราดอกเบี้ยนโยบายเป็น 2.5 เปอร์เซ็นต์ เพิ่มขึ้น 0.25 เปอร์เซ็นต์",
    "ทีมฟุตบอลชาติไทยจะลงแข่งขันนัดต่อไปในเดือนหน้า",
]
THAI_OTHER = [
    "นักวิเคราะห์หลายคนกล่าวว่าเงินบาทอ่อนค่าลงมากในช่วงสามเดือนที่ผ่านมา",
    "ผู้ว่าการธนาคารกล่าวกับผู้สื่อข่าวว่าเศรษฐกิจไทยยังคงเติบโตได้ดีในปีนี้",
    "ราคาน้ำมันในตลาดโลกลดลงเป็นวันที่สามติดต่อกัน",
]


def test_thai_rewrite_is_aligned_and_other_thai_news_is_not() -> None:
    """Thai, written without spaces between words, its letters compared in pairs."""
    text_a, spans_a = _join(THAI, ["", " "])
    idf = paraphrase.Idf.from_texts([*THAI, *THAI_REWRITE, *THAI_OTHER])
    text_b, spans_b = _join(THAI_REWRITE, ["", " "])
    found = paraphrase.align_sentences(text_a, spans_a, text_b, spans_b, idf)
    assert [(x.a_sentences, x.b_sentences) for x in found] == [((1,), (0,))]
    assert text_b[found[0].b_start : found[0].b_end] == THAI_REWRITE[0]
    text_c, spans_c = _join(THAI_OTHER, ["", " ", "\n"])
    assert paraphrase.align_sentences(text_a, spans_a, text_c, spans_c, idf) == []


@pytest.mark.skipif(not CLOUGH.is_dir(), reason=f"{CLOUGH} is absent (shared data)")
def test_clough_in_thai_letters_aligns_rewrites_not_independent_answers() -> None:
    """Clough's task b re-spelled as Thai-like text (no spaces, a Thai letter per Latin
    letter): compared a letter at a time, the independent answer aligned 6 of its 7
    sentences to the source; in pairs it aligns none, and the light revision still aligns."""
    from eval import clough

    texts = {t.id: t.text for t in clough.respelled(clough.load(CLOUGH), "thai")}
    found = _aligned_to(texts, "orig_taskb", ("g3pC_taskb", "g4pE_taskb"))  # non, light
    aligned = {name: len(pairs) for name, (_, pairs) in found.items()}
    assert aligned["g3pC_taskb"] == 0 and aligned["g4pE_taskb"] >= 5
