"""The 25k synthetic bench corpus: recall and precision of its known derivations.

The corpus and its truth come from ``bench.generate`` (deterministic, seed 0) and are
scored by ``bench.generate.evaluate`` on the sources ``bench.run.predicted_sources`` reads
from the database, exactly as ``make bench`` scores them. Synthetic rewrites are easier than
real ones: this set shows that recall on copied text holds, not quality on rewriting.
"""

from __future__ import annotations

from pathlib import Path

from bench import generate
from bench.run import predicted_sources
from bench.sources import dataset_status
from eval import tool

N_ARTICLES = 25_000


def run(shared_data: Path, work: Path) -> dict:
    missing = [reason for reason in dataset_status(shared_data).values() if reason]
    if missing:
        return {"skipped": "; ".join(missing)}
    corpus, truth = generate.generate(N_ARTICLES, work / "bench", data_root=shared_data)
    db = tool.dedup_run([corpus], work / "bench25k.duckdb")
    quality = generate.evaluate(truth, predicted_sources(db))
    keys = ("recall", "recall_wholly", "recall_partially", "precision", "source_precision")
    return {
        "systems": {"dedup": {k: quality[k] for k in keys}},
        "info": {k: quality[k] for k in ("n_articles", "n_derived", "n_natural", "n_predicted")},
    }
