"""The seed corpus as crawled pages: each seed text inside realistic page chrome, in a WARC.

The chrome is what news sites wrap around a story (menu, cookie banner, share buttons,
related links, footer); the article's own lines stay as the page printed them. The page
states only what the seed's manifest states (outlet, title, publication date), so the
WARC and the ``.txt`` corpus carry the same facts.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from warcio.warcwriter import WARCWriter

from bench.pages import news_page, write_response
from dedup.text import looks_like_headline

CRAWLED = datetime(2024, 7, 1, 8, 30)
#: the undated fifth seed ("Jumat (8/9)") was fetched the day after it appeared
FETCHED = {"004": datetime(2023, 9, 9, 2, 0)}
HOSTS = {
    "000": "jfid.example.com",
    "001": "www.inews.example.id",
    "002": "www.jurnas.example.com",
    "003": "samudrafakta.example.com",
    "004": "news.example.co.id",
}


def seed_rows(corpus: Path) -> list[dict]:
    with (corpus / "manifest.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def url_of(row: dict) -> str:
    stem = row["file"].removesuffix(".txt")
    return f"https://{HOSTS[stem[:3]]}/berita/{stem}"


def page_html(row: dict, text: str) -> str:
    """One seed as a news page: the story's lines as paragraphs, wrapped in chrome."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    # a page always has a title; a seed that opens with its lede (no headline: see
    # dedup.text.looks_like_headline) gets one of the site's own, which no other page shares
    fallback = lines[0] if looks_like_headline(lines[0]) else f"Berita {row['file'][:3]}"
    title = row["title"] or fallback
    body = lines[1:] if lines[0] == title else lines
    return news_page(title, body, url_of(row), row["outlet"] or None, row["published"] or None)


def write_record(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: datetime = CRAWLED,
) -> None:
    write_response(writer, url, body, date, content_type, status)


def seed_warc(corpus: Path, out: Path) -> dict[str, str]:
    """Write the seeds as a gzipped WARC; returns url -> seed article id."""
    ids = {}
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for row in seed_rows(corpus):
            text = (corpus / row["file"]).read_text(encoding="utf-8")
            fetched = FETCHED.get(row["file"][:3], CRAWLED)
            write_record(writer, url_of(row), page_html(row, text).encode("utf-8"), date=fetched)
            ids[url_of(row)] = row["file"].removesuffix(".txt")
    return ids
