"""Ingest: every input format, bad input as rejects, re-ingest as a no-op, atomic runs."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from conftest import CORPUS, ingest, query

from dedup import DedupError, pipeline
from dedup.limits import ArticleLimit


def test_seed_folder_with_manifest(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    ingest(db, CORPUS)
    rows = dict(query(db, "SELECT article_id, outlet FROM articles"))
    assert len(rows) == 5
    assert rows["002_92ca4320c77d5cb0"] == "Jurnas.com"
    (published,) = query(db, "SELECT published FROM articles WHERE outlet = 'Jurnas.com'")[0]
    assert str(published) == "2024-05-20 06:45:00"  # 13:45 WIB (UTC+7) in UTC
    titles = dict(query(db, "SELECT article_id, title FROM articles"))
    assert titles["000_e02669d256bd932c"].startswith("AS Khawatir Korut Akan Jual Senjata")


def test_manifest_headers_in_any_case_and_a_row_given_twice(tmp_path: Path) -> None:
    """A spreadsheet's "File,Outlet" header names the same columns; a second row for one
    file is a reject, not a silent override."""
    (tmp_path / "a.txt").write_text("Judul\n\nIsi berita pertama yang cukup panjang.\n")
    (tmp_path / "manifest.csv").write_text("File,Outlet\na.txt,Kompas\na.txt,Tempo\n")
    db = tmp_path / "x.duckdb"
    ingest(db, tmp_path)
    assert query(db, "SELECT article_id, outlet FROM articles") == [("a", "Kompas")]
    [(reason,)] = query(db, "SELECT reason FROM rejects")
    assert reason == "a second manifest row for a.txt (the first one is used)"


@pytest.mark.parametrize(("on_disk", "in_row"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_a_manifest_row_names_its_file_in_either_unicode_form(
    tmp_path: Path, on_disk: str, in_row: str
) -> None:
    """macOS and zip files may give "café" decomposed where the typed row has it composed:
    the row is the file's (it was "a missing file", and the article lost its outlet)."""
    name = "café-berita"
    (tmp_path / f"{unicodedata.normalize(on_disk, name)}.txt").write_text("Judul\n\nIsi.\n")
    row = unicodedata.normalize(in_row, name)
    (tmp_path / "manifest.csv").write_text(f"file,outlet\n{row}.txt,Kompas\n")
    db = tmp_path / "x.duckdb"
    ingest(db, tmp_path)
    assert [r[1] for r in query(db, "SELECT article_id, outlet FROM articles")] == ["Kompas"]
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]


def test_json_and_parquet_fields_in_any_letter_case(tmp_path: Path) -> None:
    """ "ID" and "Text" name the fields "id" and "text", as a CSV header's do; a record naming
    one field twice that way is a reject saying so."""
    lines = [
        {"ID": "a", "Text": "Judul A\n\nIsi A.", "Outlet": "Kompas", "KIND": "Wire"},
        {"id": "b", "text": "Judul B\n\nIsi B.", "Text": "Ringkasan B."},
        # the same value twice, or two values of a field dedup does not read: no question
        {"id": "d", "text": "Judul D\n\nIsi D.", "URL": "http://d", "url": "http://d"},
        {"id": "e", "text": "Judul E\n\nIsi E.", "Source": "x", "source": "y"},
    ]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in lines))
    pl.DataFrame([{"Id": "c", "TEXT": "Judul C\n\nIsi C."}]).write_parquet(tmp_path / "in.parquet")
    db = tmp_path / "x.duckdb"
    ingest(db, jsonl, tmp_path / "in.parquet")
    rows = query(db, "SELECT article_id, outlet, kind, title FROM articles ORDER BY 1")
    assert [r[0] for r in rows] == ["a", "c", "d", "e"]
    assert rows[:2] == [("a", "Kompas", "wire", "Judul A"), ("c", None, "outlet", "Judul C")]
    [(reason,)] = query(db, "SELECT reason FROM rejects")
    assert reason == "record names a field twice (in any letter case): text"


