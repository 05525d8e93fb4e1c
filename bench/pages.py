"""News pages and WARC records made from article text, for tests and benchmarks.

A page wraps the article's lines in what news sites put around a story (cookie banner,
menu, search box, share buttons, tags, related links, footer), so that the HTML reader has
real chrome to remove. The page states only the metadata it is given.
"""

from __future__ import annotations

import html
import io
from datetime import datetime

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

MENU = ("Home", "Nasional", "Internasional", "Ekonomi", "Olahraga", "Teknologi")
RELATED = (
    "Harga Beras Naik di Pasar Induk Jelang Akhir Pekan",
    "Timnas U-23 Lolos ke Semifinal Piala Asia",
    "Gempa Magnitudo 5,1 Guncang Maluku Tengah",
)


def news_page(
    title: str,
    paragraphs: list[str],
    url: str,
    site_name: str | None = None,
    published: str | None = None,
) -> str:
    esc = html.escape
    meta = [f'<meta property="og:title" content="{esc(title)}">']
    if site_name:
        meta.append(f'<meta property="og:site_name" content="{esc(site_name)}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    menu = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in MENU)
    related = "".join(f'<li><a href="/berita/{i}">{t}</a></li>' for i, t in enumerate(RELATED))
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{esc(title)}</title>
{"".join(meta)}
<link rel="canonical" href="{esc(url)}"></head>
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
{body}
</div>
<div class="tags">Tag: <a href="/tag/korea-utara">Korea Utara</a> <a href="/tag/rusia">Rusia</a></div>
</article>
<aside class="related"><h3>Berita Terkait</h3><ul>{related}</ul></aside></main>
<footer class="site-footer"><ul><li><a href="/tentang">Tentang Kami</a></li>
<li><a href="/redaksi">Redaksi</a></li><li><a href="/pedoman">Pedoman Media Siber</a></li></ul>
<p>Copyright 2024. All rights reserved.</p></footer>
</body></html>
"""


def write_response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    date: datetime,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
) -> None:
    """One HTTP ``response`` record, fetched at ``date``."""
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    writer.write_record(record)
