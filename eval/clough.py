"""Clough-Stevenson graded reuse: 5 sources, 95 answers (cut / light / heavy / non).

All 100 texts go through one ``dedup run`` (JSONL written to ``work/``) without titles, the
five ``orig_task*`` sources as kind ``wire`` (they are the known sources) and no dates.
Each answer is its own outlet: the answers were written by different people, and putting
them under one outlet would let the tool's same-outlet rules hide reuse (pairs of one
outlet never count as derivation, and a source paragraph pasted into several answers of
one outlet would become that outlet's template, i.e. boilerplate).

Metrics, for the tool and for each baseline of :mod:`eval.baselines`:

- ``f1``: derived-or-not as a binary decision (tool: ``derivation <> 'non'``) against
  Category ``<> non``;
- ``spearman``: of the derived score (tool: ``derived_fraction``) against
  cut = 3 > light = 2 > heavy = 1 > non = 0;
- ``spearman_copied`` (tool only): Spearman of ``copied_fraction``, the share copied as
  text (verbatim, near-verbatim or rewrite alignments; paraphrases left out): how much
  was pasted rather than how much was used;
- ``source_p1``: share of the 57 derived answers whose top source (tool:
  ``top_source_article_id``) is their task's ``orig`` file;
- ``retrieval_p1`` (tool only): the same with the answer's first source in
  ``article_pairs`` (rank 1) instead of ``top_source_article_id``, which is set only when
  the tool calls the answer derived: a derived answer judged ``non`` still has its likely
  source retrieved;
- ``source_p1_wires`` (baselines only): the same with the argmax taken over the five
  sources alone, i.e. a baseline told which texts are wires (the setting of issue 14's
  "98%"); over every text, a sibling answer often wins.

The tool runs on the texts as they are (``dedup``), and on the same texts re-spelled in
Georgian and in Arabic letters (also with spaces left out as Urdu typists leave them out)
and as Chinese-like and Thai-like text without spaces (``dedup_georgian``,
``dedup_arabic``, ``dedup_urdu``, ``dedup_chinese``, ``dedup_thai``: :mod:`eval.respell`):
a number that falls there rests on English, on case or on spaces between words.

A baseline compares each answer with every other text (the other answers included, as the
tool sees them), its top source is the argmax and its derived score the maximum; the
derived-or-not threshold is chosen by 5-fold cross-validation grouped by participant, so
one writer's answers never help set the cut applied to them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from eval import baselines, metrics, respell, tool

RANK = {"cut": 3, "light": 2, "heavy": 1, "non": 0}
WIRE_OUTLET = "Wikipedia"


@dataclass(frozen=True)
class Text:
    id: str
    task: str
    category: str  # cut, light, heavy, non, or orig for a source
    text: str

    @property
    def participant(self) -> str:
        return self.id.split("_")[0]

    @property
    def source_id(self) -> str:
        return f"orig_task{self.task}"


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def load(folder: Path) -> list[Text]:
    """Every file listed in ``file_information.csv``, sources first."""
    with (folder / "file_information.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = [{k.strip(): v.strip() for k, v in row.items()} for row in csv.DictReader(fh)]
    texts = [
        Text(Path(r["File"]).stem, r["Task"], r["Category"], read_text(folder / r["File"]))
        for r in rows
    ]
    return sorted(texts, key=lambda t: (t.category != "orig", t.id))


def records(texts: list[Text], language: str = "en") -> list[dict]:
    """The tool's input: no title, no date; sources are wires, each answer its own outlet."""
    return [
        {
            "id": t.id,
            "text": t.text,
            "kind": "wire" if t.category == "orig" else "outlet",
            "outlet": WIRE_OUTLET if t.category == "orig" else t.id,
            "language": language,
        }
        for t in texts
    ]


def respelled(texts: list[Text], spelling: str) -> list[Text]:
    """The texts in another script (:mod:`eval.respell`)."""
    return [replace(t, text=respell.respell(t.text, spelling)) for t in texts]


def score(
    answers: list[Text], derived: list[bool], fraction: list[float], top: list[str | None]
) -> dict[str, float]:
    gold = [a.category != "non" for a in answers]
    return {
        "f1": metrics.f1(derived, gold),
        "spearman": metrics.spearman(fraction, [RANK[a.category] for a in answers]),
        "source_p1": source_p1(answers, top),
    }