def test_a_json_object_naming_a_field_twice_is_a_reject(tmp_path: Path) -> None:
    """JSON keeps the last of two equal keys without a word; a field dedup reads, named twice
    with two values, is a reject, whose text or id would otherwise be a silent guess."""
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(
        '{"id": "f", "text": "Judul F\\n\\nIsi F.", "text": "Isi lain."}\n'
        '{"id": "g", "id": "h", "text": "Judul G\\n\\nIsi G."}\n'
        '{"id": "i", "text": "Judul I\\n\\nIsi I.", "tag": 1, "tag": 2, "url": "u", "url": "u"}\n'
    )
    news = tmp_path / "np.json"
    news.write_text('[{"maintext": "Isi.", "maintext": "Lain.", "url": "http://k.com/1"}]')
    db = tmp_path / "x.duckdb"
    ingest(db, jsonl, news)
    assert query(db, "SELECT article_id, url FROM articles") == [("i", "u")]
    assert query(db, "SELECT source_path, reason FROM rejects ORDER BY 1") == [
        (f"{jsonl}:1", "record names a field twice (in any letter case): text"),
        (f"{jsonl}:2", "record names a field twice (in any letter case): id"),
        (str(news), "record names a field twice (in any letter case): maintext"),
    ]


def test_reingest_adds_nothing_and_new_articles_are_added(
    tmp_path: Path, corpus_copy: Path
) -> None:
    db = tmp_path / "x.duckdb"
    ingest(db, corpus_copy)
    again = ingest(db, corpus_copy)
    assert again["articles_new"] == 0 and again["articles_unchanged"] == 5
    (corpus_copy / "new.txt").write_text("Judul baru\n\nIsi berita yang baru sama sekali.\n")
    third = ingest(db, corpus_copy)
    assert third["articles_new"] == 1
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 6


def test_jsonl_csv_parquet(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": "Title A\n\nBody of A.", "outlet": "X", "kind": "wire"},
        {"id": "b", "text": "Title B\n\nBody of B.", "published": "2024-01-02"},
    ]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records))
    pl.DataFrame([{"id": "c", "text": "Title C\n\nBody."}]).write_csv(tmp_path / "in.csv")
    pl.DataFrame([{"id": "d", "text": "Title D\n\nBody.", "outlet": "Y"}]).write_parquet(
        tmp_path / "in.parquet"
    )
    db = tmp_path / "x.duckdb"
    ingest(db, jsonl, tmp_path / "in.csv", tmp_path / "in.parquet")
    rows = query(db, "SELECT article_id, kind, outlet, title FROM articles ORDER BY 1")
    assert [r[0] for r in rows] == ["a", "b", "c", "d"]
    assert rows[0][1:] == ("wire", "X", "Title A")
    assert rows[3][2] == "Y"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "e1", "text": "   "}', "empty text"),
        ('{"id": "e2", "text": "\\u0000\\u0000 --"}', "empty text: no letter or digit"),
        ('{"text": "no id here"}', "missing id"),
        ('{"id": "e3", "text": "broken', "malformed JSON"),
        ('["not", "an", "object"]', "not an object"),
        ('{"id": "e5", "text": "x", "kind": "agency"}', "kind must be"),
    ],
)
def test_bad_jsonl_records_are_rejected_and_batch_lands(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "in.jsonl"
    good = json.dumps({"id": "good", "text": "Good title\n\nGood body."})
    path.write_text(good + "\n" + line + "\n")
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    rejects = query(db, "SELECT source_path, record, reason FROM rejects")
    assert len(rejects) == 1 and reason in rejects[0][2]
    # the record is kept as written (a parsed one is dumped back: same text for these lines;
    # a line that does not parse keeps its newline)
    assert rejects[0][1].removesuffix("\n") == line
    # every reject is located by its line number, parsed or not
    assert rejects[0][0] == f"{path}:2"
    assert query(db, "SELECT article_id FROM articles") == [("good",)]


def test_a_bad_record_is_located_by_its_line_or_row(tmp_path: Path) -> None:
    """A record that parses but is no article says where it is: a CSV record by the line it
    starts on (a quoted text may span lines), a Parquet record by its row."""
    csv_path = tmp_path / "in.csv"
    csv_path.write_text('id,text,kind\na1,"Judul\n\nIsi.",wire\na2,"Judul dua",agency\n')
    parquet = tmp_path / "in.parquet"
    pl.DataFrame({"id": ["p1", None], "text": ["Judul\n\nIsi.", "Isi."]}).write_parquet(parquet)
    db = tmp_path / "x.duckdb"
    ingest(db, csv_path, parquet)
    assert query(db, "SELECT source_path, reason FROM rejects ORDER BY 1") == [
        (f"{csv_path}:5", "kind must be 'wire' or 'outlet', not 'agency'"),
        (f"{parquet}:2", "missing id"),
    ]


@pytest.mark.parametrize(
    ("stated", "stored"),
    [("en", "en"), ("EN", "en"), ("en-US", "en"), ("id_ID", "id"), ("ind", "id"), ("eng", "en"),
     ("in", "id"), ("zh-Hant-TW", "zh"), ("ace", "ace"), ("tl", "tl"), ("en_US.UTF-8", "en"),
     ("NA", None), ("nan", None), ("gom", "gom")],
)  # fmt: skip
def test_a_stated_language_is_stored_as_its_code(tmp_path: Path, stated: str, stored: str) -> None:
    """Tags in any case and form name the language the lexicons and cue files name by its
    code; a language without a two-letter code keeps its three letters."""
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Judul\n\nIsi berita.", "language": stated}))
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT language FROM articles") == [(stored,)]
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]


