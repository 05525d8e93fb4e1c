"""Readers: read a corpus into article records; bad records become rejects with a reason.

Inputs (see README "Input"): a folder of ``*.txt`` with an optional ``manifest.csv``,
or JSONL files with one record per article. Other inputs are read by their own modules,
dispatched from here: CSV, Parquet and Excel files (``read_tabular``), saved pages
(``pages``), WARC crawls (``warc``), and news-please / Media Cloud exports (``exports``).
Nothing is dropped silently: every record either becomes an article, is recognised as
already stored (same id, same text), becomes a row in ``rejects``, or (a WARC record that
holds no page by design) is counted as ``Skipped``.
"""

from __future__ import annotations

import codecs
import hashlib
import importlib
import io
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from dedup import DedupError
from dedup.decoding import BINARY_PROBE, decode, normalise_text, utf16_codec
from dedup.text import looks_like_headline

FIELDS = ("outlet", "kind", "published", "url", "language", "title")
#: what reading one record may raise on a record's own content: its reject reason
RECORD_ERRORS = (ValueError, TypeError, RecursionError, OverflowError)
KINDS = ("wire", "outlet")
RECORD_PREVIEW = 200
#: a lone surrogate (JSON "\\ud800"): no UTF-8 form, so DuckDB cannot store it
_SURROGATE = re.compile("[\ud800-\udfff]")
#: reason prefix of a reject row that kept its article (a bad optional field was dropped)
WARNING = "warning: "


@dataclass
class Article:
    article_id: str
    text: str
    source_path: str
    encoding: str
    outlet: str | None = None
    kind: str = "outlet"
    published: datetime | None = None
    #: 'day' when the input gave a date without a time (stored as midnight), else 'time'
    published_precision: str | None = None
    url: str | None = None
    language: str | None = None
    title: str | None = None
    author: str | None = None
    #: JSON: where each value the input lacked came from (first line, the page, a guess)
    metadata_source: str | None = None
    #: byte offset of the page's record in a WARC file (``source_path``)
    raw_offset: int | None = None
    #: optional fields dropped as unusable: each becomes a ``warning:`` row in rejects
    warnings: list[str] = field(default_factory=list)
    #: where the record is in its file (``file:line``, ``file[sheet]:row``), for the rejects
    #: and warnings about it; not stored
    where: str | None = None
    content_hash: str = field(init=False)

    def __post_init__(self) -> None:
        self.content_hash = hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def place(self) -> str:
        """The record's place for a reject: ``where``, else its file."""
        return self.where or self.source_path

    def note_sources(self, sources: dict[str, str]) -> None:
        """Record where values the input lacked came from, with those recorded before."""
        noted = json.loads(self.metadata_source or "{}") | sources
        self.metadata_source = json.dumps(noted, sort_keys=True)


@dataclass
class Reject:
    source_path: str
    record: str
    reason: str

    def __post_init__(self) -> None:
        # a reject must be storable whatever its record held: lone surrogates are escaped
        self.source_path, self.record, self.reason = (
            storable(v) for v in (self.source_path, self.record, self.reason)
        )


class JsonObject(dict):
    """A JSON object. One that names a key twice keeps all its pairs too (a dict keeps the
    last value only), so that :func:`dedup.exports.normalise` refuses a field read twice
    with two values instead of reading the last one without a word."""

    pairs: list[tuple[str, object]] | None = None


def _json_object(pairs: list[tuple[str, object]]) -> JsonObject:
    obj = JsonObject(pairs)
    if len(obj) < len(pairs):
        obj.pairs = pairs
    return obj


#: the JSON reader of every input (one decoder: ``json.loads`` with a hook makes one a call)
JSON = json.JSONDecoder(object_pairs_hook=_json_object)


@dataclass
class Skipped:
    """A record that holds no article by design (an image, an HTTP error): counted per
    reason in ``runs.counts``, not rejected one by one."""

    source_path: str
    reason: str


def unreadable(path: Path, err: OSError | RuntimeError) -> Reject:
    """The reject of a file the system would not read, in the words of the system (a
    RuntimeError, a symlink loop to pathlib, has no strerror)."""
    return Reject(str(path), "", f"unreadable file: {getattr(err, 'strerror', None) or err}")


