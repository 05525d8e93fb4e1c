-- A paragraph that recurs, in the same normalised form, across many articles of one outlet
-- is that outlet's template (a slogan, a standing footer), whatever its words.
-- Recomputed over the whole corpus on every run, so roles never depend on ingest order.
-- Parameters: $min_articles, $min_share.
UPDATE paragraphs SET role = base_role, role_reason = base_reason WHERE role <> base_role;

CREATE OR REPLACE TEMP TABLE outlet_templates AS
SELECT a.outlet, p.norm_key
FROM paragraphs AS p
JOIN articles AS a USING (article_id)
JOIN (SELECT outlet, count(*) AS n FROM articles WHERE outlet IS NOT NULL GROUP BY outlet) AS o
    USING (outlet)
WHERE p.base_role IN ('body', 'caption') AND p.norm_key <> ''
GROUP BY a.outlet, p.norm_key, o.n
HAVING count(DISTINCT p.article_id) >= $min_articles
   AND count(DISTINCT p.article_id) >= $min_share * o.n;

UPDATE paragraphs AS p
SET role = 'boilerplate', role_reason = 'outlet template'
FROM articles AS a, outlet_templates AS t
WHERE a.article_id = p.article_id AND t.outlet = a.outlet AND t.norm_key = p.norm_key
  AND p.base_role IN ('body', 'caption');
