"""The seed corpus as crawled pages: each seed text inside realistic page chrome, in a WARC.

The chrome is what news sites wrap around a story (menu, cookie banner, share buttons,
related links, footer); the article's own lines stay as the page printed them. The page
states only what the seed's manifest states (outlet, title, publication date), so the
WARC and the ``.txt`` corpus carry the same facts.
"""

from __future__ import annotations

import csv
import html
import io
from datetime import datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

CRAWLED = datetime(2024, 7, 1, 8, 30)
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
    title = row["title"] or lines[0]
    body = lines[1:] if lines[0] == title else lines
    esc = html.escape
    meta = [f'<meta property="og:title" content="{esc(title)}">']
    if row["outlet"]:
        meta.append(f'<meta property="og:site_name" content="{esc(row["outlet"])}">')
    if row["published"]:
        meta.append(f'<meta property="article:published_time" content="{row["published"]}">')
    menu = "".join(
        f'<li><a href="/{w.lower()}">{w}</a></li>'
        for w in ("Home", "Nasional", "Internasional", "Ekonomi", "Olahraga", "Teknologi")
    )
    related = "".join(
        f'<li><a href="/berita/{i}">{t}</a></li>'
        for i, t in enumerate(
            (
                "Harga Beras Naik di Pasar Induk Jelang Akhir Pekan",
                "Timnas U-23 Lolos ke Semifinal Piala Asia",
                "Gempa Magnitudo 5,1 Guncang Maluku Tengah",
            )
        )
    )
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{esc(title)}</title>
{"".join(meta)}
<link rel="canonical" href="{url_of(row)}"></head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>Kami menggunakan cookie untuk meningkatkan
pengalaman Anda di situs ini. Dengan melanjutkan, Anda menyetujui kebijakan privasi kami.</p>
<button>Setuju</button><button>Pengaturan</button></div>
<header class="site-header"><a class="logo" href="/">Beranda</a>
<nav class="main-menu"><ul>{menu}</ul></nav>
<form class="search"><input type="text" placeholder="Cari berita..."></form></header>
<main><article class="post">
<h1 class="entry-title">{esc(title)}</h1>
<div class="share-buttons"><a href="#">Bagikan ke Facebook</a> <a href="#">Twitter</a>
<a href="#">WhatsApp</a> <a href="#">Salin tautan</a></div>
<div class="entry-content">
{paragraphs}
</div>
<div class="tags">Tag: <a href="/tag/korea-utara">Korea Utara</a> <a href="/tag/rusia">Rusia</a></div>
</article>
<aside class="related"><h3>Berita Terkait</h3><ul>{related}</ul></aside></main>
<footer class="site-footer"><ul><li><a href="/tentang">Tentang Kami</a></li>
<li><a href="/redaksi">Redaksi</a></li><li><a href="/pedoman">Pedoman Media Siber</a></li></ul>
<p>Copyright 2024. All rights reserved.</p></footer>
</body></html>
"""


def write_record(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: datetime = CRAWLED,
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    writer.write_record(record)


def seed_warc(corpus: Path, out: Path) -> dict[str, str]:
    """Write the seeds as a gzipped WARC; returns url -> seed article id."""
    ids = {}
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for row in seed_rows(corpus):
            text = (corpus / row["file"]).read_text(encoding="utf-8")
            write_record(writer, url_of(row), page_html(row, text).encode("utf-8"))
            ids[url_of(row)] = row["file"].removesuffix(".txt")
    return ids
