"""Deterministic synthetic news corpus with known derivations, for speed and recall tests.

``generate(n, out_dir, seed)`` writes two files:

- ``articles-N.jsonl``: N article records in the input contract (id, title, text, outlet,
  kind, published, url, language), in published order. Ids are neutral (``a0000001``...)
  so a tool cannot read the truth from them.
- ``articles-N.truth.jsonl``: one line per article, same order:
  ``{"id", "derivation", "sources", "accept", "ops", "base"}``. ``derivation`` is
  ``wholly`` or ``partially`` for synthetic derived articles, ``natural`` for an original
  that already reuses an earlier original (see below), ``non`` otherwise. Every article
  is listed, so "absent" never has to be interpreted.

Originals. The pool is every Reuters-21578 story with a body (about 19,000, 1987) and every
IndoSum dev article (about 3,400, 2016-2018). IndoSum has no dates: an article's date is
the Unix timestamp that starts its IndoSum id (the aggregator's crawl time, a plausible
stand-in). ``N * (1 - derived_share)`` originals are needed; when the pool is smaller,
the rest are synthetic originals: a real original's layout (title, dateline, paragraph and
sentence lengths) filled with words drawn from that language's word frequencies, so they
share no sentence with anything, dated at random within the language's date range and
credited to the template's outlet or a made-up one.

Derived articles (``derived_share`` of N, default 0.3) copy one real original, or two of
the same language published close together (``merge``, 15%), under a made-up outlet
(~50 names) and are published 1 minute to 7 days after their latest source. 20% of them
pick their source from a "hot" 1% of stories, so some stories are syndicated dozens of
times at scale. Operations, each recorded in ``ops`` with sentence indices into the
source as segmented by :func:`split_body`:

- ``keep``: wholly derived keeps >= 80% of each source's body sentences of 3 or more
  words (sign-offs such as "Reuter" are never copied); partially derived
  (``partial_share`` of derived, default 0.5) keeps 20-60% and mixes them with ``filler``
  sentences (25-75% of the result) drawn from the word frequencies, so the filler derives
  from nothing;
- ``reorder`` (half of the articles): a few sentences moved elsewhere;
- ``edit`` (a quarter of kept sentences): a near-synonym or abbreviation swap, a number
  written differently ("1,750" / "1750", "5 persen" / "5%"), or one word deleted;
- ``cue`` (30%): a "(Reuters)" in the dateline or a "Source: ..." line;
- ``boilerplate`` (half): 1-3 lines such as "Baca Juga: ...", "ADVERTISEMENT",
  "Share this article", "Editing by ...";
- ``title``: the source's title (possibly edited and recased) or a new one.
Sentences are regrouped into paragraphs of 1-3 sentences separated by a blank line.

Translated derivations: when ``panl-bppt`` is in the data folder, every PANL-BPPT
pseudo-article of ``eval/panl.py`` (about 1,500) is added once, its English side as a
``wire`` original and its Indonesian side as an outlet's ``wholly`` derived translation (at most a third of the derived articles, so a small corpus keeps its other derivations)
(``ops``: ``translate``) published 1-12 hours later, in place of as many originals and
derived articles.

Natural reuse. Reuters-21578 re-sends stories and updates them, and IndoSum outlets reprint
Antara: an original sharing a long sentence (>= 8 words; sentences in more than 20 originals
count as boilerplate) with an earlier original, or whose body is identical to an earlier
one, is marked ``natural`` with those earlier originals as ``sources``. ``accept`` lists
what a tool may name as a source and still be right: the true sources, any original with
the same body as one of them (an exact-duplicate twin), and any earlier original that
contains one of the source sentences the derived article kept. See :func:`evaluate`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path

from bench.sources import DATA_ROOT, indosum_articles, reuters_stories

HOT_SHARE = 0.2  # share of derived articles whose source is drawn from the hot set
HOT_FRACTION = 0.01  # size of the hot set, as a share of eligible sources
MERGE_SHARE = 0.15
LONG_SENTENCE_WORDS = 8  # natural reuse needs a shared sentence at least this long
BOILERPLATE_DF = 20  # a sentence in more originals than this is boilerplate, not reuse
MIN_COPY_WORDS = 3  # shorter sentences ("Reuter" sign-offs, table stubs) are never copied

OUTLETS = {
    "en": [
        "Harbor City Ledger",
        "Northfield Courier",
        "The Daily Meridian",
        "Lakeside Gazette",
        "Capital Wire Review",
        "Granite State Post",
        "Riverbend Chronicle",
        "Evening Sentinel",
        "Pacific Rim Observer",
        "Market Street Journal",
        "The Copper Herald",
        "Midland Tribune",
        "Coastal Times Online",
        "Bayview Dispatch",
        "Summit Business Daily",
        "The Iron Bulletin",
        "Westgate News Network",
        "Prairie Examiner",
        "Union Square Record",
        "Atlas Finance Today",
        "Blue Ridge Reporter",
        "The Morning Compass",
        "Redwood Press",
        "Kingsport Star",
        "Global Trade Digest",
    ],
    "id": [
        "Kabar Nusantara",
        "Warta Pagi",
        "Suara Rakyat Daily",
        "Berita Kota Raya",
        "Harian Khatulistiwa",
        "Lintas Berita",
        "Info Merdeka",
        "Jurnal Priangan",
        "Kabar Sumatera",
        "Detak Jakarta",
        "Media Borneo",
        "Radar Timur",
        "Warta Ekonomi Kita",
        "Sinar Pagi Online",
        "Pos Kepulauan",
        "Gema Nusa",
        "Fokus Indonesia",
        "Tribun Selatan",
        "Kompas Desa",
        "Berita Satu Nusa",
        "Liputan Harian",
        "Sorot Nasional",
        "Pelita Kota",
        "Obor Rakyat Online",
        "Bisnis Kita",
    ],
}

NAMES = [
    "Mark Heinrich",
    "Ana Ruiz",
    "David Holmes",
    "Claire Baldwin",
    "Peter Graff",
    "Sue Chang",
    "Budi Santoso",
    "Siti Rahma",
    "Agus Salim",
    "Dewi Lestari",
    "Rina Kurnia",
    "Hendra Gunawan",
]

BOILERPLATE = {
    "en": [
        ("ADVERTISEMENT", False),
        ("Read more: {title}", False),
        ("Share this article", True),
        ("Editing by {name}", True),
        ("(Reporting by {name}; Editing by {name2})", True),
        ("Sign up for our daily newsletter", True),
        ("Copyright {year} {outlet}. All rights reserved.", True),
    ],
    "id": [
        ("ADVERTISEMENT", False),
        ("Baca Juga: {title}", False),
        ("Baca juga: {title}", False),
        ("Bagikan artikel ini", True),
        ("Editor: {name}", True),
        ("Pewarta: {name}", True),
        ("Ikuti berita terkini dari {outlet} di Google News", True),
    ],
}  # (template, goes at the end of the article)

SYNONYMS = {
    "en": {
        "said": "stated",
        "rose": "climbed",
        "fell": "dropped",
        "company": "firm",
        "shares": "stock",
        "profit": "earnings",
        "expected": "forecast",
        "buy": "purchase",
        "about": "around",
        "big": "large",
        "agreed": "consented",
        "announced": "unveiled",
        "told": "informed",
        "officials": "authorities",
        "cut": "reduce",
        "talks": "negotiations",
        "increase": "rise",
        "because": "as",
        "however": "but",
        "also": "too",
        "mln": "million",
        "bln": "billion",
        "dlrs": "dollars",
        "pct": "percent",
        "government": "administration",
        "begin": "start",
        "help": "assist",
    },
    "id": {
        "mengatakan": "menyatakan",
        "kata": "ujar",
        "ujar": "kata",
        "saat": "ketika",
        "namun": "tetapi",
        "sangat": "amat",
        "hanya": "cuma",
        "sudah": "telah",
        "telah": "sudah",
        "akan": "bakal",
        "karena": "sebab",
        "mengungkapkan": "menuturkan",
        "menjelaskan": "memaparkan",
        "tersebut": "itu",
        "masyarakat": "warga",
        "banyak": "sejumlah",
        "agar": "supaya",
        "jika": "apabila",
        "besar": "akbar",
        "juga": "pula",
        "membeli": "memborong",
        "naik": "meningkat",
        "turun": "merosot",
    },
}
_SYNONYM_RX = {
    lang: re.compile(r"\b(" + "|".join(sorted(words, key=len, reverse=True)) + r")\b", re.I)
    for lang, words in SYNONYMS.items()
}
_NUMBER_EDITS = {
    "en": [
        (re.compile(r"\b\d{1,3}(?:,\d{3})+\b"), lambda m: m.group(0).replace(",", "")),
        (re.compile(r"\b(\d{2,3})(\d{3})\b"), lambda m: f"{m.group(1)},{m.group(2)}"),
        (re.compile(r"\b(\d+(?:\.\d+)?) pct\b"), lambda m: f"{m.group(1)}%"),
    ],
    "id": [
        (re.compile(r"\b\d{1,3}(?:\.\d{3})+\b"), lambda m: m.group(0).replace(".", "")),
        (re.compile(r"\b(\d{2,3})(\d{3})\b"), lambda m: f"{m.group(1)}.{m.group(2)}"),
        (re.compile(r"\b(\d+(?:,\d+)?) persen\b"), lambda m: f"{m.group(1)}%"),
    ],
}

# Paragraphs: blank lines, or a line break followed by Reuters' paragraph indent.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=[ \t]{2,}\S)")
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:[A-Za-z]|[A-Z]\.[A-Z]|Mr|Mrs|Ms|Dr|St|Inc|Co|Corp|Ltd|Jr|Sr|No|Nos|vs|Gen"
    r"|Gov|Sen|Rep|Prof|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|PT|Tbk|H)\.$"
)
_REUTERS_DATELINE = re.compile(r"^([A-Z][A-Z .'-]+, [A-Z][a-z]{2,8}\.? \d{1,2}) - ")
_WORD = re.compile(r"[^\W\d_]{2,}")
_NON_WORD = re.compile(r"[\W_]+")


def split_body(text: str, title: str | None) -> list[list[str]]:
    """Body paragraphs as lists of sentences (whitespace collapsed), the title left out.

    This is the segmentation the truth's sentence indices refer to; it is deliberately
    simple (regex sentence ends with a short abbreviation list) and only has to be stable.
    """
    if title and text.startswith(title):
        text = text[len(title) :]
    paragraphs = []
    for raw in _PARAGRAPH_BREAK.split(text):
        par = " ".join(raw.split())
        if not par:
            continue
        sentences, start = [], 0
        for m in _SENTENCE_END.finditer(par):
            if _ABBREVIATION.search(par, max(0, m.start() - 8), m.start() + 1):
                continue
            sentences.append(par[start : m.end()].rstrip())
            start = m.end()
        sentences.append(par[start:])
        paragraphs.append(sentences)
    return paragraphs


def _norm(text: str) -> str:
    """The comparison key for 'same sentence' / 'same body': case and punctuation blind."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@dataclass
