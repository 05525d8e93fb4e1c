"""Real-world inputs: crawled pages in WARC files, saved pages, news-please and Media Cloud."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from conftest import CORPUS, DEDUP, query
from seed_pages import CRAWLED, page_html, seed_rows, seed_warc, url_of, write_record
from warcio.warcwriter import WARCWriter

from dedup import pipeline, warc
from dedup.exports import url_id


def _span(texts: dict[str, str], article: str, start: int, end: int) -> str:
    return texts[article][start:end]


def _evidence(db: Path, url_of_id: dict[str, str]) -> dict[str, Counter]:
    """Alignments, clusters and attributions by content (article ids differ between inputs)."""
    texts = dict(query(db, "SELECT article_id, text FROM articles"))
    aligned = Counter(
        (frozenset((_span(texts, s, ss, se), _span(texts, t, ts, te))), kind, round(score, 3))
        for s, ss, se, t, ts, te, kind, score in query(
            db,
            "SELECT source_article_id, source_start, source_end, target_article_id, target_start,"
            " target_end, match_kind, score FROM alignments",
        )
    )
    members: dict[int, set[str]] = {}
    for cid, s, t in query(
        db, "SELECT cluster_id, source_article_id, target_article_id FROM alignments"
    ):
        members.setdefault(cid, set()).update((url_of_id[s], url_of_id[t]))
    sizes = dict(query(db, "SELECT cluster_id, n_articles FROM clusters"))
    clusters = Counter((frozenset(m), sizes[c]) for c, m in members.items())
    attributed = Counter(  # trafilatura writes no-break spaces as spaces
        (" ".join(text.split()), *rest)
        for text, *rest in query(
            db,
            "SELECT p.text, a.source, a.source_type, a.method FROM attributions a"
            " JOIN paragraphs p USING (paragraph_id)",
        )
    )
    return {"alignments": aligned, "clusters": clusters, "attributions": attributed}


def test_seed_pages_in_a_warc_give_what_the_text_corpus_gives(tmp_path: Path) -> None:
    warc = tmp_path / "seeds.warc.gz"
    seed_warc(CORPUS, warc)
    pipeline.run([warc], tmp_path / "warc.duckdb", quiet=True)
    pipeline.run([CORPUS], tmp_path / "txt.duckdb", quiet=True)
    urls = {url_id(url_of(r)): url_of(r) for r in seed_rows(CORPUS)}
    urls |= {r["file"].removesuffix(".txt"): url_of(r) for r in seed_rows(CORPUS)}
    from_warc = _evidence(tmp_path / "warc.duckdb", urls)
    from_txt = _evidence(tmp_path / "txt.duckdb", urls)
    assert from_txt["alignments"] and from_txt["attributions"]
    assert from_warc == from_txt
    # the pages' chrome (menu, cookie banner, share buttons, related links) is not in the text
    texts = [t for (t,) in query(tmp_path / "warc.duckdb", "SELECT text FROM articles")]
    assert not any(w in t for t in texts for w in ("Setuju", "Berita Terkait", "Bagikan", "Gempa"))
    rows = query(
        tmp_path / "warc.duckdb",
        "SELECT url, source_path, raw_offset, metadata_source FROM articles",
    )
    assert {r[0] for r in rows} == set(urls.values())
    assert all(r[1] == str(warc) for r in rows)
    for url, _, offset, _ in rows:  # the offset is where the page's gzipped record starts
        record = gzip.GzipFile(fileobj=io.BytesIO(warc.read_bytes()[offset:])).read(4096)
        assert f"WARC-Target-URI: {url}".encode() in record
    sources = {r[0]: json.loads(r[3]) for r in rows}
    assert sources[url_of(seed_rows(CORPUS)[2])]["published"] == "htmldate"
    assert sources[url_of(seed_rows(CORPUS)[4])] == sources[url_of(seed_rows(CORPUS)[4])] | {
        "published": "dateline",
        "outlet": "url",
    }


def _writer(path: Path) -> tuple[io.BufferedWriter, WARCWriter]:
    fh = path.open("wb")
    return fh, WARCWriter(fh, gzip=path.suffix == ".gz")


def _one_page(n: int) -> bytes:
    row = seed_rows(CORPUS)[n]
    return page_html(row, (CORPUS / row["file"]).read_text(encoding="utf-8")).encode()


def test_duplicates_and_non_html_records_are_counted_not_stored(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    fh, writer = _writer(warc)
    url = "https://news.example.org/a"
    old = CRAWLED.replace(day=1)
    write_record(writer, url, _one_page(0), date=old)
    write_record(writer, url, _one_page(0).replace(b"Sullivan", b"Jake Sullivan"), date=CRAWLED)
    write_record(
        writer, "https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"
    )
    write_record(
        writer, "https://news.example.org/gone", b"<html>Not found</html>", status="404 Not Found"
    )
    write_record(writer, "https://news.example.org/b", _one_page(1))
    fh.close()
    db = tmp_path / "db.duckdb"
    counts = pipeline.run([warc], db, quiet=True, stages=("ingest",))
    assert counts["skipped"] == {"HTTP 404": 1, "not HTML: image/png": 1}
    assert json.loads(query(db, "SELECT counts FROM runs")[0][0])["skipped"] == counts["skipped"]
    texts = dict(query(db, "SELECT url, text FROM articles"))
    assert set(texts) == {url, "https://news.example.org/b"}
    assert "Jake Sullivan" in texts[url]  # the latest fetch
    ((where, record, reason),) = query(db, "SELECT source_path, record, reason FROM rejects")
    assert where == f"{warc}@0" and record == url
    assert reason.startswith("duplicate of a later fetch of the same URL")


def test_bad_records_are_rejected_and_the_rest_lands(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.html").write_bytes(_one_page(0))
    (pages / "zipped.html.gz").write_bytes(gzip.compress(_one_page(1)))
    (pages / "truncated.html.gz").write_bytes(gzip.compress(_one_page(2))[:700])
    (pages / "nobody.html").write_bytes(
        b"<html><head><title>Kosong</title></head><body></body></html>"
    )
    (pages / "photo.htm").write_bytes(
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 20
    )
    warc = tmp_path / "cut.warc"
    fh, writer = _writer(warc)
    write_record(writer, "https://news.example.org/a", _one_page(3))
    write_record(writer, "https://news.example.org/binary", b"\x00\x01PK\x03\x04" * 400)
    write_record(writer, "https://news.example.org/b", _one_page(4))
    fh.close()
    warc.write_bytes(warc.read_bytes()[:-900])  # the last record is cut short
    db = tmp_path / "db.duckdb"
    pipeline.run([pages, warc], db, quiet=True, stages=("ingest",))
    assert {r[0] for r in query(db, "SELECT article_id FROM articles")} == {
        "good",
        "zipped",
        url_id("https://news.example.org/a"),
    }
    reasons = dict(query(db, "SELECT source_path, reason FROM rejects"))
    assert reasons[str(pages / "truncated.html.gz")].startswith("truncated or corrupt gzip")
    assert reasons[str(pages / "nobody.html")] == "no article text in the page"
    assert reasons[str(pages / "photo.htm")].startswith("not HTML: binary file")
    offsets = {k.rsplit("@", 1)[1]: v for k, v in reasons.items() if "@" in k}
    assert len(offsets) == 2
    assert any(v.startswith("not HTML: binary file") for v in offsets.values())
    assert any(v.startswith("WARC record cut short") for v in offsets.values())


def test_news_please_and_media_cloud_exports_are_recognised(tmp_path: Path) -> None:
    text = (CORPUS / "004_c040663b4dfb9712.txt").read_text(encoding="utf-8")
    article = {
        "authors": ["Tim Redaksi"],
        "date_download": "2023-09-09 01:00:00",
        "date_modify": None,
        "date_publish": "2023-09-08 14:30:00",
        "description": "Korea Utara mendukung Rusia.",
        "filename": "https%3A%2F%2Fnews.example.co.id%2Fa.json",
        "image_url": None,
        "language": "id",
        "localpath": None,
        "maintext": text,
        "source_domain": "news.example.co.id",
        "text": None,  # news-please's NewsArticle.get_dict() writes it
        "title": "AS Wanti-wanti Korut",
        "title_page": None,
        "title_rss": None,
        "url": "https://news.example.co.id/a",
    }
    folder = tmp_path / "np"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(article), encoding="utf-8")
    lines = tmp_path / "np.jsonl"
    lines.write_text(
        json.dumps(article | {"url": "https://news.example.co.id/b"}) + "\n", encoding="utf-8"
    )
    mc = tmp_path / "mediacloud.csv"
    with mc.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["stories_id", "publish_date", "title", "url", "language", "ap_syndicated"]
            + ["media_id", "media_name", "media_url", "text"]
        )
        site = "https://x.example.com"
        out.writerow(
            [
                "1234567",
                "2023-09-08 10:00:00",
                "AS",
                f"{site}/c",
                "id",
                "False",
                "42",
                "X News",
                site,
                text,
            ]
        )
        out.writerow(
            [
                "1234568",
                "2023-09-08 11:00:00",
                "Tanpa teks",
                f"{site}/d",
                "id",
                "False",
                "42",
                "X News",
                site,
                "",
            ]
        )
    db = tmp_path / "db.duckdb"
    pipeline.run([folder, lines, mc], db, quiet=True, stages=("ingest",))
    got = {
        r[0]: r[1:]
        for r in query(db, "SELECT url, outlet, published, title, language FROM articles")
    }
    assert set(got) == {
        "https://news.example.co.id/a",
        "https://news.example.co.id/b",
        "https://x.example.com/c",
    }
    assert got["https://news.example.co.id/a"][0] == "news.example.co.id"
    assert str(got["https://news.example.co.id/a"][1]) == "2023-09-08 14:30:00"
    assert got["https://x.example.com/c"][:2] == ("X News", got["https://x.example.com/c"][1])
    assert str(got["https://x.example.com/c"][1]) == "2023-09-08 10:00:00"
    assert query(db, "SELECT article_id FROM articles WHERE url LIKE '%/c'") == [("1234567",)]
    (reason,) = query(db, "SELECT reason FROM rejects")[0]
    assert reason.startswith("Media Cloud row without text")


def test_a_record_with_our_text_field_is_ours_whatever_else_it_holds(tmp_path: Path) -> None:
    """Two news-please keys beside our own ``text`` (a researcher's table built from a
    crawl) do not make the record a news-please one: its text is read, not "empty"."""
    text = (CORPUS / "004_c040663b4dfb9712.txt").read_text(encoding="utf-8")
    path = tmp_path / "mixed.jsonl"
    record = {"id": "a", "text": text, "date_publish": "2024-01-01", "source_domain": "x.com"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = tmp_path / "db.duckdb"
    pipeline.run([path], db, quiet=True, stages=("ingest",))
    assert query(db, "SELECT article_id, text FROM articles") == [("a", text)]
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]


def test_a_news_please_record_with_its_text_and_url_alone_is_read(tmp_path: Path) -> None:
    """``maintext`` is news-please's own key: with a URL and nothing else the record is read
    (its id the URL's hash), and one whose ``maintext`` is null is an empty text, not a
    record "missing id"."""
    text = (CORPUS / "004_c040663b4dfb9712.txt").read_text(encoding="utf-8")
    path = tmp_path / "np.jsonl"
    path.write_text(
        json.dumps({"maintext": text, "url": "https://k.example.com/2"})
        + "\n"
        + json.dumps({"maintext": None, "url": "https://k.example.com/3"})
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "db.duckdb"
    pipeline.run([path], db, quiet=True, stages=("ingest",))
    assert query(db, "SELECT url, text FROM articles") == [("https://k.example.com/2", text)]
    assert query(db, "SELECT source_path, reason FROM rejects") == [(f"{path}:2", "empty text")]


def test_html_column_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_text(
        json.dumps(
            {"id": "p1", "url": "https://www.jurnas.example.com/x", "html": _one_page(2).decode()}
        )
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "db.duckdb"
    pipeline.run([path], db, quiet=True, stages=("ingest",))
    ((aid, outlet, published, text),) = query(
        db, "SELECT article_id, outlet, published, text FROM articles"
    )
    assert (aid, outlet, str(published)) == ("p1", "Jurnas.com", "2024-05-20 06:45:00")
    assert "Gedung Putih telah memperingatkan Korea Utara" in text


def test_manifest_row_of_a_saved_page_wins_over_the_page(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "jurnas.html").write_bytes(_one_page(2))
    (folder / "manifest.csv").write_text(
        "file,outlet,kind,published,url,language,title\n"
        "jurnas.html,Jurnas,wire,2024-05-21,https://jurnas.example.com/a,id,\n",
        encoding="utf-8",
    )
    db = tmp_path / "db.duckdb"
    pipeline.run([folder], db, quiet=True, stages=("ingest",))
    ((outlet, kind, published, url, sources),) = query(
        db, "SELECT outlet, kind, published, url, metadata_source FROM articles"
    )
    assert (outlet, kind, str(published), url) == (
        "Jurnas",
        "wire",
        "2024-05-21 00:00:00",
        "https://jurnas.example.com/a",
    )
    assert json.loads(sources) == {"text": "trafilatura", "title": "trafilatura"}


def _inline_and_on_workers(read, monkeypatch) -> tuple[list[dict], list[dict]]:
    """What ``read()`` gives on one core, and on two workers of the pool (tiny chunks)."""
    monkeypatch.setenv("DEDUP_WORKERS", "1")
    inline = [item.__dict__ for item in read()]
    monkeypatch.setattr(warc, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(warc, "CHUNK_RECORDS", 4)
    monkeypatch.setenv("DEDUP_WORKERS", "2")
    return inline, [item.__dict__ for item in read()]


def test_pages_extracted_on_several_workers_come_out_as_inline(tmp_path: Path, monkeypatch) -> None:
    warc_path = tmp_path / "many.warc.gz"
    fh, writer = _writer(warc_path)
    for i in range(40):
        write_record(writer, f"https://news.example.org/{i}", _one_page(i % 5))
    write_record(writer, "https://news.example.org/gone", b"<html></html>", status="404 Not Found")
    fh.close()
    inline, parallel = _inline_and_on_workers(lambda: warc.read_warc(warc_path), monkeypatch)
    assert parallel == inline
    assert len(inline) == 41


def test_a_folder_of_pages_extracted_on_several_workers_comes_out_as_inline(
    tmp_path: Path, monkeypatch
) -> None:
    from dedup import readers

    for i in range(12):
        (tmp_path / f"page{i:02d}.html").write_bytes(_one_page(i % 5))
    (tmp_path / "empty.html").write_bytes(b"<html><body></body></html>")
    inline, parallel = _inline_and_on_workers(lambda: readers.read_folder(tmp_path), monkeypatch)
    assert parallel == inline
    assert len(inline) == 13 and sum("reason" in item for item in inline) == 1


def _warc_bytes(tmp_path: Path, name: str, pages: list[tuple[str | None, bytes, datetime]]):
    """A WARC of ``pages`` (url, body, fetch date): its bytes and each record's offset."""
    path = tmp_path / name
    fh, writer = _writer(path)
    offsets = []
    for url, body, date in pages:
        offsets.append(fh.tell())
        write_record(writer, url, body, date=date)  # type: ignore[arg-type]
    fh.close()
    return path, path.read_bytes(), offsets


def test_a_warc_cut_short_or_broken_names_what_it_lost(tmp_path: Path) -> None:
    """Records before a cut land and the cut is a reject, never silence; a record without
    a target URI is skipped and the records after it land; an empty gzip member closing a
    file is no loss."""

    def pages(site: str, n: int = 3) -> list:
        return [(f"https://{site}.example.org/{i}", _one_page(i), CRAWLED) for i in range(n)]

    gz, data, at = _warc_bytes(tmp_path, "cut.warc.gz", pages("a"))
    gz.write_bytes(data[: at[2] + 30])  # 30 bytes into the last gzip member: no header
    closed, data, _ = _warc_bytes(tmp_path, "closed.warc.gz", pages("b", 2))
    closed.write_bytes(data + gzip.compress(b"") + gzip.compress(b"\r\n"))
    c = pages("c", 4)
    no_uri, _, _ = _warc_bytes(
        tmp_path, "nouri.warc", [c[0], (None, _one_page(1), CRAWLED), *c[2:]]
    )
    db = tmp_path / "db.duckdb"
    counts = pipeline.run([gz, closed, no_uri], db, quiet=True, stages=("ingest",))
    landed = Counter(p for (p,) in query(db, "SELECT source_path FROM articles"))
    assert landed == {str(gz): 2, str(closed): 2, str(no_uri): 3}
    [(where, reason)] = query(db, "SELECT source_path, reason FROM rejects")
    assert where.startswith(f"{gz}@") and reason.startswith("corrupt WARC: its last")
    # warcio reads no HTTP head without a URI, and the gzip member of blank lines as a record
    assert counts["skipped"] == {"not HTML: application/http": 1, "WARC None record": 1}


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("off_by", [-40, 40])
def test_a_record_whose_content_length_is_wrong_is_a_reject_not_a_cut_page(
    tmp_path: Path, capfd: pytest.CaptureFixture, gz: bool, off_by: int
) -> None:
    """A Content-Length 40 bytes short (the page would lose its end) or long (the record
    runs into the next one) costs that record, with its reason, and prints nothing (warcio
    writes its own warning to stderr). The record before it lands; the one after lands,
    or the file breaks there and a reject says where."""
    pages = [(f"https://cl.example.org/{i}", _one_page(i), CRAWLED) for i in range(3)]
    _, data, at = _warc_bytes(tmp_path, "plain.warc", pages)
    records = [data[a:b] for a, b in zip(at, [*at[1:], len(data)], strict=True)]
    head, rest = records[1].split(b"\r\n\r\n", 1)
    length = int(re.search(rb"Content-Length: (\d+)", head)[1])  # type: ignore[index]
    head = head.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length + off_by))
    records[1] = head + b"\r\n\r\n" + rest
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(b"".join(gzip.compress(r) if gz else r for r in records))
    db = tmp_path / "db.duckdb"
    capfd.readouterr()
    pipeline.run([path], db, quiet=True, stages=("ingest",))
    assert capfd.readouterr().err == ""
    landed = {u for (u,) in query(db, "SELECT url FROM articles")}
    rejects = query(db, "SELECT source_path, record, reason FROM rejects")
    at_second = f"{path}@{len(gzip.compress(records[0])) if gz else at[1]}"
    # its gzip member ends first: the record is cut short
    reason = warc.CUT_SHORT if gz and off_by > 0 else warc.MISFIT
    assert (at_second, pages[1][0], reason) in rejects
    assert pages[0][0] in landed and pages[1][0] not in landed
    # the record after it lands: warcio finds it when what is left is one line, and
    # otherwise reading goes on at the next record, a reject naming the bytes it skipped
    skipped = [r for r in rejects if "were skipped" in r[2]]
    assert pages[2][0] in landed and len(rejects) == 1 + len(skipped)
    assert all("\n" not in reason for _, _, reason in rejects)


