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
- ``source_p1``: share of the 57 derived answers whose top source (tool:
  ``top_source_article_id``) is their task's ``orig`` file;
- ``source_p1_wires`` (baselines only): the same with the argmax taken over the five
  sources alone, i.e. a baseline told which texts are wires (the setting of issue 14's
  "98%"); over every text, a sibling answer often wins.

A baseline compares each answer with every other text (the other answers included, as the
tool sees them), its top source is the argmax and its derived score the maximum; the
derived-or-not threshold is chosen by 5-fold cross-validation grouped by participant, so
one writer's answers never help set the cut applied to them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval import baselines, metrics, tool

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


def records(texts: list[Text]) -> list[dict]:
    """The tool's input: no title, no date; sources are wires, each answer its own outlet."""
    return [
        {"id": t.id, "text": t.text, "kind": "wire", "outlet": WIRE_OUTLET, "language": "en"}
        if t.category == "orig"
        else {"id": t.id, "text": t.text, "kind": "outlet", "outlet": t.id, "language": "en"}
        for t in texts
    ]


def score(
    answers: list[Text], derived: list[bool], fraction: list[float], top: list[str | None]
) -> dict[str, float]:
    gold = [a.category != "non" for a in answers]
    hits = [t == a.source_id for a, t, g in zip(answers, top, gold, strict=True) if g]
    return {
        "f1": metrics.f1(derived, gold),
        "spearman": metrics.spearman(fraction, [RANK[a.category] for a in answers]),
        "source_p1": sum(hits) / len(hits) if hits else 0.0,
    }


def score_tool(answers: list[Text], rows: dict[str, dict]) -> dict[str, float]:
    """The tool's verdicts; an answer missing from ``article_derivation`` counts as non."""
    got = [rows.get(a.id, {}) for a in answers]
    return score(
        answers,
        [r.get("derivation", "non") != "non" for r in got],
        [r.get("derived_fraction") or 0.0 for r in got],
        [r.get("top_source_article_id") for r in got],
    )


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
        "source_p1_wires": score(answers, list(derived), list(best), top_wire)["source_p1"]
    }


def evaluate(texts: list[Text], work: Path) -> dict:
    """The tool and every baseline on these texts, in one go."""
    corpus = tool.write_jsonl(records(texts), work / "clough.jsonl")
    rows = tool.derivations(tool.dedup_run([corpus], work / "clough.duckdb"))
    answers = [t for t in texts if t.category != "orig"]
    systems = {"dedup": score_tool(answers, rows)}
    systems |= {name: score_baseline(name, texts) for name in baselines.NAMES}
    derived = sum(a.category != "non" for a in answers)
    return {"systems": systems, "info": {"answers": len(answers), "derived": derived}}


def run(shared_data: Path, work: Path) -> dict:
    folder = shared_data / "clough"
    if not (folder / "file_information.csv").is_file():
        return {"skipped": f"no file_information.csv in {folder}"}
    return evaluate(load(folder), work)