def test_a_stated_language_and_a_guess_of_it_are_one_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every code py3langid guesses can be stated (``gom``, ``bcl``: no CLDR name), and a
    guess is stored as the same statement would be (``gug`` as ``gn``)."""
    from dedup import metadata

    classes = metadata._identifier().nb_classes
    assert [c for c in classes if metadata.language_code(c) is None] == ["zxx"]
    text = " ".join(["kata"] * metadata.LANGUAGE_MIN_WORDS)
    guessing = type("Guess", (), {"classify": lambda self, _: ("gug", 0.99)})()
    monkeypatch.setattr(metadata, "_identifier", lambda: guessing)
    assert metadata.guess_language(text) == metadata.language_code("gug") == "gn"


@pytest.mark.parametrize("stated", ["English", "yes", "und"])
def test_a_language_that_is_no_code_is_guessed_with_a_warning(tmp_path: Path, stated: str) -> None:
    """A value that is no code of a known language (a name, a word that looks like a code)."""
    path = tmp_path / "in.jsonl"
    text = " ".join(
        ["The central bank raised its benchmark rate on Tuesday to support the currency."] * 3
    )
    path.write_text(json.dumps({"id": "a", "text": text, "language": stated}))
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT language, metadata_source FROM articles") == [
        ("en", '{"language": "py3langid"}')
    ]
    assert query(db, "SELECT source_path, record, reason FROM rejects") == [
        (
            f"{path}:1",
            "a",
            f"warning: language {stated!r} is not a language's code (as 'en' or 'id-ID'): "
            "left to be guessed from the text",
        )
    ]


def test_rejects_of_valid_records_say_where_the_record_is(tmp_path: Path) -> None:
    """A duplicate id, another text for a known id and a record too large are rejects of
    records that parsed: they name the line too, as every other reject of a record does."""
    path = tmp_path / "in.jsonl"
    recs = [
        ("x", "Judul\n\nSatu."),
        ("x", "Judul\n\nSatu."),
        ("x", "Judul\n\nDua."),
        ("y", "Y" * 50),
    ]
    path.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in recs) + "\n")
    db = tmp_path / "x.duckdb"
    settings = pipeline.Settings(article_limit=ArticleLimit(max_chars=40))
    pipeline.run([path], db, settings, stages=("ingest",))
    assert [r[0] for r in query(db, "SELECT source_path, reason FROM rejects ORDER BY 1")] == [
        f"{path}:2",
        f"{path}:3",
        f"{path}:4",
    ]


def test_same_id_different_text(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "x", "text": "one"})
        + "\n"
        + json.dumps({"id": "x", "text": "two"})
        + "\n"
    )
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT text FROM articles") == [("one",)]
    (reason,) = query(db, "SELECT reason FROM rejects")[0]
    assert "already has a different text" in reason
    other = tmp_path / "later.jsonl"
    other.write_text(json.dumps({"id": "x", "text": "three"}) + "\n")
    ingest(db, other)
    assert query(db, "SELECT count(*) FROM rejects")[0][0] == 2


def test_an_id_that_is_no_text_or_number_is_a_reject(tmp_path: Path) -> None:
    """NaN (a pandas integer column with a gap), Infinity, a list, an object or a boolean
    would be stored as 'nan', 'inf', '[1]' ... and collide: each is a reject; a number is an
    id as written."""
    ids = ["NaN", "Infinity", "[1]", '{"a": 1}', "true", "7"]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(f'{{"id": {i}, "text": "Text of an article."}}\n' for i in ids))
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT article_id FROM articles") == [("7",)]
    reasons = [r for (r,) in query(db, "SELECT reason FROM rejects")]
    assert len(reasons) == 5 and all(r.startswith("id is not text or a number") for r in reasons)


def test_integral_float_ids_are_integers(tmp_path: Path) -> None:
    """pandas writes an integer id column with a gap as float64: the ids are "1" and "3", as
    the user's own table has them, not "1.0"; a fraction stays as written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [f"Judul {i}\n\nIsi berita nomor {i} yang berbeda." for i in range(4)]
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1.0, None, 3.0, 2.5], "text": texts}), path)
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT article_id FROM articles ORDER BY 1") == [("1",), ("2.5",), ("3",)]
    assert query(db, "SELECT source_path, reason FROM rejects") == [(f"{path}:2", "missing id")]


