"""The command line: results on stdout, one-line errors with a non-zero exit."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS, DEDUP, FIFTH, ROOT
from typer.testing import CliRunner

import dedup
from dedup import __version__
from dedup.cli import app
from dedup.export import TABLES

runner = CliRunner()
#: stdout buffered, as a user's shell has it (this one may set PYTHONUNBUFFERED)
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
#: the contract tables, one exported file each (README "Schema")
EXPORTED = TABLES


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


def test_the_command_exits_with_the_apps_code_its_objects_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``dedup`` is :func:`entry` (started by ``dedup.main``): the app's exit, with the
    collector's last pass skipped."""
    (script,) = entry_points(group="console_scripts", name="dedup")
    assert script.value == "dedup:main"
    monkeypatch.setattr(sys, "argv", ["dedup", "--version"])
    try:
        with pytest.raises(SystemExit) as done:
            dedup.main()
        assert done.value.code == 0 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_run_sql_export_trace(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    result = runner.invoke(app, ["run", str(CORPUS), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["sql", "SELECT count(*) AS n FROM articles", "--db", str(db), "--format", "json"]
    )
    assert json.loads(result.stdout) == [{"n": 5}]
    result = runner.invoke(
        app,
        ["sql", "SELECT article_id FROM articles ORDER BY 1", "--db", str(db), "--format", "csv"],
    )
    assert result.stdout.splitlines()[0] == "article_id" and len(result.stdout.splitlines()) == 6
    con = duckdb.connect(str(db), read_only=True)
    want = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in EXPORTED}
    columns = {t: [d[0] for d in con.execute(f"FROM {t} LIMIT 0").description] for t in EXPORTED}
    con.close()
    assert all(want[t] for t in ("articles", "alignments", "attributions", "quotes", "runs"))
    for fmt, read in (("parquet", "read_parquet"), ("csv", "read_csv")):
        out = tmp_path / fmt
        result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert sorted(result.stdout.split()) == sorted(str(out / f"{t}.{fmt}") for t in EXPORTED)
        for table in EXPORTED:
            got = duckdb.sql(f"FROM {read}('{out / f'{table}.{fmt}'}')")
            assert got.columns == columns[table], (fmt, table)
            assert len(got.fetchall()) == want[table], (fmt, table)
    result = runner.invoke(app, ["trace", FIFTH, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)


def test_a_run_says_what_it_skipped(corpus_copy: Path, tmp_path: Path) -> None:
    """A table in a folder is no article: the run names it, not only ``runs.counts``."""
    (corpus_copy / "wires.csv").write_text("id,text\nw1,Read when given as an input.\n")
    (corpus_copy / "notes.docx").write_bytes(b"PK\x03\x04")
    result = runner.invoke(app, ["ingest", str(corpus_copy), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-2:] == [
        "skipped 1: file of an unknown type in a folder (not .txt, a page, WARC or JSON)",
        "skipped 1: table in a folder (not read: give it as an input of its own)",
    ]


def test_errors_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["run", str(tmp_path / "missing"), "--db", str(tmp_path / "x.duckdb")]
    )
    assert result.exit_code != 0
    assert result.stderr.strip().count("\n") == 0 and "input not found" in result.stderr
    result = runner.invoke(app, ["sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0 and "database not found" in result.stderr
    db = tmp_path / "y.duckdb"
    runner.invoke(app, ["ingest", str(CORPUS), "--db", str(db), "-q"])
    result = runner.invoke(app, ["sql", "SELECT nope FROM articles", "--db", str(db)])
    assert result.exit_code != 0 and result.stderr.strip().count("\n") == 0


def _fails_in_one_line(args: list[str], message: str) -> str:
    """Exit code 2 and one line on stderr that says what went wrong."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (args, result.output)
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("error: ") and message in line, line
    assert "Traceback" not in result.output
    return line


def test_bad_inputs_exit_2_and_create_no_database(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    for command in ("run", "ingest"):
        _fails_in_one_line([command, str(tmp_path / "missing"), "--db", str(db)], "input not found")
        other = tmp_path / "notes.xml"
        other.write_text("<article>Judul</article>")
        _fails_in_one_line([command, str(other), "--db", str(db)], "unsupported input")
        assert not db.exists() and not (tmp_path / "x.duckdb.wal").exists()


def test_an_empty_input_path_is_refused_not_read_as_this_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a folder with a text in it: '' must not ingest it
    (tmp_path / "story.txt").write_text("Judul\n\nIsi berita yang cukup panjang di sini.")
    for command in ("run", "ingest"):
        result = runner.invoke(app, [command, "", "--db", "x.duckdb"])
        assert result.exit_code == 2 and "an empty path is not an input" in result.output
        assert not (tmp_path / "x.duckdb").exists()


def test_a_database_that_cannot_be_opened_exits_2(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_text("this is not a database")
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    for db in (garbage, blocker / "x.duckdb"):
        _fails_in_one_line(["run", str(CORPUS), "--db", str(db)], "cannot open database")
        for args in (["sql", "SELECT 1"], ["trace", FIFTH], ["detect"], ["attribute"]):
            result = runner.invoke(app, [*args, "--db", str(db)])
            assert result.exit_code == 2 and result.stderr.strip().count("\n") == 0, args
    assert garbage.read_text() == "this is not a database"


def test_a_failed_run_removes_only_what_it_made(tmp_path: Path) -> None:
    """A --db symlink to a folder that does not exist is the user's, and stays; a folder
    where the database's WAL goes is refused in one line and stays."""
    link = tmp_path / "link.duckdb"
    link.symlink_to(tmp_path / "nowhere" / "x.duckdb")
    _fails_in_one_line(["run", str(CORPUS), "--db", str(link)], "cannot open database")
    assert link.is_symlink()
    loop_a, loop_b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    _fails_in_one_line(["run", str(CORPUS), "--db", str(loop_a)], "cannot open database")
    assert loop_a.is_symlink() and loop_b.is_symlink()
    db, wal = tmp_path / "w.duckdb", tmp_path / "w.duckdb.wal"
    wal.mkdir()
    _fails_in_one_line(["run", str(CORPUS), "--db", str(db)], "Is a directory")
    assert wal.is_dir() and not db.exists()


def test_a_damaged_database_fails_in_one_line_and_is_left_as_it_was(
    seed_db: Path, tmp_path: Path
) -> None:
    """A database file cut short (a full disk, an interrupted copy) opens, then fails when a
    block past its end is read: one line, not a traceback, and the file as it was."""
    db = tmp_path / "cut.duckdb"
    whole = seed_db.read_bytes()
    db.write_bytes(whole[: len(whole) * 2 // 3])
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    new = tmp_path / "new.jsonl"
    text = "Jakarta (Antara) - Harga beras naik lagi pekan ini di pasar induk."
    new.write_text(json.dumps({"id": "new-1", "text": text}) + "\n")
    for args in (["run", str(new)], ["attribute"]):
        line = _fails_in_one_line([*args, "--db", str(db)], "nothing was written")
        assert "IO Error" in line, line
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not db.with_name(db.name + ".wal").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["detect"],
        ["attribute"],
        ["sql", "SELECT 1"],
        ["trace", FIFTH],
        ["export", "--out", "OUT"],
        ["report", "--out", "OUT"],
    ],
)
def test_commands_on_a_missing_database_exit_2(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "none.duckdb"
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    _fails_in_one_line([*args, "--db", str(db)], f"database not found: {db}")
    assert not db.exists()


def test_trace_of_an_unknown_article_exits_2(seed_db: Path) -> None:
    _fails_in_one_line(["trace", "no-such-article", "--db", str(seed_db)], "no-such-article")


def test_trace_refuses_csv_rather_than_print_a_table(seed_db: Path) -> None:
    """A trace nests its sources under each paragraph; ``--format csv`` is a usage error."""
    args = ["trace", FIFTH, "--db", str(seed_db), "--format", "csv"]
    line = _fails_in_one_line(args, "'csv' is not one of 'table', 'json'")
    assert line.endswith(" trace --help' shows the usage)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "corpus", "--bogus"], "No such option: --bogus"),
        (["run"], "Missing argument 'inputs'"),
        (["nosuch"], "No such command 'nosuch'"),
        (["run", "corpus", "--max-article-chars", "many"], "Invalid value for '--max-article"),
    ],
)
def test_usage_errors_are_one_line_too(args: list[str], message: str) -> None:
    """A mistyped option or command is bad input like any other: one line, exit 2, not the
    usage text and a box."""
    _fails_in_one_line(args, message)


def test_the_command_alone_shows_its_help_and_help_exits_0() -> None:
    alone = runner.invoke(app, [])
    assert alone.exit_code == 2 and "Commands" in alone.output
    helped = runner.invoke(app, ["run", "--help"])
    assert helped.exit_code == 0 and "--db" in helped.output and not helped.stderr


def test_help_says_what_the_tool_does_and_each_command_in_a_sentence() -> None:
    """The user's help, not the module's note to developers; a command's details are in its
    own help, not spilled into the list of commands."""
    listed = runner.invoke(app, ["--help"]).output
    assert "Trace news syndication" in listed and "parses options" not in listed
    assert "Run a read-only SQL query" in listed and "The query reaches" not in listed
    detailed = runner.invoke(app, ["sql", "--help"]).output
    assert "The query reaches no file, network or extension" in " ".join(detailed.split())


def test_a_table_shows_every_value_whole_and_says_what_it_left_out(
    seed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a file or a pipe a value is not cut to the terminal's 80 columns ("354602…"); rows
    past the table's limit are counted on stderr, for csv or json to print."""
    from dedup import cli

    monkeypatch.setattr(cli, "TABLE_ROWS", 3)
    long = "x" * 150
    query = f"SELECT range AS n, '{long}' || range AS long_id, '[antara] [/b]' AS t FROM range(5)"
    result = runner.invoke(app, ["sql", query, "--db", str(seed_db)])
    assert result.exit_code == 0, result.output
    assert [f"{long}{i}" in result.stdout for i in range(5)] == [True] * 3 + [False] * 2
    assert result.stdout.count("[antara] [/b]") == 3  # text, not rich markup
    assert result.stderr == "3 of 5 rows shown: --format csv or json prints all\n"
    quiet = runner.invoke(app, ["sql", query, "--db", str(seed_db), "-q"])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, result.stdout, "")


@pytest.mark.parametrize(
    "args",
    [
        ["sql", "SELECT 1 AS one"],
        ["trace", "004_c040663b4dfb9712", "--format", "json"],
        ["export", "--out", "{tmp}/export"],
        ["report", "--out", "{tmp}/report"],
    ],
)
def test_every_command_takes_quiet(seed_db: Path, tmp_path: Path, args: list[str]) -> None:
    """``-q`` is every command's (a script passes it to each): results still print."""
    args = [a.format(tmp=tmp_path) for a in args]
    result = runner.invoke(app, [*args, "--db", str(seed_db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout and result.stderr == ""


def test_a_query_opening_with_a_comment_is_the_query(seed_db: Path) -> None:
    """A report query pasted as it is (``-- title: ...`` first) runs, before or after the
    options; a mistyped option is still one."""
    query = (ROOT / "reports/queries/01_articles_per_outlet.sql").read_text()
    assert query.startswith("--")
    spaced = seed_db.with_name("a seed db.duckdb")
    shutil.copy(seed_db, spaced)
    orders = (
        ["sql", query, "--db", str(seed_db)],
        ["sql", "--db", str(seed_db), query],
        ["sql", f"--db={spaced}", query],
    )
    for args in orders:
        result = runner.invoke(app, [*args, "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("outlet,kind,n_articles")
    _fails_in_one_line(["sql", "--bogus", "SELECT 1", "--db", str(seed_db)], "No such option")
    # an option's value is the value, whatever it starts with
    _fails_in_one_line(["sql", "--db", "-x.duckdb", "SELECT 1"], "database not found: -x.duckdb")
    shaped = runner.invoke(app, ["sql", "--x=1 note\nSELECT 1 AS one", "--db", str(seed_db)])
    assert shaped.exit_code == 0 and "one" in shaped.stdout
    _fails_in_one_line(
        ["sql", "SELECT 1; SELECT 2", "--db", str(seed_db)],
        "one query at a time: this holds 2 statements",
    )


@pytest.mark.parametrize(
    "query",
    [
        "INSERT INTO articles (article_id, text, content_hash, encoding) VALUES ('x', 't', 'h', 'e')",
        "CREATE TABLE notes AS SELECT 1 AS n",
        "DELETE FROM alignments",
        "UPDATE article_derivation SET derived_chars = 0",
        "DROP TABLE rejects",
    ],
)
def test_sql_is_read_only(seed_db: Path, tmp_path: Path, query: str) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(seed_db, db)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    counts = "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM alignments), "
    counts += "(SELECT count(*) FROM duckdb_tables())"
    before = runner.invoke(app, ["sql", counts, "--db", str(db), "--format", "json"])
    assert before.exit_code == 0
    _fails_in_one_line(["sql", query, "--db", str(db)], "read-only")
    after = runner.invoke(app, ["sql", counts, "--db", str(db), "--format", "json"])
    assert after.stdout == before.stdout
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_a_duckdb_file_of_another_tool_is_read_in_one_line(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.duckdb"
    with duckdb.connect(str(foreign)) as con:
        con.execute("CREATE TABLE t (x INTEGER)")
    _fails_in_one_line(["export", "--out", str(tmp_path / "e"), "--db", str(foreign)], "articles")
    _fails_in_one_line(["trace", FIFTH, "--db", str(foreign)], "articles")


def test_odd_paths_and_statements_in_one_line(seed_db: Path, tmp_path: Path) -> None:
    _fails_in_one_line(["sql", ";", "--db", str(seed_db)], "not a query")
    _fails_in_one_line(["sql", "/* a comment */", "--db", str(seed_db)], "not a query")
    bad = tmp_path / "db\udcff.duckdb"  # a file name that is not UTF-8 (byte 0xff)
    _fails_in_one_line(["run", str(CORPUS), "--db", str(bad)], "not UTF-8")
    assert not list(tmp_path.iterdir())
    for command in ("export", "report"):
        _fails_in_one_line([command, "--out", str(bad), "--db", str(seed_db)], "not UTF-8")
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)
    _fails_in_one_line(["report", "--out", str(out), "--db", str(seed_db)], "Is a directory")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("rows", [1, 100_000], ids=["at the last flush", "while writing"])
def test_output_to_a_full_disk_is_an_error_not_a_cut_off_file(seed_db: Path, rows: int) -> None:
    """Through the real entry point, stdout buffered: one row fails only at the flush
    before exit, many fail while written."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [DEDUP, "sql", f"SELECT * FROM range({rows})", "--db", str(seed_db)],
            stdout=full, stderr=subprocess.PIPE, text=True, env=BUFFERED, check=False,
        )  # fmt: skip
    assert (done.returncode, done.stderr) == (2, "error: No space left on device\n")


@pytest.mark.skipif(sys.platform == "win32", reason="no resource limits on Windows")
def test_unbuffered_output_cut_short_by_a_file_size_limit_is_an_error(
    seed_db: Path, tmp_path: Path
) -> None:
    """With PYTHONUNBUFFERED=1 stdout is a raw file, whose short write (a disk filling up,
    here a file size limit) the text layer drops: the command must fail, not exit 0 with
    the result cut off."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    with (tmp_path / "out.csv").open("w") as out:
        done = subprocess.run(
            [DEDUP, "sql", "SELECT * FROM range(100000)", "--format", "csv", "--db", str(seed_db)],
            stdout=out, stderr=subprocess.PIPE, text=True, env=BUFFERED | {"PYTHONUNBUFFERED": "1"},
            preexec_fn=limit, check=False,
        )  # fmt: skip
    assert (done.returncode, done.stderr) == (2, "error: File too large\n")


def test_a_reader_that_stops_early_gets_no_error(seed_db: Path) -> None:
    query = "SELECT * FROM range(100000)"
    proc = subprocess.Popen(
        [DEDUP, "sql", query, "--db", str(seed_db), "--format", "csv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=BUFFERED,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == b"range\n"
    proc.stdout.close()  # as `| head -1` does
    assert proc.wait(timeout=60) in (0, 1)  # click exits 1 on a broken pipe
    assert proc.stderr is not None and proc.stderr.read() == b""


def test_a_command_started_with_stdout_closed_still_succeeds(tmp_path: Path) -> None:
    done = subprocess.run(
        f"exec {shlex.quote(DEDUP)} run {shlex.quote(str(CORPUS))} "
        f"--db {shlex.quote(str(tmp_path / 'x.duckdb'))} -q >&-",
        shell=True, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")


def test_the_window_days_option_bounds_the_sources_and_a_new_value_redoes_all(
    tmp_path: Path,
) -> None:
    """A rewrite published three days after its wire has that wire as a likely source within
    the default 30 days, none within one day; the run records the value, and a run with
    another value compares every article again."""
    wire = (
        "Indonesia's central bank held its benchmark rate at 6.25 percent on Wednesday, "
        "as Governor Perry Warjiyo said the rupiah needed support against a firm dollar.\n\n"
        "Analysts polled by Reuters had expected Bank Indonesia to keep the rate steady, "
        "citing inflation of 2.8 percent in Jakarta and slowing exports of nickel and coal."
    )
    rewrite = (
        "Bank Indonesia kept its key rate at 6.25 percent, Governor Perry Warjiyo said, "
        "because the rupiah needed support while the dollar stayed firm.\n\n"
        "Inflation of 2.8 percent in Jakarta and weaker nickel and coal exports had led "
        "analysts to expect the central bank to hold, a Reuters poll showed."
    )
    other = (  # stories of other events: a word both the wire and the rewrite hold is rare
        "Heavy rain flooded parts of Semarang on Tuesday, cutting power to 4,000 homes.",
        "The football club sacked its coach after a fifth straight defeat on Sunday.",
        "A new ferry route between Bali and Lombok opened on Monday with lower fares.",
    )
    records = [
        {"id": "w", "outlet": "Reuters", "kind": "wire", "text": wire, "published": "2024-01-01"},
        {"id": "r", "outlet": "Kompas", "text": rewrite, "published": "2024-01-04"},
    ] + [{"id": f"o{i}", "outlet": "Tempo", "text": t} for i, t in enumerate(other)]
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    pairs = "SELECT source_article_id, target_article_id FROM article_pairs"
    before = None
    for days, found in (("1", False), ("30", True), ("2.5", False)):
        result = runner.invoke(app, ["run", str(corpus), "--db", str(db), "--window-days", days])
        assert result.exit_code == 0, result.output
        con = duckdb.connect(str(db), read_only=True)
        try:
            assert (("w", "r") in con.execute(pairs).fetchall()) is found
            settings = con.execute(
                "SELECT settings FROM runs ORDER BY run_id DESC LIMIT 1"
            ).fetchone()
            assert json.loads(settings[0])["retrieval"]["window_days"] == float(days)
        finally:
            con.close()
        # the user is told why every article was compared again (a first run: nothing)
        said = "settings changed, every article compared again: retrieval.window_days"
        assert (f"{said}: {before} -> {float(days)}" in result.output) is (before is not None)
        before = float(days)
    again = runner.invoke(app, ["run", str(corpus), "--db", str(db), "--window-days", "2.5"])
    assert again.exit_code == 0 and "settings changed" not in again.output
    result = runner.invoke(app, ["detect", "--db", str(db), "--window-days", "-1"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "'--window-days'" in result.output
