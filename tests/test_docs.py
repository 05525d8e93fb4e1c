"""The README's examples work: every SQL block runs with ``dedup sql`` on the seed database,
and every command of "Command line" runs (each option and alternative it shows) on a copy."""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS, FIFTH, ROOT
from typer.testing import CliRunner

from dedup.cli import app
from dedup.export import TABLES

README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("query", SQL_BLOCKS, ids=[f"sql{i + 1}" for i in range(len(SQL_BLOCKS))])
def test_readme_sql_runs_on_the_seed_database(seed_db: Path, query: str) -> None:
    result = runner.invoke(app, ["sql", query, "--db", str(seed_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("[")


#: what a placeholder of the README's synopsis stands for in a run
PLACEHOLDERS = {
    "INPUT...": str(CORPUS),
    "SELECT ...": "SELECT article_id, outlet FROM articles ORDER BY 1",
    "DIR": "exported",
    "ARTICLE_ID": FIFTH,
}
RUNNABLE = ("run", "ingest", "detect", "attribute", "sql", "export", "trace", "report", "--version")


def _variants(synopsis: str) -> list[list[str]]:
    """Every command a synopsis line shows: with and without each ``[option]``, and each
    choice of ``a|b``."""
    optional = re.findall(r"\[([^\]]+)\]", synopsis)
    out = []
    for keep in itertools.product((True, False), repeat=len(optional)):
        line = synopsis
        for part, kept in zip(optional, keep, strict=True):
            line = line.replace(f"[{part}]", part if kept else "", 1)
        words = [PLACEHOLDERS.get(w, w) for w in shlex.split(line)]
        choices = [w.split("|") if "|" in w else [w] for w in words]
        out += [list(c) for c in itertools.product(*choices)]
    return out


def _commands() -> list[list[list[str]]]:
    """README "Command line" lines; a line with ``a | b`` is a sequence of commands."""
    block = re.search(r"```sh\n(.*?)```", _section("Command line"), flags=re.S).group(1)
    cases = []
    for raw in block.splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        steps = [s.strip() for s in line.split(" | ")]
        variants = [_variants(s) for s in steps]
        if all(v[0][:2][0] == "dedup" and v[0][1] in RUNNABLE for v in variants):
            cases += [list(seq) for seq in itertools.product(*variants)]
    return cases


COMMANDS = _commands()


def test_readme_shows_every_command() -> None:
    shown = {step[1] for case in COMMANDS for step in case}
    assert shown == set(RUNNABLE)


@pytest.mark.parametrize(
    "steps", COMMANDS, ids=[" | ".join(" ".join(s[1:]) for s in c) for c in COMMANDS]
)
def test_readme_command_runs(
    steps: list[list[str]], seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a folder whose default database is a copy of the seed database."""
    (tmp_path / "reports").mkdir()
    shutil.copy(seed_db, tmp_path / "reports" / "syndication.duckdb")
    monkeypatch.chdir(tmp_path)
    for step in steps:
        result = runner.invoke(app, step[1:])
        assert result.exit_code == 0, (step, result.output)
        if step[1] in ("sql", "trace", "--version", "export"):
            assert result.stdout.strip(), step
        if step[1] == "report":
            assert (tmp_path / "reports" / "report.html").stat().st_size > 0
        if step[1] == "export":
            assert len(list((tmp_path / "exported").iterdir())) == len(TABLES)


def _example(number: int) -> str:
    """The SQL of the README's example question ``number``."""
    return re.findall(r"```sql\n(.*?)```", _section("Example questions in SQL"), flags=re.S)[
        number - 1
    ]


def test_readme_examples_answer_their_questions(seed_db: Path) -> None:
    """Not only do they run: example 2 lists both sides of each alignment (the seed's
    clusters have two outlets, so the cut is lowered to 2), 8 counts each paragraph once,
    and 11 names wires only."""
    con = duckdb.connect(str(seed_db), read_only=True)
    try:
        shared = {row[2] for row in con.sql(_example(2).replace(">= 3", ">= 2")).fetchall()}
        pairs = con.sql(
            "SELECT source_paragraph_id, target_paragraph_id FROM alignments "
            "JOIN clusters USING (cluster_id) WHERE n_outlets >= 2"
        ).fetchall()
        assert shared == {p for pair in pairs for p in pair}
        matrix = con.sql(_example(8))
        sources = matrix.columns[1:]
        cells = {
            (row[0], source): n
            for row in matrix.fetchall()
            for source, n in zip(sources, row[1:], strict=True)
            if n
        }
        counted = con.sql(
            "SELECT a.outlet, t.source, count(DISTINCT t.paragraph_id) FROM attributions t "
            "JOIN articles a USING (article_id) GROUP BY ALL"
        ).fetchall()
        assert cells == {(outlet, source): n for outlet, source, n in counted}
        wires = {
            s
            for (s,) in con.sql(
                "SELECT source FROM attributions WHERE source_type = 'wire'"
            ).fetchall()
        }
        named = {
            s for row in con.sql(_example(11)).fetchall() if row[3] for s in row[3].split(" + ")
        }
        assert named and named <= wires
        outlets = "SELECT count(*) FROM attributions WHERE source_type <> 'wire'"
        assert con.execute(outlets).fetchone()[0]  # which the old query listed as well
    finally:
        con.close()
