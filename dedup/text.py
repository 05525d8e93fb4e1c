"""Text keys shared by every stage: one normaliser and one tokenizer.

Two passages are "the same text" for fingerprinting, repeated-line detection and quote
trails when their :func:`normalise` forms are equal; alignment and the report's highlights
cut text into the same :func:`tokens`. Keeping both here means the report can never
highlight words that the alignment did not match, and a new script is handled everywhere
at once.

Word characters are letters, digits and combining marks (Unicode categories L, N, M). The
marks matter: in Devanagari, Bengali, Tamil or Thai a vowel sign is a mark, and a rule built
on Python's ``\\w`` (which excludes marks) would cut "मोदी" into "म" and "द". Scripts written
without spaces (Thai, kana, CJK ideographs) give one token per character, since a word
boundary cannot be seen there; the marks that follow a character stay with it (a Thai vowel
sign or tone mark is not a token of its own).

Keys also fold what keyboards and web pages vary (``data/characters.tsv``: invisible
characters inside words, Arabic-script letter variants, optional vowel marks) and read
every script's digits as ASCII ones, so "پاکستان" typed on an Arabic keyboard, or "۲۰۲۴",
meets its other spelling. Offsets always index the text as written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache
from importlib.resources import files
from itertools import chain, groupby

import polars as pl

#: characters that end a sentence: Latin, CJK, Arabic and Urdu, the danda of the Indic
#: scripts, Armenian, Ethiopic, Myanmar, Tibetan and Khmer
TERMINATORS = ".!?…‼⁇⁈⁉。！？۔؟।॥։።။།។"
#: kana and CJK ideographs: a syllable or a word each, not a letter (the kana block's
#: voicing marks U+3099-309C are left out: a mark stays with the kana before it)
KANA_CJK = "\u3040-\u3098\u309d-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: the alphabetic scripts written without spaces (Thai, Lao, Myanmar, Khmer): a letter each
UNSPACED_LETTERS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
#: scripts written without spaces (Thai, Lao, Myanmar, Khmer, kana, CJK ideographs): one
#: token per character, with the marks that follow it
SCRIPTIO_CONTINUA = UNSPACED_LETTERS + KANA_CJK


#: the code points character classes are read from: the first two planes and the tags and
#: variation selectors of plane 14, where marks and cased letters live
CLASS_RANGES = ((0, 0x20000), (0xE0000, 0xE1000))


@cache
def _category_runs() -> list[tuple[str, int, int]]:
    """(category, first, last) runs of the code points of CLASS_RANGES (read once for every
    class)."""
    runs: list[tuple[str, int, int]] = []
    for start, end in CLASS_RANGES:
        # grouped in C: every command pays this at start (0.03 s, against 0.06-0.09 s for
        # a Python step per code point)
        first = start
        for category, group in groupby(map(unicodedata.category, map(chr, range(start, end)))):
            last = first + len(list(group)) - 1
            runs.append((category, first, last))
            first = last + 1
    return runs


@cache
def char_class(categories: tuple[str, ...]) -> str:
    """Every character of the given Unicode categories ("M" for every mark, "Lu" for
    upper-case letters) as character-class ranges (see :func:`_category_runs`)."""
    ranges: list[tuple[int, int]] = []
    for category, first, last in _category_runs():
        if category.startswith(categories):
            if ranges and ranges[-1][1] == first - 1:
                ranges[-1] = (ranges[-1][0], last)
            else:
                ranges.append((first, last))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


def _read_folds() -> dict[int, str | None]:
    """``data/characters.tsv``: code point -> its replacement (None: deleted)."""
    folds: dict[int, str | None] = {}
    lines = files("dedup").joinpath("data/characters.tsv").read_text("utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        fields = line.split("#", 1)[0].rstrip().split("\t")
        if not fields[0]:
            continue
        try:
            first, _, last = fields[0].partition("..")
            codes = range(int(first[2:], 16), int((last or first)[2:], 16) + 1)
            to = "".join(chr(int(c[2:], 16)) for c in fields[1].split()) if len(fields) > 1 else ""
        except ValueError:
            want = "U+XXXX[..U+YYYY] TAB [U+XXXX]"
            raise ValueError(f"characters.tsv line {number}: expected {want}") from None
        folds.update(dict.fromkeys(codes, to or None))
    return folds


_FOLDS = _read_folds()
#: what the folds are (not how the file is written): a database records the one its keys
#: were made with, and refuses to grow with another
FOLDS_DIGEST = hashlib.sha256(repr(sorted(_FOLDS.items())).encode()).hexdigest()[:16]
#: deleted characters that are no letter or mark (soft hyphen, joiners, direction marks):
#: a token runs across them, as the same word written without them is one token
_INVISIBLE = "".join(
    re.escape(chr(c))
    for c, to in _FOLDS.items()
    if to is None and unicodedata.category(chr(c)) == "Cf"
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_MARKS = char_class(("M",))
#: a token: one character of a script written without spaces and its marks (an invisible
#: character before a mark does not cut it off), else a run of letters, digits and marks
#: (and the invisible characters between them). ASCII text takes
#: the plain class (no marks there), which is a single negated class and several times
#: faster than the alternation the marks need.
TOKEN_RE = re.compile(
    rf"[{SCRIPTIO_CONTINUA}](?:[{_INVISIBLE}]*[{_MARKS}])*"
    rf"|(?:[^\W_{SCRIPTIO_CONTINUA}]|[{_MARKS}])(?:[^\W_{SCRIPTIO_CONTINUA}]|[{_MARKS}{_INVISIBLE}])*"
)
_ASCII_TOKEN_RE = re.compile(r"[^\W_]+")
#: a run of characters that are not word characters (the separators of :func:`normalise`)
_SEPARATORS = re.compile(rf"(?:[^\w{_MARKS}]|_)+")
#: ASCII letters and digits stay, every other byte becomes a space
_ASCII_FOLD = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))


class _Separators(dict):
    """The ``str.translate`` table of :func:`ascii_separators`, filled as characters come."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        if _INVISIBLE_RE.match(ch):  # inside a word: gone, as from its keys
            self[code] = None
            return None
        kept = (
            code < 128
            or ch.isalnum()
            or ch == "_"
            or unicodedata.category(ch).startswith("M")
            or _CONTINUA.match(ch)
        )
        self[code] = value = code if kept else 32 if ch.isspace() else 35
        return value


