"""Datelines and bylines as news pages print them, read to UTC or left empty (never wrong)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dedup.dates import find_published

CRAWL = datetime(2023, 10, 14, 3, 0)  # the crawl date that resolves dates without a year
D = datetime
Day = date  # a date alone: no time, or a time without its zone

CASES = [
    # Indonesian bylines with time zone: WIB = UTC+7, WITA = UTC+8, WIT = UTC+9
    ("Kamis, 14 September 2023 10:30 WIB", D(2023, 9, 14, 3, 30)),
    ("Jumat, 08 Sep 2023 10:15 WIB", D(2023, 9, 8, 3, 15)),
    ("Jum'at, 8 September 2023 - 07:05 WIB", D(2023, 9, 8, 0, 5)),
    ("Senin, 20/05/2024 13:45 WIB", D(2024, 5, 20, 6, 45)),
    ("Rabu, 5 Juni 2024 - 07:12 WITA", D(2024, 6, 4, 23, 12)),
    ("Selasa, 12 Sep 2023 17:00 WIT", D(2023, 9, 12, 8, 0)),
    ("Oleh: Tim Redaksi | Sabtu, 9 Desember 2023 | 12:00 WIB", D(2023, 12, 9, 5, 0)),
    ("Diterbitkan 14 Agustus 2023 pukul 10.30 WIB", D(2023, 8, 14, 3, 30)),
    ("Minggu, 1 Oktober 2023 23:30 WIB", D(2023, 10, 1, 16, 30)),
    (
        "Reporter: Budi | Editor: Sari\nSenin, 2 Oktober 2023 | 08:00 WIB",
        D(2023, 10, 2, 1, 0),
    ),
    # Indonesian dates without a time zone keep only the day
    ("Kamis, 14 September 2023 10:30", Day(2023, 9, 14)),
    ("Jakarta, 3 Oktober 2023", Day(2023, 10, 3)),
    (
        "JAKARTA, 3 Oktober 2023 - Presiden meresmikan jembatan baru di Kalimantan",
        Day(2023, 10, 3),
    ),  # fmt: skip
    ("Selasa, 3 Oktober 2023", Day(2023, 10, 3)),
    # Indonesian in-text datelines: weekday (day/month[/year]), resolved against the crawl date
    ("Dilansir Reuters, Jumat (8/9), pemimpin Korea Utara", Day(2023, 9, 8)),
    ("JAKARTA - Presiden menyampaikan pada Senin (12/6/2023).", Day(2023, 6, 12)),
    ("di Pyongyang, Rabu (19/6/2024). FOTO: AFP", Day(2024, 6, 19)),
    ("BANDUNG, Kamis (12/10) - Gubernur meresmikan", Day(2023, 10, 12)),
    ("Pada Sabtu (14/10/23) pagi", Day(2023, 10, 14)),
    # English wire datelines and bylines
    ("SEOUL, Oct 13 (Reuters) - North Korea said on Friday", Day(2023, 10, 13)),
    ("WASHINGTON, Oct 10 (Reuters) - The U.S. Senate", Day(2023, 10, 10)),
    ("October 13, 2023 5:02 AM GMT+9", D(2023, 10, 12, 20, 2)),
    ("Published Oct. 13, 2023 10:00 a.m. EDT", D(2023, 10, 13, 14, 0)),
    ("Friday 13 October 2023 10.00 BST", D(2023, 10, 13, 9, 0)),
    ("By Jane Doe | Updated: Oct 13, 2023 10:00 PM +07:00", D(2023, 10, 13, 15, 0)),
    ("Thu 12 Oct 2023 18.46 BST", D(2023, 10, 12, 17, 46)),
    ("Posted on September 30, 2023", Day(2023, 9, 30)),
    # Spanish, French, German, Italian, Portuguese (month and weekday names in data/dates)
    ("Madrid, martes, 3 de diciembre de 2024", Day(2024, 12, 3)),
    ("Publié le 3 décembre 2024 à 14h05", Day(2024, 12, 3)),
    ("Berlin, 03. Dezember 2024 | 14:10 CET", D(2024, 12, 3, 13, 10)),
    ("Napoli, 3 dicembre 2024", Day(2024, 12, 3)),
    ("Lisboa, 3 de dezembro de 2024", Day(2024, 12, 3)),
    ("Dienstag, 03.12.2024", Day(2024, 12, 3)),
    ("MADRID, 13 oct (EFE).- El Gobierno aprobó", Day(2023, 10, 13)),
    ("ROMA, 12 OTT (ANSA) - Il governo", Day(2023, 10, 12)),
    # not sure: left empty
    ("Kamis, 15 September 2023 10:30 WIB", None),  # 15 September 2023 was a Friday
    ("Senin (8/9)", None),  # 8 September was a Friday in 2023; no Monday fits
    ("Friday, 14/10/2023", None),  # 14 October 2023 was a Saturday
    ("05/06/2024 10:00", None),  # day/month or month/day: nothing decides
    ("SEOUL, Jul 3 (Reuters) - ", None),  # months before the crawl: the year is a guess
    ("WASHINGTON, Sept 29 (Reuters) - ", None),  # no weekday, 15 days before the crawl
    ("Kamis (10/8), Kim berkunjung", None),  # a Thursday, but 65 days before the crawl
    ("Copyright 2023. All rights reserved.", None),
    # a byline's time with its zone, a wire's name, a colon: what follows is no sentence
    (
        "Senin, 2 Oktober 2023 21:15 WIB Oleh Redaksi Kompas dan Tim Liputan Daerah",
        D(2023, 10, 2, 14, 15),
    ),  # fmt: skip
    (
        "Jakarta, 3 Oktober 2023 (ANTARA) - Presiden meresmikan jembatan baru di Kalimantan",
        Day(2023, 10, 3),
    ),  # fmt: skip
    (
        "JAKARTA, 3 Oktober 2023: Presiden Joko Widodo meresmikan jembatan baru hari ini",
        Day(2023, 10, 3),
    ),  # fmt: skip
    # an event in a lede: the sentence runs on after the date
    (
        "Memperingati kerusuhan 27 Juli 1996 (Kudatuli), ratusan aktivis berkumpul di Jakarta",
        None,
    ),  # fmt: skip
    (
        "Memperingati kerusuhan 27 Juli 1996, ratusan aktivis berkumpul di depan kantor partai",
        None,
    ),  # fmt: skip
    (
        "On 12 October 2023 the ministry announced new rules for imported rice and sugar",
        None,
    ),  # fmt: skip
    ("Baca juga: 10 tips liburan akhir pekan", None),
    ("31 Februari 2023", None),
    ("Lunes, 3 de diciembre de 2024", None),  # 3 December 2024 was a Tuesday
    # what the new names and forms must not read (helper-52)
    ("Review Honda Brio Gen 2 (2018) - Kamis, 14 September 2023 10:30 WIB", D(2023, 9, 14, 3, 30)),
    ("Demo buruh 12 Okt (Kamis) - Ribuan buruh berkumpul", None),  # no dateline place
    ("Scott 12, 2024 was the last time", None),
    ("Thursday, ſep 14, 2023", None),  # "ſ" matches "s" only by case-folding
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_dateline(text: str, expected: date | None) -> None:
    found = find_published(text, crawled=CRAWL)
    assert (found, type(found)) == (expected, type(expected))  # a day is no midnight


def test_without_a_crawl_date_a_date_without_year_is_left_empty() -> None:
    assert find_published("Dilansir Reuters, Jumat (8/9), pemimpin") is None
    assert find_published("SEOUL, Oct 13 (Reuters) - ") is None
    assert find_published("Kamis, 14 September 2023 10:30 WIB") == D(2023, 9, 14, 3, 30)


def test_the_pages_year_resolves_a_date_without_year() -> None:
    assert find_published("SEOUL, Oct 13 (Reuters) - ", page_year=2021) == Day(2021, 10, 13)
    assert find_published("Jumat (8/9)", page_year=2017) == Day(2017, 9, 8)
    assert find_published("Jumat (8/9)", page_year=2022) is None  # a Thursday in 2022


def test_only_the_head_of_the_text_is_read() -> None:
    text = "Paragraf pembuka tanpa tanggal. " * 40 + "Kamis, 14 September 2023 10:30 WIB"
    assert find_published(text, crawled=CRAWL) is None


def test_a_year_inferred_from_the_crawl_must_agree_with_the_years_the_page_names() -> None:
    fresh = datetime(2023, 9, 20)
    assert find_published("Jumat (8/9), Kim berkunjung; sejak 2023", fresh) == Day(2023, 9, 8)
    assert find_published("Jumat (8/9), Kim berkunjung; sejak 2017", fresh) is None
    url = "https://www.cnnindonesia.com/hiburan/20170908163657-227-247"
    assert find_published("Agnez Mo merilis album pada Jumat (8/9).", fresh, url=url) is None


def test_an_archive_fetched_years_later_gets_no_date_from_a_dateline_without_year() -> None:
    late = datetime(2024, 7, 1)
    assert find_published("Kamis (20/6), Kim berkunjung", late) == Day(2024, 6, 20)
    assert find_published("Senin (03/07) ini, Mutiara Hitam menang", late) is None


def test_a_date_alone_is_stored_as_a_day_and_a_time_as_a_time(tmp_path) -> None:
    """``published_precision`` keeps what midnight hides: a date without a time is a day,
    a time at midnight UTC (07:00 in Jakarta) is a time; a dateline read from a page too,
    and a page's own date: a day unless the page gives a time with its zone."""
    import json

    from conftest import ingest, query

    body = "\n\nIsi berita yang cukup panjang untuk satu artikel."
    records = [
        {"id": "day", "text": "Judul" + body, "published": "2024-01-02"},
        {"id": "time", "text": "Judul lain" + body, "published": "2024-01-02T07:00:00+07:00"},
        {"id": "none", "text": "Judul ketiga" + body},
        {"id": "page", "text": "", "html": "<html><body><article><h1>Banjir</h1><p>Jakarta, 3 "
         "Oktober 2023</p><p>" + "Banjir melanda sejumlah wilayah di ibu kota. " * 6
         + "</p></article></body></html>"},
    ]  # fmt: skip
    story = "<p>" + "北方多地周一遭遇强降雨，十二个村庄被淹，官员表示正在组织救援。" * 3 + "</p>"
    for name, meta, url in [  # what htmldate reads from the markup or the URL
        ("meta-zone", "2024-03-05T11:42:00+08:00", None),
        ("meta-naive", "2024-03-05T11:42:00", None),  # 11:42 where? only the day is sure
        ("meta-day", "2024-03-05", None),
        ("url-day", None, "https://news.example.cn/2024/03/05/a.html"),
    ]:
        head = f'<meta property="article:published_time" content="{meta}">' if meta else ""
        html = f"<html><head>{head}</head><body><article><h1>北方暴雨</h1>{story}</article></body></html>"
        records.append({"id": name, "text": "", "html": html, "url": url})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    ingest(tmp_path / "x.duckdb", path)
    rows = query(tmp_path / "x.duckdb", "SELECT article_id, published, published_precision "
                 "FROM articles ORDER BY 1")  # fmt: skip
    assert rows == [
        ("day", D(2024, 1, 2), "day"),
        ("meta-day", D(2024, 3, 5), "day"),
        ("meta-naive", D(2024, 3, 5), "day"),
        ("meta-zone", D(2024, 3, 5, 3, 42), "time"),
        ("none", None, None),
        ("page", D(2023, 10, 3), "day"),
        ("time", D(2024, 1, 2), "time"),
        ("url-day", D(2024, 3, 5), "day"),
    ]
