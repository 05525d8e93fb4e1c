"""The derived-or-not cut-off (``Settings.partially``), chosen across the development corpora.

Why: one corpus is not enough to set a cut-off that a held-out corpus in another language
will judge. This set reads the databases the ``clough``, ``panl`` and ``bench25k`` sets left
in ``eval/work`` (so it runs after them, and needs no tool run of its own) and scores the
binary decision ``derived_fraction >= cut`` against each corpus's labels over :data:`GRID`:

- clough: an answer is derived unless its category is ``non``;
- panl: an Indonesian article is derived when its English original is in the corpus;
- bench25k: an article is derived when the generator made it from earlier ones, or it is a
  ``natural`` original that already reuses an earlier one.

``curve`` holds every corpus's F1 at every cut; ``chosen`` is the cut of best mean F1
over the corpora (ties to the higher, more conservative cut), the rule the shipped
default follows; ``leave_one_out`` fits the same rule on two corpora and scores the third,
which is what the shipped value is expected to do on a corpus it has not seen.
``wholly`` gives the same curve for ``Settings.wholly`` on bench25k alone, the only corpus
labelled wholly against partially (synthetic labels: reported, not fitted to).
``pair_path_f1`` scores a rule measured and left out: derived also when the best decided
``article_pairs`` score reaches a cut, whatever the aligned share.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench import generate
from dedup.pipeline import Settings
from eval import clough, metrics, panl, tool
from eval.bench25k import N_ARTICLES

GRID = (0.02, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3)
WHOLLY_GRID = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
PAIR_GRID = (0.25, 0.3, 0.35, 0.4, 0.5, 0.7)

Labelled = tuple[np.ndarray, list[bool]]


def fractions(db: Path, ids: Sequence[str]) -> np.ndarray:
    """``derived_fraction`` of each id (0 for an article without a row)."""
    rows = tool.derivations(db)
    return np.array([rows.get(i, {}).get("derived_fraction") or 0.0 for i in ids])


def bench_labels(work: Path) -> tuple[Path, dict[str, str]] | None:
    """The bench25k set's database and each article's true derivation, if that set ran."""
    db = work / "bench25k" / "bench25k.duckdb"
    labels = work / "bench25k" / "bench" / f"articles-{N_ARTICLES}.truth.jsonl"
    if not (db.is_file() and labels.is_file()):
        return None
    return db, {k: t["derivation"] for k, t in generate.read_truth(labels).items()}


def pair_scores(db: Path, ids: Sequence[str]) -> np.ndarray:
    """Each id's best decided ``article_pairs`` score (0 without one)."""
    best = tool.best_pair_scores(db)
    return np.array([best.get(i, 0.0) for i in ids])


def corpora(
    shared_data: Path, work: Path
) -> tuple[dict[str, Labelled], dict[str, np.ndarray], list[str]]:
    """(derived_fraction and labels per corpus, their best pair scores, why each missing
    corpus is missing)."""
    labelled: dict[str, tuple[Path, list[str], list[bool]]] = {}
    missing = []
    db = work / "clough" / "clough.duckdb"
    if db.is_file() and (shared_data / "clough").is_dir():
        answers = [t for t in clough.load(shared_data / "clough") if t.category != "orig"]
        labelled["clough"] = (db, [a.id for a in answers], [a.category != "non" for a in answers])
    else:
        missing.append(f"clough: no {db}")
    db = work / "panl" / "panl.duckdb"
    if db.is_file() and (shared_data / "panl-bppt").is_dir():
        _, truth = panl.records(shared_data / "panl-bppt")
        ids = sorted(truth)
        labelled["panl"] = (db, ids, [bool(truth[i]["original"]) for i in ids])
    else:
        missing.append(f"panl: no {db}")
    if bench := bench_labels(work):
        db, derivation = bench
        ids = sorted(derivation)
        labelled["bench25k"] = (db, ids, [derivation[i] != "non" for i in ids])
    else:
        missing.append("bench25k: not run")
    found = {name: (fractions(db, ids), labels) for name, (db, ids, labels) in labelled.items()}
    pairs = {name: pair_scores(db, ids) for name, (db, ids, _) in labelled.items()}
    return found, pairs, missing


def f1_at(data: Labelled, cut: float) -> float:
    return metrics.f1(data[0] >= cut, data[1])


def choose(sets: dict[str, Labelled], grid: Sequence[float] = GRID) -> float:
    """The cut of best mean F1 over ``sets``; ties go to the higher cut."""
    return max(grid, key=lambda c: (np.mean([f1_at(d, c) for d in sets.values()]), c))


def evaluate(sets: dict[str, Labelled]) -> dict:
    curve = {name: {str(c): round(f1_at(d, c), 4) for c in GRID} for name, d in sets.items()}
    held_out = {}
    for name, data in sets.items():
        cut = choose({k: v for k, v in sets.items() if k != name})
        held_out[name] = {"cut": cut, "f1": round(f1_at(data, cut), 4)}
    chosen = choose(sets)
    systems = {
        "shipped": {f"f1_{n}": f1_at(d, Settings().partially) for n, d in sets.items()},
        "chosen": {f"f1_{n}": f1_at(d, chosen) for n, d in sets.items()},
        "leave_one_out": {f"f1_{n}": v["f1"] for n, v in held_out.items()},
    }
    return {
        "systems": systems,
        "info": {
            "shipped_cut": Settings().partially,
            "chosen_cut": chosen,
            "leave_one_out_cuts": {n: v["cut"] for n, v in held_out.items()},
            "curve": curve,
        },
    }


def pair_path_curve(sets: dict[str, Labelled], pairs: dict[str, np.ndarray]) -> dict:
    """Per corpus, F1 of a second way to be derived, measured and not shipped (README
    "Evaluation"): ``derived_fraction >= Settings.partially`` or a best pair score of at
    least each cut of :data:`PAIR_GRID` (``"off"``: the shipped rule alone)."""
    cut = Settings().partially
    return {
        name: {"off": round(f1_at(data, cut), 4)}
        | {
            str(c): round(metrics.f1((data[0] >= cut) | (pairs[name] >= c), data[1]), 4)
            for c in PAIR_GRID
        }
        for name, data in sets.items()
    }


def wholly_curve(work: Path) -> dict[str, float]:
    """F1 of ``derived_fraction >= cut`` for wholly against partially on bench25k."""
    if not (bench := bench_labels(work)):
        return {}
    db, derivation = bench
    ids = sorted(i for i, d in derivation.items() if d in ("wholly", "partially"))
    data = (fractions(db, ids), [derivation[i] == "wholly" for i in ids])
    return {str(c): round(f1_at(data, c), 4) for c in WHOLLY_GRID}


def run(shared_data: Path, work: Path) -> dict:
    sets, pairs, missing = corpora(shared_data, work.parent)
    if len(sets) < 2:
        return {"skipped": "needs two of clough, panl, bench25k run first; " + "; ".join(missing)}
    result = evaluate(sets)
    result["info"]["wholly_curve_bench25k"] = wholly_curve(work.parent)
    result["info"]["pair_path_f1"] = pair_path_curve(sets, pairs)
    if missing:
        result["info"]["missing"] = missing
    return result
