"""Scores shared by the evaluation sets, and the threshold fitting the baselines (and later
a continuous paraphrase score) use: small numpy code, so ``make eval`` needs no extra
dependency."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def binary(pred: Sequence[bool], gold: Sequence[bool]) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of the positive class (0 when undefined)."""
    p, g = np.asarray(pred, dtype=bool), np.asarray(gold, dtype=bool)
    tp = int(np.sum(p & g))
    precision = tp / int(p.sum()) if p.any() else 0.0
    recall = tp / int(g.sum()) if g.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": float(np.mean(p == g)) if len(p) else 0.0,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def average_ranks(values: Sequence[float]) -> np.ndarray:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    _, inverse, counts = np.unique(
        np.asarray(values, float), return_inverse=True, return_counts=True
    )
    ends = np.cumsum(counts)
    return ((ends - counts + 1 + ends) / 2)[inverse]


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson's correlation of the average ranks (0 when a side is constant)."""
    rx, ry = average_ranks(x), average_ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    den = float(np.sqrt(np.sum(rx * rx) * np.sum(ry * ry)))
    return float(np.sum(rx * ry) / den) if den else 0.0


def share(hits: Sequence[bool]) -> float:
    """The share of true values (0 for none at all)."""
    return sum(hits) / len(hits) if hits else 0.0


def accuracy(pred: Sequence[bool], gold: Sequence[bool]) -> float:
    return binary(pred, gold)["accuracy"]


def f1(pred: Sequence[bool], gold: Sequence[bool]) -> float:
    return binary(pred, gold)["f1"]


def fit_threshold(
    scores: Sequence[float],
    gold: Sequence[bool],
    objective: Callable[[Sequence[bool], Sequence[bool]], float] = accuracy,
) -> float:
    """The cut-off t (positive when score >= t) that maximises ``objective`` on these
    examples. Candidates are midpoints between consecutive distinct scores and one above
    the top, so a cut never sits on a seen score; ties go to the lowest cut."""
    s = np.unique(np.asarray(scores, float))
    if len(s) == 0:
        return 0.0
    cuts = np.concatenate([[s[0]], (s[1:] + s[:-1]) / 2, [s[-1] + 1.0]])
    values = np.asarray(scores, float)
    best = max(range(len(cuts)), key=lambda i: (objective(values >= cuts[i], gold), -i))
    return float(cuts[best])


def grouped_folds(groups: Sequence[str], k: int = 5) -> np.ndarray:
    """A fold number per example: the distinct groups, sorted, dealt to folds in turn, so
    all examples of one group (one writer) are in one fold."""
    names = sorted(set(groups))
    fold_of = {g: i % k for i, g in enumerate(names)}
    return np.array([fold_of[g] for g in groups])


def cross_validated(
    scores: Sequence[float],
    gold: Sequence[bool],
    groups: Sequence[str],
    objective: Callable[[Sequence[bool], Sequence[bool]], float] = f1,
    k: int = 5,
) -> np.ndarray:
    """Out-of-fold decisions: each fold is cut at the threshold fitted on the other folds."""
    values, truth = np.asarray(scores, float), np.asarray(gold, bool)
    folds = grouped_folds(groups, k)
    pred = np.zeros(len(values), dtype=bool)
    for fold in np.unique(folds):
        held = folds == fold
        cut = fit_threshold(values[~held], truth[~held], objective)
        pred[held] = values[held] >= cut
    return pred
