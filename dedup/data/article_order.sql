-- The order that decides sources: earlier publication first, then wire copy, then id.
-- Parameters: none.
CREATE OR REPLACE TEMP TABLE article_order AS
SELECT article_id, outlet, kind, published,
       row_number() OVER (ORDER BY published NULLS LAST, kind <> 'wire', article_id) AS rank
FROM articles;
