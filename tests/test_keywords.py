"""The keyword test before a regex search: it may pass a text that does not match, never
fail one that does."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.keywords import keywords_of, lowered, required_words
from dedup.segment import _match, _pattern_groups, boilerplate_patterns


def test_a_pattern_that_keeps_case_keeps_its_words_as_written():
    assert required_words(r"\b(REUTERS|AP)\s*/", fold=False) == ("AP", "REUTERS")
    assert required_words(r"\b(REUTERS|AP)\s*/") == ("ap", "reuters")
    assert keywords_of(re.compile(r"(REUTERS|AP)\s*/")).fold is False
    assert keywords_of(re.compile(r"(REUTERS|AP)\s*/", re.IGNORECASE)).fold is True
    assert keywords_of(re.compile(r"\((?i:foto|dok)\s*:")).fold is True  # an inline flag


def test_verbose_patterns_have_no_test():
    """In verbose mode white space is not matched: it must not become a keyword."""
    assert required_words(r"(?x: foto \s* :)") is None
    assert keywords_of(re.compile(r"foto : x", re.VERBOSE)).words is None
    assert required_words(r"foto : x") == ("foto : x",)


@pytest.mark.parametrize(
    ("pattern", "flags", "text"),
    [
        (r"a\012b", 0, "a\nb"),  # an octal escape: its digits are no literal
        (r"(x)a\1b", 0, "xaxb"),  # a group reference
        (r"ab{,}c", 0, "ac"),  # "{,}" repeats any number of times, none included
        ("в", re.IGNORECASE, "\u1c80"),  # an old form of в that str.lower() leaves alone
    ],
)
def test_syntax_the_reader_once_misread_never_hides_a_match(pattern, flags, text):
    regex = re.compile(pattern, flags)
    assert regex.search(text)
    assert keywords_of(regex).admit(text, lowered(text))


def test_a_case_kept_test_passes_only_the_case_written():
    ap = keywords_of(re.compile(r"\b(REUTERS|AP)\s*/"))
    assert ap.admit("Foto: AP/Dita", lowered("Foto: AP/Dita"))
    assert not ap.admit("tetapi apa", lowered("tetapi apa"))  # "ap" in Indonesian words
    foto = keywords_of(re.compile(r"\b(?i:foto|photo)\s*:"))
    assert foto.admit("FOTO: AFP", lowered("FOTO: AFP"))
    assert lowered("FOTO\u0130") is None  # a case twin: no lowercase test, the regex decides
    assert foto.admit("x", None)


CAPTIONS = [
    "Warga menyeberang jalan di Pyongyang. KCNA melalui REUTERS",
    "Presiden berpidato di Jakarta. REUTERS/Willy Kurniawan",
    "Pasar saham di Jakarta (Foto: Antara/Akbar)",
    "Suasana sidang. FOTO: AFP",
    "Kebakaran hutan di Riau. Getty Images",
]


@pytest.mark.parametrize("text", CAPTIONS)
def test_every_caption_passes_its_keyword_test(text):
    found = _match(text)
    assert found is not None and found.kind == "caption"
    lower = lowered(text)
    keywords = dict((p, k) for p, k in _pattern_groups()[1])
    assert keywords[found].admit(text, lower)


@given(
    st.lists(
        st.sampled_from(
            [
                "AP",
                "ap",
                "via",
                "VIA",
                "melalui",
                "REUTERS",
                "Reuters",
                "/",
                ":",
                "(",
                ")",
                "Foto",
                "FOTO",
                "photo",
                "Getty Images",
                "shutterstock",
                " ",
                ".",
                "x",
                "İ",
                "ſ",
                "KCNA",
                "Willy",
                "Jakarta",
            ]
        ),  # fmt: skip
        max_size=12,
    )
)
def test_the_keyword_test_never_hides_a_boilerplate_match(parts):
    text = "".join(parts)
    expected = next((p for p in boilerplate_patterns() if p.regex.search(text)), None)
    assert _match(text) == expected
