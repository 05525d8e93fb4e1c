"""Merge stage: sentence-level span pairs into oriented, scored passages (``alignments``).

Reads: pair_changes (temp, from :mod:`dedup.candidates`), sentence_alignments, articles.
Leaves: the alignments of paragraph pairs whose candidates changed, replaced; the temp
tables ``removed_alignments`` and ``added_alignments`` for :mod:`dedup.cluster`.

Direction has one definition, :func:`earlier`: the earlier-published article is the source
when both dates are known and differ; otherwise the article of kind ``wire``; otherwise the
pair is ``undecided`` and counts as derivation of neither side. ``data/article_order.sql``
ranks articles in an order that agrees with :func:`earlier` wherever it decides (the test
``test_order_agrees_with_earlier`` checks it), for what needs one order: a cluster's origin,
a trail's first quote, ties between sources.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from dedup import align, store

PUBLISHED, KIND, UNDECIDED = "published", "kind", "undecided"

_COLUMNS = [
    "source_article_id", "source_paragraph_id", "source_start", "source_end",
    "target_article_id", "target_paragraph_id", "target_start", "target_end",
    "score", "match_kind", "same_outlet", "direction_basis",
]  # fmt: skip


def earlier(
    a: tuple[str, datetime | None], b: tuple[str, datetime | None]
) -> tuple[str, bool | None]:
    """(basis, whether ``a`` comes first) for two articles' (kind, published); ``None``
    when neither the dates nor the kinds decide."""
    (kind_a, pub_a), (kind_b, pub_b) = a, b
    if pub_a is not None and pub_b is not None and pub_a != pub_b:
        return PUBLISHED, pub_a < pub_b
    if kind_a != kind_b:
        return KIND, kind_a == "wire"
    return UNDECIDED, None


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
    found = store.article_rows(con, "article_id, outlet, kind, published, text", ids)
    meta = {r[0]: r[1:4] for r in found}
    texts = {r[0]: r[4] for r in found}
    out = []
    for (aa, pa, ab, pb), pairs in groups.items():
        (outlet_a, *when_a), (outlet_b, *when_b) = meta[aa], meta[ab]
        basis, a_first = earlier(tuple(when_a), tuple(when_b))
        a_is_source = a_first if a_first is not None else aa < ab  # undecided: stored by id
        same = outlet_a is not None and outlet_a == outlet_b
        for p in align.merge_spans(pairs, texts[aa], texts[ab], max_gap):
            value = align.score(texts[aa][p.a_start : p.a_end], texts[ab][p.b_start : p.b_end])
            a_side = (aa, pa, p.a_start, p.a_end)
            b_side = (ab, pb, p.b_start, p.b_end)
            src, tgt = (a_side, b_side) if a_is_source else (b_side, a_side)
            out.append((*src, *tgt, value, align.match_kind(value), same, basis))
    out.sort()
    first_id = store.scalar(con, "SELECT coalesce(max(alignment_id), 0) + 1 FROM alignments")
    frame = pl.DataFrame(out, schema=_COLUMNS, orient="row").with_row_index(
        "alignment_id", offset=first_id
    )
    store.insert(con, "alignments", frame.with_columns(pl.col("alignment_id").cast(pl.Int64)))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE added_alignments AS "
        "SELECT alignment_id FROM alignments WHERE alignment_id >= ?",
        [first_id],
    )
    return store.scalar(con, "SELECT count(*) FROM alignments")
