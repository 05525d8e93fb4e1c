"""The lexicon of sources: wire services and outlets with their aliases (data/sources.csv).

A name of one word matches case-sensitively, as written or in capitals, so "AP" never fires
on "ap" and "Tempo" never on "tempo hari"; names of several words match case-insensitively.
Every name matches as a whole word (a footnote mark may follow: "New York Times¹"), except
next to a script written without spaces, or Hangul, whose particles are glued to the name
before them: "据路透社报道", "AP通信によると", "로이터통신은".
Adding a source is adding a row to ``data/sources.csv`` (canonical, source_type, aliases).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from dedup.keywords import CASE_TWINS
from dedup.text import SCRIPTIO_CONTINUA

_UPPER = "".join(c for c in map(chr, range(0x530)) if c.isupper())
_NOT_NAMES = (
    "The|A|An|On|In|At|He|She|It|They|We|I|Ia|Dia|Mereka|Beliau|Kantor|Menurut|Senin|Selasa|"
    "Rabu|Kamis|Jumat|Sabtu|Minggu|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
_TOKEN = rf"(?!(?:{_NOT_NAMES})\b)[{_UPPER}](?:\.|[\w-]*(?:['’](?!s\b)[\w-]+)*)"  # not "Iran's"
NAME = rf"(?<!\w)(?-i:{_TOKEN}(?:\s+{_TOKEN}){{0,5}})"
# a name ends at a non-word character other than a joining hyphen ("AP-style" is no AP);
# a footnote mark may follow ("New York Times¹")
_GLUED = SCRIPTIO_CONTINUA + "\uac00-\ud7af"
#: a word character that a name may not touch: not one of the scripts that glue words.
#: Case-sensitive inside any pattern (the same characters either way: the class is closed
#: under case mapping), because under IGNORECASE ``re`` case-folds each of its 40,000 CJK
#: and Hangul code points when compiling: that was 0.5 of the 1.3 s every process spent
#: compiling the cues, which embed the lexicon's pattern, and this class twice, 60 times.
_WORD = rf"(?-i:[^\W{_GLUED}])"
_NAME_END = rf"(?:(?!{_WORD}|-\w)|(?=[\u00b9\u00b2\u00b3\u2070-\u209f]))"
#: words that join a list of sources after a cue ("Reuters dan AFP", "según Reuters y AFP",
#: "selon l'AFP et Reuters", "laut dpa und AFP", "segundo a Lusa e a Reuters"), and the
#: articles that may stand before a name in the list
_JOINERS = "and|dan|serta|y|et|und|e|ed"
_ARTICLES = "the|la|el|le|les|die|der|a|o"


@dataclass(frozen=True)
class Source:
    name: str
    source_type: str


class Lexicon:
    """The names of sources.csv: one regex for all of them, and lookups to canonical names."""

    def __init__(self, rows: Iterable[tuple[str, str, list[str]]]) -> None:
        self._exact: dict[str, Source] = {}  # one-word names, as written or in capitals
        self._folded: dict[str, Source] = {}  # names of several words, casefolded
        self._loose: dict[str, Source] = {}  # every name casefolded, for outlet columns
        for canonical, source_type, aliases in rows:
            source = Source(canonical, source_type)
            for name in (canonical, *aliases):
                self._loose[name.casefold()] = source
                if " " in name:
                    self._folded[name.casefold()] = source
                else:
                    self._exact[name] = self._exact[name.upper()] = source
        alternation = f"(?i:{_trie(self._folded)})|(?-i:{_trie(self._exact)})"
        self.pattern = rf"(?<!{_WORD})(?:{alternation}){_NAME_END}"
        self.regex = re.compile(self.pattern)
        self.list_regex = re.compile(
            rf"\s*(?:,|&|/|\b(?:{_JOINERS})\b)\s*(?:(?:{_ARTICLES})\s+|l['’]\s*)?"
            rf"(?P<src>{self.pattern})",
            re.IGNORECASE,
        )
        self._words = _NameWords.build(self._exact, self._folded)

    def may_occur(self, text: str) -> bool:
        """False only if no name can be in the text: a quick test before `regex`."""
        return self._words is None or self._words.may_occur(text)

    def lookup(self, name: str) -> Source | None:
        """The source of a name as the cue regexes match it (same case rules)."""
        name = " ".join(name.split())
        return self._exact.get(name) or self._folded.get(name.casefold())

    def canonical(self, name: str) -> Source | None:
        """The source of a name written anywhere (an outlet column): case is ignored."""
        return self._loose.get(" ".join(name.split()).casefold())

    def leading(self, name: str) -> Source | None:
        """The source a name begins with, as a whole word (same case rules as the cues): a
        wire service's desk or edition ("AFP Arabic", "Reuters UK") is the service."""
        m = self.regex.match(" ".join(name.split()))
        return self.lookup(m.group()) if m else None

    def find(self, text: str) -> Source | None:
        """The first lexicon name inside a text."""
        m = self.regex.search(text)
        return self.lookup(m.group()) if m else None


