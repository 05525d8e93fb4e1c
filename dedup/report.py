"""Report: the query tables, figures and an article explorer, from the DuckDB file.

Every report table is a SQL file in a queries folder (``reports/queries/*.sql``): dropping
a new file there adds a CSV, a Parquet file, a sheet of ``report.xlsx`` (:mod:`dedup.workbook`)
and a report section, with no code change.
``report.html`` is one self-contained file (no network at all) that a researcher opens
from disk; the per-article data is embedded as JSON and rendered one article at a time,
so that the page stays fast with thousands of articles. ``report.md`` carries the same
summary for a terminal or a repository. The pages are Jinja2 templates (``dedup.render``);
the shipped queries are the package ``dedup.queries``. Reads the contract tables through a
read-only connection; leaves no tables, only files in the output folder.
"""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
from rapidfuzz.distance import Indel

from dedup import DedupError, figures, first_line, spreadsheet, store
from dedup.export import staged
from dedup.render import render_html, render_markdown, text_value
from dedup.store import connect
from dedup.workbook import ReportBook

HTML_ROWS = 50
#: every report table in one workbook, for spreadsheets (see :mod:`dedup.workbook`)
WORKBOOK = "report.xlsx"
#: word tokens for highlighting; ideographs and kana count one character each, since those
#: scripts do not separate words with spaces
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_HEADER = re.compile(r"^--\s*(title|description)\s*:\s*(.*)$", re.IGNORECASE)

_PACKAGE_DATA = files("dedup").joinpath("data/report")


@dataclass(frozen=True)
class Query:
    """One report table: a SQL file and the heading it declares in its first comments."""

    name: str
    title: str
    description: str
    sql: str


@dataclass(frozen=True)
class Table:
    """A query's result: the head rows for the page, the full result in CSV and Parquet."""

    query: Query
    columns: list[str]
    rows: list[tuple[Any, ...]]
    n_rows: int
    csv: Path
    parquet: Path


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    caption: str
    png: bytes | None  # None: no data for this figure, the caption says why


# ---------------------------------------------------------------- queries


def shipped_queries() -> Path | None:
    """The queries that come with dedup: the source tree's ``reports/queries``, installed
    as the data-only package ``dedup.queries`` (pyproject.toml maps one to the other), so
    that a non-editable install finds them as well as a checkout does."""
    spec = importlib.util.find_spec("dedup.queries")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


def find_queries_dir(out: Path, queries_dir: Path | None = None) -> Path:
    """The folder of report queries: explicit, else ``OUT/queries``, else the shipped ones.

    ``dedup report --out reports/`` on a fresh clone thus uses ``reports/queries/``, and a
    researcher can keep their own queries next to their own output folder.
    """
    candidates = [queries_dir] if queries_dir is not None else [out / "queries", shipped_queries()]
    for folder in candidates:
        if folder is not None and folder.is_dir():
            return folder
    raise DedupError(f"no report queries folder: {candidates[0]}")


def parse_header(sql: str, fallback_title: str) -> tuple[str, str]:
    """Title and description from the leading ``-- title:`` / ``-- description:`` lines.

    Further ``--`` lines continue the description, so it can be wrapped at 100 columns.
    """
    fields: dict[str, str] = {}
    current: str | None = None
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        match = _HEADER.match(stripped)
        if match:
            current = match.group(1).lower()
            fields[current] = match.group(2).strip()
        elif current == "description":
            fields[current] = f"{fields[current]} {stripped.lstrip('-').strip()}".strip()
    return fields.get("title") or fallback_title, fields.get("description", "")


