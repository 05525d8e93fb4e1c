-- title: Quote trails
-- description: The same direct quotation printed by several articles: who said it, the
-- first article to print it (the earliest published; an undated wire story counts as
-- earliest and other undated articles come last, so with first_published empty which
-- came first is not known), and every article that carries it.
SELECT
    q.trail_id,
    q.text AS quote,
    (
        SELECT mode(x.speaker) FROM quotes AS x WHERE x.trail_id = q.trail_id
    ) AS speaker,
    q.n_articles,
    q.n_outlets,
    q.first_published,
    q.first_outlet,
    q.first_article_id,
    (
        SELECT string_agg(DISTINCT x.article_id, ', ' ORDER BY x.article_id)
        FROM quotes AS x
        WHERE x.trail_id = q.trail_id
    ) AS articles
FROM quote_trails AS q
WHERE q.n_articles >= 2
ORDER BY q.n_outlets DESC, q.n_articles DESC, q.first_published, q.trail_id;
