"""Segment: paragraphs with offsets and roles, and sentences, for every article.

Offsets always index ``articles.text`` (0-based, end-exclusive): ``text[start:end]`` is the
paragraph or sentence. Roles come from three sources, in this order of precedence:

1. page structure: what stands before the headline is page chrome, and the short,
   unpunctuated lines after the story's last sentence are a page footer;
2. patterns kept in ``data/boilerplate/*.txt`` (one file per language, plus ``common.txt``);
3. repetition: a line printed twice in one article keeps its first role only, and (in
   ``data/outlet_templates.sql``) a line that recurs across many articles of one outlet is
   that outlet's template.

:func:`segment_articles` turns new articles into the rows of ``articles``, ``paragraphs``,
``sentences`` and ``units`` (a sentence and its clauses, the passages that are fingerprinted).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files

import polars as pl

from dedup import fingerprint, metadata
from dedup.keywords import Keywords, keywords_of, lowered
from dedup.readers import Article
from dedup.text import TERMINATORS, count_words, norm_hash, normalise, shingled_length

HEADLINE, BODY, CAPTION, BOILERPLATE = "headline", "body", "caption", "boilerplate"
ROLES = (HEADLINE, BODY, CAPTION, BOILERPLATE)

#: the sentence terminators (text.TERMINATORS) that end a sentence without a following space
UNSPACED_TERMINATORS = "。！？။།។"
#: closing characters that stay with the sentence they close
CLOSERS = "\"'”’»」』)]）"
QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“", "「": "」", "『": "』", "‹": "›"}
#: a line in a link list or page footer: at most this many words and no final punctuation
LINK_LINE_MAX_WORDS = 20
FOOTER_LINE_MAX_WORDS = 6
#: hard-wrapped text (Reuters-21578 bodies): lines no longer than this, mostly full width
WRAP_MAX_WIDTH = 90
WRAP_FULL_SHARE = 0.6

_SPECIAL = re.compile(
    "[" + re.escape(TERMINATORS + '"' + "".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values())) + "]"
)
_NON_SPACE = re.compile(r"\S")
_LETTER = re.compile(r"[^\W\d_]")
#: the first letter after a terminator, its closers, space and opening quotes
_SENTENCE_START = re.compile(
    f"[{re.escape(TERMINATORS)}][{re.escape(CLOSERS)}]*\\s+[^\\w\\s]*([^\\W\\d_])"
)
_END_PUNCT = tuple(TERMINATORS) + ("”", '"', "’", "»", ")")


@dataclass(frozen=True)
class Paragraph:
    seq: int
    start: int
    end: int
    role: str
    reason: str
    #: the normalised text (:func:`dedup.text.normalise`), what repeats are compared on
    key: str


@dataclass(frozen=True)
class Pattern:
    kind: str
    regex: re.Pattern[str]
    source: str


@cache
def boilerplate_patterns() -> tuple[Pattern, ...]:
    """All boilerplate patterns from the data files (every language: they are anchored)."""
    patterns = []
    for entry in sorted(files("dedup").joinpath("data/boilerplate").iterdir(), key=str):
        if not entry.name.endswith(".txt"):
            continue
        for lineno, line in enumerate(entry.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            kind, _, regex = line.partition("\t")
            if kind not in ("line", "list", "caption") or not regex:
                raise ValueError(f"{entry.name}:{lineno}: want KIND<TAB>REGEX, got {line!r}")
            flags = 0 if kind == "caption" else re.IGNORECASE
            patterns.append(Pattern(kind, re.compile(regex, flags), f"{entry.name}:{lineno}"))
    return tuple(patterns)


@cache
def abbreviations() -> frozenset[str]:
    text = files("dedup").joinpath("data/abbreviations.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_wrapped(lines: list[str]) -> bool:
    """A block of hard-wrapped lines: several lines, mostly close to one full width."""
    widths = [len(line.strip()) for line in lines]
    if len(lines) < 3 or max(widths) > WRAP_MAX_WIDTH:
        return False
    full = sum(w >= WRAP_FULL_SHARE * max(widths) for w in widths[:-1])
    return full >= 0.8 * (len(lines) - 1)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: each line is a paragraph, except in hard-wrapped blocks, where a
    paragraph runs until a blank line or an indented line (the Reuters wire convention)."""
    spans: list[tuple[int, int]] = []
    block: list[tuple[int, str]] = []  # (offset, line) of the current non-blank run

    def flush() -> None:
        if not block:
            return
        lines = [line for _, line in block]
        if _is_wrapped(lines):
            cut = [0] + [
                i for i in range(1, len(block)) if _indent(lines[i]) > _indent(lines[i - 1])
            ]
            groups = [block[a:b] for a, b in zip(cut, cut[1:] + [len(block)], strict=True)]
        else:
            groups = [[item] for item in block]
        for group in groups:
            start, end = group[0][0], group[-1][0] + len(group[-1][1])
            span = _strip_span(text, start, end)
            if span[0] < span[1]:
                spans.append(span)
        block.clear()

    offset = 0
    for line in text.split("\n"):
        if line.strip():
            block.append((offset, line))
        else:
            flush()
        offset += len(line) + 1
    flush()
    return spans


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_END_PUNCT)