def storable(text: str) -> str:
    """``text`` with any lone surrogate written as a ``\\udxxx`` escape (valid UTF-8)."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def parse_published(value: str | None) -> datetime | None:
    """ISO 8601 date or datetime; aware values are converted to naive UTC."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError as err:
            raise ValueError(f"published is not an ISO 8601 date: {value!r}") from err
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as err:  # year 1 east of UTC, year 9999 west of it
            raise ValueError(f"published is out of range in UTC: {value!r}") from err
    return parsed


def precision(value: str) -> str:
    """'day' for an ISO date without a time ("2024-01-02"), else 'time': a day ties with
    every time of that day (``data/article_order.sql``), midnight of it is no time."""
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return "time"
    return "day"


def first_line(text: str) -> str | None:
    """The default title: the first non-empty line, when it looks like a headline
    (:func:`dedup.text.looks_like_headline`; a whole paragraph is never a headline)."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip() if looks_like_headline(line) else None
    return None


def preview(record: object) -> str:
    if isinstance(record, str):
        return record[:RECORD_PREVIEW]
    try:
        text = json.dumps(record, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):  # nested too deep, a number beyond the digit limit
        text = "(record not shown: nested too deep or a number too long)"
    return text[:RECORD_PREVIEW]


def make_article(record: dict, source_path: str, encoding: str) -> Article:
    """Validate one input record; raises ValueError with the reject reason."""
    raw_id = record.get("id")
    if raw_id is None or str(raw_id).strip() == "":
        raise ValueError("missing id")
    if isinstance(raw_id, bool | dict | list | tuple) or repr(raw_id) in ("nan", "inf", "-inf"):
        raise ValueError(f"id is not text or a number: {preview(raw_id)}")
    # pandas stores an integer column with a gap as floats: its ids are 1 and 3, not "1.0"
    # and "3.0"; past 2**53 a float is no exact integer, and stays as written
    if isinstance(raw_id, float) and raw_id.is_integer() and abs(raw_id) < 2**53:
        raw_id = int(raw_id)
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("missing text" if text is None else "text is not a string")
    text = normalise_text(text)
    if not any(c.isalnum() for c in text):  # blank, or NULs, dashes, emoji: nothing to trace
        raise ValueError("empty text" if not text.strip() else "empty text: no letter or digit")
    warnings: list[str] = []
    meta = {k: _optional(record, k, warnings) for k in FIELDS}
    kind = (meta["kind"] or "outlet").lower()
    if kind not in KINDS:
        raise ValueError(f"kind must be 'wire' or 'outlet', not {meta['kind']!r}")
    try:
        published = parse_published(meta["published"])
    except ValueError as err:
        published = None
        warnings.append(f"kept the article without its date: {err}")
    title = meta["title"] or first_line(text)
    language = _language(meta["language"], warnings)
    return Article(
        article_id=str(raw_id).strip(),
        text=text,
        source_path=source_path,
        encoding=encoding,
        outlet=meta["outlet"],
        kind=kind,
        published=published,
        published_precision=precision(meta["published"]) if published else None,
        url=meta["url"],
        language=language,
        title=title,
        metadata_source=json.dumps({"title": "first line"}) if title != meta["title"] else None,
        warnings=warnings,
    )


def _language(stated: str | None, warnings: list[str]) -> str | None:
    """The stated language as a code (:func:`dedup.metadata.language_code`); a value that is
    none is dropped with a warning, and the language is guessed from the text instead (a
    data tool's "no value", ``NA``, is no language stated: no warning)."""
    from dedup import metadata  # py3langid takes 0.15 s to import: not for every reader

    if stated is None or stated.strip().lower() in metadata.NO_VALUE:
        return None
    if code := metadata.language_code(stated):
        return code
    warnings.append(
        f"language {stated!r} is not a language's code (as 'en' or 'id-ID'): "
        "left to be guessed from the text"
    )
    return None


def _optional(record: dict, key: str, warnings: list[str]) -> str | None:
    """An optional field as stripped text; a list, object, boolean, NaN or infinity is
    dropped with a warning (``str()`` would make an outlet "True" or "inf")."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, dict | list | tuple | bool) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        warnings.append(f"kept the article without its {key}: not a text value")
        return None
    return str(value).strip() or None


def text_fields(record: dict, *keys: str) -> None:
    """The reject reason when a field read as text holds something else (a list, a number)."""
    for key in keys:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise ValueError(f"{key} is not a string")


def record_article(record: dict, source_path: str, encoding: str) -> Article:
    """A record of any known shape (news-please, Media Cloud, an ``html`` column) or ours."""
    from dedup import exports

    record = exports.normalise(record)
    bad = [k for k, v in record.items() if isinstance(v, str) and _SURROGATE.search(v)]
    if bad:
        raise ValueError(f"lone surrogate (not valid Unicode) in field {bad[0]!r}")
    if record.get("html") and not record.get("text"):
        text_fields(record, "html", "url", "title")  # trafilatura reads them as text
        from dedup import html  # trafilatura takes 0.2 s to import: only for pages

        return html.page_article(record.pop("html"), record, source_path, encoding)
    return make_article(record, source_path, encoding)


def _records(
    items: Iterator[tuple[dict, str, str] | Reject | Skipped], path: str
) -> Iterator[Article | Reject | Skipped]:
    """Turn (record, encoding, where) items into articles of ``path``, or rejects that say
    ``where`` the record is (``file:line``) when invalid; rejects and skips pass through."""
    for item in items:
        if isinstance(item, Reject | Skipped):
            yield item
            continue
        record, encoding, where = item
        try:
            article = record_article(record, path, encoding)
        except RECORD_ERRORS as err:
            yield Reject(where, preview(record), str(err))
            continue
        article.where = where
        yield article


def read_folder(folder: Path, follow_links: bool = False) -> Iterator[Article | Reject | Skipped]:
    """Every ``*.txt`` is an article (id = file stem); ``manifest.csv`` adds metadata. Which
    entries are read, and what the others become: :mod:`dedup.folders`."""
    from dedup import folders

    listed = list(folders.entries(folder, follow_links))  # an unreadable folder fails here
    manifest: dict[str, dict] = {}
    manifest_path = folder / "manifest.csv"
    if manifest_path.exists():
        from dedup.read_tabular import read_csv_rows

        for item in read_csv_rows(manifest_path):
            if isinstance(item, Reject | Skipped):
                yield item
                continue
            row, _, at = item
            if not row.get("file"):
                yield Reject(at, preview(row), "manifest row without file")
            elif (name := _nfc(row["file"].strip())) in manifest:
                reason = f"a second manifest row for {name} (the first one is used)"
                yield Reject(at, preview(row), reason)
            else:
                manifest[name] = row
    yield from (e for e in listed if not isinstance(e, Path))
    files = [e for e in listed if isinstance(e, Path) and e.suffix.lower() == ".txt"]
    pages = [e for e in listed if isinstance(e, Path) and e.suffix.lower() != ".txt"]
    names = {_nfc(f.name) for f in files + pages}
    for name, row in manifest.items():
        if name not in names:
            yield Reject(str(manifest_path), preview(row), f"manifest names a missing file: {name}")
    for path in files:
        yield from read_txt(path, manifest.get(_nfc(path.name), {}))
    from dedup.pages import read_pages

    html = [(p, manifest.get(_nfc(p.name))) for p in pages if READERS[input_suffix(p)] is _page]
    yield from read_pages(html)
    for path in pages:
        if (reader := READERS[input_suffix(path)]) is not _page:
            yield from reader(path)


def _nfc(name: str) -> str:
    """A file name as a manifest row and the folder's listing are matched: in NFC, since
    macOS and zip files may give "café" decomposed (NFD) where a typed row has it composed."""
    return unicodedata.normalize("NFC", name)


def read_txt(path: Path, meta: dict | None = None) -> Iterator[Article | Reject]:
    """One ``.txt`` article: id is the file stem, metadata from the manifest row."""
    try:
        text, encoding = decode(path.read_bytes())
    except OSError as err:
        yield unreadable(path, err)
        return
    except ValueError as err:
        yield Reject(str(path), "", str(err))
        return
    record = {k: v for k, v in (meta or {}).items() if k in FIELDS}
    record.update(id=path.stem, text=text)
    yield from _records(iter([(record, encoding, str(path))]), str(path))


def read_jsonl(path: Path) -> Iterator[Article | Reject]:
    """One record per line, read as a stream: memory does not grow with the file."""
    try:
        fh = path.open("rb")
    except OSError as err:
        yield unreadable(path, err)
        return
    with fh:
        try:
            head = fh.read(BINARY_PROBE)
            fh.seek(0)
            lines: Iterable[bytes | str] = fh
            # UTF-16 (PowerShell's Out-File writes it): by its mark, or read as JSON that way
            codec = utf16_codec(head)
            if codec == "utf-16" or (codec and head.decode(codec, "ignore").lstrip()[:1] == "{"):
                lines = io.TextIOWrapper(fh, encoding=codec, errors="replace")
            # NUL bytes make it binary, unless it opens with a JSON object (a NUL line's reject)
            elif b"\x00" in head and head.removeprefix(codecs.BOM_UTF8).lstrip()[:1] != b"{":
                yield Reject(str(path), "", "binary file (NUL bytes)")
                return
            yield from _records(_json_lines(lines, path, codec or ""), str(path))
        except OSError as err:  # a read error (EIO) part-way: the lines before it stand
            yield unreadable(path, err)


def _json_lines(
    lines: Iterable[bytes | str], path: Path, codec: str
) -> Iterator[tuple[dict, str, str] | Reject]:
    """Records of JSON lines: bytes (UTF-8, or cp1252 line by line) or text read with the
    UTF-16 ``codec``."""
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if isinstance(raw, str):
            line, encoding = raw, codec
        else:
            try:
                line, encoding = _decode_line(raw)
            except UnicodeDecodeError:
                text = raw.decode("utf-8", "backslashreplace")
                yield Reject(f"{path}:{lineno}", preview(text), "invalid UTF-8 bytes")
                continue
        try:
            record = JSON.decode(line)
        except json.JSONDecodeError as err:
            yield Reject(f"{path}:{lineno}", preview(line), f"malformed JSON: {err.msg}")
            continue
        except RecursionError:
            yield Reject(f"{path}:{lineno}", preview(line), "JSON nested too deep")
            continue
        except ValueError as err:  # an integer beyond Python's digit limit
            yield Reject(f"{path}:{lineno}", preview(line), f"malformed JSON: {err}")
            continue
        if not isinstance(record, dict):
            yield Reject(f"{path}:{lineno}", preview(line), "JSON line is not an object")
            continue
        yield record, encoding, f"{path}:{lineno}"


def _decode_line(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252 (fallback)"


def _page(path: Path, meta: dict | None = None) -> Iterator[Article | Reject | Skipped]:
    from dedup import pages

    return pages.read_page(path, meta)


def _elsewhere(module: str, name: str) -> Callable[[Path], Iterator[Article | Reject | Skipped]]:
    """A reader of another module, imported when a file needs it (trafilatura, warcio and
    openpyxl take up to 0.2 s to import)."""
    return lambda path: getattr(importlib.import_module(f"dedup.{module}"), name)(path)


READERS = {".jsonl": read_jsonl, ".ndjson": read_jsonl, ".json": _elsewhere("exports", "read_json")}
READERS |= {s: _elsewhere("read_tabular", "read_csv") for s in (".csv", ".tsv")}  # see separator()
READERS |= {".parquet": _elsewhere("read_tabular", "read_parquet")}
READERS |= {".xlsx": _elsewhere("read_tabular", "read_xlsx")}
READERS |= {s: _page for s in (".html", ".htm", ".html.gz", ".htm.gz")}
READERS |= {s: _elsewhere("warc", "read_warc") for s in (".warc", ".warc.gz")}
#: files of a folder read besides ``*.txt``: saved pages, WARC files, news-please JSON
PAGES = re.compile(r"\.(?:html?(?:\.gz)?|warc(?:\.gz)?|json)$", re.I)


def input_suffix(path: Path) -> str:
    """'.warc.gz' for a gzipped input, else the last suffix (lower case)."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    return "".join(suffixes) if len(suffixes) == 2 and suffixes[1] == ".gz" else path.suffix.lower()


def read_inputs(
    paths: list[Path], follow_links: bool = False
) -> Iterator[Article | Reject | Skipped]:
    """Articles and rejects from every input path, in a stable order."""
    from dedup.folders import is_regular

    for path in paths:
        if not path.exists():
            raise DedupError(f"input not found: {path}")
        if path.is_dir():
            yield from read_folder(path, follow_links)
        elif not is_regular(path):
            raise DedupError(f"input is not a regular file (a pipe, socket or device): {path}")
        elif input_suffix(path) in READERS:
            yield from READERS[input_suffix(path)](path)
        elif path.suffix.lower() == ".txt":
            yield from read_txt(path)
        else:
            raise DedupError(
                "unsupported input (want a folder, .jsonl, .csv, .tsv, .parquet, .xlsx,"
                f" .txt, .json, .html, .warc or .warc.gz): {path}"
            )
