"""Cues: the patterns that name a text's source, per language (data/cues/<language>.txt).

Each cue file line is KIND <TAB> CONFIDENCE <TAB> REGEX [<TAB> SOURCE] (format in the header
of each file; every file applies to every article, so adding a language is adding a file).
Placeholders in a regex stand for lexicon names ({SRC}, {ORIGIN}, {RELAY}), any agency name
({AGENCY}: an unknown one is kept as written) and person names ({SPEAKER}, {NAME}).

Finding cues is the hot path of attribution, so each cue carries the literal words that every
match must contain (read from its regex), and a text holding none of them is not searched.
Image credits ("FOTO: AFP", "KCNA melalui REUTERS") are masked out before source cues are
sought, so a photo credit never names a text's source.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from dedup.keywords import lowered, required_words
from dedup.lexicon import NAME, Lexicon, Source, load_lexicon, sources_file
from dedup.quotes import SpeakerCues

SOURCE_KINDS = ("inline", "lede", "footer")
KINDS = (*SOURCE_KINDS, "credit", "quote_after", "quote_before")
_GROUP_ROLES = {"src": "source", "origin": "origin", "relay": "relay"}


@dataclass(frozen=True)
class Cue:
    kind: str
    confidence: float
    pattern: str  # expanded: placeholders replaced by the lexicon and name patterns
    source: str | None  # the fixed source of a cue that names none
    open_names: bool  # {AGENCY}: an unknown name is kept as written
    needs_lexicon: bool  # only lexicon names: skip texts without any
    # lowercase words one of which every match contains (dedup.keywords.required_words):
    # a text without any is skipped; None when the regex has no such words
    keywords: tuple[str, ...] | None = None

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled when first needed: the lexicon makes each pattern large, and the keyword
        tests spare most cues on most texts, so a small run compiles only what it meets."""
        return re.compile(self.pattern, re.IGNORECASE)


