"""Make ``tests/data/incremental.jsonl``: the five seed articles of ``corpus/`` and
deterministic variants of them, for the incremental equality test (no ../shared needed).

Run once from the repository root (``python tests/data/make_incremental_corpus.py``); the
output is committed. Variants: sentences dropped, paragraphs reordered, words lightly
edited, two stories merged, boilerplate and an outlet tagline added (the tagline becomes an
outlet template), a wire copy with an agency cue. Dates are drawn at random over two weeks
(some tie, some are missing, some carry an offset), so whichever batch an article lands
in, later batches hold earlier sources. A few bad records end up in ``rejects``.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("incremental.jsonl")
OUTLETS = ["Warta", "Kabar Kini", "Suara Nusantara", "Harian Timur", "Koran Pagi", "Media Jaya"]
#: light edits: a word and what a rewriting desk puts instead
EDITS = {
    "mengatakan": "menyatakan",
    "Amerika Serikat": "AS",
    "Korea Utara": "Korut",
    "senjata": "persenjataan",
    "bahwa": "jika",
    "akan": "bakal",
    "telah": "sudah",
    "Rusia": "Moskow",
}
BOILERPLATE = [
    "Baca Juga: Harga Emas Hari Ini Naik Tipis",
    "ADVERTISEMENT",
    "SCROLL TO CONTINUE WITH CONTENT",
]
#: a line one outlet prints in every article: once 3 of them carry it, an outlet template
TAGLINE = "Warta menyajikan berita pilihan dari seluruh penjuru Nusantara untuk pembaca setia."
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def seeds() -> list[dict]:
    with (ROOT / "corpus" / "manifest.csv").open(encoding="utf-8") as fh:
        manifest = {row["file"]: row for row in csv.DictReader(fh)}
    out = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        meta = manifest[path.name]
        paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        out.append({"id": path.stem[:3], "outlet": meta["outlet"] or None, "paras": paragraphs})
    return out


def sentences(paragraph: str) -> list[str]:
    return SENTENCE_END.split(paragraph)


def dropped(paras: list[str]) -> list[str]:
    """Every third sentence of the body left out."""
    out = [paras[0]]
    for p in paras[1:]:
        kept = [s for i, s in enumerate(sentences(p)) if i % 3 != 2]
        out += [" ".join(kept)] if kept else []
    return out


def reordered(paras: list[str], rng: random.Random) -> list[str]:
    body = paras[1:]
    rng.shuffle(body)
    return [paras[0], *body]


def edited(paras: list[str], rng: random.Random) -> list[str]:
    out = []
    for p in paras:
        for word, other in EDITS.items():
            if word in p and rng.random() < 0.5:
                p = p.replace(word, other, 1)
        out.append(p)
    return out


def merged(first: list[str], second: list[str]) -> list[str]:
    return first[: len(first) // 2 + 1] + second[len(second) // 2 :]


def with_boilerplate(paras: list[str], rng: random.Random) -> list[str]:
    out = list(paras)
    for line in BOILERPLATE:
        out.insert(rng.randrange(2, len(out) + 1), line)
    return out


def wire_copy(paras: list[str]) -> list[str]:
    return [paras[0], "Jakarta (ANTARA) - " + paras[1], *paras[2:6]]


def published(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.1:
        return None
    day = rng.randrange(1, 15)
    if roll < 0.3:
        return f"2023-09-{day:02d}T{rng.randrange(6, 20):02d}:30:00+07:00"
    return f"2023-09-{day:02d}"  # fifteen days for 35 articles: some dates tie


def records() -> list[dict]:
    rng = random.Random(13)
    base = seeds()
    out = []
    for i, seed in enumerate(base):
        paras = seed["paras"]
        other = base[(i + 1) % len(base)]["paras"]
        variants = {
            "orig": (paras, seed["outlet"], "outlet"),
            "drop": (dropped(paras), OUTLETS[i % 6], "outlet"),
            "shuf": (reordered(paras, rng), OUTLETS[(i + 1) % 6], "outlet"),
            "edit": (edited(paras, rng), OUTLETS[(i + 2) % 6], "outlet"),
            "merg": (merged(paras, other), OUTLETS[(i + 3) % 6], "outlet"),
            "boil": (with_boilerplate(paras, rng), OUTLETS[(i + 4) % 6], "outlet"),
            "wire": (wire_copy(paras), "Antara", "wire"),
        }
        for name, (text, outlet, kind) in variants.items():
            if outlet == "Warta":
                text = [text[0], TAGLINE, *text[1:]]
            out.append(
                {
                    "id": f"{seed['id']}-{name}",
                    "outlet": outlet,
                    "kind": kind,
                    "published": published(rng),
                    "language": "id",
                    "text": "\n\n".join(text),
                }
            )
    rng.shuffle(out)
    bad = [
        {"id": "bad-empty", "text": "   "},
        {"id": "bad-kind", "text": "Judul\n\nIsi.", "kind": "agency"},
        {"id": "bad-date", "text": "Judul\n\nIsi.", "published": "kemarin"},
        {"id": out[0]["id"], "text": out[0]["text"] + "\n\nParagraf tambahan."},
    ]
    return out + bad


def main() -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in records()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} records, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