def _match(text: str) -> Pattern | None:
    """The first pattern (in file order) that matches. The common case, a body paragraph
    that matches none, is ruled out by one combined match of the patterns anchored at the
    start, and for each other pattern by its keywords (searching every position of every
    paragraph for a caption took a third of segmentation)."""
    anchored, others = _pattern_groups()
    if not anchored.match(text):
        lower = lowered(text)
        if not any(k.admit(text, lower) and p.regex.search(text) for p, k in others):
            return None
    for pattern in boilerplate_patterns():
        if pattern.regex.search(text):
            return pattern
    return None


@cache
def _pattern_groups() -> tuple[re.Pattern[str], tuple[tuple[Pattern, Keywords], ...]]:
    anchored = [p for p in boilerplate_patterns() if p.regex.pattern.startswith("^")]
    parts = [
        f"(?i:{p.regex.pattern})" if p.kind != "caption" else p.regex.pattern for p in anchored
    ]
    others = tuple((p, keywords_of(p.regex)) for p in boilerplate_patterns() if p not in anchored)
    return re.compile("|".join(parts) or "(?!)"), others


def segment_paragraphs(text: str, title: str | None) -> list[Paragraph]:
    """Paragraphs of one article with a role and the rule that gave it."""
    spans = paragraph_spans(text)
    bodies = [text[s:e] for s, e in spans]
    keys = [normalise(b) for b in bodies]
    roles: list[tuple[str, str] | None] = [None] * len(spans)

    title_key = normalise(title) if title else ""
    headline = next((i for i, k in enumerate(keys) if title_key and k == title_key), None)
    if headline is not None:
        roles[headline] = (HEADLINE, "title")
        for i in range(headline):
            roles[i] = (BOILERPLATE, "before headline")

    in_list = False
    for i, body in enumerate(bodies):
        if roles[i] is not None:
            continue
        pattern = _match(body)
        if pattern is not None:
            in_list = pattern.kind == "list"
            role = CAPTION if pattern.kind == "caption" else BOILERPLATE
            roles[i] = (role, f"pattern {pattern.source}")
        elif in_list and not _ends_sentence(body) and count_words(body) <= LINK_LINE_MAX_WORDS:
            roles[i] = (BOILERPLATE, "link list")
        else:
            in_list = False

    _mark_repeats(keys, roles)
    _mark_footer(bodies, roles)
    return [
        Paragraph(i, s, e, *(roles[i] or (BODY, "default")), keys[i])
        for i, (s, e) in enumerate(spans)
    ]


def _mark_repeats(keys: list[str], roles: list[tuple[str, str] | None]) -> None:
    """A line printed twice keeps its first role; printed back to back, the first copy of an
    unclassified line is a caption (image caption followed by its alt text)."""
    seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in seen:
            first = seen[key]
            if roles[first] is None and first == i - 1:
                roles[first] = (CAPTION, "printed twice in a row")
            if roles[i] is None or roles[i][0] != BOILERPLATE:
                roles[i] = (BOILERPLATE, "repeated in article")
        elif key:
            seen[key] = i


