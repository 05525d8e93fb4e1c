-- Clusters from component labels (_cluster_ids: alignment_id, cluster_id); the origin is
-- the earliest member in article_order (earlier publication, then wire copy, then id).
UPDATE alignments AS a SET cluster_id = c.cluster_id
FROM _cluster_ids AS c WHERE c.alignment_id = a.alignment_id;

INSERT INTO clusters
WITH members AS (
    SELECT cluster_id, source_article_id AS article_id FROM alignments WHERE cluster_id IS NOT NULL
    UNION
    SELECT cluster_id, target_article_id FROM alignments WHERE cluster_id IS NOT NULL
)
SELECT m.cluster_id,
       count(DISTINCT m.article_id) AS n_articles,
       count(DISTINCT coalesce(o.outlet, 'article:' || m.article_id)) AS n_outlets,
       (SELECT count(*) FROM alignments AS a WHERE a.cluster_id = m.cluster_id) AS n_alignments,
       arg_min(m.article_id, o.rank) AS origin_article_id,
       min(o.published) AS first_published
FROM members AS m JOIN article_order AS o USING (article_id)
GROUP BY m.cluster_id;
