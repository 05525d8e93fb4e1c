"""WARC crawls: one article per HTML ``response`` (or ``resource``) record, streamed.

A crawl file (CC-NEWS files are about 1 GB) is read record by record, twice: the first pass
reads only headers and keeps, for every URL, the offset of its latest fetch; the second
extracts the pages, on every core for a large file. So memory holds the few chunks of pages
being extracted and one offset per URL, never the file. The
same URL fetched twice is one article (the latest fetch); the older fetch is a reject
saying so. Non-HTML records, HTTP errors and other record types (request, warcinfo,
revisit ...) hold no article by design: they are ``Skipped`` and counted per reason in
``runs.counts``. A record cut short or a corrupt stretch of the file is a reject; what
came before it lands, and reading goes on at the next record after it. Articles keep the
WARC path in ``source_path`` and the record's offset in ``raw_offset``. Reads and writes no
table.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Generator, Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from dedup import first_line
from dedup.exports import url_id
from dedup.html import page_article
from dedup.parallel import batched, parallel_map, preload, workers
from dedup.readers import RECORD_ERRORS, Article, Reject, Skipped, unreadable

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: records a worker extracts at a time
CHUNK_RECORDS = 16
#: a WARC with fewer pages is extracted inline: a forkserver pool takes 5-10 s to start and
#: import trafilatura, dateparser and the language model in its workers
PARALLEL_MIN_PAGES = 500
PAGE_RECORDS = ("response", "resource")


@dataclass
class Fetch:
    """What the headers of one record say."""

    kind: str
    url: str | None
    fetched: datetime | None
    status: int | None
    mime: str | None
    offset: int

    def skip_reason(self) -> str | None:
        """Why this record holds no article by design (None: it is a page)."""
        if self.kind not in PAGE_RECORDS:
            return f"WARC {self.kind} record"
        if self.status is not None and not 200 <= self.status < 300:
            return f"HTTP {self.status}"
        if self.mime is not None and self.mime not in HTML_TYPES:
            return f"not HTML: {self.mime}"
        if not self.url:
            return "no target URI"
        return None


def _fetch(record: Any) -> Fetch:
    headers = record.rec_headers
    http = record.http_headers if record.rec_type == "response" else None
    status = http.get_statuscode() if http is not None else None
    content_type = (http if http is not None else headers).get_header("Content-Type")
    date = headers.get_header("WARC-Date")
    return Fetch(
        kind=record.rec_type,
        url=headers.get_header("WARC-Target-URI"),
        fetched=_utc(date) if date else None,
        status=int(status) if status and str(status).isdigit() else None,
        mime=content_type.split(";")[0].strip().lower() if content_type else None,
        offset=-1,
    )


CUT_SHORT = "WARC record cut short (fewer bytes than its Content-Length)"
#: a record not followed by the blank lines that end a record: its Content-Length is wrong
MISFIT = (
    "WARC record does not end where its Content-Length says (the page would be cut, or run "
    "into the next record)"
)


@dataclass
class Body:
    """A page record's content, or why it could not be read."""

    raw: bytes = b""
    problem: str | None = None


def _cut_short(record: Any) -> bool:
    """Whether the file ended before the record's Content-Length (read to its end first)."""
    return bool(getattr(record.raw_stream, "limit", 0))


def _body(record: Any) -> Body:
    try:
        raw = record.content_stream().read()
    except Exception as err:  # a broken chunked or compressed body: warcio raises many types
        return Body(problem=f"unreadable record body: {err}")
    if _cut_short(record):
        return Body(problem=CUT_SHORT)
    return Body(raw)