def _mark_footer(bodies: list[str], roles: list[tuple[str, str] | None]) -> None:
    """Short unpunctuated lines after the story's last sentence are a page footer."""
    for i in range(len(bodies) - 1, -1, -1):
        body = bodies[i]
        if roles[i] is not None and roles[i][0] == BOILERPLATE:
            continue
        if _ends_sentence(body) or count_words(body) > FOOTER_LINE_MAX_WORDS:
            return
        if roles[i] is None:
            roles[i] = (BOILERPLATE, "page footer")


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as article offsets.

    A sentence ends at a terminator (Latin, Arabic-script and CJK) followed by space or the
    end, unless inside a quotation or after a known abbreviation or an initial. If quotes do
    not balance, the paragraph is split again ignoring them, so one stray mark cannot glue
    a paragraph into a single sentence.
    """
    capitals = _Capitals(text, start, end)
    spans = _split(text, start, end, capitals, track_quotes=True)
    if spans is None:
        spans = _split(text, start, end, capitals, track_quotes=False)
    return [s for s in (_strip_span(text, a, b) for a, b in spans) if s[0] < s[1]]


def _split(
    text: str, start: int, end: int, capitals: _Capitals, track_quotes: bool
) -> list[tuple[int, int]] | None:
    """Sentence spans, or None when quotation marks do not balance. Only the characters
    that matter (terminators and quotation marks) are visited, found by one regex."""
    spans: list[tuple[int, int]] = []
    stack: list[str] = []
    sent_start = start
    skip_to = start
    for m in _SPECIAL.finditer(text, start, end):
        i = m.start()
        if i < skip_to:
            continue
        ch = text[i]
        if track_quotes:
            if stack and ch == stack[-1]:
                stack.pop()
            elif ch in QUOTE_PAIRS:
                stack.append(QUOTE_PAIRS[ch])
            elif ch == '"':
                stack.append('"')
        if ch in TERMINATORS and not stack:
            j = i + 1
            while j < end and text[j] in TERMINATORS:
                j += 1
            while j < end and text[j] in CLOSERS:
                j += 1
            if _is_boundary(text, sent_start, i, j, end, capitals):
                spans.append((sent_start, j))
                sent_start = j
            skip_to = j
    if stack:
        return None
    if sent_start < end:
        spans.append((sent_start, end))
    return spans


def _is_boundary(
    text: str, sent_start: int, term: int, after: int, end: int, capitals: _Capitals
) -> bool:
    """Whether the terminator at ``term`` (closers up to ``after``) ends the sentence."""
    if after >= end:
        return True
    if text[term] in UNSPACED_TERMINATORS:
        return True
    if not text[after].isspace():
        return False
    if text[term] != ".":
        return True
    word_start = term
    while word_start > sent_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:term].casefold().lstrip("(\"'“‘")
    if word in abbreviations() or re.fullmatch(r"(\w\.)*\w", word) and len(word) <= 1:
        return False
    if re.fullmatch(r"(\w\.)+\w", word):  # u.s, a.m, e.g
        return False
    nxt = m.group() if (m := _NON_SPACE.search(text, after, end)) else ""
    return not (nxt.islower() and nxt in capitals)


def _script(letter: str) -> str:
    """A letter's script, as the first word of its Unicode name ("LATIN", "GEORGIAN")."""
    return unicodedata.name(letter, "").partition(" ")[0]


