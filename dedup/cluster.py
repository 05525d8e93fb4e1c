"""Cluster: connected components of aligned spans; the earliest member is the origin.

Two alignments join when they share an article and their spans on it overlap, so a passage
reprinted by ten outlets, each aligned to a different neighbour, is one cluster. Alignments
inside one outlet (its own template) are left out: they are not syndication.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from dedup import store


def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return root


def components(sides: pl.DataFrame, n: int) -> np.ndarray:
    """Component label per alignment index from (idx, article_id, start, end) rows."""
    parent = np.arange(n)
    ordered = sides.sort(["article_id", "start", "end"])
    last_article, reach, owner = None, -1, -1
    for idx, article, start, end in ordered.iter_rows():
        if article == last_article and start < reach:
            a, b = _find(parent, idx), _find(parent, owner)
            if a != b:
                parent[max(a, b)] = min(a, b)
            if end > reach:
                reach, owner = end, idx
        else:
            last_article, reach, owner = article, end, idx
    return np.array([_find(parent, i) for i in range(n)])


def build_clusters(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite ``clusters`` and ``alignments.cluster_id``; returns the number of clusters."""
    con.execute("DELETE FROM clusters")
    con.execute("UPDATE alignments SET cluster_id = NULL")
    al = store.frame(
        con,
        "SELECT alignment_id, source_article_id, source_start, source_end, "
        "target_article_id, target_start, target_end FROM alignments WHERE NOT same_outlet "
        "ORDER BY alignment_id",
    )
    if al.height == 0:
        return 0
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
    # number clusters by their first alignment, so ids are stable for the same alignments
    _, cluster_ids = np.unique(labels, return_inverse=True)
    frame = pl.DataFrame(
        {"alignment_id": al["alignment_id"], "cluster_id": cluster_ids.astype(np.int64) + 1}
    )
    con.register("_cluster_ids", frame.to_arrow())
    try:
        store.run_sql_file(con, "clusters.sql")
    finally:
        con.unregister("_cluster_ids")
    return con.execute("SELECT count(*) FROM clusters").fetchone()[0]
