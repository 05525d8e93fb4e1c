-- title: Stories shared by three or more outlets
-- description: Reuse clusters (connected aligned passages) that reach at least three
-- outlets, with the earliest article (origin) and the outlets involved.
WITH members AS (
    SELECT cluster_id, source_article_id AS article_id FROM alignments
    UNION
    SELECT cluster_id, target_article_id FROM alignments
)
SELECT
    c.cluster_id,
    c.n_articles,
    c.n_outlets,
    c.n_alignments,
    c.first_published,
    c.origin_article_id,
    o.outlet AS origin_outlet,
    o.title AS origin_title,
    string_agg(DISTINCT coalesce(a.outlet, '(unknown)'), ', ') AS outlets
FROM clusters AS c
LEFT JOIN articles AS o ON o.article_id = c.origin_article_id
LEFT JOIN members AS m ON m.cluster_id = c.cluster_id
LEFT JOIN articles AS a ON a.article_id = m.article_id
WHERE c.n_outlets >= 3
GROUP BY ALL
ORDER BY c.n_outlets DESC, c.n_articles DESC, c.cluster_id;
