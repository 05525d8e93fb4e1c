"""Packaging: the report's templates and queries ship with the package, and a plain
(not editable) install runs `dedup run` and `dedup report` from another folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from dedup.report import shipped_queries

QUERIES = ROOT / "reports" / "queries"


def test_templates_and_queries_ship_as_package_data() -> None:
    """The page templates and the queries are found through the package, not the checkout."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = pyproject["tool"]["setuptools"]
    assert setuptools["package-dir"]["dedup.queries"] == "reports/queries"
    assert "*.sql" in setuptools["package-data"]["dedup.queries"]
    assert files("dedup").joinpath("data/report/report.html.j2").is_file()
    assert shipped_queries() == QUERIES


def test_non_editable_install_runs_report(tmp_path: Path) -> None:
    """`pip install .` (not editable) then `dedup run` and `dedup report` from another folder.

    The project is copied and installed without dependencies into a folder put on
    PYTHONPATH, so the installed copy is imported, not the checkout."""
    import setuptools

    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip(f"setuptools {setuptools.__version__} cannot build offline (needs >= 77)")
    source, site, elsewhere = tmp_path / "source", tmp_path / "site", tmp_path / "elsewhere"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "dedup", source / "dedup", ignore=ignore)
    shutil.copytree(QUERIES, source / "reports" / "queries", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    pip += ["--no-build-isolation", "--target", str(site), str(source)]
    done = subprocess.run(pip, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for shipped, installed in ((QUERIES, "dedup/queries"), (ROOT / "dedup/data", "dedup/data")):
        files_of = {p.relative_to(shipped) for p in shipped.rglob("*.*") if "__" not in p.name}
        assert files_of <= {p.relative_to(site / installed) for p in (site / installed).rglob("*")}
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def dedup(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "dedup.cli", *args]
        return subprocess.run(command, cwd=elsewhere, env=env, capture_output=True, text=True)

    where = subprocess.run(
        [sys.executable, "-c", "from dedup import report; print(report.shipped_queries())"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip() == str(site / "dedup" / "queries")
    done = dedup("run", str(CORPUS), "--db", "x.duckdb", "--quiet")
    assert done.returncode == 0, done.stderr
    done = dedup("report", "--db", "x.duckdb", "--out", "r")
    assert done.returncode == 0, done.stderr
    out = elsewhere / "r"
    assert (out / "report.html").stat().st_size > 10_000 and (out / "report.md").is_file()
    assert len(list((out / "csv").glob("*.csv"))) == len(list(QUERIES.glob("*.sql")))
