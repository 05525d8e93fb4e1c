"""Report pages: report.html and report.md from Jinja2 templates in ``dedup/data/report``.

Article text, titles and outlet names are written by strangers, so nothing reaches a page
unescaped: report.html is rendered with autoescape on (the article data goes in as
``tojson``, which cannot end its ``<script>`` early), and every value in report.md has its
HTML escaped, so a ``<script>`` in an article stays text on GitHub or in a Markdown viewer.
Reads no tables: ``dedup.report`` hands over the query results, figures and page data.
"""

from __future__ import annotations

import base64
import html
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

import dedup

if TYPE_CHECKING:
    from dedup.report import Chart, Table

HTML_CELL_CHARS = 400
MD_CELL_CHARS = 80
MD_ROWS = 20
SUMMARY_LABELS = {
    "articles": "articles",
    "outlets": "outlets",
    "unknown_outlet": "articles of unknown outlet",
    "wire_articles": "wire stories",
    "paragraphs": "paragraphs",
    "alignments": "alignments",
    "clusters": "clusters",
    "wholly_derived": "wholly derived",
    "partially_derived": "partially derived",
    "non_derived": "non-derived outlet articles",
    "attributions": "attributions",
    "rejects": "rejects",
}


def text_value(value: Any) -> Any:
    """Dates without a time part print as dates; other dates and times as ISO text."""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time() and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def cell(value: Any, limit: int) -> str:
    """A table cell: floats without trailing zeros, long text cut at ``limit``."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    text = str(text_value(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rows_note(n_rows: int, shown: int) -> str:
    """'12 rows, first 5 shown' (the full table is in the CSV)."""
    text = f"{n_rows:,} row{'' if n_rows == 1 else 's'}"
    return text + (f", first {shown} shown" if n_rows > shown else "")


def md_text(value: Any) -> str:
    """Any value as Markdown text: HTML escaped, table pipes escaped, on one line."""
    if value is None:
        return ""
    text = html.escape(str(value), quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r", " ").replace("\n", " ")


@cache
def _environment(markdown: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dedup", "data/report"),
        autoescape=not markdown,
        finalize=md_text if markdown else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cell=cell,
        rows_note=rows_note,
        thousands="{:,}".format,
        base64=lambda png: base64.b64encode(png).decode("ascii"),
    )
    env.policies["json.dumps_kwargs"] = {
        "ensure_ascii": False,
        "separators": (",", ":"),
        "default": str,
    }
    return env


def _context(
    summary: dict[str, int], figures: list[Chart], tables: list[Table], db: Path
) -> dict[str, Any]:
    return {
        "db": db.name,
        "version": dedup.__version__,
        "labels": SUMMARY_LABELS,
        "summary": summary,
        "figures": figures,
        "tables": tables,
    }


def render_html(
    summary: dict[str, int],
    figures: list[Chart],
    tables: list[Table],
    data: dict[str, Any],
    db: Path,
) -> str:
    """The offline page: static sections in HTML, the article data as JSON."""
    return (
        _environment(markdown=False)
        .get_template("report.html.j2")
        .render(
            _context(summary, figures, tables, db),
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            cell_chars=HTML_CELL_CHARS,
            data=data,
        )
    )


def render_markdown(
    summary: dict[str, int], figures: list[Chart], tables: list[Table], db: Path
) -> str:
    """The summary and the head of every query table, readable in a terminal."""
    return (
        _environment(markdown=True)
        .get_template("report.md.j2")
        .render(_context(summary, figures, tables, db), cell_chars=MD_CELL_CHARS, md_rows=MD_ROWS)
    )
