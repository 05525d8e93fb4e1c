-- title: Stories shared by three or more outlets
-- description: One row per story whose passages reached at least three outlets: the story is
-- the earliest article (origin) of its reuse clusters (connected aligned passages), with how
-- many of its passages were taken up, the articles and outlets that took them, and which.
-- Earliest is by publication time, wire copy first where times do not decide; an undated
-- outlet article comes after every dated one, so where the story's articles are undated
-- (their alignments' order undecided) the origin named is only the first in that order. An
-- article without an outlet counts as an outlet of its own, as in the clusters table.
WITH members AS (
    SELECT cluster_id, source_article_id AS article_id FROM alignments
    UNION
    SELECT cluster_id, target_article_id FROM alignments
), stories AS (
    SELECT
        c.origin_article_id,
        count(DISTINCT c.cluster_id) AS n_passages,
        count(DISTINCT m.article_id) AS n_articles,
        count(DISTINCT coalesce(a.outlet, 'article:' || m.article_id)) AS n_outlets,
        min(c.first_published) AS first_published,
        string_agg(DISTINCT coalesce(a.outlet, '(unknown)'), ', '
                   ORDER BY coalesce(a.outlet, '(unknown)')) AS outlets
    FROM clusters AS c
    JOIN members AS m USING (cluster_id)
    LEFT JOIN articles AS a ON a.article_id = m.article_id
    GROUP BY c.origin_article_id
)
SELECT
    s.origin_article_id,
    o.outlet AS origin_outlet,
    o.title AS origin_title,
    s.n_passages,
    s.n_articles,
    s.n_outlets,
    s.first_published,
    s.outlets
FROM stories AS s
LEFT JOIN articles AS o ON o.article_id = s.origin_article_id
WHERE s.n_outlets >= 3
ORDER BY s.n_outlets DESC, s.n_articles DESC, s.n_passages DESC, s.origin_article_id;
