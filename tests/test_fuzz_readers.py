"""Fuzzed inputs through the readers and the ingest stage: no exception escapes, and every
input record ends up as exactly one article or exactly one reject (issue 17). Bounded to a
few dozen examples per format so the file runs in well under a minute."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import unicodedata
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import pipeline
from dedup.readers import Article, Reject, Skipped, read_inputs

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))

texts = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", "  ", "Headline\n\nA body of text.", "\ud800 lone", "Ünïcödé\r\nbody"]
)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6)
records = st.fixed_dictionaries(
    {},
    optional={
        "id": st.none() | st.integers() | texts,
        "text": values,
        "outlet": values,
        "kind": st.sampled_from(["wire", "outlet", "Agency", ""]) | values,
        "published": st.sampled_from(
            ["2024-01-02", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "nope"]
        )
        | values,
        "extra": values,
    },
)
junk = st.binary(min_size=1, max_size=60).filter(lambda b: b"\n" not in b and b"\x00" not in b)


def _outcomes(path: Path) -> list[Article | Reject | Skipped]:
    return list(read_inputs([path]))


def _one_each(items: list, expected: int) -> None:
    """One outcome per record, or one reject for the whole file (binary, unreadable)."""
    warned = [i for i in items if isinstance(i, Reject) and i.reason.startswith("warning: ")]
    assert not warned  # readers carry warnings on the article, not as rows
    whole_file = len(items) == 1 and isinstance(items[0], Reject)
    assert len(items) == expected or (whole_file and items[0].reason.startswith("binary file"))


def _jsonl_line(record: dict | bytes) -> bytes:
    if isinstance(record, bytes):
        return record
    return json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")


@FUZZ
@given(st.lists(records | junk, min_size=1, max_size=8))
def test_jsonl_every_line_is_one_article_or_one_reject(lines: list) -> None:
    raw = [_jsonl_line(r) for r in lines]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_bytes(b"\n".join(raw))
        _one_each(_outcomes(path), sum(1 for line in raw if line.strip()))


@FUZZ
@given(
    st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=8),
    st.booleans(),
    st.sampled_from([",", ";", "\t"]),
)
def test_csv_every_row_is_one_article_or_one_reject(
    rows: list, stray_quote: bool, sep: str
) -> None:
    rows = [(f"id{i}", text, outlet) for i, (_, text, outlet) in enumerate(rows)]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)  # "\r\n" ends rows: a lone "\r" in a cell is quoted
    writer.writerow(["id", "text", "outlet"])
    for row in rows:
        writer.writerow([cell.replace("\ud800", "?") for cell in row])
    data = out.getvalue()
    if stray_quote:  # an unterminated quote in the last row
        data += f'late{sep}"never closed\r\n'
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.csv"
        path.write_text(data, encoding="utf-8")
        items = _outcomes(path)
    _one_each(items, len(rows) + stray_quote)
    # every id was read in its own column, whichever separator the file uses
    assert not [i for i in items if isinstance(i, Reject) and i.reason == "missing id"]
    assert {i.article_id for i in items if isinstance(i, Article)} <= {row[0] for row in rows}


#: a sheet's numbers are doubles: an integer id is exact up to 2**53 (Excel shows 15 digits)
sheet_ids = texts | st.integers(-(2**53), 2**53) | st.none()


@FUZZ
@given(st.lists(st.tuples(sheet_ids, texts | st.none()), max_size=8))
def test_xlsx_every_row_is_one_article_one_reject_or_skipped(rows: list) -> None:
    """A sheet row is an article, a reject or (all its cells empty) a skipped blank row."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    def cell(v: object) -> object:  # what a workbook can hold: no control characters
        return ILLEGAL_CHARACTERS_RE.sub("", v.replace("\ud800", "?")) if isinstance(v, str) else v

    rows = [[cell(v) for v in row] for row in rows]
    book = Workbook()
    for row in [["Id", "Text"], *rows]:
        book.active.append(row)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.xlsx"
        book.save(path)
        items = _outcomes(path)
    assert len(items) == len(rows)
    written = {str(row[0]).strip() for row in rows if row[0] is not None}
    read = {i.article_id for i in items if isinstance(i, Article)}
    assert read <= written

    # a row with an id and a text that has a letter or digit is an article (a string that
    # openpyxl writes as a formula or an error value is no text in the file)
    def stored(value: object) -> bool:
        return not isinstance(value, str) or not (value.startswith("=") or value in ERROR_CODES)

    assert read >= {
        str(key).strip()
        for key, text in rows
        if key is not None and str(key).strip() and isinstance(text, str)
        if any(c.isalnum() for c in text) and stored(key) and stored(text)
    }


