-- "Earlier", defined once. For two articles (kind, published):
--   direction_basis: 'published' when both dates are known and differ, else 'kind' when
--   one is wire copy and the other not, else 'undecided'. A date given without a time
--   (published_precision 'day', stored as midnight) differs only from another day, not
--   from a time on its own day (an outlet that gives only dates would otherwise come
--   before every wire story of the same day);
--   comes_first: whether the first article is the source (NULL when undecided);
--   in_window: whether a source published at pub_a is at most window_s seconds before a
--   target published at pub_b (always, when either is undated).
-- article_order ranks all articles in one order that agrees with comes_first wherever it
-- decides: undated wire copy first (it precedes any outlet article), then dated articles by
-- day, and within a day wire copy given as a day, then articles with a time by time (wire
-- first on equal times), then outlet articles given as a day; then undated outlet articles
-- (a dated wire precedes them); article_id breaks the remaining ties. It names a cluster's
-- origin, a trail's first quote, a bucket's head and the first of tied sources.
-- Parameters: none.
-- Arguments: (kind, published, published_precision) of either article.
CREATE OR REPLACE TEMP MACRO dated_apart(pub_a, prec_a, pub_b, prec_b) AS
    CASE WHEN prec_a = 'day' OR prec_b = 'day'
         THEN date_trunc('day', pub_a) <> date_trunc('day', pub_b)
         ELSE pub_a <> pub_b END;

CREATE OR REPLACE TEMP MACRO direction_basis(kind_a, pub_a, prec_a, kind_b, pub_b, prec_b) AS
    CASE WHEN pub_a IS NOT NULL AND pub_b IS NOT NULL
              AND dated_apart(pub_a, prec_a, pub_b, prec_b) THEN 'published'
         WHEN kind_a IS DISTINCT FROM kind_b THEN 'kind'
         ELSE 'undecided' END;

CREATE OR REPLACE TEMP MACRO comes_first(kind_a, pub_a, prec_a, kind_b, pub_b, prec_b) AS
    CASE direction_basis(kind_a, pub_a, prec_a, kind_b, pub_b, prec_b)
         WHEN 'published' THEN pub_a < pub_b
         WHEN 'kind' THEN kind_a = 'wire' END;

CREATE OR REPLACE TEMP MACRO in_window(pub_a, pub_b, window_s) AS
    pub_a IS NULL OR pub_b IS NULL OR date_diff('second', pub_a, pub_b) <= window_s;

CREATE OR REPLACE TEMP TABLE article_order AS
SELECT article_id, outlet, kind, published, published_precision,
       row_number() OVER (
           ORDER BY CASE WHEN published IS NULL AND kind = 'wire' THEN 0
                         WHEN published IS NOT NULL THEN 1 ELSE 2 END,
                    date_trunc('day', published),
                    CASE WHEN published_precision IS DISTINCT FROM 'day' THEN 1
                         WHEN kind = 'wire' THEN 0 ELSE 2 END,
                    published, kind <> 'wire', article_id) AS rank
FROM articles;
