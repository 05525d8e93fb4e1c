"""PANL-BPPT English-Indonesian news: is each translated paragraph traced to its original?

The corpus is sentence-aligned English wire copy and its Indonesian translation, without
article boundaries. Pseudo-articles are cut from consecutive lines (8 to 15, drawn with a
fixed seed), one line a paragraph: the English ones are ``wire`` articles, the Indonesian
ones ``outlet`` articles published six hours later. Every fifth story keeps only its
Indonesian side (a translation whose original is not in the corpus: it must come out
``non``) and every seventh only its English side (a distractor). All stories fall within 30
days, so every English article is in every Indonesian one's retrieval window.

Metrics (over the Indonesian articles; a domain is ECO, SCI or SPO):
- ``f1``: derived-or-not (``derivation <> 'non'``) against "its original is present";
- ``top_source``: share of translated articles whose ``top_source_article_id`` is the
  original;
- ``paragraphs``: share of their body paragraphs with a ``translation`` alignment to the
  line they translate;
- ``precision``: share of ``translation`` alignments whose source is that line (an
  alignment to another English paragraph, of the original or not, is false);
- ``threshold_cv``: the lowest alignment score cut-off of ``GRID`` (one run each) whose
  precision reaches 0.95 on two domains, with its precision and recall on the
  third: how much the stage's constant (``TranslateSettings.min_score``) depends on the
  domain it was chosen on.
"""

from __future__ import annotations

import gzip
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from dedup import api
from dedup.pipeline import Settings
from dedup.translate import TranslateSettings
from eval import metrics, tool

DOMAINS = ("ECO", "SCI", "SPO")
START = datetime(2009, 3, 1, tzinfo=UTC)
#: the alignment cut-offs the cross-validation compares, one pipeline run each
GRID = (0.2, 0.25, 0.3, 0.35, 0.4)
#: the precision of translation alignments the cut-off must reach (issue 16's floor)
PRECISION = 0.95


