"""Extraction quality on real news pages: the body text dedup keeps vs trafilatura alone.

Reads ``article-extraction-benchmark`` (181 pages, ``html/<sha256>.html.gz`` and
``ground-truth.json``) from the shared data folder. For every page, dedup's text is what
its HTML reader stores (``dedup.html.page_article``) cut to the paragraphs its own
segmentation gives the role ``body``: the headline is left out because ``articleBody``
holds no title, and captions and boilerplate are what the roles exist to drop. The
baseline is ``trafilatura.extract(html, include_comments=False)``, as the benchmark runs it.

Two scores, both averaged over pages: token precision/recall/F1 on whitespace tokens as a
bag (per page F1, then the mean), and the benchmark's own ``evaluate.py`` score (4-grams of
``\\w+`` tokens as a bag; tp/fp/fn normalised per page; mean precision and mean recall, F1
of the two means), which is what its published figures (trafilatura 0.958) use.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

import trafilatura

from dedup import segment
from dedup.html import page_article
from dedup.parallel import batched, parallel_map

BENCHMARK = "article-extraction-benchmark"
PAGES_PER_CHUNK = 8
_WORD = re.compile(r"\w+")


def dedup_body(raw: bytes, url: str | None) -> str:
    """The body paragraphs dedup keeps for a page ('' when it rejects the page)."""
    try:
        art = page_article(raw, {"id": "page", "url": url}, "benchmark")
    except ValueError:
        return ""
    paragraphs = segment.segment_paragraphs(art.text, art.title)
    return "\n".join(art.text[p.start : p.end] for p in paragraphs if p.role == segment.BODY)


def trafilatura_body(raw: bytes) -> str:
    return trafilatura.extract(raw.decode("utf-8", errors="replace"), include_comments=False) or ""


def _extract(chunk: list[tuple[str, bytes, str | None]]) -> list[tuple[str, str, str]]:
    return [(key, dedup_body(raw, url), trafilatura_body(raw)) for key, raw, url in chunk]


def token_scores(truth: str, pred: str) -> tuple[float, float, float]:
    """Precision, recall, F1 of whitespace tokens as bags."""
    t, p = Counter(truth.split()), Counter(pred.split())
    common = sum((t & p).values())
    precision = common / sum(p.values()) if p else float(not t)
    recall = common / sum(t.values()) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def shingle_counts(truth: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """The benchmark's tp, fp, fn over n-grams of word tokens, normalised to sum 1."""

    def grams(text: str) -> Counter:
        words = _WORD.findall(text)
        return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words)

    t, p = grams(truth), grams(pred)
    tp = sum((t & p).values())
    fp, fn = sum((p - t).values()), sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def benchmark_score(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    def prec(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else tp / (tp + fp) if tp + fp else 0.0

    def rec(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else tp / (tp + fn) if tp + fn else 0.0

    p = statistics.mean(prec(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(rec(*c) for c in counts if c[0] + c[2] > 0)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4)}


def _summary(truths: list[str], preds: list[str]) -> dict[str, Any]:
    scores = [token_scores(t, p) for t, p in zip(truths, preds, strict=True)]
    return {
        "tokens": {
            name: round(statistics.mean(s[i] for s in scores), 4)
            for i, name in enumerate(("precision", "recall", "f1"))
        },
        "benchmark_shingles": benchmark_score(
            [shingle_counts(t, p) for t, p in zip(truths, preds, strict=True)]
        ),
    }


def run(shared_data: Path, work: Path) -> dict:
    """Scores of dedup and trafilatura alone on every benchmark page (work is unused)."""
    folder = shared_data / BENCHMARK
    if not (folder / "ground-truth.json").exists():
        return {"skipped": f"{folder} not found"}
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        (key, gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()), item.get("url"))
        for key, item in sorted(truth.items())
    ]
    started = time.perf_counter()
    extracted = [
        row for chunk in parallel_map(_extract, batched(pages, PAGES_PER_CHUNK)) for row in chunk
    ]
    truths = [truth[key].get("articleBody") or "" for key, _, _ in extracted]
    result = {
        "pages": len(extracted),
        "dedup": _summary(truths, [d for _, d, _ in extracted]),
        "trafilatura": _summary(truths, [t for _, _, t in extracted]),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return result


if __name__ == "__main__":
    print(
        json.dumps(
            run(Path(__file__).resolve().parents[2] / "shared" / "data", Path("/tmp")), indent=2
        )
    )
