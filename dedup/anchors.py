"""Anchors: what a paragraph keeps when it is translated, as keys both languages share.

Reads and writes no table (:mod:`dedup.translate` stores what it needs).

A translation changes every word but keeps its numbers, its names and its meaning. Each
paragraph becomes a set of weighted keys that two languages write alike:
- ``#<value>``: a number, read by the writing rules of its language (``data/lexicons/
  numbers.tsv``: "5,75" in Indonesian is "5.75" in English, "1,5 juta" is "1.5 million",
  both 1500000);
- ``c<id>``: a word's concept in the pair's bilingual lexicon (:mod:`dedup.bilingual`), so
  "Selasa" meets "Tuesday" and "mengatakan" meets "said";
- ``n:<name>``: a capitalised word the lexicon does not hold and that is no function word of
  its language (``<lang>.stop``): names and acronyms, written alike in Latin-script languages.

Weights are the rarity (IDF) of the word in the frozen term sample of :mod:`dedup.retrieve`,
so a shared "Mulyani" counts for more than a shared "said", and the weights never change as
the corpus grows (incremental runs equal full ones). The research behind it: on real
English/Indonesian wire pairs, normalised numbers alone gave a Jaccard of 1.0 on true
paragraph pairs and 0.0 on false ones, and names 0.08-0.43 against 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import polars as pl

from dedup.bilingual import LEXICONS, Lexicon
from dedup.text import TOKEN_RE, ascii_texts, token_re

Keys = dict[str, float]
#: a sample smaller than this is weighed as if it had this many articles: in a handful of
#: articles every word is "common", and IDF would weigh a shared name as little as "said"
MIN_SAMPLE = 1000

_HAS_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)(?:\s+([^\W\d_]+))?")


@cache
def number_rules(folder: Path = LEXICONS) -> tuple[frozenset[str], dict[str, int]]:
    """(languages writing a decimal comma, scale word -> power of ten)."""
    comma, scales = set(), {}
    for line in (folder / "numbers.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if fields and fields[0] == "decimal_comma":
            comma.add(fields[1])
        elif fields and fields[0] == "scale":
            scales[fields[1]] = int(fields[2])
    return frozenset(comma), scales


@cache
def stop_words(lang: str, folder: Path = LEXICONS) -> frozenset[str]:
    path = folder / f"{lang}.stop"
    if not path.exists():
        return frozenset()
    text = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )
    return frozenset(text.split())


def number_value(written: str, lang: str, scale: str | None = None) -> str:
    """A number's value as one canonical string, read by its language's rules."""
    comma, scales = number_rules()
    thousands, decimal = (".", ",") if lang in comma else (",", ".")
    groups = written.split(thousands)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and decimal not in groups[0]:
        written = "".join(groups)
    digits = written.replace(decimal, ".")
    try:
        value = float(digits)
    except ValueError:  # "1.2.3": a version or a date, kept as written
        return written
    value *= 10 ** scales.get((scale or "").lower(), 0)
    return str(int(value)) if value.is_integer() else f"{value:.6f}".rstrip("0")


def paragraph_keys(
    text: str, lang: str, lexicon: Lexicon | None, weight: Callable[[str], float]
) -> Keys:
    """The weighted keys of a paragraph (see the module docstring); ``weight(word)`` gives
    the weight of a key read from a lower-cased word."""
    keys: Keys = {}

    def add(key: str, w: float) -> None:
        if w > keys.get(key, 0.0):
            keys[key] = w

    for written, after in _NUMBER.findall(text):
        key, longest = _number_key(written, after, lang)
        add(key, weight(longest))
    for token in set(token_re(text).findall(text)):
        if (found := word_key(lexicon, lang, token)) is not None:
            add(found[0], weight(found[1]))
    return keys


#: a number in ASCII text as ``_NUMBER`` reads it there, the look-behind written as the
#: character before (Rust's regex has none; a match never ends on such a character, so none
#: is lost), ``\s`` as the characters Python counts as white space
_ASCII_NUMBER = r"(?:^|[^A-Za-z0-9_.,])[0-9]+(?:[.,][0-9]+)*(?:[\t\n\v\f\r\x1c-\x1f ]+[A-Za-z]+)?"
_ASCII_NUMBER_PARTS = r"^[^0-9]?([0-9][0-9.,]*)(?:[\t\n\v\f\r\x1c-\x1f ]+([A-Za-z]+))?$"


class TextKeys:
    """The keys :func:`paragraph_keys` gives whole texts, for many texts at once, only those
    whose share of the sample is at most ``most``: (article_id, language, key, weight).

    Why not paragraph_keys on each text: a corpus holds far fewer distinct words than
    tokens. ASCII texts (nearly all news) are tokenized by polars; words and numbers are
    read, and weights computed, once per distinct value over all the calls, and joined
    back to the texts."""

    def __init__(
        self,
        lexicons: dict[str, Lexicon | None],
        weight: Weights,
        most: float,
        known: pl.DataFrame | None = None,
    ):
        """``known``: :meth:`vocabulary` of an earlier instance of the same lexicons and
        weights (its words and numbers need not be read again; see :meth:`recall`)."""
        self.lexicons, self.weight, self.most = lexicons, weight, most
        self._words = _vocabulary([], "token")
        self._numbers = _vocabulary([], "token", "after")
        if known is not None:
            self._words = pl.concat([self._words, _part(known, "word").drop("after")])
            self._numbers = pl.concat([self._numbers, _part(known, "number")])
        self._known = (self._words.height, self._numbers.height)

    def vocabulary(self, learned_only: bool = False) -> pl.DataFrame:
        """(kind, language, token, after, key, weight, share) of the words and numbers read
        (only those read since construction, with ``learned_only``)."""
        words, numbers = self._words, self._numbers
        if learned_only:
            words, numbers = words[self._known[0] :], numbers[self._known[1] :]
        return pl.concat(
            [
                words.select(kind=pl.lit("word"), language="language", token="token",
                             after=pl.lit(""), key="key", weight="weight", share="share"),
                numbers.select(kind=pl.lit("number"), language="language", token="token",
                               after="after", key="key", weight="weight", share="share"),
            ]
        )  # fmt: skip

    def __call__(self, texts: pl.DataFrame) -> pl.DataFrame:
        """``texts``: article_id, language, text."""
        texts = ascii_texts(texts).with_row_index("i")
        ascii_, other = texts.filter("ascii"), texts.filter(~pl.col("ascii"))
        words = _words(texts)
        numbers = pl.concat(
            [
                ascii_.select("i", found=pl.col("text").str.extract_all(_ASCII_NUMBER))
                .explode("found")
                .drop_nulls()
                .select(
                    "i",
                    pl.col("found").str.extract_groups(_ASCII_NUMBER_PARTS).struct.unnest(),
                )
                .select("i", token=pl.col("1"), after=pl.col("2").fill_null("")),
                _found(other, _NUMBER, "token", "after").explode("token", "after"),
            ]
        )
        langs = texts.select("i", "language")
        # only a scale word changes a number's key: "5 people" and "5 ships" are one number
        scale = pl.col("after").str.to_lowercase()
        numbers = numbers.with_columns(
            after=pl.when(scale.is_in(list(number_rules()[1]))).then(scale).otherwise(pl.lit(""))
        )
        numbers = numbers.unique().join(langs, on="i")
        self._words = _learn(self._words, words, self._word_key, "token")
        self._numbers = _learn(self._numbers, numbers, self._number_key, "token", "after")
        keys = pl.concat(
            [
                words.join(self._words, on=["language", "token"]).select(*_KEY_COLUMNS),
                numbers.join(self._numbers, on=["language", "token", "after"]).select(
                    *_KEY_COLUMNS
                ),
            ]
        )
        return (
            keys.filter((pl.col("weight") > 0) & (pl.col("share") <= self.most))
            .group_by("i", "key")
            .agg(pl.col("weight").max())
            .join(texts.select("i", "article_id", "language"), on="i")
            .select("article_id", "language", "key", "weight")
        )

    def recall(self, texts: Iterable[tuple[str, str, str]]) -> None:
        """Put the keys of the words of ``texts`` (article_id, language, text) that an earlier
        run read (``known``) in :func:`word_key`'s memory: translation reads the paragraphs
        of the pairs it aligns with it, and stemming the words of old articles again took
        0.3 s of an incremental run on the 100k bench (a word read in this process is there
        already, so without ``known`` there is nothing to do)."""
        known = self._words[: self._known[0]]
        if known.is_empty():
            return
        frame = pl.DataFrame(
            list(texts),
            schema=dict.fromkeys(["article_id", "language", "text"], pl.String),
            orient="row",
        )
        words = _words(ascii_texts(frame).with_row_index("i")).join(known, on=["language", "token"])
        for (lang,), group in words.group_by("language"):
            pair = lexicon.pair if (lexicon := self.lexicons.get(lang)) else None
            _WORD_KEYS.update(
                ((pair, lang, token), None if key is None else (key, token.lower()))
                for token, key in zip(group["token"], group["key"], strict=True)
            )

    def _weighed(self, found: tuple[str, str] | None) -> tuple[str, float, float] | None:
        """(key, weight, share) of a word's or number's key. A text keeps it when it is
        indexed (weight above 0, share at most ``most``; see __call__), checked before the
        largest weight of a key in a text is taken, which keeps the keys that checking after
        it would: a key's share falls as its weight grows (or, for a concept, does not
        depend on it)."""
        if found is None:
            return None
        key, w = found[0], self.weight(found[1])
        return key, w, self.weight.share(key, w)

    def _word_key(self, lang: str, token: str) -> tuple[str, float, float] | None:
        return self._weighed(word_key(self.lexicons.get(lang), lang, token))

    def _number_key(self, lang: str, written: str, after: str) -> tuple[str, float, float] | None:
        return self._weighed(_number_key(written, after, lang))


_KEY_COLUMNS = ("i", "key", "weight", "share")


def _words(texts: pl.DataFrame) -> pl.DataFrame:
    """(i, language, token): the distinct words of each text of ``ascii_texts`` (with a row
    index i), ASCII texts tokenized by polars, the others by Python's regex."""
    ascii_, other = texts.filter("ascii"), texts.filter(~pl.col("ascii"))
    words = pl.concat(
        [
            ascii_.select("i", token=pl.col("text").str.extract_all(r"[A-Za-z0-9]+")),
            _found(other, TOKEN_RE, "token"),
        ]
    )
    words = words.select("i", pl.col("token").list.unique()).explode("token").drop_nulls()
    return words.join(texts.select("i", "language"), on="i")


