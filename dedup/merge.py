"""Merge stage: sentence-level span pairs into oriented, scored passages (``alignments``).

Reads: pair_changes (temp, from :mod:`dedup.candidates`), sentence_alignments, articles,
alignments, new_articles (temp).
Leaves: the alignments of paragraph pairs whose candidates changed, replaced; the temp
tables ``removed_alignments`` and ``added_alignments`` for :mod:`dedup.cluster`.

Direction has one definition, the SQL macros of ``data/article_order.sql``: the
earlier-published article is the source when both dates are known and differ (a date given
without a time differs only from another day); otherwise
the article of kind ``wire``; otherwise the pair is ``undecided`` (stored with the smaller
article id as source) and counts as derivation of neither side. The same file ranks
articles in one order that agrees with that rule wherever it decides (the test
``test_order_agrees_with_earlier`` checks it).
"""

from __future__ import annotations

import duckdb
import polars as pl

from dedup import align, store
from dedup.ids import with_alignment_ids

_COLUMNS = [
    "source_article_id", "source_paragraph_id", "source_start", "source_end",
    "target_article_id", "target_paragraph_id", "target_start", "target_end",
    "score", "match_kind", "same_outlet", "direction_basis",
]  # fmt: skip


def directions(
    con: duckdb.DuckDBPyConnection, pairs: set[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, bool]]:
    """(basis, whether a is the source) of article pairs (a, b), by the one rule of
    ``data/article_order.sql`` (an undecided pair: the smaller id is the source)."""
    frame = pl.DataFrame(sorted(pairs), schema=["a", "b"], orient="row")
    with store.registered(con, _pairs=frame):
        rows = con.execute(
            """
            SELECT p.a, p.b, direction_basis(x.kind, x.published, x.published_precision,
                                             y.kind, y.published, y.published_precision),
                   coalesce(comes_first(x.kind, x.published, x.published_precision,
                                        y.kind, y.published, y.published_precision), p.a < p.b)
            FROM _pairs AS p
            JOIN articles AS x ON x.article_id = p.a
            JOIN articles AS y ON y.article_id = p.b
            """
        ).fetchall()
    return {(a, b): (basis, first) for a, b, basis, first in rows}


def build_alignments(con: duckdb.DuckDBPyConnection, max_gap: int) -> int:
    """Merge the sentence-level span pairs of paragraph pairs whose candidates changed into
    oriented, scored passages, replacing their alignments; returns the number of alignments."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE merge_pairs AS  -- a sentence id is '<paragraph_id>/<n>'
        SELECT DISTINCT parse_dirpath(sentence_a, 'forward_slash') AS pa,
                        parse_dirpath(sentence_b, 'forward_slash') AS pb
        FROM pair_changes;
        CREATE OR REPLACE TEMP TABLE removed_alignments AS
        SELECT a.alignment_id, a.source_article_id, a.target_article_id, a.cluster_id
        FROM alignments AS a
        SEMI JOIN (SELECT pa, pb FROM merge_pairs UNION ALL SELECT pb, pa FROM merge_pairs) AS m
            ON m.pa = a.source_paragraph_id AND m.pb = a.target_paragraph_id;
        DELETE FROM alignments WHERE alignment_id IN (SELECT alignment_id FROM removed_alignments);
        """
    )
    rows = con.execute(
        """
        SELECT parse_dirpath(x.pa, 'forward_slash'), x.pa, parse_dirpath(x.pb, 'forward_slash'),
               x.pb, x.a_start, x.a_end, x.b_start, x.b_end, x.matched_tokens
        FROM (
            SELECT *, parse_dirpath(sentence_a, 'forward_slash') AS pa,
                      parse_dirpath(sentence_b, 'forward_slash') AS pb
            FROM sentence_alignments
        ) AS x
        SEMI JOIN merge_pairs AS m USING (pa, pb)
        ORDER BY 1, 2, 3, 4, 5, 7
        """
    ).fetchall()
    groups: dict[tuple, list[align.SpanPair]] = {}
    for aa, pa, ab, pb, *span in rows:
        groups.setdefault((aa, pa, ab, pb), []).append(align.SpanPair(*span))
    ids = {k[0] for k in groups} | {k[2] for k in groups}
    found = store.article_rows(con, "article_id, outlet, text", ids)
    outlets = {r[0]: r[1] for r in found}
    texts = {r[0]: r[2] for r in found}
    direction = directions(con, {(k[0], k[2]) for k in groups})
    out = []
    for (aa, pa, ab, pb), pairs in groups.items():
        basis, a_is_source = direction[(aa, ab)]
        outlet_a, outlet_b = outlets[aa], outlets[ab]
        same = outlet_a is not None and outlet_a == outlet_b
        for p in align.merge_spans(pairs, texts[aa], texts[ab], max_gap):
            value = align.score(texts[aa][p.a_start : p.a_end], texts[ab][p.b_start : p.b_end])
            a_side = (aa, pa, p.a_start, p.a_end)
            b_side = (ab, pb, p.b_start, p.b_end)
            src, tgt = (a_side, b_side) if a_is_source else (b_side, a_side)
            out.append((*src, *tgt, value, align.match_kind(value), same, basis))
    out.sort()
    frame = with_alignment_ids(pl.DataFrame(out, schema=_COLUMNS, orient="row"))
    store.insert(con, "alignments", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE added_alignments (alignment_id BIGINT)")
    store.insert(con, "added_alignments", frame.select("alignment_id"))
    return store.scalar(con, "SELECT count(*) FROM alignments")
