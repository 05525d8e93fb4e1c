-- Outlet x source: paragraphs attributed (the heat map).
SELECT
    coalesce(a.outlet, '(unknown)') AS outlet,
    t.source,
    count(DISTINCT t.paragraph_id) AS n_paragraphs
FROM attributions AS t
JOIN articles AS a USING (article_id)
GROUP BY ALL