class _Article:
    """An article being built; ``idx`` is its creation order, the tie-break for dates."""

    idx: int
    language: str
    published: datetime
    title: str | None
    text: str
    outlet: str | None
    kind: str
    url: str | None
    derivation: str
    base: str | None = None
    sentences: list[str] = field(default_factory=list)  # body sentences (real originals)
    copyable: list[int] = field(default_factory=list)  # indices of sentences worth copying
    layout: list[int] = field(default_factory=list)  # sentences per paragraph
    body_key: str = ""  # normalised body, to find exact-duplicate twins
    sources: list[int] = field(default_factory=list)  # idx of sources
    accept: list[int] = field(default_factory=list)
    ops: list[dict] = field(default_factory=list)


def _indosum_date(dataset_id: str) -> datetime:
    """IndoSum ids start with a Unix timestamp; that stands in for the publication date."""
    stamp = dataset_id.removeprefix("indosum-").split("-", 1)[0]
    return datetime.fromtimestamp(int(stamp), UTC).replace(tzinfo=None)


@cache
def _load_pool(root: Path) -> tuple[_Article, ...]:
    """Every real original, date ordered, segmented once per process (callers copy)."""
    records = [*reuters_stories(root / "reuters21578"), *indosum_articles(root / "indosum")]
    pool = []
    for rec in records:
        paragraphs = split_body(rec["text"], rec["title"])
        sentences = [s for par in paragraphs for s in par]
        if not sentences:
            continue
        published = (
            datetime.fromisoformat(rec["published"])
            if rec["published"]
            else _indosum_date(rec["id"])
        )
        pool.append(
            _Article(
                idx=-1,
                language=rec["language"],
                published=published,
                title=rec["title"],
                text=rec["text"],
                outlet=rec["outlet"],
                kind=rec["kind"],
                url=rec["url"],
                derivation="non",
                base=rec["id"],
                sentences=sentences,
                copyable=[i for i, s in enumerate(sentences) if len(s.split()) >= MIN_COPY_WORDS],
                layout=[len(par) for par in paragraphs],
                body_key=_norm(" ".join(sentences)),
            )
        )
    pool.sort(key=lambda a: (a.published, a.base))
    return tuple(pool)


