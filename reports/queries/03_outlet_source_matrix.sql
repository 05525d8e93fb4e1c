-- title: Outlets and their sources
-- description: For each outlet and each source attributed to its paragraphs: how many
-- paragraphs and articles, how many paragraphs each method gave it to (explicit cue,
-- inherited from lede or footer, propagated through an alignment, matched: a paragraph may
-- have several), and the mean confidence of its attribution rows.
SELECT
    coalesce(a.outlet, '(unknown)') AS outlet,
    t.source,
    t.source_type,
    count(DISTINCT t.paragraph_id) AS n_paragraphs,
    count(DISTINCT t.article_id) AS n_articles,
    count(DISTINCT t.paragraph_id) FILTER (WHERE t.method = 'explicit') AS explicit,
    count(DISTINCT t.paragraph_id) FILTER (WHERE t.method = 'inherited') AS inherited,
    count(DISTINCT t.paragraph_id) FILTER (WHERE t.method = 'propagated') AS propagated,
    count(DISTINCT t.paragraph_id) FILTER (WHERE t.method = 'matched') AS matched,
    string_agg(DISTINCT t.method, ', ' ORDER BY t.method) AS methods,
    round(avg(t.confidence), 2) AS mean_confidence
FROM attributions AS t
JOIN articles AS a USING (article_id)
GROUP BY ALL
ORDER BY outlet, n_paragraphs DESC, t.source;
