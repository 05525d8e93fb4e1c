-- The one order of articles, for what needs a single earliest one (a cluster's origin, a
-- trail's first quote, a bucket's head, ties between sources). It agrees with the pairwise
-- rule of dedup/merge.py `earlier` wherever that rule decides: a dated pair by date, else
-- the wire first. So undated wire copy comes first (it precedes any outlet article), then
-- dated articles by date (wire first on equal dates), then undated outlet articles (a dated
-- wire precedes them); article_id breaks the remaining ties.
-- Parameters: none.
CREATE OR REPLACE TEMP TABLE article_order AS
SELECT article_id, outlet, kind, published,
       row_number() OVER (
           ORDER BY CASE WHEN published IS NULL AND kind = 'wire' THEN 0
                         WHEN published IS NOT NULL THEN 1 ELSE 2 END,
                    published, kind <> 'wire', article_id) AS rank
FROM articles;
