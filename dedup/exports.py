"""Exports of other tools: news-please JSON and Media Cloud CSV, recognised by their columns.

A news-please article (``maintext``, ``date_publish``, ``source_domain``, ...: one JSON
file per article, or one per line; ``maintext`` or two of these keys, and no ``text``
value) and a Media Cloud story row (``stories_id`` or ``id`` with ``media_name``,
``publish_date``, ``url``) are mapped to the input fields of README "Input", so they need
no flag. Media Cloud exports carry no text: a row is read only when a ``text`` or ``html``
column was added to it. Reads and writes no table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from dedup.readers import (
    FIELDS,
    JSON,
    Article,
    Reject,
    _records,
    preview,
    text_fields,
    unreadable,
)

NEWS_PLEASE = {"maintext", "date_publish", "source_domain"}
MEDIA_CLOUD = {"media_name", "publish_date", "url"}
#: the keys a record is read for, ours and those of the exports above
READ = {"id", "text", "html", "filename", "stories_id", *FIELDS, *NEWS_PLEASE, *MEDIA_CLOUD}


def url_id(url: str) -> str:
    """A stable article id for a page known only by its URL."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def normalise(record: dict) -> dict:
    """``record`` in the fields of README "Input" when it has a known export's columns.

    Keys are read in any letter case ("Text", "ID"), as CSV headers are; a record naming a
    field it is read for twice, in one case or two, with two values, is refused (which value
    to read is not ours to guess; a JSON object keeps both, :class:`dedup.readers.JsonObject`)."""
    lowered: dict = {}
    for key, value in getattr(record, "pairs", None) or record.items():
        low = key.lower()
        if low in lowered and lowered[low] != value and low in READ:
            raise ValueError(f"record names a field twice (in any letter case): {low}")
        lowered.setdefault(low, value)
    record = lowered
    # a record with our own text is ours, whatever other keys it carries (news-please's
    # own dicts carry "text": None beside "maintext")
    if ("maintext" in record or len(NEWS_PLEASE & record.keys()) >= 2) and not record.get("text"):
        return _news_please(record)
    if record.keys() >= MEDIA_CLOUD and ("stories_id" in record or "id" in record):
        return _media_cloud(record)
    return record


def _news_please(r: dict) -> dict:
    text_fields(r, "title", "maintext", "url")
    url = r.get("url") or ""
    return {
        "id": r.get("id") or (url_id(url) if url else r.get("filename")),
        "text": "\n\n".join(p for p in (r.get("title"), r.get("maintext")) if p),
        "title": r.get("title"),
        "outlet": r.get("source_domain"),
        "published": r.get("date_publish"),
        "url": url or None,
        "language": r.get("language"),
    }


def _media_cloud(r: dict) -> dict:
    text_fields(r, "text", "html", "url", "title")
    if not (r.get("text") or r.get("html")):
        raise ValueError(
            "Media Cloud row without text: add a text or html column (or fetch the pages)"
        )
    return {
        "id": r.get("stories_id") or r.get("id"),
        "text": r.get("text"),
        "html": r.get("html"),
        "title": r.get("title"),
        "outlet": r.get("media_name"),
        "published": r.get("publish_date"),
        "url": r.get("url"),
        "language": r.get("language"),
    }


def read_json(path: Path) -> Iterator[Article | Reject]:
    """A ``.json`` file holding one article object (news-please) or a list of them."""
    try:
        data = JSON.decode(path.read_bytes().decode("utf-8-sig"))
    except OSError as err:
        yield unreadable(path, err)
        return
    except ValueError as err:  # bad UTF-8, bad JSON, an integer past Python's digit limit
        yield Reject(str(path), "", f"malformed JSON: {err}")
        return
    except RecursionError:
        yield Reject(str(path), "", "JSON nested too deep")
        return
    items = data if isinstance(data, list) else [data]
    bad = [i for i in items if not isinstance(i, dict)]
    for item in bad:
        yield Reject(str(path), preview(item), "JSON item is not an object")
    yield from _records(((i, "utf-8", str(path)) for i in items if isinstance(i, dict)), str(path))
