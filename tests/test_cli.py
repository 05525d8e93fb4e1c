"""The command line: results on stdout, one-line errors with a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CORPUS, FIFTH
from typer.testing import CliRunner

from dedup import __version__
from dedup.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


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
    out = tmp_path / "export"
    result = runner.invoke(
        app, ["export", "--format", "parquet", "--out", str(out), "--db", str(db)]
    )
    assert result.exit_code == 0 and (out / "alignments.parquet").exists()
    result = runner.invoke(app, ["export", "--format", "csv", "--out", str(out), "--db", str(db)])
    assert (out / "paragraphs.csv").read_text().startswith("paragraph_id,")
    result = runner.invoke(app, ["trace", FIFTH, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)


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
