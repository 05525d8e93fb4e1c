"""One normaliser and one tokenizer for every stage (dedup/text.py)."""

from __future__ import annotations

import re
import unicodedata
from functools import partial

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup import align, anchors, retrieve, text

HINDI = "प्रधानमंत्री मोदी ने कहा कि भारत तैयार है"


def test_marks_stay_inside_words() -> None:
    """A Devanagari vowel sign is a mark, not a separator: words stay whole."""
    assert text.token_keys("मोदी ने कहा") == ["मोदी", "ने", "कहा"]
    assert text.normalise(HINDI).split() == HINDI.split()


def test_normalise_folds_case_compatibility_and_separators() -> None:
    assert text.normalise("  Tidak, saya TIDAK bisa!  ") == "tidak saya tidak bisa"
    assert text.normalise("Straße — ﬁnal_round") == "strasse final round"


#: every code point :func:`text.char_class` reads
_CLASSED = "".join(chr(c) for start, end in text.CLASS_RANGES for c in range(start, end))


@pytest.mark.parametrize("categories", [("M",), ("Lu", "Lt"), ("Mn",), ("Cf",), ("Cn",)])
def test_char_class_holds_exactly_the_characters_of_its_categories(
    categories: tuple[str, ...],
) -> None:
    """The character classes the tokenizer and the name finder are built from are read from
    Unicode's categories once, in runs: every run must start and end where its category
    does (checked on every code point read)."""
    found = re.compile(f"[{text.char_class(categories)}]")
    matched = {m.start() for m in found.finditer(_CLASSED)}
    wanted = {i for i, c in enumerate(_CLASSED) if unicodedata.category(c).startswith(categories)}
    assert matched == wanted


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_equals_the_general_rule(value: str) -> None:
    general = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", value).casefold()).strip()
    assert text.normalise(value) == general


@settings(deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60))
@example("㐀\xad\u0300")  # an ideograph, a soft hyphen, a mark: one token
def test_token_spans_index_the_tokens(value: str) -> None:
    """The spans and the keys describe the same tokens, in order."""
    spans = text.token_spans(value)
    keys = text.token_keys(value)
    assert len(spans) == len(keys) == text.count_tokens(value, 0, len(value))
    for (start, end), key in zip(spans, keys, strict=True):
        assert text.fold(value[start:end]) == key


@settings(deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60))
@example("㐀\xad\u0300")  # an ideograph, a soft hyphen, a mark: one token
def test_ascii_separators_read_alike(value: str) -> None:
    """Tokens, numbers and capitalised words are the same in a text with its non-ASCII
    separators made ASCII (what lets retrieve and translate take their polars paths)."""
    fixed = text.ascii_separators(value)
    assert text.token_keys(fixed) == text.token_keys(value)
    # the invisible characters go (a word runs across them): the rest reads alike
    plain = re.sub(f"[{text._INVISIBLE}]", "", value)
    assert text.tokens(fixed) == text.tokens(plain)
    assert anchors._NUMBER.findall(fixed) == anchors._NUMBER.findall(plain)
    assert retrieve._CAPITALISED.findall(fixed) == retrieve._CAPITALISED.findall(plain)
    assert fixed.isascii() or not value.isascii()


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(max_codepoint=127),
            st.characters(categories=("Nd",)),  # every script's digits
            st.sampled_from([chr(c) for c in text._FOLDS]),
            st.characters(exclude_categories=("Cs",)),
        )
    )
)
@example("Urdu digits ۲۰۲۴ and an Arabic kaf ك")
def test_fold_chars_skips_only_texts_with_nothing_to_fold(value: str) -> None:
    """The quick tests of fold_chars (ASCII, then one search) never skip a character that
    the folding table changes."""
    assert text.fold_chars(value) == value.translate(text._KEY_TABLE)


#: one Urdu sentence as an Urdu keyboard types it, and as an Arabic keyboard does (kaf,
#: yeh and heh of other code points), with Urdu digits and a vowel mark
URDU = "پاکستان کی حکومت نے ۲۰۲۴ میں نئی پالیسی کا اعلان کیا۔"
URDU_ARABIC_KEYS = "پاكستان كي حكومت نے 2024 ميں نئي پاليسي كا اعلان كيا۔"


def test_keyboard_variants_and_digits_of_a_script_fold_alike() -> None:
    assert URDU.replace("\u06a9", "\u0643") != URDU  # the two really differ in code points
    assert text.normalise(URDU) == text.normalise(URDU_ARABIC_KEYS)
    assert text.token_keys(URDU) == text.token_keys(URDU_ARABIC_KEYS)
    assert "2024" in text.token_keys(URDU)
    assert text.token_keys("مُحَمَّد") == text.token_keys("محمد")  # vowel marks are optional
    # yeh with hamza typed whole, or as yeh and hamza (Arabic yeh, which NFKC composes, or
    # Farsi yeh, which it does not)
    assert (
        text.token_keys("گئی")
        == text.token_keys("گ\u064a\u0654ی")
        == text.token_keys("گ\u06cc\u0654ی")
    )
    assert text.normalise("२०२४ में") == "2024 में"  # Devanagari digits, marks kept


