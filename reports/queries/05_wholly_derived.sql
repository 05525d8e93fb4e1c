-- title: Wholly derived articles
-- description: Articles whose body is (almost) entirely aligned to earlier text, with the
-- article they derive most from and every source attributed to their paragraphs.
SELECT
    d.article_id,
    d.outlet,
    a.title,
    a.published,
    round(d.derived_fraction, 3) AS derived_fraction,
    round(d.copied_fraction, 3) AS copied_fraction,
    d.top_source,
    d.top_source_article_id,
    s.title AS top_source_title,
    (
        SELECT string_agg(DISTINCT t.source || ' (' || t.method || ')', ', '
                          ORDER BY t.source || ' (' || t.method || ')')
        FROM attributions AS t
        WHERE t.article_id = d.article_id
    ) AS attributed_sources
FROM article_derivation AS d
JOIN articles AS a USING (article_id)
LEFT JOIN articles AS s ON s.article_id = d.top_source_article_id
WHERE d.derivation = 'wholly'
ORDER BY d.derived_fraction DESC, a.published, d.article_id;
