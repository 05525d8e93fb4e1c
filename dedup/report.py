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
import io
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import matplotlib

matplotlib.use("Agg")  # never a display: the report is rendered headless and in CI

import matplotlib.dates as mdates  # noqa: E402  (after choosing the backend)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from rapidfuzz.distance import Indel  # noqa: E402

from dedup import DedupError, first_line, spreadsheet  # noqa: E402
from dedup.export import output_folder  # noqa: E402
from dedup.render import render_html, render_markdown, text_value  # noqa: E402
from dedup.store import connect  # noqa: E402
from dedup.workbook import ReportBook  # noqa: E402

HTML_ROWS = 50
#: every report table in one workbook, for spreadsheets (see :mod:`dedup.workbook`)
WORKBOOK = "report.xlsx"
#: figures stay readable: the heat map shows the biggest outlets and sources only
HEATMAP_MAX_OUTLETS = 30
HEATMAP_MAX_SOURCES = 25
TIMELINE_MAX_CLUSTERS = 60
DERIVATIONS = ("non", "partially", "wholly")
DERIVATION_COLOURS = {"non": "#9aa5b1", "partially": "#f0a03c", "wholly": "#c8403a"}
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
    report.xlsx (:mod:`dedup.workbook`), keep the head rows."""
    (out / "csv").mkdir(parents=True, exist_ok=True)
    (out / "parquet").mkdir(parents=True, exist_ok=True)
    tables = []
    with ReportBook(out / WORKBOOK) as book:
        for query in queries:
            tables.append(_run_query(con, query, out, book))
    return tables


def _run_query(con: duckdb.DuckDBPyConnection, query: Query, out: Path, book: ReportBook) -> Table:
    try:
        result = con.sql(query.sql).to_arrow_table()
    except duckdb.Error as err:
        raise DedupError(f"report query {query.name}.sql failed: {first_line(err)}") from err
    csv, parquet = out / "csv" / f"{query.name}.csv", out / "parquet" / f"{query.name}.parquet"
    relation = con.from_arrow(result)
    spreadsheet.write_csv(con, relation, csv)
    relation.write_parquet(str(parquet))
    book.add(query.name, query.title, query.description, result)
    rows = [tuple(row.values()) for row in result.slice(0, HTML_ROWS).to_pylist()]
    return Table(query, result.column_names, rows, result.num_rows, csv, parquet)


def _internal(con: duckdb.DuckDBPyConnection, name: str) -> list[dict[str, Any]]:
    """Rows of one of the report's own queries (``dedup/data/report/<name>.sql``)."""
    sql = _PACKAGE_DATA.joinpath(f"{name}.sql").read_text(encoding="utf-8")
    relation = con.sql(sql)
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


# ---------------------------------------------------------------- figures


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def heatmap(rows: list[dict[str, Any]]) -> bytes | None:
    """Outlet x source heat map of attributed paragraphs; the biggest rows and columns."""
    if not rows:
        return None
    by_outlet: dict[str, int] = defaultdict(int)
    by_source: dict[str, int] = defaultdict(int)
    for row in rows:
        by_outlet[row["outlet"]] += row["n_paragraphs"]
        by_source[row["source"]] += row["n_paragraphs"]
    outlets = sorted(by_outlet, key=lambda o: (-by_outlet[o], o))[:HEATMAP_MAX_OUTLETS]
    sources = sorted(by_source, key=lambda s: (-by_source[s], s))[:HEATMAP_MAX_SOURCES]
    grid = np.zeros((len(outlets), len(sources)), dtype=int)
    o_index = {o: i for i, o in enumerate(outlets)}
    s_index = {s: j for j, s in enumerate(sources)}
    for row in rows:
        if row["outlet"] in o_index and row["source"] in s_index:
            grid[o_index[row["outlet"]], s_index[row["source"]]] = row["n_paragraphs"]
    fig, ax = plt.subplots(
        figsize=(max(4.5, 0.55 * len(sources) + 2.5), max(2.2, 0.38 * len(outlets) + 1.4))
    )
    image = ax.imshow(grid, cmap="YlOrRd", aspect="auto")
    ax.set_xticks(range(len(sources)), sources, rotation=45, ha="right")
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_xlabel("source (attributions)")
    if grid.size <= 600:
        threshold = grid.max() * 0.6
        for (i, j), value in np.ndenumerate(grid):
            if value:
                colour = "white" if value > threshold else "black"
                ax.text(j, i, str(value), ha="center", va="center", fontsize=8, color=colour)
    fig.colorbar(image, ax=ax, label="paragraphs", ticks=MaxNLocator(integer=True))
    return _png(fig)


