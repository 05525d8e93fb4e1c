"""MSRP: is this sentence a rewrite of that one? Accuracy and F1 on the test split.

Pairs are two outlets' sentences about one event, judged paraphrase or not; the non-
paraphrases are the hard case of tracing (same names and numbers, written independently).
Every system is a scorer (a float per pair) plus a threshold fitted on the train split
only, maximising accuracy (:func:`eval.metrics.fit_threshold`), then applied to test.
The tool's scorer today is its sentence alignment's verdict, 1.0 when
``dedup.align.align_sentences`` finds a span pair with the default ``AlignSettings`` and
0.0 otherwise; its threshold is fixed at 0.5 (the verdict itself), since fitting a cut on
a two-valued score can only pick the verdict or a constant answer. A continuous paraphrase
score replaces :func:`dedup_score` and sets ``DEDUP_THRESHOLD = None`` to be fitted on train.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from pathlib import Path

from eval import baselines, metrics

Pair = tuple[bool, str, str]
Scorer = Callable[[str, str], float]
#: None: fit on train like the baselines
DEDUP_THRESHOLD: float | None = 0.5


def dedup_score(a: str, b: str) -> float:
    """The tool's rewrite score for two sentences: 1.0 when they align, else 0.0."""
    from dedup.align import AlignSettings, align_sentences

    return 1.0 if align_sentences(a, (0, len(a)), b, (0, len(b)), AlignSettings()) else 0.0


def load(path: Path) -> list[Pair]:
    """(paraphrase, sentence 1, sentence 2) per line; the file's quotes are text, not CSV
    quoting, so it is read with ``QUOTE_NONE``."""
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(row[0] == "1", row[3], row[4]) for row in rows[1:] if len(row) == 5]


def evaluate_scorer(
    scorer: Scorer, train: list[Pair], test: list[Pair], threshold: float | None = None
) -> dict[str, float]:
    """Test accuracy and F1 at ``threshold``, or at the cut fitted on train when None."""
    if threshold is None:
        threshold = metrics.fit_threshold(
            [scorer(a, b) for _, a, b in train], [g for g, _, _ in train]
        )
    pred = [scorer(a, b) >= threshold for _, a, b in test]
    scores = metrics.binary(pred, [g for g, _, _ in test])
    return {"accuracy": scores["accuracy"], "f1": scores["f1"], "threshold": threshold}


def evaluate(train: list[Pair], test: list[Pair]) -> dict:
    systems = {"dedup": evaluate_scorer(dedup_score, train, test, DEDUP_THRESHOLD)}
    for name in baselines.NAMES:
        systems[name] = evaluate_scorer(
            lambda a, b, name=name: baselines.pair_score(name, a, b), train, test
        )
    return {
        "systems": systems,
        "info": {
            "train_pairs": len(train),
            "test_pairs": len(test),
            "test_paraphrase_share": sum(g for g, _, _ in test) / len(test) if test else 0.0,
        },
    }


def run(shared_data: Path, work: Path) -> dict:
    folder = shared_data / "msrp"
    paths = [folder / f"msr_paraphrase_{split}.txt.gz" for split in ("train", "test")]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        return {"skipped": f"{', '.join(missing)} not found in {folder}"}
    return evaluate(load(paths[0]), load(paths[1]))
