"""HTML pages: main text and metadata of a saved or crawled page, as an article record.

trafilatura finds the main text, title, author, site name and canonical URL. The original
publication date is htmldate's (called by trafilatura) from the page's markup only (meta
tags, JSON-LD, time elements, URL), bounded by the crawl date: its extensive search of the
text took a footer's "Copyright 2024" for 2024-01-01 on the seed pages. When the markup has
no date, a dateline or byline in the text is read instead (``dates``), or none. The stored
text is the title, then one paragraph per extracted block separated by blank lines, so that
``segment`` sees the headline and gives its own boilerplate roles. Reads and writes no
table; the readers call ``page_article`` for every page they find.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from dedup import dates, metadata
from dedup.decoding import BINARY_PROBE, decode, utf16_codec
from dedup.readers import Article, make_article

#: pages with less main text than this many characters hold no article
MIN_TEXT_CHARS = 20

# what they log about a page they cannot read is the reason its reject row already holds
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


@dataclass
class Page:
    """What trafilatura (and htmldate) read from one page."""

    text: str
    title: str | None
    author: str | None
    sitename: str | None
    date: str | None
    url: str | None


#: the meta tags where a page states its site name, and its JSON-LD (a publisher's name);
#: not og:title or a description, which repeat the title a guess comes from
_STATED = (
    '//meta[@property="og:site_name" or @name="og:site_name" or @name="application-name"'
    ' or @name="publisher" or @name="twitter:site" or @property="twitter:site"]/@content'
    ' | //script[@type="application/ld+json"]/text()'
)
#: a name in JSON-LD ("name": "El País"), where a publisher states its own
_JSON_NAME = re.compile(r'"name"\s*:\s*"([^"\\]+)"')

#: a charset declared in the page's head (meta charset or http-equiv Content-Type)
_DECLARED = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
#: labels browsers read as a wider Windows code page than Python's codec of that name
#: (WHATWG Encoding): a page that says latin-1 or ASCII is written with cp1252's quotes
_BROWSER_CODECS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "gb2312": "gb18030", "gbk": "gb18030",
    "x-gbk": "gb18030", "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "iso-8859-9": "cp1254", "latin5": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
}  # fmt: skip


def _stated_names(tree: Any) -> set[str]:
    """The site names a page states (casefolded, without a Twitter handle's @)."""
    names = set()
    for value in tree.xpath(_STATED):
        found = _JSON_NAME.findall(value) if value.lstrip().startswith(("{", "[")) else [value]
        names.update(name.strip().lstrip("@").casefold() for name in found)
    return names


def _title_guess(sitename: str, stated: set[str]) -> bool:
    """Whether ``sitename`` is trafilatura's guess from a part of the page's title that holds
    a dot, and no domain: in "Tempête Léna : encore 120.000 foyers sans électricité" the dot
    is a thousands separator. A name the page states in its metadata is kept as it is."""
    domain = metadata.registered_domain(f"http://{sitename}")  # "... | example.co.id"
    return "." in sitename and domain is None and sitename.casefold() not in stated


def as_declared(raw: bytes) -> bytes | str:
    """The page as trafilatura should read it. UTF-8 stays bytes (trafilatura reads it as
    such), and so does a page that declares no charset (its own detection guesses); a page
    that is not UTF-8 and declares a charset is decoded with it, as a browser would
    (trafilatura's guess read a latin-1 page as Baltic); when that fails, trafilatura
    guesses."""
    if utf16_codec(raw):
        return decode(raw)[0]
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    if not (m := _DECLARED.search(raw[:BINARY_PROBE])):
        return raw
    label = m[1].decode("ascii").lower()
    if label.startswith("utf-16"):  # said of an 8-bit page (no BOM): browsers read UTF-8
        return raw
    try:
        return raw.decode(_BROWSER_CODECS.get(label, label))
    except (LookupError, UnicodeError):  # a label Python lacks, or one the page breaks
        return raw


def extract(raw: bytes | str, url: str | None = None, crawled: datetime | None = None) -> Page:
    """The main text and metadata of a page; ValueError with the reason when there is none."""
    if isinstance(raw, bytes):
        try:
            decode(raw[:BINARY_PROBE])
        except ValueError as err:  # an image or archive served or saved as HTML
            raise ValueError(f"not HTML: {err}") from err
        if not raw.strip():
            raise ValueError("empty page")
        raw = as_declared(raw)
    tree = trafilatura.load_html(raw)
    if tree is None:
        raise ValueError("unreadable HTML")
    stated = _stated_names(tree)  # read before trafilatura works on the tree
    date_params = {
        "original_date": True,
        "extensive_search": False,
        "max_date": (crawled or datetime.now()).strftime("%Y-%m-%d"),
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    }
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=date_params,
    )
    text = (getattr(doc, "text", None) or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        raise ValueError("no article text in the page")
    sitename = doc.sitename
    host = urlsplit(doc.url or url or "").hostname or ""
    if sitename and sitename.lower() in (host, host.removeprefix("www.")):
        sitename = None  # trafilatura's fallback to the host name: the URL gives the outlet
    if sitename and _title_guess(sitename, stated):
        sitename = None
    return Page(text, doc.title, doc.author, sitename, doc.date, doc.url or url)


def as_stated(date: str) -> str:
    """htmldate's date as the page states it: a time with its zone, else the day alone.
    htmldate gives a date it found without a time (in the URL, ``content="2024-03-05"``) as
    midnight, and a time without a zone as it stands; either stored as a UTC time would set
    the article hours off in the order of articles (README, "published")."""
    value = datetime.fromisoformat(date)
    return date if value.tzinfo is not None else value.date().isoformat()


def page_article(
    raw: bytes | str,
    record: dict,
    source_path: str,
    encoding: str = "html",
    crawled: datetime | None = None,
    raw_offset: int | None = None,
) -> Article:
    """An article from a page; ``record`` holds what the input states (id, outlet, ...),
    the page fills what it lacks. Raises ValueError with the reject reason."""
    page = extract(raw, record.get("url"), crawled)
    text, repaired = metadata.repair(page.text)
    title = record.get("title") or page.title
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    if title and paragraphs and paragraphs[0] == title.strip():
        paragraphs = paragraphs[1:]
    record = dict(record, text="\n\n".join(([title] if title else []) + paragraphs))
    sources: dict[str, str] = {"text": "trafilatura+ftfy" if repaired else "trafilatura"}
    if title and not record.get("title"):
        record["title"], sources["title"] = title, "trafilatura"
    record["url"] = record.get("url") or page.url
    if not record.get("language") and (language := metadata.guess_language(text)):
        record["language"], sources["language"] = language, "py3langid"
    if not record.get("published"):
        year = metadata.url_year(record.get("url"))
        if page.date:
            record["published"], sources["published"] = as_stated(page.date), "htmldate"
        elif found := dates.find_published(text, crawled, year, record.get("url")):
            record["published"], sources["published"] = found.isoformat(), "dateline"
    metadata.fill_outlet(record, sources, page.sitename)
    article = make_article(record, source_path, encoding)
    article.author, article.raw_offset = page.author, raw_offset
    article.note_sources(sources)
    return article
