"""Derivation: direction, undecided pairs and siblings (README "Derivation")."""

from __future__ import annotations

import json
from pathlib import Path

import dedup

WIRE = [
    "The central bank raised its benchmark interest rate by half a percentage point on Tuesday.",
    "Governor Maria Santos told reporters in the capital that inflation had stayed too high for too long.",
    "The decision surprised economists who had expected a smaller increase of a quarter point.",
    "Markets fell sharply after the announcement, with the main index losing two percent by noon.",
    "The bank said it would watch food and energy prices closely over the coming months.",
    "Analysts said further increases were likely before the end of the year.",
    "The currency rose against the dollar in afternoon trading in the capital city.",
    "Government bond yields climbed to their highest level since the spring of last year.",
]


def _corpus(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _derivation(db: Path) -> dict[str, tuple]:
    rows = dedup.query(
        db, "SELECT article_id, derivation, top_source_article_id FROM article_derivation"
    )
    return {r[0]: r[1:] for r in rows.iter_rows()}


def test_siblings_name_the_earlier_source(tmp_path: Path) -> None:
    """A copies the wire story C, ending each sentence with two words of its own; B copies
    A's version. B shares a little more with A than with C (a few words a sentence), yet
    what it shares with A is C's story: A is B's sibling, B's top source is C."""
    sibling = [s[:-1] + " as well." for s in WIRE]
    records = [
        {"id": "C", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire",
         "published": "2024-03-05T08:00:00"},
        {"id": "A", "text": "\n\n".join(["Our own introduction to the story.", *sibling]),
         "outlet": "Daily A", "published": "2024-03-05T09:00:00"},
        {"id": "B", "text": "\n\n".join(["Another outlet writes its own opening line here.",
                                         *sibling]),
         "outlet": "Daily B", "published": "2024-03-05T10:00:00"},
    ]  # fmt: skip
    db = tmp_path / "s.duckdb"
    dedup.run([_corpus(tmp_path, records)], db)
    found = _derivation(db)
    assert found["A"] == ("wholly", "C")
    assert found["B"][1] == "C"
    # B does align with A (it is not hidden), but A is not named as its source
    pairs = dedup.query(
        db, "SELECT 1 FROM alignments WHERE source_article_id = 'A' AND target_article_id = 'B'"
    )
    assert pairs.height > 0


def test_undecided_pairs_derive_neither_side(tmp_path: Path) -> None:
    """Two undated outlet articles sharing the story: neither dates nor kinds say which came
    first, so the alignment is 'undecided' and neither is derived from the other."""
    records = [
        {"id": "X", "text": "\n\n".join(WIRE), "outlet": "Daily X"},
        {"id": "Y", "text": "\n\n".join(WIRE[:5]), "outlet": "Daily Y"},
    ]
    db = tmp_path / "u.duckdb"
    dedup.run([_corpus(tmp_path, records)], db)
    bases = dedup.query(db, "SELECT DISTINCT direction_basis FROM alignments")["direction_basis"]
    assert bases.to_list() == ["undecided"]
    assert {d for d, _ in _derivation(db).values()} == {"non"}


REWRITE = [
    "On Tuesday the central bank lifted its main rate for borrowing by a half point.",
    "Inflation had been too high for too long, Governor Maria Santos said to journalists in the capital city.",
    "Economists were surprised, having expected that the rise would be just a quarter of a point.",
    "After the announcement markets dropped hard, and by noon the main index was down by two percent.",
]
INDEPENDENT = [
    "Governor Maria Santos spent Tuesday at a farm fair far from the capital, meeting growers.",
    "Two percent of the harvest was lost to floods, the farmers' union said in a statement.",
    "The fair drew a quarter of a million visitors over four days, organisers estimated.",
    "Local officials said they hoped the governor would return to open next year's event.",
]


def test_a_rewritten_story_is_aligned_sentence_by_sentence(tmp_path: Path) -> None:
    """An outlet rewords the wire story: the sentence the verbatim aligner cannot see (no run
    of shared words long enough) is aligned to the wire's as 'paraphrase', spans on both
    sides; an independent report with the same names and numbers is not aligned."""
    records = [
        {"id": "W", "text": "\n\n".join(WIRE), "kind": "wire", "outlet": "Wire",
         "published": "2024-03-05T08:00:00"},
        {"id": "R", "text": "\n\n".join(REWRITE), "outlet": "Daily R",
         "published": "2024-03-05T11:00:00"},
        {"id": "I", "text": "\n\n".join(INDEPENDENT), "outlet": "Daily I",
         "published": "2024-03-05T12:00:00"},
    ]  # fmt: skip
    db = tmp_path / "r.duckdb"
    dedup.run([_corpus(tmp_path, records)], db)
    rows = dedup.query(
        db,
        "SELECT s.text[x.source_start + 1 : x.source_end], t.text[x.target_start + 1 : x.target_end],"
        " x.target_article_id, x.match_kind FROM alignments x"
        " JOIN articles s ON s.article_id = x.source_article_id"
        " JOIN articles t ON t.article_id = x.target_article_id",
    ).rows()
    rewritten = {(a, b) for a, b, target, kind in rows if target == "R" and kind == "paraphrase"}
    assert (WIRE[0], REWRITE[0]) in rewritten  # whole sentences: spans on both sides
    assert not [r for r in rows if r[2] == "I"], "an independent report shares no sentence"
    derived = _derivation(db)
    assert derived["R"][0] != "non" and derived["R"][1] == "W"
    assert derived["I"][0] == "non"
