"""IndoSum summaries: summarised news traced back to the article summarised (Indonesian).

IndoSum's dev folds hold 3,463 news articles of Indonesian outlets, each with a summary that
people wrote (2-5 sentences: sentences of the article kept, trimmed, fused or reworded).
Summarising is one of the rewrites of issue 14, and the set is real text in the seed
corpus's language, so it measures what clough (English, 95 answers) cannot at scale.

One ``dedup run`` holds every article, published at the crawl time its id begins with
(Unix seconds) under its outlet, and the summaries of every other article (in id order:
the even ones) as texts of one outlet, ``IndoSum summary``, published an hour after their
article. The summaries of the odd articles come without their article (it is withheld).

Metrics:

- ``recall``: share of the summaries with their article present that the tool calls derived
  (``derivation <> 'non'``);
- ``source_p1``: share of those whose ``top_source_article_id`` is their article;
- ``retrieval_p1``: the same with the summary's first source in ``article_pairs``;
- ``derived_without_source``: share of the summaries whose article is withheld that the tool
  calls derived anyway. An upper bound on false derivations, not a false positive rate:
  several outlets' reports of one event are in the set, and those that copy one wire story
  give a withheld article's summary a true source.

The baselines (:mod:`eval.baselines`) compare each summary with every article, brute force:
their ``source_p1`` is the argmax.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench.sources import indosum_summarised
from eval import baselines, metrics, tool

SUMMARY_OUTLET = "IndoSum summary"
SUMMARY_DELAY = timedelta(hours=1)


def published(article_id: str) -> datetime:
    """The crawl time an IndoSum id starts with ('indosum-1490674536-...')."""
    return datetime.fromtimestamp(int(article_id.split("-")[1]), UTC)


def records(summarised: list[tuple[dict, str]]) -> tuple[list[dict], dict[str, str | None]]:
    """(the tool's input, each summary's article id or None where withheld)."""
    out: list[dict] = []
    truth: dict[str, str | None] = {}
    for i, (article, summary) in enumerate(sorted(summarised, key=lambda x: x[0]["id"])):
        when = published(article["id"])
        present = i % 2 == 0
        if present:
            out.append(article | {"published": when.isoformat()})
        if summary:
            summary_id = f"summary-{article['id']}"
            truth[summary_id] = article["id"] if present else None
            out.append(
                {"id": summary_id, "text": summary, "outlet": SUMMARY_OUTLET, "language": "id",
                 "published": (when + SUMMARY_DELAY).isoformat()}
            )  # fmt: skip
    return out, truth


def score_tool(truth: dict[str, str | None], rows: dict[str, dict], pairs: dict[str, str]) -> dict:
    """The tool's verdicts (``article_derivation`` rows, ``article_pairs`` rank 1) against
    ``truth``; a summary missing from ``rows`` counts as non."""
    present = [s for s, a in truth.items() if a]
    withheld = [s for s, a in truth.items() if not a]

    def derived(s: str) -> bool:
        return rows.get(s, {}).get("derivation", "non") != "non"

    return {
        "recall": metrics.share([derived(s) for s in present]),
        "source_p1": metrics.share([rows.get(s, {}).get("top_source_article_id") == truth[s] for s in present]),
        "retrieval_p1": metrics.share([pairs.get(s) == truth[s] for s in present]),
        "derived_without_source": metrics.share([derived(s) for s in withheld]),
    }  # fmt: skip


def score_baseline(name: str, inputs: list[dict], truth: dict[str, str | None]) -> dict:
    """The baseline's argmax over every article, for the summaries whose article is present.
    It is told which texts are articles and ignores time (it may pick an article published
    after the summary), so compare it with the tool's ``retrieval_p1``: ``source_p1`` also
    counts a summary the tool calls underived as a miss."""
    articles = [r for r in inputs if r["id"] not in truth]
    present = [r for r in inputs if truth.get(r["id"])]
    matrix = baselines.score_matrix(
        name, [r["text"] for r in present], [a["text"] for a in articles]
    )
    top = [articles[j]["id"] for j in np.argmax(matrix, axis=1)]
    hits = [t == truth[r["id"]] for r, t in zip(present, top, strict=True)]
    return {"source_p1": metrics.share(hits)}


def evaluate(summarised: list[tuple[dict, str]], work: Path) -> dict:
    """The tool and both baselines on ``(article, summary)`` pairs, in one go."""
    inputs, truth = records(summarised)
    corpus = tool.write_jsonl(inputs, work / "indosum.jsonl")
    db = tool.dedup_run([corpus], work / "indosum.duckdb")
    systems = {"dedup": score_tool(truth, tool.derivations(db), tool.top_pairs(db))}
    systems |= {name: score_baseline(name, inputs, truth) for name in baselines.NAMES}
    n_present = sum(1 for a in truth.values() if a)
    info = {
        "articles": len(inputs) - len(truth),  # every input that is not a summary
        "summaries_with_article": n_present,
        "summaries_withheld": len(truth) - n_present,
    }
    return {"systems": systems, "info": info}


def run(shared_data: Path, work: Path) -> dict:
    folder = shared_data / "indosum"
    if not any(folder.glob("dev.*.jsonl.gz")):
        return {"skipped": f"no dev.*.jsonl.gz in {folder}"}
    return evaluate(list(indosum_summarised(folder)), work)