def test_binary_unreadable_and_legacy_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Judul\n\nIsi.", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "legacy.txt").write_bytes(
        "Caf\xe9 au lait\n\nna\xefve r\xe9sum\xe9.".encode("latin-1")
    )
    unreadable = folder / "locked.txt"
    unreadable.write_text("secret")
    read_bytes = Path.read_bytes

    def locked(self: Path) -> bytes:  # mode 0 does not stop root: refuse as the OS would
        if self == unreadable:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", locked)
    db = tmp_path / "x.duckdb"
    ingest(db, folder)
    reasons = dict(query(db, "SELECT source_path, reason FROM rejects"))
    assert "binary" in reasons[str(folder / "binary.txt")]
    articles = dict(query(db, "SELECT article_id, encoding FROM articles"))
    assert articles["good"] == "utf-8"
    assert articles["legacy"].endswith("(fallback)")
    text = query(db, "SELECT text FROM articles WHERE article_id = 'legacy'")[0][0]
    assert text.startswith("Café au lait")
    assert reasons[str(unreadable)] == "unreadable file: Permission denied"
    assert "locked" not in articles and len(articles) == 2


def test_a_folder_that_cannot_be_read_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder without read and search permission (mode 0, refused here as the OS refuses
    it to anyone but root): the one-line error names the folder, not the manifest.csv that
    was looked for in it."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "a.txt").write_text("Judul\n\nIsi.", encoding="utf-8")
    exists, iterdir = Path.exists, Path.iterdir

    def refuse(original, inside: bool):  # the folder itself can be looked at, not into
        def call(self: Path, *args):
            if (self.parent if inside else self) == folder:
                raise PermissionError(13, "Permission denied", str(self))
            return original(self, *args)

        return call

    monkeypatch.setattr(Path, "exists", refuse(exists, inside=True))
    monkeypatch.setattr(Path, "iterdir", refuse(iterdir, inside=False))
    with pytest.raises(PermissionError) as failed:
        ingest(tmp_path / "x.duckdb", folder)
    assert failed.value.filename == str(folder)