@pytest.mark.parametrize("gz", [False, True])
def test_a_content_length_past_the_end_keeps_the_records_it_swallowed(
    tmp_path: Path, gz: bool
) -> None:
    """A Content-Length with a digit too many runs past the end of the file: that record is
    cut short, a reject, and the records its length swallowed still land."""
    pages = [(f"https://long.example.org/{i}", _one_page(i), CRAWLED) for i in range(4)]
    _, data, at = _warc_bytes(tmp_path, "plain.warc", pages)
    records = [data[a:b] for a, b in zip(at, [*at[1:], len(data)], strict=True)]
    records[1] = re.sub(rb"Content-Length: (\d+)", rb"Content-Length: \g<1>9", records[1], count=1)
    members = [gzip.compress(r) if gz else r for r in records]
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(b"".join(members))
    db = tmp_path / "db.duckdb"
    pipeline.run([path], db, quiet=True, stages=("ingest",))
    assert {u for (u,) in query(db, "SELECT url FROM articles")} == {pages[i][0] for i in (0, 2, 3)}
    assert query(db, "SELECT source_path, reason FROM rejects") == [
        (f"{path}@{len(members[0])}", warc.CUT_SHORT)
    ]


def test_a_file_named_warc_that_holds_no_warc_record_is_a_reject(tmp_path: Path) -> None:
    """warcio reads the older ARC format too, and took text whose lines hold five words
    for ARC records: a ``.warc`` file whose records are not WARC ones is a reject, not
    records skipped as "not HTML"."""
    path = tmp_path / "notes.warc"
    path.write_text("hello this is not a warc\n" * 100, encoding="utf-8")
    db = tmp_path / "db.duckdb"
    counts = pipeline.run([path], db, quiet=True, stages=("ingest",))
    assert query(db, "SELECT count(*) FROM articles") == [(0,)]
    [(reason,)] = query(db, "SELECT reason FROM rejects")
    assert "not a WARC record" in reason and not counts.get("skipped")