def load_queries(folder: Path) -> list[Query]:
    """Every ``*.sql`` file of the folder, in file-name order (hence the number prefixes)."""
    queries = []
    for path in sorted(folder.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        title, description = parse_header(sql, path.stem.replace("_", " "))
        queries.append(Query(path.stem, title, description, sql.strip().rstrip(";").strip()))
    if not queries:
        raise DedupError(f"no *.sql files in {folder}")
    return queries


def run_queries(con: duckdb.DuckDBPyConnection, queries: Sequence[Query], out: Path) -> list[Table]:
    """Run each query once; write its full result as CSV, Parquet and a sheet of
    report.xlsx (:mod:`dedup.workbook`), keep the head rows.

    The queries run on ``con``, which reaches no file (they are SQL from a folder, run as
    ``dedup sql`` runs a query); the files are written by a connection of their own, which
    holds nothing but each result."""
    (out / "csv").mkdir(parents=True, exist_ok=True)
    (out / "parquet").mkdir(parents=True, exist_ok=True)
    tables = []
    writer = duckdb.connect()
    try:
        with ReportBook(out / WORKBOOK) as book:
            for query in queries:
                tables.append(_run_query(con, writer, query, out, book))
    finally:
        writer.close()
    return tables


def _run_query(
    con: duckdb.DuckDBPyConnection,
    writer: duckdb.DuckDBPyConnection,
    query: Query,
    out: Path,
    book: ReportBook,
) -> Table:
    try:
        result = store.relation(con, query.sql).to_arrow_table()
    except DedupError as err:  # several statements, or none with rows
        raise DedupError(f"report query {query.name}.sql: {err}") from err
    except duckdb.Error as err:
        raise DedupError(f"report query {query.name}.sql failed: {first_line(err)}") from err
    csv, parquet = out / "csv" / f"{query.name}.csv", out / "parquet" / f"{query.name}.parquet"
    written = writer.from_arrow(result)
    spreadsheet.write_csv(writer, written, csv)
    written.write_parquet(str(parquet))
    book.add(query.name, query.title, query.description, result)
    rows = [tuple(row.values()) for row in result.slice(0, HTML_ROWS).to_pylist()]
    return Table(query, result.column_names, rows, result.num_rows, csv, parquet)


def _internal(con: duckdb.DuckDBPyConnection, name: str) -> list[dict[str, Any]]:
    """Rows of one of the report's own queries (``dedup/data/report/<name>.sql``)."""
    sql = _PACKAGE_DATA.joinpath(f"{name}.sql").read_text(encoding="utf-8")
    relation = con.sql(sql)
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


# ---------------------------------------------------------------- figures


#: the figures: (name, title, caption, the report's query of their rows, how to draw them)
CHARTS: list[tuple[str, str, str, str, Callable[[list[dict[str, Any]]], bytes | None]]] = [
    (
        "heatmap",
        "Outlets × sources",
        "Paragraphs of each outlet attributed to each source (any method).",
        "figure_heatmap",
        figures.heatmap,
    ),
    (
        "derived",
        "How much of each article is derived",
        "Share of body characters aligned to earlier articles, per article.",
        "figure_derived",
        figures.derived_distribution,
    ),
    (
        "timeline",
        "Reuse clusters over time",
        "Each line runs from the first to the last publication of a cluster's articles.",
        "figure_timeline",
        figures.timeline,
    ),
]


def charts(con: duckdb.DuckDBPyConnection) -> list[Chart]:
    """The three figures, each with a caption saying what it shows (or why it is empty)."""
    result = []
    for name, title, caption, sql_name, draw in CHARTS:
        png = figures.drawn(draw, _internal(con, sql_name))
        note = caption if png is not None else f"{caption} No data in this database."
        result.append(Chart(name, title, note, png))
    return result


# ---------------------------------------------------------------- highlighting


def _runs(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    """Alternating plain / marked pieces of text (starting with plain, maybe empty).

    Shipping pieces rather than offsets keeps the JavaScript free of offset arithmetic
    (JS strings count UTF-16 units, Python offsets count code points).
    """
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        start = max(start, position)
        if end <= start:
            continue
        pieces += [text[position:start], text[start:end]]
        position = end
    pieces.append(text[position:])
    return pieces


def shared_runs(a: str, b: str) -> tuple[list[str], list[str]]:
    """Words shared by two aligned passages (longest common word subsequence), as runs."""
    tokens_a = list(TOKEN.finditer(a))
    tokens_b = list(TOKEN.finditer(b))
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    opcodes = Indel.opcodes(
        [t.group().casefold() for t in tokens_a], [t.group().casefold() for t in tokens_b]
    )
    for op in opcodes:
        if op.tag == "equal":
            spans_a.append((tokens_a[op.src_start].start(), tokens_a[op.src_end - 1].end()))
            spans_b.append((tokens_b[op.dest_start].start(), tokens_b[op.dest_end - 1].end()))
    return _runs(a, spans_a), _runs(b, spans_b)


# ---------------------------------------------------------------- page data


def page_data(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Everything the article explorer shows, keyed so that JS only renders, never computes."""
    articles = _internal(con, "page_articles")
    texts = {a["article_id"]: a.pop("text") for a in articles}
    paragraphs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    where: dict[str, tuple[str, int]] = {}  # paragraph_id -> (article_id, index)
    for p in _internal(con, "page_paragraphs"):
        where[p["paragraph_id"]] = (p["article_id"], len(paragraphs[p["article_id"]]))
        paragraphs[p["article_id"]].append(p)
    attributions: dict[str, list[list[Any]]] = defaultdict(list)
    sources: dict[str, set[str]] = defaultdict(set)
    for t in _internal(con, "page_attributions"):
        attributions[t["paragraph_id"]].append(
            [t["source"], t["method"], round(t["confidence"], 2), t["evidence"], t["chain_role"]]
        )
        if t["paragraph_id"] in where:
            sources[where[t["paragraph_id"]][0]].add(t["source"])

    alignments = []
    by_paragraph: dict[str, list[int]] = defaultdict(list)
    covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for al in _internal(con, "page_alignments"):
        s_text = texts.get(al["source_article_id"], "")[al["source_start"] : al["source_end"]]
        t_text = texts.get(al["target_article_id"], "")[al["target_start"] : al["target_end"]]
        s_runs, t_runs = shared_runs(s_text, t_text)
        index = len(alignments)
        alignments.append(
            {
                # 64-bit ids as text: a JSON number past 2**53 is rounded in JavaScript
                "id": str(al["alignment_id"]),
                "score": round(al["score"], 1),
                "kind": al["match_kind"],
                "cluster": None if al["cluster_id"] is None else str(al["cluster_id"]),
                "same_outlet": al["same_outlet"],
                "undecided": al["direction_basis"] == "undecided",
                "sides": [
                    [al["source_article_id"], al["source_paragraph_id"], s_runs],
                    [al["target_article_id"], al["target_paragraph_id"], t_runs],
                ],
            }
        )
        for side in ("source", "target"):
            by_paragraph[al[f"{side}_paragraph_id"]].append(index)
            covered[al[f"{side}_paragraph_id"]].append((al[f"{side}_start"], al[f"{side}_end"]))

    for a in articles:
        text = texts[a["article_id"]]
        paras = paragraphs.get(a["article_id"]) or [
            {"paragraph_id": None, "seq": 0, "char_start": 0, "char_end": len(text)}
            | {"role": "text", "role_reason": "no paragraphs stored"}
        ]
        a["paragraphs"] = [
            {
                "id": p["paragraph_id"],
                "seq": p["seq"],
                "role": p["role"],
                "reason": p["role_reason"],
                "runs": _runs(
                    text[p["char_start"] : p["char_end"]],
                    [
                        (s - p["char_start"], e - p["char_start"])
                        for s, e in covered.get(p["paragraph_id"], [])
                    ],
                ),
                "attributions": attributions.get(p["paragraph_id"], []),
                "alignments": sorted(
                    by_paragraph.get(p["paragraph_id"], []),
                    key=lambda i: -alignments[i]["score"],
                ),
            }
            for p in paras
        ]
        a["sources"] = sorted(sources.get(a["article_id"], ()))
        a["published"] = text_value(a["published"])
        if a["derived_fraction"] is not None:
            a["derived_fraction"] = round(a["derived_fraction"], 3)
    return {
        "articles": articles,
        "alignments": alignments,
        "outlets": sorted({a["outlet"] or "(unknown)" for a in articles}),
        "sources": sorted({s for a in articles for s in a["sources"]}),
        "default_article": articles[0]["article_id"] if articles else None,
    }


# ---------------------------------------------------------------- entry point


def report(db: Path, out: Path, queries_dir: Path | None = None) -> dict[str, Any]:
    """Write report.html, report.md, report.xlsx, figures/, csv/ and parquet/ into ``out``.

    Returns the paths written and the summary numbers, for the command line and tests.
    The database is opened read-only: a report never changes the data it reports on.
    """
    queries = load_queries(find_queries_dir(out, queries_dir))
    con = connect(db, read_only=True)  # reaches no file: see run_queries
    try:
        con.execute("SET lock_configuration = true")  # a query cannot lift the sandbox
        # all of the report or none of it; a figure this database has no data for goes
        drop = [f"figures/{name}.png" for name, *_ in CHARTS]
        with staged(out, drop) as stage:
            tables = run_queries(con, queries, stage)
            summary = _internal(con, "summary")[0]
            drawn = charts(con)
            data = page_data(con)
            (stage / "figures").mkdir()
            for chart in drawn:
                if chart.png:
                    (stage / "figures" / f"{chart.name}.png").write_bytes(chart.png)
            html = render_html(summary, drawn, tables, data, db)
            (stage / "report.html").write_text(html, encoding="utf-8")
            md = render_markdown(summary, drawn, tables, db)
            (stage / "report.md").write_text(md, encoding="utf-8")
    finally:
        con.close()
    return {
        "html": out / "report.html",
        "markdown": out / "report.md",
        "csv": {t.query.name: out / t.csv.relative_to(stage) for t in tables},
        "parquet": {t.query.name: out / t.parquet.relative_to(stage) for t in tables},
        "xlsx": out / WORKBOOK,
        "figures": {c.name: out / "figures" / f"{c.name}.png" for c in drawn if c.png},
        "summary": summary,
    }