_CONTINUA = re.compile(f"[{SCRIPTIO_CONTINUA}]")
_SEPARATOR_TABLE = _Separators()


class _KeyChars(dict):
    """The ``str.translate`` table of key folding, filled as characters come: the folds
    of ``data/characters.tsv``, and every other script's decimal digits as ASCII ones."""

    def __missing__(self, code: int) -> int | str | None:
        value: int | str | None = code
        if code in _FOLDS:
            value = _FOLDS[code]
        elif code > 127 and (digit := unicodedata.decimal(chr(code), None)) is not None:
            value = str(digit)
        self[code] = value
        return value


_KEY_TABLE = _KeyChars()
#: a character :func:`fold_chars` changes (most texts have none: one search rules them out):
#: a listed one, or a digit other than 0-9 (one class, twice as fast as a lookahead)
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in _FOLDS) + "]|[^\\D0-9]")
#: whether some ASCII character is listed; if not, ASCII text has nothing to fold
_ASCII_FOLDS = any(c < 128 for c in _FOLDS)


def fold_chars(text: str) -> str:
    """``text`` with the characters of ``data/characters.tsv`` folded and every script's
    digits written as ASCII ones (for keys: lengths change)."""
    if text.isascii() and not _ASCII_FOLDS:  # most news text: a check 300 times faster
        return text
    return text.translate(_KEY_TABLE) if _FOLDABLE.search(text) else text


def ascii_separators(text: str) -> str:
    """``text`` with each non-ASCII character that separates words (curly quotes, dashes,
    no-break spaces) written as an ASCII one of the same class for every regex here and in
    :mod:`dedup.anchors`: white space as a space, any other as ``#``; the invisible
    characters of ``data/characters.tsv`` deleted. Word characters, marks and scripts
    without spaces are kept, so token keys and numbers read the same, and a text whose
    only non-ASCII characters were separators takes the ASCII paths (for keys: lengths
    change)."""
    return text.translate(_SEPARATOR_TABLE)


