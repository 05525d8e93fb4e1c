"""English re-spelled in Georgian letters: how much of a score rests on English or on case.

Every Latin letter, either case, becomes one of the first 26 Georgian (Mkhedruli) letters;
digits, punctuation and spaces stay. The text keeps its words, sentences and reuse, but is
now in a script without capitals and (given language ``ka``) a language for which the tool
has no word list, lexicon or affix rule: what the held-out corpora in other scripts look
like to it. A set that scores the tool on both spellings (``dedup`` and ``dedup_georgian``)
shows what a number owes to English-only evidence.
"""

from __future__ import annotations

import string

LANGUAGE = "ka"
GEORGIAN = {
    ord(c): chr(0x10D0 + i)
    for i, letter in enumerate(string.ascii_lowercase)
    for c in (letter, letter.upper())
}


def respell(text: str) -> str:
    """``text`` with its Latin letters in Georgian ones."""
    return text.translate(GEORGIAN)