def derived_distribution(rows: list[dict[str, Any]]) -> bytes | None:
    """Histogram of derived fractions, stacked by derivation class."""
    if not rows:
        return None
    bins = np.linspace(0, 1, 21)
    values = [
        [r["derived_fraction"] for r in rows if r["derivation"] == kind] for kind in DERIVATIONS
    ]
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    ax.hist(
        values,
        bins=bins,
        stacked=True,
        label=[f"{k} ({len(v)})" for k, v in zip(DERIVATIONS, values, strict=True)],
        color=[DERIVATION_COLOURS[k] for k in DERIVATIONS],
    )
    ax.set_xlabel("derived fraction of body text")
    ax.set_ylabel("articles")
    ax.set_xlim(0, 1)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def timeline(rows: list[dict[str, Any]]) -> bytes | None:
    """Clusters over time: a bar from first to last publication, labelled with its reach."""
    if not rows:
        return None
    rows = sorted(rows[:TIMELINE_MAX_CLUSTERS], key=lambda r: r["first_published"])
    fig, ax = plt.subplots(figsize=(7.5, max(1.8, 0.24 * len(rows) + 1.0)))
    y = np.arange(len(rows))
    first, last = [r["first_published"] for r in rows], [r["last_published"] for r in rows]
    ax.hlines(y, first, last, color="#6c7a89", linewidth=2)
    ax.scatter(first, y, s=[20 + 12 * r["n_articles"] for r in rows], color="#1f6feb", zorder=3)
    for i, row in enumerate(rows):
        label = f"  {row['n_articles']} articles, {row['n_outlets']} outlets"
        ax.annotate(label, (last[i], i), va="center", fontsize=7, color="#616e7c")
    ax.set_yticks(y, [f"cluster {r['cluster_id']}" for r in rows], fontsize=7)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlim(*_padded(min(first), max(last)))
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel("publication dates of each cluster's articles")
    return _png(fig)


#: matplotlib draws dates of years 1 to 9999 only; an article may be dated at either end
DRAWABLE = (mdates.date2num(datetime(1, 1, 2)), mdates.date2num(datetime(9999, 12, 30)))


def _padded(lo: datetime, hi: datetime) -> tuple[float, float]:
    """The x range of ``lo`` .. ``hi`` with a quarter of it (a day at least) on each side,
    kept inside the dates matplotlib can draw."""
    a, b = mdates.date2num(lo), mdates.date2num(hi)
    pad = max(0.25 * (b - a), 1.0)
    left, right = max(a - pad, DRAWABLE[0]), min(b + pad, DRAWABLE[1])
    if right - left < 2:  # every date at one end of the calendar: two days inside it
        left, right = (left, left + 2) if left <= DRAWABLE[0] else (right - 2, right)
    return left, right


def charts(con: duckdb.DuckDBPyConnection) -> list[Chart]:
    """The three figures, each with a caption saying what it shows (or why it is empty)."""
    specs: list[tuple[str, str, str, str, Callable[[list[dict[str, Any]]], bytes | None]]] = [
        (
            "heatmap",
            "Outlets × sources",
            "Paragraphs of each outlet attributed to each source (any method).",
            "figure_heatmap",
            heatmap,
        ),
        (
            "derived",
            "How much of each article is derived",
            "Share of body characters aligned to earlier articles, per article.",
            "figure_derived",
            derived_distribution,
        ),
        (
            "timeline",
            "Reuse clusters over time",
            "Each line runs from the first to the last publication of a cluster's articles.",
            "figure_timeline",
            timeline,
        ),
    ]
    result = []
    for name, title, caption, sql_name, draw in specs:
        # outlet names are text, not TeX: "Price $x_$ news" must not be parsed as mathtext
        with plt.rc_context({"text.parse_math": False}):
            png = draw(_internal(con, sql_name))
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
                "id": al["alignment_id"],
                "score": round(al["score"], 1),
                "kind": al["match_kind"],
                "cluster": al["cluster_id"],
                "same_outlet": al["same_outlet"],
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
    con = connect(db, read_only=True, files=True)  # it writes the CSV and Parquet files
    try:
        output_folder(out)
        tables = run_queries(con, queries, out)
        summary = _internal(con, "summary")[0]
        figures = charts(con)
        data = page_data(con)
    finally:
        con.close()
    (out / "figures").mkdir(exist_ok=True)
    for chart in figures:
        if chart.png:
            (out / "figures" / f"{chart.name}.png").write_bytes(chart.png)
    html_path, md_path = out / "report.html", out / "report.md"
    html_path.write_text(render_html(summary, figures, tables, data, db), encoding="utf-8")
    md_path.write_text(render_markdown(summary, figures, tables, db), encoding="utf-8")
    return {
        "html": html_path,
        "markdown": md_path,
        "csv": {t.query.name: t.csv for t in tables},
        "parquet": {t.query.name: t.parquet for t in tables},
        "xlsx": out / WORKBOOK,
        "figures": {c.name: out / "figures" / f"{c.name}.png" for c in figures if c.png},
        "summary": summary,
    }