def source_p1(answers: list[Text], top: list[str | None]) -> float:
    """Share of the derived answers whose top source ``top`` is their task's source."""
    hits = [t == a.source_id for a, t in zip(answers, top, strict=True) if a.category != "non"]
    return metrics.share(hits)


def score_tool(
    answers: list[Text], rows: dict[str, dict], pairs: dict[str, str]
) -> dict[str, float]:
    """The tool's verdicts; an answer missing from ``article_derivation`` counts as non."""
    got = [rows.get(a.id, {}) for a in answers]
    derived = [r.get("derivation", "non") != "non" for r in got]
    fraction = [r.get("derived_fraction") or 0.0 for r in got]
    copied = [r.get("copied_fraction") or 0.0 for r in got]
    return score(answers, derived, fraction, [r.get("top_source_article_id") for r in got]) | {
        "spearman_copied": metrics.spearman(copied, [RANK[a.category] for a in answers]),
        "retrieval_p1": source_p1(answers, [pairs.get(a.id) for a in answers]),
    }


def score_baseline(name: str, texts: list[Text]) -> dict[str, float]:
    answers = [t for t in texts if t.category != "orig"]
    matrix = baselines.score_matrix(name, [a.text for a in answers], [t.text for t in texts])
    for i, a in enumerate(answers):  # never the answer itself
        matrix[i, texts.index(a)] = -1.0
    best = matrix.max(axis=1)
    gold = [a.category != "non" for a in answers]
    derived = metrics.cross_validated(best, gold, [a.participant for a in answers])
    top = [texts[j].id for j in np.argmax(matrix, axis=1)]
    wires = [j for j, t in enumerate(texts) if t.category == "orig"]
    top_wire = [texts[wires[j]].id for j in np.argmax(matrix[:, wires], axis=1)]
    return score(answers, list(derived), list(best), top) | {
        "source_p1_wires": source_p1(answers, top_wire)
    }


#: the derived_fraction cut-offs whose F1 the curve reports
CURVE = (0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6)


def cut_off(answers: list[Text], rows: dict[str, dict]) -> dict:
    """How the derived-or-not cut-off on ``derived_fraction`` (README "Derivation") is
    chosen: the F1 curve over CURVE, the cut fitted on all answers, and the F1 of
    cross-validated cuts (5 folds grouped by participant: a fold's cut is fitted on the
    other folds), so the default is not the best value seen on the same answers."""
    fraction = [rows.get(a.id, {}).get("derived_fraction") or 0.0 for a in answers]
    gold = [a.category != "non" for a in answers]
    values = np.asarray(fraction)
    groups = [a.participant for a in answers]
    return {
        "curve_f1": {str(t): round(metrics.f1(values >= t, gold), 4) for t in CURVE},
        "fitted_cut": round(metrics.fit_threshold(fraction, gold, metrics.f1), 4),
        "cross_validated_f1": round(
            metrics.f1(metrics.cross_validated(fraction, gold, groups), gold), 4
        ),
    }


def run_tool(texts: list[Text], work: Path, name: str, language: str) -> tuple[dict, dict]:
    """One ``dedup run`` over the texts (``work/<name>.duckdb``): its derivations and each
    target's first source in ``article_pairs``."""
    corpus = tool.write_jsonl(records(texts, language), work / f"{name}.jsonl")
    db = tool.dedup_run([corpus], work / f"{name}.duckdb")
    return tool.derivations(db), tool.top_pairs(db)


def evaluate(texts: list[Text], work: Path) -> dict:
    """The tool (on the texts and re-spelled) and every baseline on these texts, in one go."""
    answers = [t for t in texts if t.category != "orig"]
    rows, pairs = run_tool(texts, work, "clough", "en")
    systems = {"dedup": score_tool(answers, rows, pairs)}
    for spelling in respell.SPELLINGS:
        found = run_tool(respelled(texts, spelling), work, spelling, respell.language(spelling))
        systems[f"dedup_{spelling}"] = score_tool(answers, *found)
    systems |= {name: score_baseline(name, texts) for name in baselines.NAMES}
    derived = sum(a.category != "non" for a in answers)
    info = {"answers": len(answers), "derived": derived, "cut_off": cut_off(answers, rows)}
    return {"systems": systems, "info": info}


def run(shared_data: Path, work: Path) -> dict:
    folder = shared_data / "clough"
    if not (folder / "file_information.csv").is_file():
        return {"skipped": f"no file_information.csv in {folder}"}
    return evaluate(load(folder), work)
