"""Saved pages: one article per ``*.html``/``*.htm`` file, optionally gzipped.

The id is the file name without its suffixes, as for ``*.txt``; a manifest row adds what
the page does not say. A truncated or corrupt gzip, a binary file named ``.html`` or a page
without article text becomes a reject with the reason. Reads and writes no table.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from dedup.html import page_article
from dedup.readers import FIELDS, Article, Reject


def read_page(path: Path, meta: dict | None = None) -> Iterator[Article | Reject]:
    try:
        raw = path.read_bytes()
        if path.suffix.lower() == ".gz":
            raw = gzip.decompress(raw)
    except OSError as err:  # also gzip.BadGzipFile
        yield Reject(str(path), "", f"unreadable file: {err.strerror or err}")
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
