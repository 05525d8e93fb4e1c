"""MSRP: is this sentence a rewrite of that one? Accuracy and F1 on the test split.

Pairs are two outlets' sentences about one event, judged paraphrase or not; the non-
paraphrases are the hard case of tracing (same names and numbers, written independently).
Every system is a scorer (a float per pair) plus a threshold fitted on the train split
only, then applied to test. A baseline's threshold maximises train accuracy
(:func:`eval.metrics.fit_threshold`). The tool's scorer is the paraphrase model its
rewrites stage uses (:func:`dedup.paraphrase.pair_features` and the stored logistic model),
with document frequencies counted over the train split's sentences, judged at the
threshold the tool ships (``data/paraphrase.json``: 0.5, chosen on train when the model was
fitted, see :mod:`eval.paraphrase_check`), because that is the decision the tool makes;
the cut of best train accuracy is reported beside it as ``dedup_scanned``, since on a flat
curve it is a different point, not a better model. The verbatim aligner's verdict (1.0
when ``dedup.align.align_sentences`` finds a span pair, else 0.0, cut at 0.5) is reported
too, as ``dedup_verbatim``, and the model on the pairs re-spelled in Georgian and in
Arabic letters (:mod:`eval.respell`; no capitals, so its name feature says nothing; also
with spaces left out as Urdu typists leave them out) and as Chinese-like and Thai-like
text (words as ideographs, or Thai letters, no spaces) as ``dedup_georgian``,
``dedup_arabic``, ``dedup_urdu``, ``dedup_chinese`` and ``dedup_thai``, at the shipped
threshold. The model was fitted on the train pairs as written and in the Georgian and
Urdu-like spellings (:mod:`eval.paraphrase_check`, which also scores a fit on English alone);
Arabic-letter, Chinese-like and Thai-like text it has not seen.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from pathlib import Path

from eval import baselines, metrics, respell

Pair = tuple[bool, str, str]
Scorer = Callable[[str, str], float]


def verbatim_score(a: str, b: str) -> float:
    """The verbatim aligner's verdict on two sentences: 1.0 when they align, else 0.0."""
    from dedup.align import AlignSettings, align_sentences

    return 1.0 if align_sentences(a, (0, len(a)), b, (0, len(b)), AlignSettings()) else 0.0


def paraphrase_scorer(train: list[Pair]) -> Scorer:
    """The paraphrase model's probability, rarity counted over the train sentences."""
    from dedup import paraphrase

    idf = paraphrase.Idf.from_texts(dict.fromkeys(s for _, a, b in train for s in (a, b)))
    weights = paraphrase.model()

    def score(a: str, b: str) -> float:
        return float(weights.score(paraphrase.pair_features(a, b, idf)[None, :])[0])

    return score


def respelled(pairs: list[Pair], spelling: str) -> list[Pair]:
    """The pairs in another script (:mod:`eval.respell`)."""
    return [(g, respell.respell(a, spelling), respell.respell(b, spelling)) for g, a, b in pairs]


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
    from dedup import paraphrase

    scorer = paraphrase_scorer(train)
    systems = {
        "dedup": evaluate_scorer(scorer, train, test, paraphrase.model().threshold),
        "dedup_scanned": evaluate_scorer(scorer, train, test),
        "dedup_verbatim": evaluate_scorer(verbatim_score, train, test, 0.5),
    }
    for spelling in respell.SPELLINGS:
        train_s, test_s = respelled(train, spelling), respelled(test, spelling)
        systems[f"dedup_{spelling}"] = evaluate_scorer(
            paraphrase_scorer(train_s), train_s, test_s, paraphrase.model().threshold
        )
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
