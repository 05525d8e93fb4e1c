-- The first $heads holders of each rare term in the one article order (article_order), for
-- the terms whose first holders the changed articles may move; leaves `head_moves` (term,
-- article_id): the holders that became or stopped being one of a term's first holders
-- (`head_came` and `head_gone`: those that became one, and stopped).
-- Inputs: retrieve_changed, old_terms (the terms changed articles held before),
-- article_terms, term_heads, article_order. Parameters: $heads.

-- a term a changed article holds now moves only if it had fewer than $heads first holders
-- or the article comes before the last of them (the order of the others stands: articles
-- only come between them); a term one held before may lose a first holder
CREATE OR REPLACE TEMP TABLE head_terms AS
WITH changed AS (
    SELECT t.term, o.rank FROM article_terms AS t
    SEMI JOIN retrieve_changed USING (article_id)
    JOIN article_order AS o USING (article_id)
), last_head AS (
    SELECT h.term, count(*) AS n, max(o.rank) AS rank
    FROM term_heads AS h SEMI JOIN changed USING (term)
    JOIN article_order AS o USING (article_id)
    GROUP BY h.term
)
SELECT c.term FROM changed AS c LEFT JOIN last_head AS l USING (term)
WHERE l.term IS NULL OR l.n < $heads OR c.rank < l.rank
UNION SELECT term FROM old_terms;

CREATE OR REPLACE TEMP TABLE heads_now AS
SELECT t.term, t.article_id
FROM article_terms AS t
SEMI JOIN head_terms AS h USING (term)
JOIN article_order AS o USING (article_id)
QUALIFY row_number() OVER (PARTITION BY t.term ORDER BY o.rank) <= $heads;

CREATE OR REPLACE TEMP TABLE head_came AS
SELECT * FROM heads_now EXCEPT SELECT * FROM term_heads SEMI JOIN head_terms USING (term);

CREATE OR REPLACE TEMP TABLE head_gone AS
SELECT * FROM term_heads SEMI JOIN head_terms USING (term) EXCEPT SELECT * FROM heads_now;

CREATE OR REPLACE TEMP TABLE head_moves AS
SELECT * FROM head_came UNION ALL SELECT * FROM head_gone;

-- only the holders that moved are rewritten, not every head of a term that moved
DELETE FROM term_heads AS h USING head_gone AS g
WHERE h.term = g.term AND h.article_id = g.article_id;

INSERT INTO term_heads SELECT * FROM head_came;