def ascii_texts(texts: pl.DataFrame) -> pl.DataFrame:
    """``texts`` with column ``ascii``: whether its text is ASCII once its non-ASCII
    separators are (:func:`ascii_separators`, applied to the texts they change;
    the rows come in another order)."""
    other = pl.col("text").str.contains(r"[^\x00-\x7F]")
    rest = texts.filter(other)
    rest = rest.with_columns(
        text=pl.Series([ascii_separators(t) for t in rest["text"]], dtype=pl.String)
    )
    return pl.concat([texts.filter(~other), rest]).with_columns(
        ascii=~pl.col("text").str.contains(r"[^\x00-\x7F]")
    )


def normalise(text: str) -> str:
    """NFKC, case folded, every run of non-word characters one space, stripped.

    ASCII text (most Latin-script news) takes a byte-level path with the same result three
    times faster: NFKC is the identity there and case folding is lower-casing.
    """
    if text.isascii():
        return " ".join(text.encode().lower().translate(_ASCII_FOLD).decode().split())
    return _SEPARATORS.sub(" ", _nfkc_folded(text).casefold()).strip()


def _nfkc_folded(text: str) -> str:
    """NFKC, then :func:`fold_chars`; the invisible characters go first, so that what they
    separated composes (folding letters after NFKC sees what it composed: yeh and a
    hamza typed apart become one letter, which folds as the letter typed whole does)."""
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    return fold_chars(unicodedata.normalize("NFKC", text))


_DENSE = re.compile(f"[{KANA_CJK}]")
DENSE_MARK = "\x00"  # never in a normalised text (control characters become spaces)


def shingle_form(norm: str) -> str:
    """A normalised passage as character n-grams see it: each kana or ideograph followed by
    a mark, so that it counts as two characters. Counted one each, five of them (a
    fingerprint shingle) span three or four Chinese words, as seven or more letters would
    in Latin script; doubled, a 5-gram holds two or three of them, a 4-gram two."""
    return norm if norm.isascii() else _DENSE.sub(f"\\g<0>{DENSE_MARK}", norm)


def shingled_length(norm: str) -> int:
    """The length of :func:`shingle_form` of a normalised passage, what the fingerprint
    stage's minimum lengths are counted in."""
    return len(norm) if norm.isascii() else len(norm) + len(_DENSE.findall(norm))


def norm_hash(norm: str) -> int:
    """A stable 64-bit id of a normalised text (equal texts are stored and signed once)."""
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little")


def token_re(text: str) -> re.Pattern[str]:
    """The token regex for a text: the fast ASCII one when the text allows it."""
    return _ASCII_TOKEN_RE if text.isascii() else TOKEN_RE


def token_keys(text: str) -> list[str]:
    """The tokens of a text as compared: NFKC, case folded (:func:`fold`)."""
    if text.isascii():  # NFKC leaves ASCII alone, and casefold is lower there
        return _ASCII_TOKEN_RE.findall(text.lower())
    return [fold(t) for t in TOKEN_RE.findall(text)]


def tokens(text: str) -> list[str]:
    """The tokens of a text as written (their keys are :func:`fold` of each)."""
    return token_re(text).findall(text)


def fold(token: str) -> str:
    """A token's key: NFKC, case folded, its characters folded (:func:`fold_chars`; a
    token that is nothing but deleted characters, a lone tatweel say, keeps them)."""
    if token.isascii():
        return token.lower()
    return (_nfkc_folded(token) or unicodedata.normalize("NFKC", token)).casefold()


