"""English re-spelled in other scripts: how much of a score rests on English or on case.

Every Latin letter, either case, becomes one letter of another alphabet; digits, spaces and
(except where said) punctuation stay. The texts keep their words, sentences and reuse, but
are now in a script without capitals and a language for which the tool has no word list,
lexicon or affix rule: what the held-out corpora in other scripts look like to it. A set
that scores the tool on each spelling (``dedup``, ``dedup_georgian``, ``dedup_arabic``, ...)
shows what a number owes to English-only evidence.

- ``georgian``: the first 26 Mkhedruli letters (lower case only: Georgian is written so),
  language ``ka``;
- ``arabic``: 26 Arabic letters that no fold of :mod:`dedup.text` merges, with the Arabic
  comma, semicolon and question mark and the Urdu full stop (every full stop, also in
  abbreviations, where Urdu text would keep ``.``), language ``ur``: a right-to-left
  script with its own punctuation;
- ``chinese``: each word becomes CJK ideographs, no spaces between them, CJK punctuation,
  language ``zh``: a script written without spaces whose characters are words or parts of
  words. A word of up to 4 letters is one ideograph, of up to 9 two, a longer one three
  (Chinese writes its common function words with one character and most content words
  with two), each drawn by a hash of the word from 3,000 ideographs, so different words
  share characters as Chinese words do; a word's apostrophes and hyphens go ("company's"
  is one word). Digits stay (Chinese news writes Arabic numerals);
- ``urdu``: ``arabic`` with the space after a letter that does not join the next one
  (د ذ ر ز و) left out half the time, drawn by a hash of the text and the place, so two
  texts leave out different spaces, as two typists do (Urdu typists often leave it out:
  the gap shows anyway). A copy then runs words together that its source writes apart;
- ``thai``: each Latin letter a Thai consonant, no spaces between words (Thai marks a
  sentence or a clause with a space, not a word), language ``th``: letters that are not
  morphemes, in a script the tokenizer cannot cut into words: a token per letter, which
  the paraphrase model compares in pairs, and only 26 letters, so fewer rare pairs than
  real Thai has.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable

_ARABIC_LETTERS = "بتثجحخدذرزسشصضطظعغفقلمنهوٹ"
_ARABIC_MARKS = {",": "،", ";": "؛", "?": "؟", ".": "۔"}


def _letters(alphabet: str) -> dict[int, str]:
    """Both cases of each Latin letter to the letter of ``alphabet`` in its place."""
    return {
        ord(c): alphabet[i]
        for i, letter in enumerate(string.ascii_lowercase)
        for c in (letter, letter.upper())
    }


def _alphabet(first: int) -> str:
    """26 letters of a Unicode block, from ``first`` on."""
    return "".join(chr(first + i) for i in range(26))


#: a word: letters, with the apostrophes and hyphens inside it ("company's", "so-called"),
#: which Chinese does not write
_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_JOINERS = re.compile("['’-]")
#: Latin punctuation as Chinese writes it; a full stop before white space or at the end
#: (abbreviations too, as in ``arabic``)
_CJK_MARKS = str.maketrans(",;:?!", "，；：？！")
_FULL_STOP = re.compile(r"\.(?=\s|$)")
_CJK = "\u4e00-\u9fff\u3000-\u303f\uff01-\uff1f"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
IDEOGRAPHS = 3000


def _ideographs(word: str) -> str:
    n = 1 if len(word) <= 4 else 2 if len(word) <= 9 else 3
    digest = hashlib.blake2b(word.lower().encode(), digest_size=2 * n).digest()
    return "".join(
        chr(0x4E00 + int.from_bytes(digest[2 * i : 2 * i + 2], "little") % IDEOGRAPHS)
        for i in range(n)
    )


def _chinese(text: str) -> str:
    text = _WORD.sub(lambda m: _ideographs(_JOINERS.sub("", m.group(0))), text)
    text = _FULL_STOP.sub("。", text.translate(_CJK_MARKS))
    return _CJK_SPACE.sub("", text)


def _translated(table: dict[int, str]) -> Callable[[str], str]:
    return lambda text: text.translate(table)


_THAI = _letters(_alphabet(0x0E01))
_THAI_SPACE = re.compile("(?<=[\u0e01-\u0e1a]) +(?=[\u0e01-\u0e1a])")


def _thai(text: str) -> str:
    return _THAI_SPACE.sub("", text.translate(_THAI))


_ARABIC = _translated(_letters(_ARABIC_LETTERS) | {ord(k): v for k, v in _ARABIC_MARKS.items()})
_AFTER_NON_JOINING = re.compile("(?<=[دذرزو]) (?=[^\\W\\d_])")


def _urdu(text: str) -> str:
    text = _ARABIC(text)
    seed = hashlib.blake2b(text.encode(), digest_size=8).digest()

    def space(m: re.Match[str]) -> str:
        place = seed + m.start().to_bytes(8, "little")
        return " " if hashlib.blake2b(place, digest_size=1).digest()[0] % 2 else ""

    return _AFTER_NON_JOINING.sub(space, text)


#: spelling -> (re-spelling function, language code)
SPELLINGS: dict[str, tuple[Callable[[str], str], str]] = {
    "georgian": (_translated(_letters(_alphabet(0x10D0))), "ka"),
    "arabic": (_ARABIC, "ur"),
    "urdu": (_urdu, "ur"),
    "chinese": (_chinese, "zh"),
    "thai": (_thai, "th"),
}


def respell(text: str, spelling: str) -> str:
    """``text`` in the letters (and marks) of ``spelling``."""
    return SPELLINGS[spelling][0](text)


def language(spelling: str) -> str:
    """The language code a spelling's texts are given."""
    return SPELLINGS[spelling][1]