def test_a_folder_named_like_an_article_is_an_unreadable_file(tmp_path: Path) -> None:
    """Even root cannot read a directory as a file: a reject, and the batch still lands."""
    folder = tmp_path / "in"
    (folder / "odd.txt").mkdir(parents=True)
    (folder / "good.txt").write_text("Judul\n\nIsi.", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    ingest(db, folder)
    assert query(db, "SELECT source_path, record, reason FROM rejects") == [
        (str(folder / "odd.txt"), "", "unreadable file: Is a directory")
    ]
    assert query(db, "SELECT article_id FROM articles") == [("good",)]


def test_missing_input_and_bad_database_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DedupError, match="input not found"):
        ingest(tmp_path / "x.duckdb", tmp_path / "nope")
    assert not (tmp_path / "x.duckdb").exists()
    bad = tmp_path / "bad.duckdb"
    bad.write_text("this is not a database")
    with pytest.raises(DedupError, match="cannot open database"):
        ingest(bad, CORPUS)


def test_failed_run_leaves_database_as_it_was(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "x.duckdb"
    ingest(db, CORPUS)
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"id": "more", "text": "Title\n\nBody text."}) + "\n")

    def boom(*args, **kwargs):
        raise RuntimeError("crash in the middle of a run")

    monkeypatch.setattr(pipeline, "detect", boom)
    with pytest.raises(RuntimeError):
        pipeline.run([extra], db, stages=("ingest", "detect"))
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 5
    assert query(db, "SELECT count(*) FROM runs")[0][0] == 1
    fresh = tmp_path / "fresh.duckdb"
    with pytest.raises(RuntimeError):
        pipeline.run([extra], fresh, stages=("ingest", "detect"))
    assert not fresh.exists()


def test_binary_jsonl_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT reason FROM rejects") == [("binary file (NUL bytes)",)]


