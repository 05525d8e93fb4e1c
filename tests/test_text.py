"""One normaliser and one tokenizer for every stage (dedup/text.py)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import align, text

HINDI = "प्रधानमंत्री मोदी ने कहा कि भारत तैयार है"


def test_marks_stay_inside_words() -> None:
    """A Devanagari vowel sign is a mark, not a separator: words stay whole."""
    assert text.token_keys("मोदी ने कहा") == ["मोदी", "ने", "कहा"]
    assert text.normalise(HINDI).split() == HINDI.split()


def test_normalise_folds_case_compatibility_and_separators() -> None:
    assert text.normalise("  Tidak, saya TIDAK bisa!  ") == "tidak saya tidak bisa"
    assert text.normalise("Straße — ﬁnal_round") == "strasse final round"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_equals_the_general_rule(value: str) -> None:
    general = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", value).casefold()).strip()
    assert text.normalise(value) == general


@settings(deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60))
def test_token_spans_index_the_tokens(value: str) -> None:
    """The spans and the keys describe the same tokens, in order."""
    spans = text.token_spans(value)
    keys = text.token_keys(value)
    assert len(spans) == len(keys) == text.count_tokens(value, 0, len(value))
    for (start, end), key in zip(spans, keys, strict=True):
        part = value[start:end]
        assert unicodedata.normalize("NFKC", part).casefold() == key


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


def test_words_of_unspaced_scripts_are_counted_by_token() -> None:
    assert text.count_words("A short footer line") == 4
    assert text.count_words("ข่าวการศึกษา") == len(text.token_keys("ข่าวการศึกษา")) > 6
    assert text.count_words("东京 举行会议 AP") == 2 + 4 + 1


def test_word_keys_pair_the_characters_of_unspaced_scripts() -> None:
    assert text.word_keys("Kim met Xi") == text.token_keys("Kim met Xi")
    assert text.word_keys("习近平会见 Kim") == ["kim", "习近", "近平", "平会", "会见"]
