-- title: Articles per outlet
-- description: How many articles each outlet (or wire) contributes to the corpus, with the
-- date range they cover and their total length in characters.
SELECT
    coalesce(a.outlet, '(unknown)') AS outlet,
    a.kind,
    count(*) AS n_articles,
    min(a.published) AS first_published,
    max(a.published) AS last_published,
    sum(length(a.text)) AS total_chars
FROM articles AS a
GROUP BY ALL
ORDER BY n_articles DESC, outlet, a.kind;