@pytest.mark.parametrize("gz", [False, True])
def test_a_crawl_damaged_in_the_middle_keeps_the_records_after_the_damage(
    tmp_path: Path, gz: bool
) -> None:
    """Bytes that are no record between two records (a disk error, a bad copy, a record
    overwritten): one reject names the stretch skipped, from the end of the last whole
    record to the start of the next, and every other record lands at its own offset."""
    pages = [(f"https://dm.example.org/{i}", _one_page(i), CRAWLED) for i in range(4)]
    _, data, at = _warc_bytes(tmp_path, "plain.warc", pages)
    records = [data[a:b] for a, b in zip(at, [*at[1:], len(data)], strict=True)]
    members = [gzip.compress(r) if gz else r for r in records]
    damage = b"\x00\xff garbage\r\nWARC-Type: nothing\r\n\r\nmore\r\n" * 3
    if gz:  # a member whose compressed bytes were overwritten half-way
        half = len(members[1]) // 2
        members[1] = members[1][:half] + damage + members[1][half + len(damage) :]
    else:
        members[1] = damage + members[1][len(damage) :]
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(b"".join(members))
    starts = [sum(len(m) for m in members[:i]) for i in range(4)]
    db = tmp_path / "db.duckdb"
    pipeline.run([path], db, quiet=True, stages=("ingest",))
    landed = dict(query(db, "SELECT url, raw_offset FROM articles"))
    assert landed == {pages[i][0]: starts[i] for i in (0, 2, 3)}
    [(where, reason)] = query(db, "SELECT source_path, reason FROM rejects")
    broken = starts[1] - (0 if gz else len(b"\r\n\r\n"))  # a record's end: before its
    assert where == f"{path}@{broken}"  # two closing blank lines in a plain file
    assert f"bytes {broken} to {starts[2]} hold no readable record" in reason