def lines(folder: Path, domain: str, lang: str) -> list[str]:
    (path,) = folder.glob(f"PANL-BPPT-{domain}-{lang}-*.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        return [line.strip() for line in fh]


def stories(folder: Path, domain: str, rng: random.Random) -> list[tuple[list[str], list[str]]]:
    """(English lines, Indonesian lines) of each pseudo-article of a domain."""
    en, id_ = lines(folder, domain, "EN"), lines(folder, domain, "ID")
    out, i = [], 0
    while i < min(len(en), len(id_)):
        n = rng.randint(8, 15)
        pairs = [(e, d) for e, d in zip(en[i : i + n], id_[i : i + n], strict=True) if e and d]
        if len(pairs) >= 4:
            out.append(([e for e, _ in pairs], [d for _, d in pairs]))
        i += n
    return out


def records(folder: Path) -> tuple[list[dict], dict[str, dict]]:
    """The corpus's records, and the truth of each Indonesian article: its domain and the
    English article it translates (None when left out)."""
    rng = random.Random(16)
    recs, truth = [], {}
    for domain in DOMAINS:
        for n, (en, id_) in enumerate(stories(folder, domain, rng)):
            key = f"{domain.lower()}{n:04d}"
            when = START + timedelta(days=rng.uniform(0, 30))
            wire = None if n % 5 == 4 else f"{key}-en"
            if wire:
                recs.append(_record(wire, en, "wire", "Wire", "en", when))
            if n % 7 != 6:
                later = when + timedelta(hours=6)
                recs.append(_record(f"{key}-id", id_, "outlet", "Harian", "id", later))
                truth[f"{key}-id"] = {"domain": domain, "original": wire}
    return recs, truth


def _record(id_: str, paras: list[str], kind: str, outlet: str, lang: str, when) -> dict:
    return {
        "id": id_, "text": "\n\n".join(paras), "kind": kind, "outlet": outlet,
        "language": lang, "published": when.isoformat(),
    }  # fmt: skip


def alignments(db: Path) -> list[dict]:
    """Translation alignments with the paragraph numbers of both sides."""
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute(
            """
            SELECT a.source_article_id AS source, a.target_article_id AS target, a.score,
                   s.seq AS source_seq, t.seq AS target_seq
            FROM alignments AS a
            JOIN paragraphs AS s ON s.paragraph_id = a.source_paragraph_id
            JOIN paragraphs AS t ON t.paragraph_id = a.target_paragraph_id
            WHERE a.match_kind = 'translation'
            """
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def body_paragraphs(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT article_id, count(*) FROM paragraphs WHERE role = 'body' GROUP BY 1"
        ).fetchall()
    return dict(rows)


def is_true(a: dict, truth: dict[str, dict]) -> bool:
    """A translation alignment with the line its target paragraph translates."""
    t = truth.get(a["target"])
    return t is not None and a["source"] == t["original"] and a["source_seq"] == a["target_seq"]


def score(truth: dict, rows: dict, found: list[dict], bodies: dict[str, int]) -> dict:
    ids = sorted(truth)
    translated = [i for i in ids if truth[i]["original"]]
    f1 = metrics.f1(
        [rows[i]["derivation"] != "non" for i in ids], [bool(truth[i]["original"]) for i in ids]
    )
    top = sum(rows[i]["top_source_article_id"] == truth[i]["original"] for i in translated)
    right = [a for a in found if is_true(a, truth)]
    covered = {(a["target"], a["target_seq"]) for a in right}
    return {
        "f1": f1,
        "top_source": top / len(translated),
        "paragraphs": len(covered) / sum(bodies.get(i, 0) for i in translated),
        "precision": len(right) / len(found) if found else 0.0,
        "translated_articles": len(translated),
        "alignments": len(found),
    }  # fmt: skip


def domain_scores(truth: dict, found: list[dict], bodies: dict[str, int]) -> dict[str, dict]:
    """Translation alignments kept and right, and paragraphs to find, per domain."""
    out = {}
    for domain in DOMAINS:
        kept = [a for a in found if a["target"][:3].upper() == domain]
        gold = sum(
            bodies.get(i, 0) for i, t in truth.items() if t["original"] and t["domain"] == domain
        )
        out[domain] = {
            "kept": len(kept),
            "right": sum(is_true(a, truth) for a in kept),
            "gold": gold,
        }
    return out


def threshold_cv(runs: dict[float, dict[str, dict]]) -> dict:
    """For each domain held out: the lowest cut-off of the grid whose pooled precision on the
    two other domains reaches PRECISION (the most paragraphs traced at the precision the
    issue asks), and the precision and recall it gives on the held-out domain."""

    def rates(cut: float, domains: set[str]) -> dict[str, float]:
        kept, right, gold = (
            sum(runs[cut][d][k] for d in domains) for k in ("kept", "right", "gold")
        )
        return {"precision": right / kept if kept else 1.0, "recall": right / gold}

    out = {}
    for held in DOMAINS:
        train = set(DOMAINS) - {held}
        cut = next(
            (c for c in sorted(runs) if rates(c, train)["precision"] >= PRECISION), max(runs)
        )
        out[held] = {"cut": cut, "train": rates(cut, train), "test": rates(cut, {held})}
    return out


def run(shared_data: Path, work: Path) -> dict:
    folder = shared_data / "panl-bppt"
    if not folder.is_dir():
        return {"skipped": f"{folder} is absent"}
    recs, truth = records(folder)
    db = tool.dedup_run([tool.write_jsonl(recs, work / "panl.jsonl")], work / "panl.duckdb")
    found, bodies = alignments(db), body_paragraphs(db)
    result = score(truth, tool.derivations(db), found, bodies)
    # the cut-off by cross-validation across domains: one run per cut-off of the grid
    runs = {TranslateSettings().min_score: domain_scores(truth, found, bodies)}
    for cut in GRID:
        if cut not in runs:
            other = work / f"panl-{cut}.duckdb"
            other.unlink(missing_ok=True)
            api.run(
                [work / "panl.jsonl"], other, Settings(translate=TranslateSettings(min_score=cut))
            )
            runs[cut] = domain_scores(truth, alignments(other), body_paragraphs(other))
            other.unlink()
    cv = threshold_cv(runs)
    return {
        "dedup": result,
        "info": {"threshold_cv": cv, "shipped_cut": TranslateSettings().min_score},
    }
