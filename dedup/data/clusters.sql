-- Clusters from component labels (_cluster_ids: alignment_id, cluster_id) of the
-- alignments that were re-clustered; the origin is the earliest member in article_order
-- (by day; within a day wire copy given as a day, then times, then outlet articles given
-- as a day; then id: see article_order.sql). first_published is the earliest value, a day
-- (its midnight) included, so it may come before the origin's own time.
UPDATE alignments AS a SET cluster_id = c.cluster_id
FROM _cluster_ids AS c WHERE c.alignment_id = a.alignment_id;

INSERT INTO clusters
WITH relabelled AS (
    SELECT a.* FROM alignments AS a SEMI JOIN _cluster_ids AS c USING (alignment_id)
), members AS (
    SELECT cluster_id, source_article_id AS article_id FROM relabelled
    UNION
    SELECT cluster_id, target_article_id FROM relabelled
), sizes AS (
    SELECT cluster_id, count(*) AS n_alignments FROM relabelled GROUP BY cluster_id
)
SELECT m.cluster_id,
       count(DISTINCT m.article_id) AS n_articles,
       count(DISTINCT coalesce(o.outlet, 'article:' || m.article_id)) AS n_outlets,
       any_value(s.n_alignments) AS n_alignments,
       arg_min(m.article_id, o.rank) AS origin_article_id,
       min(o.published) AS first_published
FROM members AS m
JOIN article_order AS o USING (article_id)
JOIN sizes AS s USING (cluster_id)
GROUP BY m.cluster_id;