#: words in Latin, Thai, Arabic, Chinese, Korean and an emoji (outside the BMP: a surrogate
#: pair in UTF-16); "一" (U+4E00), "가" (U+AC00) and "😀" (U+D83D U+DE00) have a NUL byte
#: on the other side of their pair, and "0" is U+3000 read the other way
words = st.text(st.sampled_from("aéZ09ขรอคعربي一中文字가😀"), min_size=1, max_size=12).filter(
    lambda w: any(c.isalnum() for c in w)
)


@FUZZ
@given(st.lists(words, min_size=4, max_size=40), st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_utf16_without_a_bom_reads_back_as_written(parts: list, order: str) -> None:
    """Words joined by spaces and line breaks, in any of these scripts, written as UTF-16
    without a byte order mark: one article whose text is what was written."""
    text = " ".join(parts[:2]) + "\n\n" + " ".join(parts[2:])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "story.txt"
        path.write_bytes(text.encode(order))
        [item] = _outcomes(path)
    assert isinstance(item, Article), item
    assert (item.text, item.encoding) == (unicodedata.normalize("NFC", text), order)


unit = st.sampled_from(["s", "ms", "us", "ns"])
stamp = st.integers(-(2**40), 2**40)


@FUZZ
@given(
    st.lists(st.tuples(st.none() | texts, st.none() | texts, stamp), min_size=1, max_size=6),
    unit,
    st.sampled_from([None, "UTC", "Pacific/Kiritimati", "America/Adak"]),
)
def test_parquet_every_row_is_one_article_or_one_reject(
    rows: list, time_unit: str, tz: str | None
) -> None:
    clean = [[None if v is None else v.replace("\ud800", "?") for v in r[:2]] for r in rows]
    table = pa.table(
        {
            "id": [r[0] for r in clean],
            "text": [r[1] for r in clean],
            "published": pa.array([r[2] for r in rows], pa.int64()).cast(
                pa.timestamp(time_unit, tz)
            ),
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.parquet"
        pq.write_table(table, path)
        _one_each(_outcomes(path), len(rows))


names = st.from_regex(r"[a-zA-Z0-9_-]{1,8}\.(txt|TXT|Txt|md|json|html|bin)", fullmatch=True)


@SLOW
@given(st.dictionaries(names, st.binary(max_size=80), min_size=1, max_size=6))
def test_folder_every_file_lands_once_through_ingest(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        written = set()
        for name, data in files.items():
            if name.lower() not in written:  # case-insensitive file systems
                (folder / name).write_bytes(data)
                written.add(name.lower())
        listed = list(folder.iterdir())
        counts = pipeline.run([folder], Path(tmp) / "x.duckdb", stages=("ingest",))
    outcomes = counts["articles_new"] + counts["rejects"] + sum(counts.get("skipped", {}).values())
    assert outcomes == len(listed)


@SLOW
@given(st.lists(records | junk, min_size=1, max_size=6))
def test_jsonl_through_ingest_twice(lines: list) -> None:
    raw = [_jsonl_line(r) for r in lines]
    with tempfile.TemporaryDirectory() as tmp:
        path, db = Path(tmp) / "in.jsonl", Path(tmp) / "x.duckdb"
        path.write_bytes(b"\n".join(raw))
        first = pipeline.run([path], db, stages=("ingest",))
        again = pipeline.run([path], db, stages=("ingest",))
    records_in = sum(1 for line in raw if line.strip())
    assert first["articles_new"] + first["articles_unchanged"] + first["rejects"] == records_in
    assert again["articles_new"] == 0
    assert again["articles_unchanged"] + again["rejects"] == records_in