class _WithoutWarcioWarning:
    """stderr without warcio's own warning about a record that does not end where its
    Content-Length says, counted (that record becomes a reject instead); anything else
    passes."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.dropped = 0

    def write(self, text: str) -> int:
        if text.lstrip().startswith("WARNING: Record not followed by newline"):
            self.dropped += 1
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _utc(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def records(path: Path, bodies: bool) -> Iterator[tuple[Fetch, Body | None] | Reject]:
    """Headers (and the body, with ``bodies``, of page records) of every record; where the
    file breaks, a reject for the stretch that holds no readable record, and the reading
    goes on at the next record after it (a crawl damaged in one place keeps the rest)."""
    start: int | None = 0
    while start is not None:
        start = yield from _records_from(path, bodies, start)


def _records_from(
    path: Path, bodies: bool, start: int
) -> Generator[tuple[Fetch, Body | None] | Reject, None, int | None]:
    """:func:`records` from the offset ``start``; returns where to go on when the file
    breaks (None: at its end, or no record follows)."""
    offset = end = seek_from = start
    cut = False
    try:
        with path.open("rb") as fh:
            fh.seek(start)
            it = ArchiveIterator(fh)  # its offsets count from the file's start
            load = it.loader.load_http_headers  # warcio fails on a record without a URI
            it.loader.load_http_headers = lambda kind, uri, *rest: load(kind, uri or "", *rest)
            warned = _WithoutWarcioWarning(sys.stderr)
            for record in it:
                if record.format != "warc":  # warcio reads ARC files too; this one is no WARC
                    raise ValueError(f"not a WARC record (read as {record.format})")
                fetch = _fetch(record)
                body = _body(record) if bodies and fetch.skip_reason() is None else None
                before = warned.dropped
                with redirect_stderr(warned):  # not across the yield: only warcio's writes
                    fetch.offset = offset = it.get_record_offset()  # reads to the record's end
                end = offset + it.get_record_length()
                # the file ended inside the record: too short, or its Content-Length too long
                cut = _cut_short(record)
                # where the next record may start: after this one, or inside what a wrong
                # Content-Length made part of it
                seek_from = end
                if warned.dropped > before or cut:
                    seek_from = offset
                    if body is not None and body.problem is None:
                        body = Body(problem=MISFIT)
                yield fetch, body
            if cut:  # its reject says so; records its Content-Length swallowed are read
                return _next_record(path, seek_from + 1)
            fh.seek(end)  # warcio ends quietly on a gzip member cut short
            if not _only_padding(fh.read(TAIL_BYTES)):
                left = path.stat().st_size - end
                reason = f"corrupt WARC: its last {left} bytes hold no whole record (cut short?)"
                yield Reject(f"{path}@{end}", "", reason)
        return None
    except OSError as err:
        yield unreadable(path, err)
        return None
    # warcio fails on some broken headers with its own AttributeError or TypeError
    except (ArchiveLoadFailed, EOFError, ValueError, zlib.error, AttributeError, TypeError) as err:
        resume = _next_record(path, seek_from + 1)
        if resume is None:
            reason = f"corrupt WARC after offset {offset}: {first_line(err)}"
            yield Reject(f"{path}@{offset}", "", reason)
        elif resume > end:  # (before it: the misfit record's reject says what was lost)
            reason = (
                f"corrupt WARC: bytes {end} to {resume} hold no readable record and were "
                f"skipped, reading went on after them ({first_line(err)})"
            )
            yield Reject(f"{path}@{end}", "", reason)
        return resume


#: bytes read at a time while looking for the next record after a break
SCAN_BYTES = 1 << 20


def _next_record(path: Path, after: int) -> int | None:
    """The offset of the first record that starts at or after ``after``: a line starting
    "WARC/1." in a plain file, a gzip member whose text starts so in a compressed one."""
    with path.open("rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
        # a plain record starts after the newline the mark begins with
        mark, lead = (b"\x1f\x8b", 0) if gz else (b"\nWARC/1.", 1)
        pos = max(after - lead, 0)
        while True:
            fh.seek(pos)
            block = fh.read(SCAN_BYTES + len(mark))
            found = block.find(mark)
            while found >= 0:
                at = pos + found + lead
                if not gz or _starts_a_record(fh, at):
                    return at
                found = block.find(mark, found + 1)
            if len(block) <= SCAN_BYTES:
                return None
            pos += SCAN_BYTES


def _starts_a_record(fh: BinaryIO, at: int) -> bool:
    """Whether the gzip member at ``at`` opens with a WARC record's first line."""
    fh.seek(at)
    try:
        return zlib.decompressobj(wbits=31).decompress(fh.read(4096), 8).startswith(b"WARC/1.")
    except zlib.error:
        return False


#: bytes after the last record read to tell padding from a record cut short
TAIL_BYTES = 65_536


def _only_padding(tail: bytes) -> bool:
    """Whether the bytes after the last whole record hold nothing: whitespace, or gzip
    members of whitespace (an empty member closes some crawlers' files)."""
    while tail.strip() and len(tail) < TAIL_BYTES:
        member = zlib.decompressobj(wbits=31)  # one gzip member
        try:
            if tail[:2] != b"\x1f\x8b" or member.decompress(tail).strip() or not member.eof:
                return False
        except zlib.error:
            return False
        tail = member.unused_data
    return not tail.strip()


def latest_fetches(path: Path) -> dict[str, tuple[datetime | None, int]]:
    """URL -> (fetch date, offset) of its latest fetch; headers only, content skipped."""
    latest: dict[str, tuple[datetime | None, int]] = {}
    for item in records(path, bodies=False):
        if isinstance(item, Reject):
            continue
        fetch = item[0]
        if fetch.skip_reason() is None:
            best = latest.get(fetch.url)  # type: ignore[arg-type]
            if best is None or (fetch.fetched or datetime.min) >= (best[0] or datetime.min):
                latest[fetch.url] = (fetch.fetched, fetch.offset)  # type: ignore[index]
    return latest


def read_warc(path: Path) -> Iterator[Article | Reject | Skipped]:
    """Articles, rejects and skips of one WARC, in file order. Pages are extracted on every
    core when the file has enough of them: by a forkserver pool, which is safe to start from
    the thread that feeds the ingest stage's own workers."""
    latest = latest_fetches(path)
    n = workers() if len(latest) >= PARALLEL_MIN_PAGES else 1
    if n > 1:
        preload("dedup.warc")
    chunks = batched(_classified(path, latest), CHUNK_RECORDS)
    for done in parallel_map(_extract, chunks, n, context="forkserver"):
        yield from done


def _classified(path: Path, latest: dict) -> Iterator[Article | Reject | Skipped | tuple]:
    """Skips and rejects as they are; pages to extract as (body, fetch, path, where)."""
    for item in records(path, bodies=True):
        if isinstance(item, Reject):
            yield item
            continue
        fetch, body = item
        if reason := fetch.skip_reason():
            yield Skipped(str(path), reason)
            continue
        where = f"{path}@{fetch.offset}"
        when, keep = latest[fetch.url]  # type: ignore[index]
        if keep != fetch.offset:
            reason = f"duplicate of a later fetch of the same URL ({when} at offset {keep})"
            yield Reject(where, fetch.url or "", reason)
            continue
        yield body, fetch, path, where


def _extract(chunk: list) -> list[Article | Reject | Skipped]:
    return [to_article(*item) if isinstance(item, tuple) else item for item in chunk]


def to_article(body: Body, fetch: Fetch, path: Path, where: str) -> Article | Reject:
    if body.problem:
        return Reject(where, fetch.url or "", body.problem)
    record = {"id": url_id(fetch.url or ""), "url": fetch.url}
    try:
        return page_article(body.raw, record, str(path), "html", fetch.fetched, fetch.offset)
    except RECORD_ERRORS as err:
        return Reject(where, fetch.url or "", str(err))