# ASCII bytes that are not \w, as blanks: an ASCII text's words are then its split()
_ASCII_WORDS = bytes(c if c >= 128 or re.match(r"\w", chr(c)) else 32 for c in range(256))


@dataclass(frozen=True)
class _NameWords:
    """The words of the lexicon names, for a test cheaper than the lexicon regex.

    A name starts and ends a word (`_WORD`, `_NAME_END`; the glued scripts are non-ASCII) and
    its spaces and other non-word characters stand as non-word characters in the text, so in
    an ASCII text every word of a name is a whole word of the text: as written for a name of
    one word (case-sensitive), in any case for a name of several. A name with a non-ASCII
    character (none of them one that re.IGNORECASE equates with an ASCII letter) is never in
    an ASCII text.
    """

    heads: frozenset[bytes]  # the longest word of every name, lowercase
    exact: dict[bytes, list[frozenset[bytes]]]  # names of one word by their longest word
    folded: dict[bytes, list[frozenset[bytes]]]  # names of several words, lowercase

    @classmethod
    def build(cls, exact: Iterable[str], folded: Iterable[str]) -> _NameWords | None:
        """None when the test would be unsound: a name without a word, or with a character
        that re.IGNORECASE equates with an ASCII letter without being one."""
        index: tuple[dict, dict] = ({}, {})
        for names, words_of, by_head in (
            (exact, lambda n: re.findall(r"\w+", n), index[0]),
            (folded, lambda n: re.findall(r"\w+", n.lower()), index[1]),
        ):
            for name in names:
                words = words_of(name)
                if not words or CASE_TWINS.search(name):
                    return None
                if name.isascii():
                    encoded = [w.encode("ascii") for w in words]
                    by_head.setdefault(max(encoded, key=len), []).append(frozenset(encoded))
        heads = frozenset(h.lower() for by_head in index for h in by_head)
        return cls(heads, *index)

    def may_occur(self, text: str) -> bool:
        """False only if no lexicon name can be in the text."""
        if not text.isascii():
            return True
        data = text.encode("ascii")
        lower = data.lower().translate(_ASCII_WORDS).split()
        if self.heads.isdisjoint(lower):
            return False
        words = set(data.translate(_ASCII_WORDS).split())
        if any(w <= words for h in words.intersection(self.exact) for w in self.exact[h]):
            return True
        words = set(lower)
        return any(w <= words for h in words.intersection(self.folded) for w in self.folded[h])


def sources_file() -> Any:
    """The lexicon file (a package resource)."""
    return resources.files("dedup") / "data" / "sources.csv"


@functools.cache
def load_lexicon() -> Lexicon:
    """The sources of data/sources.csv (all that matching and propagation need)."""
    with sources_file().open(encoding="utf-8", newline="") as f:
        rows = [
            (r["canonical"].strip(), r["source_type"].strip(), _aliases(r["aliases"]))
            for r in csv.DictReader(f)
        ]
    return Lexicon(rows)


def _aliases(field: str | None) -> list[str]:
    return [a.strip() for a in (field or "").split("|") if a.strip()]


def _trie(names: Iterable[str]) -> str:
    """One regex for many names, as a trie: a branch per character instead of per name, and
    a longer name wins over its prefix ("Associated Press of Pakistan" over "Associated Press")."""
    root: dict[str, dict] = {}
    for name in names:
        node = root
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_node(root) or "(?!)"


def _trie_node(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if ch == " " else re.escape(ch)) + _trie_node(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