class _Capitals:
    """The scripts whose capitals start the sentences of a paragraph (``letter in
    capitals``): its first letter, and the first letter after each terminator and space,
    when upper or title case; read once, when first asked. Only in such a script does a
    lower-case letter after a full stop say that the sentence goes on (an abbreviation the
    list lacks). Georgian is written in lower-case letters alone (Mkhedruli is category Ll),
    and so is some crawled text; a capital inside a sentence (an acronym, a Latin name in a
    Georgian paragraph) says nothing of how its sentences start."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end

    @cached_property
    def scripts(self) -> set[str]:
        first = _LETTER.search(self.text, self.start, self.end)
        starts = {m.group(1) for m in _SENTENCE_START.finditer(self.text, self.start, self.end)}
        starts |= {first.group()} if first else set()
        return {_script(c) for c in starts if c.isupper() or c.istitle()}

    def __contains__(self, letter: str) -> bool:
        return _script(letter) in self.scripts


# ---------------------------------------------------------------- rows of new articles

_PARAGRAPH_SCHEMA = {
    "paragraph_id": pl.String, "article_id": pl.String, "seq": pl.Int32, "char_start": pl.Int32,
    "char_end": pl.Int32, "role": pl.String, "role_reason": pl.String, "base_role": pl.String,
    "base_reason": pl.String, "text": pl.String, "norm_key": pl.UInt64,
}  # fmt: skip
_SENTENCE_COLUMNS = ["sentence_id", "paragraph_id", "article_id", "seq", "char_start", "char_end"]
_UNIT_SCHEMA = {
    "sentence_id": pl.String,
    "paragraph_id": pl.String,
    "article_id": pl.String,
    "unit_kind": pl.String,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "norm_hash": pl.UInt64,
}


#: what an article carries for the ingest stage's rejects, not for its table
_NOT_STORED = ("warnings", "where")


def fill_language(art: Article) -> None:
    """Guess a missing language from the text (cross-language tracing needs it), saying so
    in ``metadata_source``."""
    if not art.language and (language := metadata.guess_language(art.text)):
        art.language = language
        art.note_sources({"language": "py3langid"})


def segment_articles(
    articles: list[Article], settings: fingerprint.FingerprintSettings
) -> dict[str, pl.DataFrame]:
    """Rows for articles, paragraphs, sentences and units of new articles.

    A paragraph's ``norm_key`` is the hash of its normalised text (repeated lines and outlet
    templates are counted on 8 bytes, not on a second copy of the text)."""
    art_rows, par_rows, sen_rows, unit_rows = [], [], [], []
    for art in articles:
        fill_language(art)
        art_rows.append({k: v for k, v in art.__dict__.items() if k not in _NOT_STORED})
        text = art.text
        for p in segment_paragraphs(text, art.title):
            pid = f"{art.article_id}/{p.seq}"
            body, key = text[p.start : p.end], p.key
            par_rows.append(
                (pid, art.article_id, p.seq, p.start, p.end, p.role, p.reason, p.role, p.reason,
                 body, norm_hash(key) if key else None)
            )  # fmt: skip
            for k, (s, e) in enumerate(sentence_spans(text, p.start, p.end)):
                sid = f"{pid}/{k}"
                sen_rows.append((sid, pid, art.article_id, k, s, e))
                if p.role in (HEADLINE, BODY):
                    unit_rows.extend(_units(text, sid, pid, art.article_id, s, e, settings))
    return {
        "articles": pl.DataFrame(art_rows, infer_schema_length=None),
        "paragraphs": pl.DataFrame(par_rows, schema=_PARAGRAPH_SCHEMA, orient="row"),
        "sentences": pl.DataFrame(sen_rows, schema=_SENTENCE_COLUMNS, orient="row"),
        "units": pl.DataFrame(unit_rows, schema=_UNIT_SCHEMA, orient="row"),
    }


def _units(
    text: str, sid: str, pid: str, aid: str, s: int, e: int, fp: fingerprint.FingerprintSettings
) -> list[tuple]:
    """The sentence and its clauses, each long enough to be fingerprinted."""
    spans = [("sentence", s, e)] + [
        ("clause", a, b) for a, b in fingerprint.clause_spans(text, s, e, fp.clause_min_chars)
    ]
    out = []
    for kind, a, b in spans:
        norm = normalise(text[a:b])
        if shingled_length(norm) >= fp.min_chars:
            out.append((sid, pid, aid, kind, a, b, norm_hash(norm)))
    return out