def token_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the tokens of ``text[start:end]`` (in ``text``), in the order of
    :func:`token_keys`."""
    end = len(text) if end is None else end
    return [m.span() for m in token_re(text[start:end]).finditer(text, start, end)]


def word_keys(text: str) -> list[str]:
    """Token keys with the characters of scripts written without spaces joined up: each
    key with the next one of that script, and in Thai, Lao, Myanmar and Khmer also with the
    next two. For evidence that needs word-like units: one ideograph or Thai letter is too
    common to be rare, and a pair of ideographs is close to a word. A pair of those
    alphabets' letters is about a syllable, and a language's syllables are few enough that
    an article on any subject holds most of its common ones; three letters (a syllable and
    the start of the next, a short word) are as specific as a word. Measured on clough
    re-spelled in Thai letters (``make eval``): with pairs alone retrieval ranked the
    source first for 46 of 57 derived answers, each of the others ranking first one of the
    two longest sources, which held the most pairs; with triples too, 56, as in English."""
    keys = token_keys(text)
    if text.isascii() or not _CONTINUA.search(text):
        return keys
    glued = [bool(_CONTINUA.match(k)) for k in keys]
    letters = [g and bool(_LETTER.match(k)) for k, g in zip(keys, glued, strict=True)]
    return (
        [k for k, g in zip(keys, glued, strict=True) if not g]
        + _joined(keys, glued, 2)
        + _joined(keys, letters, 3)
    )


def _joined(keys: list[str], flags: list[bool], n: int) -> list[str]:
    """Each run of ``n`` adjacent keys that are all flagged, joined."""
    runs = zip(*(keys[k:] for k in range(n)), strict=False)
    marks = zip(*(flags[k:] for k in range(n)), strict=False)
    return ["".join(run) for run, mark in zip(runs, marks, strict=False) if all(mark)]


#: the most words a token may run together for :func:`split_run_together` to split it: Urdu
#: typists leave out the spaces of short word groups ("کرےگی", "کاروبارکےدوران")
RUN_WORDS = 4


def word_runs(keys: list[str]) -> dict[str, tuple[str, ...]]:
    """Each run of two to ``RUN_WORDS`` adjacent keys, joined, to its keys (the fewest,
    where runs of two lengths join alike). Built in C (zip, map, dict.update): it runs per
    sentence pair that may hold a word run together."""
    runs: dict[str, tuple[str, ...]] = {}
    for n in range(RUN_WORDS, 1, -1):  # shorter runs last: they overwrite
        found = list(zip(*(keys[k:] for k in range(n)), strict=False))
        runs.update(zip(map("".join, found), found, strict=True))
    return runs


class WrittenApart:
    """A text's keys, sentence by sentence, as :func:`split_run_together` reads the other
    text of a pair: their set, and each sentence's runs of adjacent keys joined
    (:func:`word_runs`), made once."""

    __slots__ = ("sentences", "known", "_runs")

    def __init__(self, sentences: list[list[str]]) -> None:
        self.sentences = sentences
        self.known = frozenset(chain.from_iterable(sentences))
        self._runs: dict[str, tuple[str, ...]] | None = None

    def runs(self) -> dict[str, tuple[str, ...]]:
        if self._runs is None:
            self._runs = {}
            for keys in self.sentences:  # runs never cross sentences
                self._runs.update(word_runs(keys))
        return self._runs


def split_run_together(
    keys: list[str], known: frozenset[str], other: WrittenApart
) -> tuple[list[str], list[int]] | None:
    """``keys`` (their set ``known``) with each key that the other text never writes but
    writes as two or more adjacent words (up to ``RUN_WORDS``) split into those words, and
    the index in ``keys`` of each one's token (a split token's parts share it); None when no
    key is split.

    Why: a typist who leaves out a space (as Urdu and Persian typists often do after a
    letter that does not join the next one, or Indonesian "dirumah" for "di rumah") makes
    one token of two; a copied sentence with such a word was two runs of equal tokens."""
    unknown = known - other.known
    if not unknown:
        return None
    runs = other.runs()
    if unknown.isdisjoint(runs):
        return None
    out, where = [], []
    for i, key in enumerate(keys):
        split = runs.get(key, (key,)) if key in unknown else (key,)
        out.extend(split)
        where.extend([i] * len(split))
    return out, where


#: the Arabic block: the script whose tokens :func:`open_ends` cuts
OPEN_END_SCRIPT = "\u0600-\u06ff"
#: an Arabic-script letter that does not join the next one (Unicode joining type R, and the
#: hamzas, type U) with a letter after it: a space there is invisible, so Urdu and Persian
#: typists often leave it out and two words become one token. Keys are folded, so some of
#: these (the alef variants of data/characters.tsv) never reach it; the Arabic Supplement
#: and Extended blocks' letters of type R (Pashto, Sindhi, African scripts) are not here.
_OPEN_END = re.compile(
    "[\u0621-\u0625\u0627\u0629\u062f-\u0632\u0648\u0671-\u0677"
    "\u0688-\u0699\u06c0\u06c3-\u06cb\u06cd\u06cf\u06d2\u06d3\u06d5\u06ee\u06ef]"
    "(?=[^\\W\\d_])"
)


def open_ends(key: str) -> list[int]:
    """The places where a key may run words together: after each Arabic-script letter that
    does not join the next (``_OPEN_END``), leaving at least two characters on each side. A
    one-letter part is not looked for: the Persian "و" (and) is a word, but a word that
    begins with it, "وزیر", is not two. Which cuts make words is for a vocabulary to say
    (:func:`dedup.retrieve.split_run_together`)."""
    return [m.end() for m in _OPEN_END.finditer(key, 1, len(key) - 1)]


#: a letter of those scripts (their digits and punctuation, ฯ ၊ ။ ។ say, are not paired)
_LETTER = re.compile(rf"(?=[^\W\d_])[{UNSPACED_LETTERS}]")


def letter_pairs(keys: list[str]) -> tuple[list[str], list[int]]:
    """Token keys with each letter of an alphabetic script written without spaces (Thai,
    Lao, Myanmar, Khmer) joined to the next one of those scripts (a letter alone is kept
    only when neither neighbour is one), and the index in ``keys`` of each one's first
    token. Kana and ideographs stay single: a syllable or a word each already.

    Why: such a letter, even with its vowel and tone marks, comes from a few hundred, so in
    a corpus of any size nearly each one is in every article and carries no rarity; compared
    one by one, any two sentences of a language looked alike (see :mod:`dedup.paraphrase`).
    A pair is about a syllable, from tens of thousands, and the pairs are the units that
    retrieval indexes and the term sample counts (:func:`word_keys`)."""
    if not _LETTER.search("".join(keys)):  # one search in C: most sentences have none
        return keys, list(range(len(keys)))
    glued = [bool(_LETTER.match(k)) for k in keys] + [False]  # glued[-1]: before the first
    kept = [i for i in range(len(keys)) if not glued[i] or glued[i + 1] or not glued[i - 1]]
    return [keys[i] + keys[i + 1] if glued[i] and glued[i + 1] else keys[i] for i in kept], kept


def unspaced_keys(text: str) -> list[str]:
    """The token keys of a text's scripts written without spaces: a character each (with
    its marks), the units :mod:`dedup.paraphrase` compares for kana and ideographs (Thai,
    Lao, Myanmar and Khmer letters it compares in pairs, :func:`letter_pairs`)."""
    if text.isascii() or not _CONTINUA.search(text):
        return []
    return [k for k in token_keys(text) if _CONTINUA.match(k)]


def count_words(text: str) -> int:
    """Words of a text, for rules that say "at most N words": runs between separators, except
    that a run in a script written without spaces counts its tokens (a Thai or Chinese line
    has no spaces, so it would be one or two "words" however long it is)."""
    words = normalise(text).split()
    if not _CONTINUA.search(text):
        return len(words)
    return sum(len(TOKEN_RE.findall(w)) if _CONTINUA.search(w) else 1 for w in words)


def count_tokens(text: str, start: int, end: int) -> int:
    """How many tokens ``text[start:end]`` holds."""
    return len(token_re(text[start:end]).findall(text, start, end))


#: without a given title, a first line is a headline only when it looks like one: at most
#: this many tokens and characters (news headlines run 6-15 words; 25 tokens leaves room for
#: long ones and for scripts counted a character a token), and no sentence-final punctuation
#: other than ? and ! (headlines ask and exclaim; a lede paragraph ends with a full stop)
HEADLINE_MAX_TOKENS = 25
HEADLINE_MAX_CHARS = 200
_NOT_HEADLINE_END = tuple(c for c in TERMINATORS if c not in "!?‼⁇⁈⁉！？؟") + tuple(":;,،")


def looks_like_headline(line: str) -> bool:
    """Whether a first line can stand as a headline (see HEADLINE_MAX_TOKENS)."""
    line = line.strip()
    return (
        0 < len(line) <= HEADLINE_MAX_CHARS
        and len(token_keys(line)) <= HEADLINE_MAX_TOKENS
        and not line.rstrip("\"'”’»)]").endswith(_NOT_HEADLINE_END)
    )