def test_odd_values_in_records_are_rejects_not_a_stopped_run(tmp_path: Path) -> None:
    """A crawl dated at the end of time, JSON nested or numbered past Python's limits,
    export fields of the wrong type: each costs its own record only."""
    line = "WASHINGTON, Dec 31 (AP) - "
    late = [(
        "https://news.example.org/late",
        _one_page(0).replace(b"<p>", f"<p>{line}".encode(), 1),
        datetime(9999, 12, 31, 23, 59),
    )]  # fmt: skip
    warc_path, _, _ = _warc_bytes(tmp_path, "late.warc", late)
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "big.json").write_text('{"maintext": "x", "date_publish": ' + "9" * 5000 + "}")
    body = "Jakarta (Antara) - Harga beras naik lagi pekan ini di pasar induk kota."
    rows = [
        {"id": "fine", "text": body},
        {"maintext": body, "date_publish": "2024-01-01", "source_domain": "x.id", "title": 42},
        {"id": "h1", "html": ["<p>x</p>"]},
        {"id": "h2", "html": f"<p>{body}</p>", "url": 5},
        {"stories_id": 7, "media_name": "m", "publish_date": "2024", "url": 5, "text": body},
    ]
    (tmp_path / "odd.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "db.duckdb"
    inputs = [warc_path, tmp_path / "deep.json", tmp_path / "big.json", tmp_path / "odd.jsonl"]
    pipeline.run(inputs, db, quiet=True, stages=("ingest",))
    assert {a for (a,) in query(db, "SELECT article_id FROM articles")} == {
        "fine", url_id("https://news.example.org/late")
    }  # fmt: skip
    reasons = sorted(r for (r,) in query(db, "SELECT reason FROM rejects"))
    assert reasons[0] == "JSON nested too deep"
    assert reasons[1:] == ["html is not a string", "malformed JSON: Exceeds the limit (4300 "
                           "digits) for integer string conversion: value has 5000 digits; use "
                           "sys.set_int_max_str_digits() to increase the limit",
                           "title is not a string", "url is not a string",
                           "url is not a string"]  # fmt: skip


def test_pages_are_read_in_the_charset_they_declare_or_their_bom(tmp_path: Path) -> None:
    """A windows-1252 page that says latin-1 (as browsers read it), and UTF-16 text with its
    byte order mark (Windows "Unicode"), page or plain text, are read as written."""
    said = "Le café était très “bon” – déjà vu, naïve façade, à Besançon en été dernier."
    page = "<html><head><meta charset='iso-8859-1'><title>T</title></head><body><article>"
    page += f"<p>{said}</p><p>{said}</p></article></body></html>"
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "latin.html").write_bytes(page.encode("cp1252"))
    (pages / "wide.html").write_bytes(page.replace("iso-8859-1", "utf-16").encode("utf-16"))
    korean = "서울 시내 버스 요금이 다음 달부터 오른다고 시 당국이 밝혔다. " * 3
    hangul = page.replace(said, korean).replace("iso-8859-1", "euc-kr")
    (pages / "hangul.html").write_bytes(hangul.encode("cp949"))  # euc-kr as browsers read it
    (pages / "liar.html").write_bytes(page.replace("iso-8859-1", "utf-16").encode("cp1252"))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "plain.txt").write_bytes(f"Judul\n\n{said}\n".encode("utf-16"))
    db = tmp_path / "db.duckdb"
    pipeline.run([pages, texts], db, quiet=True, stages=("ingest",))
    stored = {a: (t, e) for a, t, e in query(db, "SELECT article_id, text, encoding FROM articles")}
    assert said in stored["latin"][0] and said in stored["wide"][0]
    assert korean.strip() in stored["hangul"][0]
    assert "Besan" in stored["liar"][0]  # an 8-bit page calling itself UTF-16 is still read
    assert stored["plain"] == (f"Judul\n\n{said}\n", "utf-16")
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]


def test_quiet_run_of_unreadable_pages_prints_nothing(tmp_path: Path) -> None:
    """trafilatura's own error lines about a page it cannot parse stay out of a quiet run:
    the page's reject row holds the reason."""
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text("<p>Satu paragraf saja, tanpa halaman di sekitarnya.</p>")
    db = tmp_path / "x.duckdb"
    done = subprocess.run(
        [DEDUP, "run", str(pages), "--db", str(db), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert query(db, "SELECT reason FROM rejects") == [("unreadable HTML",)]
