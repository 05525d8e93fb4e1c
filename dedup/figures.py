"""Figures of the report: an outlet x source heat map, the derived share per article and a
timeline of reuse clusters, each drawn from rows of the report's own queries into PNG bytes
(headless: no display, also in CI). Reads and leaves no table.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import matplotlib

matplotlib.use("Agg")  # never a display: the report is rendered headless and in CI

import matplotlib.dates as mdates  # noqa: E402  (after choosing the backend)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

#: figures stay readable: the heat map shows the biggest outlets and sources only
HEATMAP_MAX_OUTLETS = 30
HEATMAP_MAX_SOURCES = 25
TIMELINE_MAX_CLUSTERS = 60
DERIVATIONS = ("non", "partially", "wholly")
DERIVATION_COLOURS = {"non": "#9aa5b1", "partially": "#f0a03c", "wholly": "#c8403a"}


def drawn(
    draw: Callable[[list[dict[str, Any]]], bytes | None], rows: list[dict[str, Any]]
) -> bytes | None:
    """``draw(rows)`` with outlet names as text, not TeX: "Price $x_$ news" must not be
    parsed as mathtext."""
    with plt.rc_context({"text.parse_math": False}):
        return draw(rows)


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