def test_a_word_runs_across_invisible_characters() -> None:
    """A soft hyphen or a zero-width joiner from a web page does not cut a word in two:
    the token spans it (offsets index the text as written) and its key is the plain word."""
    written = "syndi\u00adcation of news\u200f"
    assert text.tokens(written) == ["syndi\u00adcation", "of", "news\u200f"]
    assert text.token_keys(written) == ["syndication", "of", "news"]
    assert text.normalise(written) == "syndication of news"
    assert text.ascii_separators(written) == "syndication of news"
    assert text.fold("\u0640") == "\u0640"  # a token of nothing but a tatweel keeps it


def test_alignment_and_report_share_the_tokenizer() -> None:
    sentence = align.Sentence(HINDI, 0, len(HINDI))
    assert sentence.keys == text.token_keys(HINDI)
    assert [HINDI[a:b] for a, b in sentence.spans()] == HINDI.split()


def test_scripts_without_spaces_give_one_token_per_character() -> None:
    assert text.token_keys("東京で会議") == ["東", "京", "で", "会", "議"]
    # a Thai vowel sign or tone mark stays with its consonant; so do Khmer and Myanmar signs
    assert text.token_keys("วันนี้ฝนตก") == ["วั", "น", "นี้", "ฝ", "น", "ต", "ก"]
    assert text.token_keys("ខ្មែរ") == ["ខ្", "មែ", "រ"]
    assert text.token_keys("မြန်မာ") == ["မြ", "န်", "မာ"]


def test_thai_lao_myanmar_khmer_letters_are_compared_in_pairs() -> None:
    """Paired with the next letter of those scripts; a lone letter, kana, ideographs and
    spaced words stay as they are, and each key knows its first token."""
    keys = text.token_keys("วันนี้ ฝน AP ก 東京")
    assert keys == ["วั", "น", "นี้", "ฝ", "น", "ap", "ก", "東", "京"]
    assert text.letter_pairs(keys) == (
        ["วัน", "นนี้", "นี้ฝ", "ฝน", "ap", "ก", "東", "京"],
        [0, 1, 2, 3, 5, 6, 7, 8],
    )
    assert text.letter_pairs(text.token_keys("ខ្មែរ")) == (["ខ្មែ", "មែរ"], [0, 1])
    assert text.letter_pairs(["bank", "rate"]) == (["bank", "rate"], [0, 1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["ก", "น", "ເ", "မ", "ក", "東", "か", "ab", "7"]), max_size=12))
def test_letter_pairs_keep_every_token_and_its_order(keys: list[str]) -> None:
    """Every token is in some key, each key starts with its first token, keys keep order."""
    paired, firsts = text.letter_pairs(keys)
    assert len(paired) == len(firsts) and firsts == sorted(set(firsts))
    assert all(key.startswith(keys[i]) for key, i in zip(paired, firsts, strict=True))
    seconds = {i + 1 for key, i in zip(paired, firsts, strict=True) if key != keys[i]}
    covered = set(firsts) | seconds
    assert covered == set(range(len(keys)))


def test_words_run_together_are_split_as_the_other_text_writes_them() -> None:
    """ "dirumah" where the other text writes "di rumah": split, both halves pointing at the
    one token; a word the other text also writes whole, or does not write at all, stays."""
    keys = text.token_keys("Polisi dirumah itu kemarin")
    other = text.WrittenApart([text.token_keys("Polisi menggeledah di rumah itu")])
    assert text.split_run_together(keys, frozenset(keys), other) == (
        ["polisi", "di", "rumah", "itu", "kemarin"],
        [0, 1, 1, 2, 3],
    )
    whole = text.WrittenApart([*other.sentences, ["dirumah"]])
    assert text.split_run_together(keys, frozenset(keys), whole) is None
    # halves are found inside one sentence of the other text, not across two
    apart = text.WrittenApart([["polisi", "di"], ["rumah", "itu"]])
    assert text.split_run_together(keys, frozenset(keys), apart) is None


def test_three_or_four_words_run_together_are_split_too() -> None:
    """An Urdu typist leaves out each space the script hides, after a letter that does not
    join the next: "کاروبارکےدوران" is the three words the agency wrote, "کاکہناہےکہ" four."""
    keys = text.token_keys("انڈیکس میں کاروبارکےدوران کمی ماہرین کاکہناہےکہ")
    other = text.WrittenApart([text.token_keys("ماہرین کا کہنا ہے کہ کاروبار کے دوران انڈیکس")])
    split, where = text.split_run_together(keys, frozenset(keys), other)
    assert split == text.token_keys("انڈیکس میں کاروبار کے دوران کمی ماہرین کا کہنا ہے کہ")
    assert where == [0, 1, 2, 2, 2, 3, 4, 5, 5, 5, 5]