class _Vocabulary:
    """Word frequencies of one language, for filler that shares no sentence with anything."""

    def __init__(self, sentences: list[str], size: int = 30_000) -> None:
        raw = Counter(w for s in sentences for w in _WORD.findall(s))
        # fold "The" into "the" so that filler is not full of sentence-initial capitals
        counts: Counter[str] = Counter()
        for w, c in raw.items():
            counts[w.lower() if w.lower() in raw else w] += c
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
        self.words = [w for w, _ in top]
        self.cum = list(accumulate(c for _, c in top))

    def sentences(self, rng: random.Random, lengths: list[int]) -> list[str]:
        """Word-salad sentences of the given lengths (one draw for all: it is the hot path)."""
        words = rng.choices(self.words, cum_weights=self.cum, k=sum(lengths))
        out, pos = [], 0
        for n in lengths:
            chunk = words[pos : pos + n]
            pos += n
            if n > 5 and rng.random() < 0.3:
                chunk.insert(rng.randrange(1, n), str(rng.randint(2, 2000)))
            text = " ".join(chunk)
            out.append(text[0].upper() + text[1:] + ".")
        return out

    def sentence(self, rng: random.Random, n_words: int) -> str:
        return self.sentences(rng, [n_words])[0]

    def title(self, rng: random.Random) -> str:
        return self.sentence(rng, rng.randint(4, 9)).rstrip(".")


