"""Provenance: one article's sources, paragraph by paragraph (`dedup trace`).

Reads: articles, paragraphs, attributions, image_credits, quotes, alignments (the queries are
``data/trace_*.sql``). Leaves nothing: a trace is a JSON-ready dict, and :func:`render_trace`
prints it for a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from dedup import store


def trace(con: duckdb.DuckDBPyConnection, article_id: str) -> dict[str, Any]:
    """Paragraph-by-paragraph provenance of one article, JSON-serialisable.

    Raises LookupError for an unknown article.
    """
    article = con.execute(
        "SELECT article_id, outlet, kind, title, published, language, published_precision"
        " FROM articles WHERE article_id = ?",
        [article_id],
    ).fetchone()
    if article is None:
        raise LookupError(f"no article {article_id!r} in the database")
    keys = ("article_id", "outlet", "kind", "title", "published", "language", "precision")
    result = dict(zip(keys, article, strict=True))
    result["published"] = _stated(result["published"], result.pop("precision"))
    sources = _by_paragraph(con, "trace_sources.sql", article_id)
    credits = _by_paragraph(con, "trace_credits.sql", article_id)
    quotes = _by_paragraph(con, "trace_quotes.sql", article_id)
    aligned = _by_paragraph(con, "trace_aligned.sql", article_id)
    rows = con.execute(
        "SELECT paragraph_id, seq, role, char_start, char_end, text FROM paragraphs"
        " WHERE article_id = ? ORDER BY seq",
        [article_id],
    ).fetchall()
    result["paragraphs"] = [
        {
            "paragraph_id": pid,
            "seq": seq,
            "role": role,
            "char_start": start,
            "char_end": end,
            "text": text,
            "sources": sources.get(pid, []),
            "image_credits": credits.get(pid, []),
            "quotes": quotes.get(pid, []),
            "aligned": aligned.get(pid, []),
        }
        for pid, seq, role, start, end, text in rows
    ]
    return result


def render_trace(trace_dict: dict[str, Any], console: Console) -> None:
    """Print a trace readably: one panel per paragraph with its sources and aligned passages."""
    t = trace_dict
    console.rule(f"[bold]{escape(t['article_id'])}[/] {escape(t.get('title') or '')}")
    console.print(
        f"outlet {escape(t['outlet'] or '?')} · kind {t['kind']}"
        f" · published {t['published'] or 'undated'} · language {t['language'] or '?'}"
    )
    for p in t["paragraphs"]:
        if p["role"] == "boilerplate" and not (p["sources"] or p["image_credits"]):
            console.print(Text(f"  [{p['seq']}] boilerplate: {_short(p['text'], 80)}", "dim"))
            continue
        console.print(
            Panel(
                Group(*_paragraph_lines(p)),
                title=f"[{p['seq']}] {p['role']}",
                title_align="left",
                subtitle=p["paragraph_id"],
                subtitle_align="right",
            )
        )


def _by_paragraph(con: duckdb.DuckDBPyConnection, name: str, article_id: str) -> dict[str, list]:
    """Rows of a trace query (``data/<name>``) grouped by their first column, paragraph_id."""
    cursor = con.execute(store.sql_text(name), [article_id])
    names = [d[0] for d in cursor.description][1:]
    grouped: dict[str, list] = {}
    for pid, *values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        if "published_precision" in row:  # an aligned article's time, stated as the article's
            row["published"] = _stated(row["published"], row.pop("published_precision"))
        grouped.setdefault(pid, []).append({k: _iso(v) for k, v in row.items()})
    return grouped


def _stated(published: Any, precision: str | None) -> str | None:
    """A publication time as ISO 8601 in UTC ("Z"), or the day alone where only a day was
    given (stored as its midnight)."""
    if published is None:
        return None
    return published.date().isoformat() if precision == "day" else f"{published.isoformat()}Z"


def _iso(value: Any) -> Any:
    """Datetimes as ISO strings, so that a trace dumps to JSON."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _paragraph_lines(p: dict[str, Any]) -> Iterator[Text]:
    """The lines of one paragraph's panel."""
    yield Text(p["text"], style="dim" if p["role"] != "body" else "")
    for s in p["sources"]:
        chain = "" if s["chain_role"] == "source" else f" [{s['chain_role']}]"
        line = Text("  ◆ ", style="green")
        line.append(f"{s['source']}{chain}", style="bold green")
        line.append(f" ({s['source_type']}) {s['method']} {s['confidence']:.2f}  ")
        line.append(_short(s["evidence"], 160), style="italic")
        yield line
    for c in p["image_credits"]:
        chain = "" if c["chain_role"] == "source" else f" [{c['chain_role']}]"
        yield Text(f"  ▣ image credit: {c['source']}{chain}  {c['evidence']}", style="cyan")
    for q in p["quotes"]:
        trail = f" · trail {q['trail_id']}" if q["trail_id"] is not None else ""
        speaker = q["speaker"] or "?"
        yield Text(f"  ❝ {speaker}: {_short(q['text'], 100)}{trail}", style="magenta")
    for a in p["aligned"]:
        line = Text("  ↔ ", style="yellow")
        line.append(f"{a['article_id']}", style="bold yellow")
        line.append(
            f" ({a['outlet'] or '?'}, {a['published'] or 'undated'})"
            f" score {a['score']:.1f} {a['match_kind']}"
            f" #{a['alignment_id']}: "
        )
        line.append(_short(a["text"], 200), style="italic")
        yield line