def test_a_line_of_nul_bytes_in_json_lines_costs_that_line_only(tmp_path: Path) -> None:
    """A file that opens with a JSON object is JSON lines even with NUL bytes near its start
    (a disk block zeroed by a crash): the NUL line is a reject, the records around it land."""
    lines = [json.dumps({"id": f"a{i}", "text": f"Article number {i} text."}) for i in range(5)]
    path = tmp_path / "in.jsonl"
    path.write_bytes(("\n".join(lines[:3]) + "\n").encode() + b"\x00" * 50 + b"\n"
                     + ("\n".join(lines[3:]) + "\n").encode())  # fmt: skip
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    assert query(db, "SELECT count(*) FROM articles") == [(5,)]
    [(where, reason)] = query(db, "SELECT source_path, reason FROM rejects")
    assert where == f"{path}:4" and reason.startswith("malformed JSON")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_jsonl_with_its_bom_is_read_line_by_line(tmp_path: Path, codec: str) -> None:
    """Windows "Unicode" JSONL (PowerShell's Out-File) is text, not a binary file: its
    records land with encoding utf-16, and a bad line is still one reject on its line."""
    said = "Harga kopi naik 5% di Besançon, kata pejabat “resmi”."
    lines = [json.dumps({"id": "a", "text": said}, ensure_ascii=False), "{broken", ""]
    lines.append(json.dumps({"id": "b", "text": "Judul\n\nIsi."}))
    body = "\r\n".join(lines).encode(codec)
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    path = tmp_path / "in.jsonl"
    path.write_bytes(bom + body)
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    rows = query(db, "SELECT article_id, text, encoding FROM articles ORDER BY 1")
    assert rows == [("a", said, "utf-16"), ("b", "Judul\n\nIsi.", "utf-16")]
    assert query(db, "SELECT source_path, reason FROM rejects") == [
        (f"{path}:2", "malformed JSON: Expecting property name enclosed in double quotes")
    ]


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_bom_is_text_not_binary(tmp_path: Path, order: str) -> None:
    """UTF-16 written without a byte order mark (Python's "utf-16-le", some exporters) has
    its NULs on one side of every pair: text in any script with spaces or line breaks; a
    binary file and a stray NUL in UTF-8 text are still binary."""
    latin = "Judul\n\nHarga kopi naik 5% di Besançon, kata pejabat “resmi”.\n"
    thai = "ข่าวเด่น\n\nรอยเตอร์รายงานว่า ราคาน้ำมันสูงขึ้น 5 เปอร์เซ็นต์\n"
    folder = tmp_path / "in"
    folder.mkdir()
    korean = "항구 파업\n\n부산항의 부두 노동자들이 월요일 파업에 들어갔다.\n"
    chinese = "港口罢工\n\n　　码头工人一连三天罢工，2024年5月13日谈判恢复。\n"
    (folder / "latin.txt").write_bytes(latin.encode(order))
    (folder / "thai.txt").write_bytes(thai.encode(order))
    (folder / "korean.txt").write_bytes(korean.encode(order))  # 가-힣: NULs on both sides
    (folder / "chinese.txt").write_bytes(chinese.encode(order))  # 一, 　 and 0 likewise
    page = f"<html><body>\n<h1>Забастовка</h1>\n<p>{'Докеры вышли на забастовку. ' * 9}</p>\n"
    (folder / "page.html").write_bytes((page + "</body></html>\n").encode(order))
    (folder / "stray.txt").write_bytes(b"Judul\n\nIsi berita\x00 yang panjang.")
    (folder / "image.txt").write_bytes(bytes(range(256)) * 8)
    # a space in either order (" \0", "\0 "): no order reads as text
    (folder / "both.txt").write_bytes(b" \x00\x00 A\x00" * 300)
    # spaces with a NUL beside them, in noise: control and unassigned characters
    noise = bytes((i * 7919 + 13) % 251 for i in range(4096))
    (folder / "noise.txt").write_bytes(
        b"".join(noise[i : i + 14] + b" \x00" for i in range(0, 4096, 14))
    )
    jsonl = tmp_path / "in.jsonl"  # UTF-16 JSON lines without the mark
    jsonl.write_bytes(
        ("\n".join(json.dumps({"id": f"j{i}", "text": latin}) for i in (1, 2))).encode(order)
    )
    table = tmp_path / "in.csv"
    table.write_bytes(f'id,text\nc1,"{latin}"\n'.encode(order))
    db = tmp_path / "x.duckdb"
    ingest(db, folder, table, jsonl)
    rows = {r[0]: r[1:] for r in query(db, "SELECT article_id, text, encoding FROM articles")}
    page = rows.pop("page")
    assert page[0].startswith("Забастовка\n\nДокеры вышли") and page[1] == "html"
    written = {"c1": latin, "j1": latin, "j2": latin, "latin": latin, "thai": thai}
    assert rows == {
        k: (v, order) for k, v in (written | {"korean": korean, "chinese": chinese}).items()
    }
    rejects = query(db, "SELECT source_path, reason FROM rejects ORDER BY 1")
    assert rejects == [
        (str(folder / name), "binary file (NUL bytes)")
        for name in ("both.txt", "image.txt", "noise.txt", "stray.txt")
    ]


def test_jsonl_line_in_legacy_encoding(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    good = json.dumps({"id": "u", "text": "Títle\n\nBody."}, ensure_ascii=False).encode("utf-8")
    legacy = json.dumps({"id": "l", "text": "Café\n\nBody."}, ensure_ascii=False).encode("cp1252")
    path.write_bytes(good + b"\n" + legacy + b"\n")
    db = tmp_path / "x.duckdb"
    ingest(db, path)
    rows = dict(query(db, "SELECT article_id, encoding FROM articles"))
    assert rows == {"u": "utf-8", "l": "cp1252 (fallback)"}
    assert query(db, "SELECT text FROM articles WHERE article_id = 'l'")[0][0].startswith("Café")