def _edit(rng: random.Random, sentence: str, language: str) -> tuple[str, str] | None:
    """One light edit of a sentence (synonym or number format, else a word deleted), or None."""
    kinds = rng.sample(["synonym", "number"], 2)
    for kind in [*kinds, "delete"]:  # deletion applies almost always: the fallback
        if kind == "synonym":
            matches = list(_SYNONYM_RX[language].finditer(sentence))
            if matches:
                m = rng.choice(matches)
                old, new = m.group(0), SYNONYMS[language][m.group(0).lower()]
                if old.isupper() and len(old) > 1:
                    new = new.upper()
                elif old[0].isupper():
                    new = new[0].upper() + new[1:]
                return sentence[: m.start()] + new + sentence[m.end() :], f"synonym:{m.group(0)}"
        elif kind == "number":
            options = [(rx, fn) for rx, fn in _NUMBER_EDITS[language] if rx.search(sentence)]
            if options:
                rx, fn = rng.choice(options)
                m = rng.choice(list(rx.finditer(sentence)))
                return sentence[: m.start()] + fn(m) + sentence[m.end() :], f"number:{m.group(0)}"
        else:
            words = sentence.split(" ")
            spots = [i for i in range(1, len(words) - 1) if words[i].isalpha()]
            if len(words) >= 6 and spots:
                i = rng.choice(spots)
                return " ".join(words[:i] + words[i + 1 :]), f"delete:{words[i]}"
    return None


@cache
def _vocabularies(root: Path) -> dict[str, _Vocabulary]:
    """Word frequencies per language of the whole pool (cached like the pool)."""
    pool = _load_pool(root)
    return {
        lang: _Vocabulary([s for a in pool if a.language == lang for s in a.sentences])
        for lang in sorted({a.language for a in pool})
    }