def test_a_run_is_split_into_the_fewest_words_the_other_text_writes() -> None:
    """ "abc" is "ab c" and "a b c" in the other text: the two words, both parts pointing at
    the one token."""
    other = text.WrittenApart([["ab", "c", "x", "a", "b", "c"]])
    assert text.split_run_together(["abc", "x"], frozenset({"abc", "x"}), other) == (
        ["ab", "c", "x"],
        [0, 0, 1],
    )


def test_open_ends_are_after_letters_that_do_not_join_the_next() -> None:
    """Where a space may hide: after ا و ر د ے (joining type R), never after a letter that
    joins (ک ہ), and never leaving a single letter on either side."""
    assert text.open_ends("اورکہا") == [2, 3]  # او|رکہا, اور|کہا
    assert text.open_ends("کےزرداری") == [2, 3, 4, 5, 6]  # after ے ز ر د ا
    assert text.open_ends("کہا") == text.open_ends("ور") == text.open_ends("within") == []


def test_words_run_together_are_read_as_the_term_sample_writes_them() -> None:
    """Retrieval's reading of a run-together term: cut where each part is at least as
    frequent in the sample as the whole (one part more), the rarest part as frequent as it
    can be, then into the fewest parts. A name the sample never saw is still cut from the
    word before it, and kept whole; a word is not cut into a word and a fragment."""
    df = {"کے": 900, "اور": 800, "کا": 850, "دوران": 40, "کاروبار": 12, "بھارت": 30}
    words = partial(retrieve._words_of, df=df)
    assert words("کےزرداری") == ["کے", "زرداری"]
    assert words("کاروبارکےدوران") == ["کاروبار", "کے", "دوران"]
    assert words("اوربھارت") == ["اور", "بھارت"]
    assert words("کاروبار") is None
    assert retrieve._words_of("اوربھارت", df | {"اوربھارت": 31}) is None  # a word of its own
    # four words, one of them cut by the script in three pieces (کا|رو|بار)
    assert words("اورکاروبارکےدوران") == ["اور", "کاروبار", "کے", "دوران"]
    terms = pl.DataFrame({"article_id": ["a", "a", "b"], "term": ["کےزرداری", "کے", "war"]})
    assert retrieve.split_run_together(terms, df).rows() == [
        ("a", "کے"),
        ("a", "زرداری"),
        ("b", "war"),
    ]


def test_words_of_unspaced_scripts_are_counted_by_token() -> None:
    assert text.count_words("A short footer line") == 4
    assert text.count_words("ข่าวการศึกษา") == len(text.token_keys("ข่าวการศึกษา")) > 6
    assert text.count_words("东京 举行会议 AP") == 2 + 4 + 1


def test_word_keys_join_the_characters_of_unspaced_scripts() -> None:
    assert text.word_keys("Kim met Xi") == text.token_keys("Kim met Xi")
    assert text.word_keys("习近平会见 Kim") == ["kim", "习近", "近平", "平会", "会见"]
    # Thai, Lao, Myanmar and Khmer letters (a vowel sign or tone mark stays with its
    # consonant) in pairs and in threes; ideographs only in pairs
    assert text.word_keys("ไทย 2") == ["2", "ไท", "ทย", "ไทย"]
    assert text.word_keys("แห่งไทย") == ["แห่", "ห่ง", "งไ", "ไท", "ทย", "แห่ง", "ห่งไ", "งไท", "ไทย"]


def test_the_term_sample_also_reads_single_characters_of_unspaced_scripts() -> None:
    frame = pl.DataFrame({"article_id": ["a", "b"], "text": ["东京举行会议", "Kim 说，东京"]})
    plain = set(retrieve.article_terms(frame)["term"])
    assert plain == {"东京", "京举", "举行", "行会", "会议", "kim", "说东"}
    sampled = set(retrieve.article_terms(frame, characters=True)["term"])
    assert sampled == plain | set("东京举行会议说")
    assert text.unspaced_keys("Kim 说，东京") == ["说", "东", "京"]


def test_article_terms_read_as_token_keys_do() -> None:
    """retrieve's polars reading of terms and names equals token_keys, paragraph by paragraph."""
    texts = [
        "Bank Indonesia said\nThe rupiah fell 5,75 percent, Mulyani said",
        "“Mulyani” berkata\u00a0Selasa — naïve Café\nJakarta\u2028Bogor ฿5 x²5",
        "Foo_Bar Baz\nqux Quux-Corge 12ab",
        "",
    ]
    frame = pl.DataFrame({"article_id": [str(i) for i in range(len(texts))], "text": texts})
    want = set()
    for i, value in enumerate(texts):
        terms, names = retrieve._python_terms(value, characters=False)
        for term in terms:
            kind = "number" if re.search(r"\d", term) else "name" if term in names else "word"
            want.add((str(i), term, kind))
    assert set(retrieve.article_terms(frame).iter_rows()) == want
