-- title: Derived share of body text per outlet
-- description: Share of each outlet's body characters that is aligned to an earlier article
-- (article_derivation), how much of that is copied as text rather than reworded (paraphrased
-- or translated), and how many of its articles are wholly, partially or non-derived.
SELECT
    coalesce(d.outlet, '(unknown)') AS outlet,
    count(*) AS n_articles,
    sum(d.total_chars) AS body_chars,
    sum(d.derived_chars) AS derived_chars,
    round(sum(d.derived_chars) / nullif(sum(d.total_chars), 0), 3) AS derived_share,
    sum(d.copied_chars) AS copied_chars,
    round(sum(d.copied_chars) / nullif(sum(d.total_chars), 0), 3) AS copied_share,
    count(*) FILTER (WHERE d.derivation = 'wholly') AS wholly,
    count(*) FILTER (WHERE d.derivation = 'partially') AS partially,
    count(*) FILTER (WHERE d.derivation = 'non') AS non
FROM article_derivation AS d
GROUP BY ALL
ORDER BY derived_share DESC NULLS LAST, n_articles DESC, outlet;