class _Builder:
    """Holds the vocabularies, date ranges and rng; builds synthetic originals and derivations."""

    def __init__(
        self, pool: list[_Article], rng: random.Random, vocab: dict[str, _Vocabulary]
    ) -> None:
        self.rng = rng
        self.vocab = vocab
        self.date_range = {
            lang: (
                min(a.published for a in pool if a.language == lang),
                max(a.published for a in pool if a.language == lang),
            )
            for lang in self.vocab
        }

    def synthetic_original(self, template: _Article, idx: int) -> _Article:
        """Template's layout, fresh words: an original that reuses nothing."""
        rng, lang = self.rng, template.language
        vocab = self.vocab[lang]
        title = vocab.title(rng)
        if template.title and template.title.isupper():
            title = title.upper()
        sizes = [len(s.split()) for s in template.sentences]
        salad = iter(vocab.sentences(rng, [min(max(n, 5), 40) for n in sizes if n > 2]))
        sentences = [
            s if n <= 2 else next(salad) for s, n in zip(template.sentences, sizes, strict=True)
        ]
        paragraphs, pos = [], 0
        for count in template.layout:
            paragraphs.append(" ".join(sentences[pos : pos + count]))
            pos += count
        dateline = _REUTERS_DATELINE.match(template.sentences[0])
        if dateline:
            paragraphs[0] = dateline.group(0) + paragraphs[0]
        body = ("\n    " if lang == "en" else "\n\n").join(paragraphs)
        lo, hi = self.date_range[lang]
        published = lo + timedelta(seconds=rng.randint(0, int((hi - lo).total_seconds())))
        outlet, kind = template.outlet, template.kind
        if rng.random() < 0.5:
            outlet, kind = rng.choice(OUTLETS[lang]), "outlet"
        return _Article(
            idx=idx,
            language=lang,
            published=published.replace(microsecond=0),
            title=title,
            text=f"{title}\n\n{body}",
            outlet=outlet,
            kind=kind,
            url=None,
            derivation="non",
            base=f"synthetic:{template.base}",
        )

    def translated(self, en: list[str], id_: list[str], idx: int) -> tuple[_Article, _Article]:
        """An English wire story and its Indonesian translation (wholly derived, by an
        outlet, 1-12 hours later), paragraph for paragraph."""
        rng = self.rng
        low, high = self.date_range.get("id") or self.date_range["en"]
        published = low + (high - low) * rng.random()
        wire = _Article(
            idx=idx, language="en", published=published, title=None, text="\n\n".join(en),
            outlet="PANL Wire", kind="wire", url=None, derivation="non",
        )  # fmt: skip
        outlet = rng.choice(OUTLETS["id"])
        later = published + timedelta(seconds=rng.randint(3_600, 43_200))
        translation = _Article(
            idx=idx + 1, language="id", published=later, title=None, text="\n\n".join(id_),
            outlet=outlet, kind="outlet", url=None, derivation="wholly", sources=[idx],
            accept=[idx], ops=[{"op": "translate", "source": idx}],
        )  # fmt: skip
        return wire, translation

    def derived(self, sources: list[_Article], partial: bool, idx: int) -> _Article:
        """A wholly or partially derived article from one or two sources (see module doc)."""
        rng, lang = self.rng, sources[0].language
        ops: list[dict] = []
        kept: list[str] = []
        for src in sources:
            n = len(src.copyable)
            if partial:
                n_keep = max(1, min(n - 1, round(n * rng.uniform(0.2, 0.6))))
            else:
                n_keep = max(-(-n * 4 // 5), round(n * rng.uniform(0.8, 1.0)))
            chosen = sorted(rng.sample(src.copyable, n_keep))
            ops.append({"op": "keep", "source": src.idx, "sentences": chosen})
            for i in chosen:
                sentence = src.sentences[i]
                if rng.random() < 0.25 and (edit := _edit(rng, sentence, lang)):
                    sentence, how = edit
                    ops.append({"op": "edit", "source": src.idx, "sentence": i, "how": how})
                if i == 0 and rng.random() < 0.3 and src.outlet == "Reuters":
                    cued = _REUTERS_DATELINE.sub(r"\1 (Reuters) - ", sentence, count=1)
                    if cued != sentence:
                        sentence = cued
                        ops.append({"op": "cue", "source": src.idx, "sentence": i})
                kept.append(sentence)
        if len(sources) > 1:
            ops.append({"op": "merge"})
        if len(kept) > 2 and rng.random() < 0.5:
            moves = rng.randint(1, max(1, len(kept) // 4))
            for _ in range(moves):
                kept.insert(rng.randrange(len(kept)), kept.pop(rng.randrange(len(kept))))
            ops.append({"op": "reorder", "moves": moves})
        if partial:
            share = rng.uniform(0.25, 0.75)
            n_filler = max(1, round(len(kept) * share / (1 - share)))
            for _ in range(n_filler):
                filler = self.vocab[lang].sentence(rng, rng.randint(8, 28))
                kept.insert(rng.randint(0, len(kept)), filler)
            ops.append({"op": "filler", "sentences": n_filler})
        paragraphs, pos = [], 0
        while pos < len(kept):
            size = rng.randint(1, 3)
            paragraphs.append(" ".join(kept[pos : pos + size]))
            pos += size
        outlet = rng.choice(OUTLETS[lang])
        if rng.random() < 0.3 and not any(op["op"] == "cue" for op in ops):
            credit = sources[0].outlet or "Reuters"
            paragraphs.append(f"Source: {credit}" if lang == "en" else f"Sumber: {credit}")
            ops.append({"op": "cue", "line": paragraphs[-1]})
        published = max(s.published for s in sources) + timedelta(
            seconds=60 + min(int(rng.expovariate(1 / 21_600)), 7 * 86_400 - 60)
        )
        if rng.random() < 0.5:
            lines = self._boilerplate(paragraphs, lang, outlet, published.year)
            ops.append({"op": "boilerplate", "lines": lines})
        title = self._title(sources[0], partial, lang, ops)
        body = "\n\n".join(paragraphs)
        return _Article(
            idx=idx,
            language=lang,
            published=published,
            title=title,
            text=f"{title}\n\n{body}" if title else body,
            outlet=outlet,
            kind="outlet",
            url=None,
            derivation="partially" if partial else "wholly",
            sources=[s.idx for s in sources],
            ops=ops,
        )

    def _boilerplate(self, paragraphs: list[str], lang: str, outlet: str, year: int) -> list[str]:
        """Insert 1-3 boilerplate lines: footers at the end, the rest between paragraphs."""
        rng = self.rng
        lines = []
        for template, at_end in rng.sample(BOILERPLATE[lang], rng.randint(1, 3)):
            name, name2 = rng.sample(NAMES, 2)
            line = template.format(
                title=self.vocab[lang].title(rng), name=name, name2=name2, year=year, outlet=outlet
            )
            if at_end:
                paragraphs.append(line)
            else:
                paragraphs.insert(rng.randint(1, max(1, len(paragraphs) - 1)), line)
            lines.append(line)
        return lines

    def _title(self, source: _Article, partial: bool, lang: str, ops: list[dict]) -> str | None:
        """The source's title, edited or recased, or (often for partial reuse) a new one."""
        rng = self.rng
        if not source.title or (partial and rng.random() < 0.5):
            ops.append({"op": "title", "how": "new"})
            return self.vocab[lang].title(rng)
        title, how = source.title, "source"
        if title.isupper() and rng.random() < 0.5:
            title, how = title.title(), "recased"
        if rng.random() < 0.3 and (edit := _edit(rng, title, lang)):
            title, how = edit[0], f"{how}+{edit[1]}"
        ops.append({"op": "title", "how": how})
        return title


@dataclass
class _ReuseIndex:
    """What the real originals already share: the basis of ``natural`` and ``accept``."""

    natural: dict[int, list[int]]  # original -> earlier originals it repeats
    twins: dict[str, list[int]]  # normalised body -> originals with that body
    holders: dict[str, list[int]]  # normalised long sentence -> originals, in date order


def _long_keys(art: _Article) -> list[str]:
    """Normalised sentences long enough to count as evidence of reuse, each once."""
    return sorted({_norm(s) for s in art.sentences if len(s.split()) >= LONG_SENTENCE_WORDS})


def _reuse_index(originals: list[_Article]) -> _ReuseIndex:
    """Index real originals by body and by long sentence; ``idx`` order is date order."""
    twins: dict[str, list[int]] = defaultdict(list)
    holders: dict[str, list[int]] = defaultdict(list)
    for art in originals:
        twins[art.body_key].append(art.idx)
        for key in _long_keys(art):
            holders[key].append(art.idx)
    # a sentence in many originals is boilerplate ("The company said it ..."), not reuse
    holders = {k: v for k, v in holders.items() if len(v) <= BOILERPLATE_DF}
    natural: dict[int, list[int]] = {}
    for art in originals:
        earlier = {i for i in twins[art.body_key] if i < art.idx}
        for key in _long_keys(art):
            earlier.update(i for i in holders.get(key, ()) if i < art.idx)
        if earlier:
            natural[art.idx] = sorted(earlier)
    return _ReuseIndex(natural, dict(twins), holders)


def generate(
    n: int,
    out_dir: Path,
    seed: int = 0,
    derived_share: float = 0.3,
    partial_share: float = 0.5,
    data_root: Path | None = None,
) -> tuple[Path, Path]:
    """Write ``articles-N.jsonl`` and ``articles-N.truth.jsonl``; same seed, same bytes."""
    rng = random.Random(seed)
    root = (data_root or DATA_ROOT).resolve()
    pool = [replace(a) for a in _load_pool(root)]  # generate() assigns idx, truth fields
    builder = _Builder(pool, rng, _vocabularies(root))
    pairs = _translation_pairs(root, rng, round(n * derived_share / 3))
    n_derived = round(n * derived_share) - len(pairs)
    n_originals = n - n_derived - 2 * len(pairs)
    if n_originals <= len(pool):
        chosen = [pool[i] for i in sorted(rng.sample(range(len(pool)), n_originals))]
    else:
        chosen = list(pool)
    for i, art in enumerate(chosen):
        art.idx = i
    reals, articles = chosen, list(chosen)
    while len(articles) < n_originals:
        articles.append(builder.synthetic_original(rng.choice(pool), len(articles)))

    reuse = _reuse_index(reals)
    for idx, earlier in reuse.natural.items():
        art = articles[idx]
        art.derivation, art.sources = "natural", earlier
        art.accept = sorted(set(earlier) | set(reuse.twins[art.body_key]) - {idx})

    eligible = {
        lang: [a for a in reals if a.language == lang and len(a.copyable) >= 2]
        for lang in builder.vocab
    }
    flat = [a for lang in sorted(eligible) for a in eligible[lang]]
    hot = rng.sample(flat, max(1, round(len(flat) * HOT_FRACTION))) if flat else []
    position = {a.idx: i for lang in eligible for i, a in enumerate(eligible[lang])}
    for _ in range(n_derived if flat else 0):
        first = rng.choice(hot) if rng.random() < HOT_SHARE else rng.choice(flat)
        sources = [first]
        if rng.random() < MERGE_SHARE:
            at = position[first.idx]
            second = rng.choice(eligible[first.language][max(0, at - 50) : at + 51])
            if second.body_key != first.body_key:
                sources.append(second)
        art = builder.derived(sources, rng.random() < partial_share, len(articles))
        accept = set(art.sources)
        for src in sources:
            accept.update(reuse.twins[src.body_key])
        for op in art.ops:
            if op["op"] != "keep":
                continue
            for i in op["sentences"]:
                key = _norm(articles[op["source"]].sentences[i])
                accept.update(
                    h for h in reuse.holders.get(key, ()) if articles[h].published < art.published
                )
        art.accept = sorted(accept)
        articles.append(art)
    for en, id_ in pairs:
        articles.extend(builder.translated(en, id_, len(articles)))
    return _write(articles, out_dir / f"articles-{n}")


def _translation_pairs(root: Path, rng: random.Random, most: int) -> list[tuple[list, list]]:
    """(English lines, Indonesian lines) of the PANL-BPPT pseudo-articles (each used once;
    none when the data is absent), at most ``most``: the translated derivations."""
    from eval import panl

    folder = root / "panl-bppt"
    if not folder.is_dir():
        return []
    found = [p for d in panl.DOMAINS for p in panl.stories(folder, d, random.Random(16))]
    return rng.sample(found, min(most, len(found)))


def _write(articles: list[_Article], stem: Path) -> tuple[Path, Path]:
    """Corpus and truth in published order, under neutral ids assigned in that order."""
    order = sorted(articles, key=lambda a: (a.published, a.idx))
    ids = {a.idx: f"a{pos:07d}" for pos, a in enumerate(order, 1)}
    stem.parent.mkdir(parents=True, exist_ok=True)
    corpus_path = stem.with_name(stem.name + ".jsonl")
    truth_path = stem.with_name(stem.name + ".truth.jsonl")
    with (
        corpus_path.open("w", encoding="utf-8") as corpus,
        truth_path.open("w", encoding="utf-8") as truth,
    ):
        for art in order:
            aid = ids[art.idx]
            url = art.url
            if url is None and art.outlet and art.outlet != "Reuters":
                slug = re.sub(r"[^a-z0-9]+", "-", art.outlet.lower()).strip("-")
                url = f"https://{slug}.example/{art.published:%Y/%m/%d}/{aid}"
            record = {
                "id": aid,
                "title": art.title,
                "text": art.text,
                "outlet": art.outlet,
                "kind": art.kind,
                "published": art.published.isoformat(),
                "url": url,
                "language": art.language,
            }
            corpus.write(json.dumps(record, ensure_ascii=False) + "\n")
            ops = [{k: ids[v] if k == "source" else v for k, v in op.items()} for op in art.ops]
            line = {
                "id": aid,
                "derivation": art.derivation,
                "sources": [ids[i] for i in art.sources],
                "accept": [ids[i] for i in art.accept],
                "ops": ops,
                "base": art.base,
            }
            truth.write(json.dumps(line, ensure_ascii=False) + "\n")
    return corpus_path, truth_path


def read_truth(truth_path: Path) -> dict[str, dict]:
    """The truth records of a generated corpus, by article id."""
    with Path(truth_path).open(encoding="utf-8") as fh:
        return {rec["id"]: rec for rec in map(json.loads, fh)}


def evaluate(truth_path: Path, predicted: dict[str, set[str]]) -> dict:
    """Article-level recall and precision of a tool's derivation verdicts.

    ``predicted`` maps every article the tool marks as derived (wholly or partially) to the
    article ids it names as sources (possibly empty). A synthetic derived article is
    recalled when a named source is in its ``accept`` list (true sources, exact-duplicate
    twins, earlier originals holding a kept sentence). A marked article is a true positive
    when it is synthetic derived or ``natural`` (an original already reusing an earlier
    one): those are real derivations the tool is right to report.
    """
    truth = read_truth(truth_path)
    derived = [t for t in truth.values() if t["derivation"] in ("wholly", "partially")]
    recalled: Counter[str] = Counter()
    for t in derived:
        if set(predicted.get(t["id"], ())) & set(t["accept"]):
            recalled[t["derivation"]] += 1
    totals = Counter(t["derivation"] for t in derived)
    true_pos = [a for a in predicted if a in truth and truth[a]["derivation"] != "non"]
    right_source = sum(1 for a in true_pos if set(predicted[a]) & set(truth[a]["accept"]))

    def share(num: int, den: int) -> float:
        return num / den if den else 0.0

    return {
        "n_articles": len(truth),
        "n_derived": len(derived),
        "n_natural": sum(t["derivation"] == "natural" for t in truth.values()),
        "n_predicted": len(predicted),
        "recall": share(sum(recalled.values()), len(derived)),
        "recall_wholly": share(recalled["wholly"], totals["wholly"]),
        "recall_partially": share(recalled["partially"], totals["partially"]),
        "precision": share(len(true_pos), len(predicted)),
        "source_precision": share(right_source, len(true_pos)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--derived-share", type=float, default=0.3)
    parser.add_argument("--partial-share", type=float, default=0.5)
    parser.add_argument("--data", type=Path, default=None, help="shared data folder")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus, truth = generate(
        args.n, args.out, args.seed, args.derived_share, args.partial_share, args.data
    )
    elapsed = time.perf_counter() - started
    print(f"{corpus}\n{truth}", flush=True)
    print(f"generated {args.n} articles in {elapsed:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