def _part(vocabulary: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The rows of one kind of a :meth:`TextKeys.vocabulary`, as TextKeys keeps them."""
    return vocabulary.filter(pl.col("kind") == kind).select(
        "language", "token", "after", "key", pl.col("weight", "share").cast(pl.Float64)
    )


def _found(texts: pl.DataFrame, regex: re.Pattern[str], *names: str) -> pl.DataFrame:
    """(i, *names) of each text, lists of its matches of ``regex`` (of its groups, when it
    has several), by Python's regex: the Unicode classes paragraph_keys reads with."""
    found = [regex.findall(t) for t in texts["text"]]
    columns = (
        {n: [[m[k] for m in f] for f in found] for k, n in enumerate(names)}
        if len(names) > 1
        else {names[0]: found}
    )
    return pl.DataFrame(
        {"i": texts["i"]} | columns,
        schema={"i": pl.UInt32} | dict.fromkeys(names, pl.List(pl.String)),
    )


def _learn(
    known: pl.DataFrame, seen: pl.DataFrame, key: Callable[..., tuple | None], *names: str
) -> pl.DataFrame:
    """``known`` (language, *names, key, weight, share) with the distinct values of ``seen``
    it lacks (key, weight and share null for a value with no key)."""
    on = ["language", *names]
    new = seen.select(on).unique().join(known, on=on, how="anti")
    return pl.concat([known, _vocabulary(new.iter_rows(), *names, key=key)])


def _vocabulary(
    rows: Iterable[tuple], *names: str, key: Callable[..., tuple | None] | None = None
) -> pl.DataFrame:
    """(language, *names, key, weight, share) of (language, *values) rows."""
    out = [(*row, *((key and key(*row)) or (None, None, None))) for row in rows]
    schema = dict.fromkeys(["language", *names, "key"], pl.String) | dict.fromkeys(
        ["weight", "share"], pl.Float64
    )
    return pl.DataFrame(out, schema=schema, orient="row")


def _number_key(written: str, after: str, lang: str) -> tuple[str, str]:
    """(key, the word its weight is read from) of a number written before a word."""
    _, scales = number_rules()
    scale = after if after and after.lower() in scales else None
    return "#" + number_value(written, lang, scale), max(re.split(r"[.,]", written), key=len)


#: (lexicon pair, language, token) -> (key, lower-cased word) or None: a word is looked up
#: once per process, not once per occurrence
_WORD_KEYS: dict[tuple, tuple[str, str] | None] = {}
_UNSEEN = ("", "")


def word_key(lexicon: Lexicon | None, lang: str, token: str) -> tuple[str, str] | None:
    """A word's key: its concept, else a name key for a capitalised non-function word."""
    cache_key = (lexicon.pair if lexicon else None, lang, token)
    if (cached := _WORD_KEYS.get(cache_key, _UNSEEN)) is not _UNSEEN:
        return cached
    low = token.lower()
    found = None
    if not _HAS_DIGIT.search(token):
        concept = lexicon.concept(lang, low) if lexicon is not None else None
        if concept is not None:
            found = (f"c{concept}", low)
        elif token[0].isupper() and len(token) > 1 and low not in stop_words(lang):
            found = ("n:" + low, low)
    _WORD_KEYS[cache_key] = found
    return found


class Weights:
    """Key weights: a word's IDF in a sample of n articles whose word frequencies are
    ``df`` (a word the sample lacks: the rarest; see ``MIN_SAMPLE``). ``concept_share``
    says how common a concept is, as the summed frequency of the words that carry it in
    either language of the lexicons: a common meaning is common whatever its spelling, and
    names no source even when one of its spellings is rare."""

    def __init__(
        self,
        df: dict[str, int],
        n: int,
        lexicons: list[Lexicon],
        concept_df: dict[str, int] | None = None,
    ) -> None:
        """``concept_df``: what :attr:`concept_df` was for the same ``df`` and lexicons (it
        takes every word of ``df`` stemmed, so a caller with frozen ``df`` may keep it)."""
        self.n = max(n, MIN_SAMPLE)
        self.df = df
        self._top = math.log(self.n + 1)
        self._known: dict[str, float] = {}
        if concept_df is not None:
            self.concept_df = concept_df
            return
        self.concept_df = {}
        for lexicon in lexicons:
            for word, count in df.items():
                for lang in lexicon.pair:
                    if (concept := lexicon.concept(lang, word)) is not None:
                        key = f"c{concept}"
                        self.concept_df[key] = self.concept_df.get(key, 0) + count

    def __call__(self, word: str) -> float:
        if (w := self._known.get(word)) is None:
            w = self._known[word] = self._top - math.log(self.df.get(word, 0) + 1)
        return w

    def share(self, key: str, weight: float) -> float:
        """The share of the sample's articles holding a key (a concept: any of its words)."""
        if key[0] == "c":
            return self.concept_df.get(key, 0) / self.n
        return (math.exp(self._top - weight) - 1) / self.n


def overlap(a: Keys, b: Keys) -> float:
    """Weighted Dice of two key sets: the shared weight (the smaller side's) over the mean
    total; 1 for equal sets, 0 for disjoint ones."""
    if len(a) > len(b):
        a, b = b, a
    shared = sum(min(w, b[k]) for k, w in a.items() if k in b)
    total = sum(a.values()) + sum(b.values())
    return 2 * shared / total if total else 0.0
