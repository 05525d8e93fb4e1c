"""The seed corpus's must-shows (``corpus/``, five Indonesian articles), as pass/fail checks:

- ``peskov_quote_aligned``: Peskov's "Tidak, saya tidak bisa. Tidak ada yang perlu
  dikatakan" lies inside one alignment's spans on both sides, between the two outlets that
  print it (not one outlet's own reuse);
- ``peskov_afp_propagated`` and ``peskov_reuters_inherited``: the paragraph holding it in
  the article that names no agency there is attributed to AFP, propagated through an
  alignment, and to Reuters, inherited from the lede's "Dilansir Reuters";
- ``samudrafakta_no_long_alignment``: no aligned span of 80 characters or more in the
  samudrafakta article, an independent report of the same events.

The corpus is the repository's own, so this set never skips; ``shared_data`` is unused.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from eval import tool

CORPUS = tool.ROOT / "corpus"
JFID = "000_e02669d256bd932c"  # says "seperti dikutip AFP"
SAMUDRA = "003_3b51c1f6be3a65c5"
FIFTH = "004_c040663b4dfb9712"  # opens with "Dilansir Reuters"
QUOTE = "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan"
PESKOV_PARAGRAPH = "Dmitry Peskov mengatakan"
LONG_SPAN = 80

#: each alignment's articles, the text of its two spans, and whether it is one outlet's reuse
SPANS_SQL = """
SELECT x.source_article_id, x.target_article_id,
       s.text[x.source_start + 1 : x.source_end], t.text[x.target_start + 1 : x.target_end],
       x.same_outlet
FROM alignments x
JOIN articles s ON s.article_id = x.source_article_id
JOIN articles t ON t.article_id = x.target_article_id
"""
ATTRIBUTIONS_SQL = """
SELECT r.source, r.method FROM attributions r
JOIN paragraphs p USING (paragraph_id)
WHERE p.article_id = ? AND contains(p.text, ?)
"""


def checks(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    spans = con.execute(SPANS_SQL).fetchall()
    found = set(con.execute(ATTRIBUTIONS_SQL, [FIFTH, PESKOV_PARAGRAPH]).fetchall())
    quote = QUOTE.casefold()
    return {
        "peskov_quote_aligned": any(
            {a, b} == {JFID, FIFTH}
            and not same
            and quote in sa.casefold()
            and quote in sb.casefold()
            for a, b, sa, sb, same in spans
        ),
        "peskov_afp_propagated": ("AFP", "propagated") in found,
        "peskov_reuters_inherited": ("Reuters", "inherited") in found,
        "samudrafakta_no_long_alignment": not any(
            len(text) >= LONG_SPAN
            for a, b, sa, sb, _ in spans
            for article, text in ((a, sa), (b, sb))
            if article == SAMUDRA
        ),
    }


def run(shared_data: Path, work: Path) -> dict:
    db = tool.dedup_run([CORPUS], work / "seeds.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        result = checks(con)
    return {
        "systems": {"dedup": result | {"passed": f"{sum(result.values())}/{len(result)}"}},
        "info": {},
    }
