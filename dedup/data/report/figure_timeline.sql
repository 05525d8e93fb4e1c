-- Clusters over time: publication span of the member articles.
WITH members AS (
    SELECT cluster_id, source_article_id AS article_id FROM alignments
    UNION
    SELECT cluster_id, target_article_id FROM alignments
)
SELECT
    c.cluster_id,
    c.n_articles,
    c.n_outlets,
    min(a.published) AS first_published,
    max(a.published) AS last_published
FROM clusters AS c
JOIN members AS m USING (cluster_id)
JOIN articles AS a USING (article_id)
WHERE a.published IS NOT NULL
GROUP BY ALL
ORDER BY c.n_articles DESC, c.cluster_id