@dataclass(frozen=True)
class CueSet:
    lexicon: Lexicon
    cues: tuple[Cue, ...]
    speakers: SpeakerCues

    @functools.cached_property
    def _plans(self) -> dict[tuple[str, ...], tuple[tuple[Cue, ...], tuple[Cue, ...]]]:
        return {}

    def plan(self, kinds: Iterable[str]) -> tuple[tuple[Cue, ...], tuple[Cue, ...]]:
        """The cues of the given kinds, in file order: all of them, and those that need no
        lexicon name."""
        key = tuple(kinds)
        if key not in self._plans:
            chosen = tuple(c for c in self.cues if c.kind in key)
            self._plans[key] = chosen, tuple(c for c in chosen if not c.needs_lexicon)
        return self._plans[key]


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a text; offsets relative to that text."""

    kind: str
    source: str
    source_type: str
    chain_role: str
    confidence: float
    start: int
    end: int
    text: str


def _data_files() -> list[Any]:
    """The lexicon and the cue files, in a fixed order."""
    folder = resources.files("dedup") / "data" / "cues"
    cues = sorted((p for p in folder.iterdir() if p.name.endswith(".txt")), key=str)
    return [sources_file(), *cues]


@functools.cache
def cue_digest() -> str:
    """A digest of the lexicon and cue files: attributions made with others are redone."""
    digest = hashlib.sha256()
    for path in _data_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@functools.cache
def load_cues() -> CueSet:
    """The lexicon and the cues of every data/cues/*.txt file (compiled when first used)."""
    lexicon = load_lexicon()
    cues = [cue for path in _data_files()[1:] for cue in _parse_cues(path, lexicon)]
    speakers = SpeakerCues(
        after=tuple(c.regex for c in cues if c.kind == "quote_after"),
        before=tuple(c.regex for c in cues if c.kind == "quote_before"),
    )
    return CueSet(
        lexicon, tuple(c for c in cues if c.kind not in ("quote_after", "quote_before")), speakers
    )


def find_image_credits(text: str, cues: CueSet | None = None) -> list[CueMatch]:
    """Image credits in a text; one inside a longer one ("REUTERS/Name" in a chain) is dropped."""
    return credits_in(CueText(text), cues or load_cues())


def find_cues(
    text: str, kinds: Iterable[str] = SOURCE_KINDS, cues: CueSet | None = None
) -> list[CueMatch]:
    """Source cues in a text, image credits masked first so that "FOTO: AFP" never counts."""
    cues = cues or load_cues()
    t = CueText(text)
    return sources_in(t, credits_in(t, cues), tuple(kinds), cues)


def _parse_cues(path: Any, lexicon: Lexicon) -> Iterator[Cue]:
    """Cue lines of one file: KIND <TAB> CONFIDENCE <TAB> REGEX [<TAB> SOURCE]."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t") if f.strip()]
        where = f"{path.name}:{number}"
        if len(fields) not in (3, 4) or fields[0] not in KINDS:
            raise ValueError(f"{where}: expected KIND<TAB>CONFIDENCE<TAB>REGEX[<TAB>SOURCE]")
        kind, confidence, regex = fields[:3]
        try:  # the syntax is checked with the lexicon left out; the whole cue compiles later
            re.compile(_expand(regex, "(?s:.)"), re.IGNORECASE)
        except re.error as e:
            raise ValueError(f"{where}: bad regex: {e}") from e
        keywords = _keywords(regex)
        yield Cue(
            kind=kind,
            confidence=1.0 if confidence == "-" else float(confidence),
            pattern=_expand(regex, lexicon.pattern),
            source=fields[3] if len(fields) == 4 else None,
            open_names="{AGENCY}" in regex,
            needs_lexicon=any(p in regex for p in ("{SRC}", "{ORIGIN}", "{RELAY}")),
            keywords=keywords,
        )


def _expand(regex: str, names: str) -> str:
    """Replace the placeholders of a cue regex by the lexicon and name patterns."""
    return (
        regex.replace("{SRC}", f"(?P<src>{names})")
        .replace("{ORIGIN}", f"(?P<origin>{names})")
        .replace("{RELAY}", f"(?P<relay>{names})")
        .replace("{AGENCY}", f"(?P<src>{names}|{NAME})")
        .replace("{SPEAKER}", f"(?P<speaker>{NAME})")
        .replace("{NAME}", NAME)
    )


def _keywords(regex: str) -> tuple[str, ...] | None:
    """Lowercase words one of which every match of a cue contains, the lexicon names left
    out (they are tested apart, ``needs_lexicon``)."""
    return required_words(_expand(regex, "(?s:.)"))


def _matches(cue: Cue, text: str, cues: CueSet) -> Iterator[CueMatch]:
    """Every source named by every match of one cue (a list "Reuters dan AFP" gives two)."""
    for m in cue.regex.finditer(text):
        if cue.source:
            source = cues.lexicon.canonical(cue.source) or Source(cue.source, "wire")
            yield _cue_match(cue, m.start(), m.end(), source, "source", text)
            continue
        named = [(g, m.group(g)) for g in _GROUP_ROLES if g in cue.regex.groupindex and m.group(g)]
        found = [
            (_GROUP_ROLES[group], source)
            for group, name in named
            if (source := _source(cue, name, m.group(), cues.lexicon))
        ]
        end = m.end()
        if found and named[0][0] == "src" and m.end("src") == end:
            while more := cues.lexicon.list_regex.match(text, end):
                found.append(("source", cues.lexicon.lookup(more.group("src"))))
                end = more.end()
        for role, source in found:
            yield _cue_match(cue, m.start(), end, source, role, text)


def _source(cue: Cue, name: str, cue_text: str, lexicon: Lexicon) -> Source | None:
    """A matched name's source; an unknown agency keeps its name when the cue allows it."""
    source = lexicon.lookup(name)
    if source or not cue.open_names:
        return source
    return lexicon.find(cue_text) or Source(" ".join(name.split()), "wire")


def _cue_match(cue: Cue, start: int, end: int, source: Source, role: str, text: str) -> CueMatch:
    return CueMatch(
        cue.kind, source.name, source.source_type, role, cue.confidence, start, end, text[start:end]
    )


class CueText:
    """A text being scanned, with what its cue tests share: its lowercase form (for the cue
    keywords) and whether it holds a lexicon name (computed when first asked)."""

    __slots__ = ("_has_name", "lower", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower = lowered(text)  # None: no keyword test
        self._has_name: bool | None = None

    def candidates(self, kinds: Iterable[str], cues: CueSet) -> Iterator[Cue]:
        """The cues of the given kinds that may match: those needing a lexicon name only if the
        text holds one, and only if the text holds one of their keywords."""
        every, nameless = cues.plan(kinds)
        if self._has_name is None:
            lexicon = cues.lexicon
            self._has_name = lexicon.may_occur(self.text) and bool(lexicon.regex.search(self.text))
        lower = self.lower
        # the test of dedup.keywords.Keywords.admit (cue words are lowercase), written out:
        # calling it per cue took a quarter more time in this, attribution's hottest loop
        for cue in every if self._has_name else nameless:
            keywords = cue.keywords
            if keywords is None or lower is None or any(k in lower for k in keywords):
                yield cue


def credits_in(t: CueText, cues: CueSet) -> list[CueMatch]:
    """find_image_credits on a CueText."""
    found = [m for cue in t.candidates(("credit",), cues) for m in _matches(cue, t.text, cues)]
    if not found:
        return []
    kept: list[CueMatch] = []
    for m in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if not any(_inside(m, k) for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: (m.start, m.chain_role))


def sources_in(
    t: CueText, credits: list[CueMatch], kinds: Iterable[str], cues: CueSet
) -> list[CueMatch]:
    """find_cues on a CueText whose image credits are known."""
    masked = CueText(_mask(t.text, credits)) if credits else t
    found = [m for cue in masked.candidates(kinds, cues) for m in _matches(cue, masked.text, cues)]
    if not found:
        return []
    return sorted((_with_text(m, t.text) for m in found), key=lambda m: (m.start, m.kind, m.source))


def _inside(m: CueMatch, k: CueMatch) -> bool:
    """Whether m lies strictly inside k."""
    return k.start <= m.start and m.end <= k.end and (k.start, k.end) != (m.start, m.end)


def _mask(text: str, spans: Iterable[CueMatch]) -> str:
    """The text with the given spans blanked out, offsets unchanged."""
    chars = list(text)
    for m in spans:
        chars[m.start : m.end] = " " * (m.end - m.start)
    return "".join(chars)


def _with_text(m: CueMatch, text: str) -> CueMatch:
    """A match found on masked text, with its evidence taken from the original text."""
    return CueMatch(
        m.kind,
        m.source,
        m.source_type,
        m.chain_role,
        m.confidence,
        m.start,
        m.end,
        text[m.start : m.end],
    )
