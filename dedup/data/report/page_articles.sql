-- One row per article for the article explorer, most aligned first.
WITH sides AS (
    SELECT source_article_id AS article_id FROM alignments
    UNION ALL
    SELECT target_article_id FROM alignments
),
n_al AS (SELECT article_id, count(*) AS n_alignments FROM sides GROUP BY ALL)
SELECT
    a.article_id,
    a.outlet,
    a.kind,
    a.title,
    a.published,
    a.url,
    a.language,
    a.text,
    d.derivation,
    d.derived_fraction,
    d.top_source,
    d.top_source_article_id,
    coalesce(n.n_alignments, 0) AS n_alignments
FROM articles AS a
LEFT JOIN article_derivation AS d USING (article_id)
LEFT JOIN n_al AS n USING (article_id)
ORDER BY n_alignments DESC, a.article_id
