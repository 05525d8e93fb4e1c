"""Keywords: literal words that every match of a regex contains, a cheap test before a search.

Reads and writes no table. Attribution's cues (:mod:`dedup.cues`) and segmentation's
boilerplate patterns (:mod:`dedup.segment`) run many regexes over every paragraph, and most
paragraphs match none; ``"via" in text`` is far cheaper than a regex search that tries every
position. A :class:`Keywords` test passes a text that may match and fails only texts that
cannot.

A small reader of the regex syntax finds the words. It reads the pattern text itself (the
re module keeps its parser private), and where it meets syntax it does not model it gives up
on that part: a part it cannot read contributes no word, which only makes the test weaker,
never wrong. A pattern that ignores case (``re.IGNORECASE`` or any inline ``i`` flag) has its
words lowercased and tested on the text's lowercase form; a pattern that keeps case has them
as written, tested on the text itself (a sharper test: "AP" is rarer than "ap").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# the characters that re.IGNORECASE equates with an ASCII or Cyrillic letter whose lowercase
# form str.lower() does not give (İ ı ſ, the Kelvin sign, the old Cyrillic letter forms
# U+1C80-U+1C87 of в д о с т ъ ѣ): in a text that has one, a keyword may match without
# being in text.lower()
CASE_TWINS = re.compile("[\u0130\u0131\u017f\u212a\u1c80-\u1c87]")

_CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
# an inline flag group with i (also "(?-i:", or a literal "\(?i": taken as folding, which is
# weaker, never wrong)
_INLINE_IGNORECASE = re.compile(r"\(\?[aLmsux-]*i")
Words = frozenset[str] | None


@dataclass(frozen=True)
class Keywords:
    """Words one of which every match contains (None: no test), and whether they are
    lowercase (tested on :func:`lowered` text)."""

    words: tuple[str, ...] | None
    fold: bool = True

    def admit(self, text: str, lower: str | None) -> bool:
        """Whether ``text`` (``lower``: its :func:`lowered` form) may match."""
        if self.words is None:
            return True
        if not self.fold:
            return any(w in text for w in self.words)
        return lower is None or any(w in lower for w in self.words)


def lowered(text: str) -> str | None:
    """The lowercase form keyword tests read, None when it may hide a case-insensitive
    match (a text with a case twin)."""
    return None if not text.isascii() and CASE_TWINS.search(text) else text.lower()


def keywords_of(regex: re.Pattern[str]) -> Keywords:
    """The keyword test of a compiled pattern."""
    fold = bool(regex.flags & re.IGNORECASE) or bool(_INLINE_IGNORECASE.search(regex.pattern))
    if regex.flags & re.VERBOSE:  # white space is no literal there
        return Keywords(None, fold)
    return Keywords(required_words(regex.pattern, fold), fold)


def required_words(regex: str, fold: bool = True) -> tuple[str, ...] | None:
    """Strings one of which every match of ``regex`` contains (lowercase with ``fold``), or
    None: of the parts of the regex that every match goes through, the one with the longest
    literal words (a run of literal characters, or one per branch of an alternation)."""
    try:
        words, _ = _Reader(regex, fold).alternation(0)
    except _Unreadable:
        return None
    if words is None:
        return None
    # a word that contains another is implied by it
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


class _Unreadable(ValueError):
    """Syntax the keyword reader does not model: the regex then has no keyword test."""


def _strength(words: frozenset[str]) -> tuple[int, int]:
    """Longer words, then fewer, make a sharper test."""
    return min(map(len, words)), -len(words)


class _Reader:
    """Reads a pattern ``p`` from a position; each method returns where it stopped."""

    def __init__(self, p: str, fold: bool) -> None:
        self.p, self.fold = p, fold

    def alternation(self, i: int) -> tuple[Words, int]:
        """The required words of branches ``a|b|...`` from ``p[i]`` up to ``)`` or the end:
        the union of each branch's, when every branch has some."""
        p, branches = self.p, []
        while True:
            words, i = self.sequence(i)
            branches.append(words)
            if i < len(p) and p[i] == "|":
                i += 1
                continue
            break
        if len(branches) == 1:
            return branches[0], i
        return (frozenset().union(*branches) if all(branches) else None), i

    def sequence(self, i: int) -> tuple[Words, int]:
        """The strongest required words of a sequence of items, and where it ends."""
        p, best, run = self.p, None, ""

        def consider(words: Words) -> None:
            nonlocal best
            if words and (best is None or _strength(words) > _strength(best)):
                best = words

        while i < len(p) and p[i] not in "|)":
            char, words, i = self.atom(i)
            low, high, i = _quantifier(p, i)
            if char is not None and (low, high) == (1, 1):
                run += char
                continue
            consider(frozenset([run]) if run else None)
            run = ""
            if low >= 1:
                consider(frozenset([char]) if char is not None else words)
        consider(frozenset([run]) if run else None)
        return best, i

    def atom(self, i: int) -> tuple[str | None, Words, int]:
        """One item: (its literal character as a keyword, or None; its required words; the
        position after it)."""
        p = self.p
        c = p[i]
        if c == "(":
            return self.group(i + 1)
        if c == "[":
            return self.char_class(i + 1)
        if c == "\\":
            if i + 1 >= len(p):
                raise _Unreadable(p)
            e = p[i + 1]
            if e in _CONTROL_ESCAPES:
                return _CONTROL_ESCAPES[e], None, i + 2
            if e.isdigit():  # a group reference or an octal escape, digits and all
                j = i + 2
                while j < len(p) and p[j].isdigit():
                    j += 1
                return None, None, j
            if e.isalnum() or e == "_":  # \d \s \w \b \x.. \u.... \N{..}: not a literal
                return None, None, i + 2 + _escape_length(p, i + 1)
            return self.literal(e), None, i + 2
        if c in ".^$":
            return None, None, i + 1
        return self.literal(c), None, i + 1

    def literal(self, c: str) -> str | None:
        """A character as a keyword: itself when case is kept; else ASCII or Cyrillic
        lowercased, or a letter of a script without case (Arabic, Devanagari, CJK:
        re.IGNORECASE finds it only as it is); None for others (Greek final sigma, say,
        folds otherwise in re than in str.lower)."""
        if not self.fold:
            return c
        if ord(c) < 128 or "\u0400" <= c <= "\u04ff":  # Cyrillic folds as ASCII does
            return c.lower()
        return c if c.isalpha() and c.lower() == c == c.upper() else None

    def group(self, i: int) -> tuple[str | None, Words, int]:
        """A group after its ``(``: lookarounds and comments require nothing; flags, names
        and atomic groups require what their content does."""
        p = self.p
        if p.startswith("?#", i):
            return None, None, p.index(")", i) + 1
        asserting = False
        if p.startswith("?", i):
            for prefix in ("?:", "?>", "?P<", "?=", "?!", "?<=", "?<!"):
                if p.startswith(prefix, i):
                    break
            else:
                flags = re.match(r"\?[aiLmsux-]*:", p[i:])
                if not flags or "x" in flags.group():  # verbose: white space is no literal
                    raise _Unreadable(p)
                prefix = flags.group()
            asserting = prefix in ("?=", "?!", "?<=", "?<!")
            i += len(prefix)
            if prefix == "?P<":
                i = p.index(">", i) + 1
        words, i = self.alternation(i)
        if i >= len(p) or p[i] != ")":
            raise _Unreadable(p)
        return None, (None if asserting else words), i + 1

    def char_class(self, i: int) -> tuple[str | None, Words, int]:
        """A class after its ``[``: one plain character stands for itself, others for
        nothing."""
        p, start = self.p, i
        if i < len(p) and p[i] == "^":
            i += 1
        if i < len(p) and p[i] == "]":
            i += 1
        while i < len(p) and p[i] != "]":
            i += 2 if p[i] == "\\" else 1
        if i >= len(p):
            raise _Unreadable(p)
        body = p[start:i]
        single = body if len(body) == 1 and body not in "^\\" else None
        return (self.literal(single) if single else None), None, i + 1


def _escape_length(p: str, i: int) -> int:
    """Characters after the letter of an escape at ``p[i]`` that belong to it."""
    width = {"x": 2, "u": 4, "U": 8}.get(p[i], 0)
    if p[i] == "N" and p.startswith("{", i + 1):
        width = p.index("}", i) - i
    return width


def _quantifier(p: str, i: int) -> tuple[int, int | None, int]:
    """(least, most) repetitions of the item before ``p[i]`` and where they end."""
    if i >= len(p):
        return 1, 1, i
    c = p[i]
    if c in "*+?":
        low, high, i = {"*": 0, "+": 1, "?": 0}[c], (1 if c == "?" else None), i + 1
    else:
        m = re.match(r"\{(\d*)(,?)(\d*)\}", p[i:])
        if not m or not (m.group(1) or m.group(2) or m.group(3)):  # "{}" is literal, "{,}" not
            return 1, 1, i
        low = int(m.group(1) or 0)
        high = int(m.group(3)) if m.group(3) else (None if m.group(2) else low)
        i += m.end()
    if i < len(p) and p[i] in "?+":  # lazy or possessive
        i += 1
    return low, high, i
