"""Derive stage: how much of each article is derived, and from which earlier article.

Reads: alignments, paragraphs, articles, article_order, and the temp tables ``new_articles``,
``role_changes`` and ``changed_articles`` (the articles whose derivation may have changed).
Leaves: article_derivation rows of those articles (``data/derivation.sql`` says how).
"""

from __future__ import annotations

import duckdb

from dedup import store


def derive(con: duckdb.DuckDBPyConnection, wholly: float, partially: float) -> None:
    """Redo the derivation of new, re-roled and re-aligned articles, and of the targets of
    re-aligned articles (their top source may be a sibling now)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE derive_articles AS
        SELECT article_id FROM new_articles
        UNION SELECT article_id FROM role_changes
        UNION SELECT article_id FROM changed_articles
        -- a changed article's targets: whether it is their sibling source may have changed
        UNION SELECT target_article_id FROM alignments
              WHERE source_article_id IN (SELECT article_id FROM changed_articles)
        """
    )
    store.run_sql_file(con, "span_union.sql")
    store.run_sql_file(con, "derivation.sql", wholly=wholly, partially=partially)
