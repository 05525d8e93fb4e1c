"""English re-spelled in other scripts: how much of a score rests on English or on case.

Every Latin letter, either case, becomes one letter of another alphabet; digits, spaces and
(except where said) punctuation stay. The texts keep their words, sentences and reuse, but
are now in a script without capitals and a language for which the tool has no word list,
lexicon or affix rule: what the held-out corpora in other scripts look like to it. A set
that scores the tool on each spelling (``dedup``, ``dedup_georgian``, ``dedup_arabic``)
shows what a number owes to English-only evidence.

- ``georgian``: the first 26 Mkhedruli letters (lower case only: Georgian is written so),
  language ``ka``;
- ``arabic``: 26 Arabic letters that no fold of :mod:`dedup.text` merges, with the Arabic
  comma, semicolon and question mark and the Urdu full stop (every full stop, also in
  abbreviations, where Urdu text would keep ``.``), language ``ur``: a right-to-left
  script with its own punctuation.
"""

from __future__ import annotations

import string

_ARABIC_LETTERS = "بتثجحخدذرزسشصضطظعغفقلمنهوٹ"
_ARABIC_MARKS = {",": "،", ";": "؛", "?": "؟", ".": "۔"}


def _letters(alphabet: str) -> dict[int, str]:
    """Both cases of each Latin letter to the letter of ``alphabet`` in its place."""
    return {
        ord(c): alphabet[i]
        for i, letter in enumerate(string.ascii_lowercase)
        for c in (letter, letter.upper())
    }


#: spelling -> (translation table, language code)
SPELLINGS: dict[str, tuple[dict[int, str], str]] = {
    "georgian": (_letters("".join(chr(0x10D0 + i) for i in range(26))), "ka"),
    "arabic": (_letters(_ARABIC_LETTERS) | {ord(k): v for k, v in _ARABIC_MARKS.items()}, "ur"),
}


def respell(text: str, spelling: str) -> str:
    """``text`` in the letters (and marks) of ``spelling``."""
    return text.translate(SPELLINGS[spelling][0])


def language(spelling: str) -> str:
    """The language code a spelling's texts are given."""
    return SPELLINGS[spelling][1]
