"""Bilingual lexicons and affix folding: which words of two languages carry one meaning.

Reads and writes no table. The data lives in ``data/lexicons``: ``<a>-<b>.tsv`` holds rows
``<word of a>\\t<word of b>`` (lower case, one sense a row), ``<lang>.affixes`` the affixes
a language's words carry. Adding a language pair is adding a ``.tsv`` file (and, for a
language with rich affixes, its ``.affixes`` file); no code changes.

Why concepts: a row says two words can translate each other; rows that share a word on
either side are one concept (union-find), so "said", "says" and "stated" meet "mengatakan",
"kata" and "menyatakan". A token's concept is looked up by its own form first, then by the
forms its affixes can be stripped to (shortest stripping first), so the lexicon lists roots
and the forms news uses most, and "dikatakannya" still finds "kata".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

LEXICONS = Path(str(resources.files("dedup") / "data" / "lexicons"))
#: at most this many affixes are stripped from one word (a prefix, a suffix and a particle:
#: "di-per-baik-i-nya"); more only manufactures false roots
MAX_STRIPS = 3


@dataclass(frozen=True)
class Affixes:
    """A language's strippable prefixes and suffixes, each with what the stem may regain
    (Indonesian "meng-" before a vowel hides a "k": mengatakan < kata)."""

    prefixes: tuple[tuple[str, str], ...]
    suffixes: tuple[tuple[str, str], ...]
    min_stem: int

    @cached_property
    def by_first(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """The prefix rules by the letter they start with, in file order: a word is tried
        against its own letter's rules only (stemming is a hot path of translate)."""
        return _by_letter(self.prefixes, 0)

    @cached_property
    def by_last(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """The suffix rules by the letter they end with, in file order."""
        return _by_letter(self.suffixes, -1)


def _by_letter(rules: tuple[tuple[str, str], ...], at: int) -> dict[str, tuple]:
    out: dict[str, list[tuple[str, str]]] = {}
    for rule in rules:
        out.setdefault(rule[0][at], []).append(rule)
    return {letter: tuple(group) for letter, group in out.items()}


@cache
def affixes(lang: str, folder: Path = LEXICONS) -> Affixes:
    """The affix rules of a language (none when it has no ``.affixes`` file)."""
    path = folder / f"{lang}.affixes"
    prefixes: list[tuple[str, str]] = []
    suffixes: list[tuple[str, str]] = []
    min_stem = 3
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            if fields[0] == "min_stem":
                min_stem = int(fields[1])
            else:
                rule = (fields[1], fields[2] if len(fields) > 2 else "")
                (prefixes if fields[0] == "prefix" else suffixes).append(rule)
    return Affixes(tuple(prefixes), tuple(suffixes), min_stem)


@cache
def stems(lang: str, word: str) -> tuple[str, ...]:
    """The word and the stems its affixes can be stripped to, fewest strips first."""
    rules = affixes(lang)
    found = [word]
    frontier = [word]
    for _ in range(MAX_STRIPS):
        nxt = []
        for w in frontier:
            if not w:
                continue
            for strip, regain in rules.by_first.get(w[0], ()):
                if w.startswith(strip) and len(w) - len(strip) + len(regain) >= rules.min_stem:
                    nxt.append(regain + w[len(strip) :])
            for strip, regain in rules.by_last.get(w[-1], ()):
                if w.endswith(strip) and len(w) - len(strip) + len(regain) >= rules.min_stem:
                    nxt.append(w[: len(w) - len(strip)] + regain)
        frontier = [w for w in dict.fromkeys(nxt) if w not in found]
        found.extend(frontier)
    return tuple(found)


class Lexicon:
    """Concept ids shared by the words of two languages (see the module docstring)."""

    def __init__(self, pair: tuple[str, str], rows: list[tuple[str, str]]) -> None:
        self.pair = pair
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def root(x: tuple[str, str]) -> tuple[str, str]:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in rows:
            ra, rb = root((pair[0], a)), root((pair[1], b))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        roots = sorted({root(x) for x in parent})
        number = {r: i for i, r in enumerate(roots)}
        self._words = {x: number[root(x)] for x in parent}

    @classmethod
    def load(cls, lang_a: str, lang_b: str, folder: Path = LEXICONS) -> Lexicon | None:
        """The lexicon of a language pair, in either order (None when there is none)."""
        return _load(*sorted((lang_a, lang_b)), folder)

    def concept(self, lang: str, token: str) -> int | None:
        """The concept of one token: its own form, else its first stem the lexicon holds."""
        words = self._words
        for stem in stems(lang, token.lower()):
            if (c := words.get((lang, stem))) is not None:
                return c
        return None


def read_rows(path: Path) -> list[tuple[str, str]]:
    """The ``(a, b)`` rows of a lexicon file; comment and blank lines skipped."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not all(f.strip() for f in fields):
            raise ValueError(f"{path.name} line {number}: expected '<word>\\t<word>'")
        rows.append((fields[0].strip().lower(), fields[1].strip().lower()))
    return rows


@cache
def _load(lang_a: str, lang_b: str, folder: Path) -> Lexicon | None:
    for a, b in ((lang_a, lang_b), (lang_b, lang_a)):
        path = folder / f"{a}-{b}.tsv"
        if path.exists():
            return Lexicon((a, b), read_rows(path))
    return None


def languages(folder: Path = LEXICONS) -> list[tuple[str, str]]:
    """The language pairs that have a lexicon file."""
    return sorted(tuple(p.stem.split("-", 1)) for p in folder.glob("*-*.tsv"))
