"""Cluster stage: connected components of aligned spans; the earliest member is the origin.

Reads: alignments, removed_alignments and added_alignments (temp, from :mod:`dedup.merge`),
article_order. Leaves: clusters, alignments.cluster_id, and the temp table
``changed_articles`` (articles whose alignments changed).

Two alignments join when they share an article and their spans on it overlap, so a passage
reprinted by ten outlets, each aligned to a different neighbour, is one cluster. Alignments
inside one outlet (its own template) are left out: they are not syndication.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import numpy as np
import polars as pl

from dedup import graph, store


def components(sides: pl.DataFrame, n: int) -> np.ndarray:
    """Component label per alignment index from (idx, article_id, start, end) rows: two
    alignments join when their spans on one article overlap (a sweep over each article's
    spans in order, each joined to the one reaching furthest so far)."""

    def overlaps() -> Iterator[tuple[int, int]]:
        last_article, reach, owner = None, -1, -1
        for idx, article, start, end in sides.sort(["article_id", "start", "end"]).iter_rows():
            if article == last_article and start < reach:
                yield idx, owner
                if end > reach:
                    reach, owner = end, idx
            else:
                last_article, reach, owner = article, end, idx

    return graph.components(n, overlaps())


def update_clusters(con: duckdb.DuckDBPyConnection) -> int:
    """Re-cluster what changed; returns the number of clusters.

    Inputs: the temp tables ``removed_alignments`` (alignment_id, source_article_id,
    target_article_id, cluster_id) and ``added_alignments`` (alignment_id). A cluster
    holding an alignment of an article whose alignments changed is dissolved, and its
    alignments are clustered again with the new ones: alignments that did not overlap
    before still do not, so no other cluster can join. Leaves ``changed_articles``.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE changed_articles AS
        SELECT source_article_id AS article_id FROM removed_alignments
        UNION SELECT target_article_id FROM removed_alignments
        UNION SELECT a.source_article_id FROM alignments AS a SEMI JOIN added_alignments USING (alignment_id)
        UNION SELECT a.target_article_id FROM alignments AS a SEMI JOIN added_alignments USING (alignment_id);
        CREATE OR REPLACE TEMP TABLE touched_clusters AS
        SELECT cluster_id FROM removed_alignments WHERE cluster_id IS NOT NULL
        UNION SELECT cluster_id FROM alignments
        WHERE cluster_id IS NOT NULL
          AND (source_article_id IN (SELECT article_id FROM changed_articles)
               OR target_article_id IN (SELECT article_id FROM changed_articles));
        DELETE FROM clusters WHERE cluster_id IN (SELECT cluster_id FROM touched_clusters);
        """
    )
    al = store.frame(
        con,
        "SELECT alignment_id, source_article_id, source_start, source_end, "
        "target_article_id, target_start, target_end FROM alignments "
        "WHERE NOT same_outlet AND (cluster_id IS NULL "
        "OR cluster_id IN (SELECT cluster_id FROM touched_clusters)) ORDER BY alignment_id",
    )
    if al.height:
        idx = pl.Series("idx", range(al.height))
        sides = pl.concat(
            [
                al.select(idx, pl.col("source_article_id").alias("article_id"),
                          pl.col("source_start").alias("start"), pl.col("source_end").alias("end")),
                al.select(idx, pl.col("target_article_id").alias("article_id"),
                          pl.col("target_start").alias("start"), pl.col("target_end").alias("end")),
            ]
        )  # fmt: skip
        labels = components(sides, al.height)
        # a cluster is named by its smallest alignment id: content-derived (dedup.ids), so
        # the same members get the same id whichever run clustered them
        frame = pl.DataFrame({"alignment_id": al["alignment_id"], "label": labels}).select(
            "alignment_id", cluster_id=pl.col("alignment_id").min().over("label")
        )
        with store.registered(con, _cluster_ids=frame):
            store.run_sql_file(con, "clusters.sql")
    return store.scalar(con, "SELECT count(*) FROM clusters")
