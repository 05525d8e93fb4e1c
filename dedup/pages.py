"""Saved pages: one article per ``*.html``/``*.htm`` file, optionally gzipped.

The id is the file name without its suffixes, as for ``*.txt``; a manifest row adds what
the page does not say. A truncated or corrupt gzip, a binary file named ``.html`` or a page
without article text becomes a reject with the reason. A folder of 500 pages or more is
extracted on every core, as a WARC is. Reads and writes no table.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from dedup.html import page_article
from dedup.parallel import batched, parallel_map, preload, workers
from dedup.readers import FIELDS, Article, Reject, unreadable


def read_pages(pages: list[tuple[Path, dict | None]]) -> Iterator[Article | Reject]:
    """The pages of a folder, in order, extracted on every core when there are enough of
    them (the WARC reader's rule and forkserver pool: :mod:`dedup.warc`)."""
    from dedup import warc

    n = workers() if len(pages) >= warc.PARALLEL_MIN_PAGES else 1
    if n > 1:
        preload("dedup.pages")
    chunks = batched(iter(pages), warc.CHUNK_RECORDS)
    for done in parallel_map(_extract, chunks, n, context="forkserver"):
        yield from done


def _extract(chunk: list[tuple[Path, dict | None]]) -> list[Article | Reject]:
    return [item for path, meta in chunk for item in read_page(path, meta)]


def read_page(path: Path, meta: dict | None = None) -> Iterator[Article | Reject]:
    try:
        raw = path.read_bytes()
        if path.suffix.lower() == ".gz":
            raw = gzip.decompress(raw)
    except OSError as err:  # also gzip.BadGzipFile
        yield unreadable(path, err)
        return
    except (EOFError, zlib.error) as err:
        yield Reject(str(path), "", f"truncated or corrupt gzip: {err}")
        return
    record = {k: v for k, v in (meta or {}).items() if k in FIELDS and v}
    record["id"] = re.sub(r"\.html?(?:\.gz)?$", "", path.name, flags=re.I)
    try:
        yield page_article(raw, record, str(path))
    except ValueError as err:
        yield Reject(str(path), "", str(err))
