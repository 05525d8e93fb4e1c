-- The first $heads holders of each rare term in the one article order (article_order), for
-- the terms in `head_terms`; leaves `head_moves` (term, article_id): the holders that
-- became or stopped being one of a term's first holders.
-- Inputs: head_terms (term), article_terms, article_order. Parameters: $heads.
CREATE OR REPLACE TEMP TABLE heads_now AS
SELECT t.term, t.article_id
FROM article_terms AS t
SEMI JOIN head_terms AS h USING (term)
JOIN article_order AS o USING (article_id)
QUALIFY row_number() OVER (PARTITION BY t.term ORDER BY o.rank) <= $heads;

CREATE OR REPLACE TEMP TABLE head_moves AS
(SELECT * FROM heads_now
 EXCEPT SELECT * FROM term_heads SEMI JOIN head_terms USING (term))
UNION ALL
(SELECT * FROM term_heads SEMI JOIN head_terms USING (term)
 EXCEPT SELECT * FROM heads_now);

DELETE FROM term_heads WHERE term IN (SELECT term FROM head_moves);

INSERT INTO term_heads SELECT * FROM heads_now SEMI JOIN head_moves USING (term);
