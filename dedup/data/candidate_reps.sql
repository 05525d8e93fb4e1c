-- Representatives of texts (norm_hash) whose live units may have changed: units of new
-- articles and of paragraphs whose role changed. A text's representative is its earliest
-- live unit (article_order, then sentence id); its rank is the rank of that unit's article.
-- Inputs: new_articles, role_changes, article_order. Leaves: changed_hashes, rep_changes
-- (norm_hash, old_rank: texts whose representative changed, with the old one's rank now;
-- old articles keep their relative order, so that rank orders them as before).
CREATE OR REPLACE TEMP TABLE changed_hashes AS
SELECT norm_hash FROM units SEMI JOIN new_articles USING (article_id)
UNION
SELECT norm_hash FROM units SEMI JOIN role_changes USING (paragraph_id);

CREATE OR REPLACE TEMP TABLE old_reps AS
SELECT t.norm_hash, t.rep, t.article_id, o.rank
FROM text_reps AS t
SEMI JOIN changed_hashes AS c ON c.norm_hash = t.norm_hash
JOIN article_order AS o ON o.article_id = t.article_id;

-- A changed text's representative is the earliest of its old one and its live units in new
-- articles: ranks of old articles keep their order, so no other old unit can come first.
-- Texts with a unit in a re-roled paragraph are worked out again from all their units.
CREATE OR REPLACE TEMP TABLE rerolled AS
SELECT DISTINCT norm_hash FROM units SEMI JOIN role_changes USING (paragraph_id);

-- a table, not a CTE: its size is then known, and the joins below hash it, not paragraphs
CREATE OR REPLACE TEMP TABLE contenders AS
SELECT u.norm_hash, u.sentence_id, u.paragraph_id, u.article_id
FROM units AS u SEMI JOIN new_articles USING (article_id)
UNION ALL
SELECT u.norm_hash, u.sentence_id, u.paragraph_id, u.article_id
FROM units AS u SEMI JOIN rerolled USING (norm_hash);

CREATE OR REPLACE TEMP TABLE new_reps AS
WITH live AS (
    SELECT c.norm_hash, c.sentence_id, c.article_id
    FROM contenders AS c
    JOIN paragraphs AS p ON p.paragraph_id = c.paragraph_id
    JOIN signatures AS g ON g.norm_hash = c.norm_hash
    WHERE p.role IN ('headline', 'body') AND g.n_shingles > 0
    UNION ALL
    SELECT norm_hash, rep, article_id FROM old_reps ANTI JOIN rerolled USING (norm_hash)
)
SELECT l.norm_hash,
       arg_min(l.sentence_id, (o.rank, l.sentence_id)) AS rep,
       arg_min(l.article_id, (o.rank, l.sentence_id)) AS article_id
FROM live AS l JOIN article_order AS o USING (article_id)
GROUP BY l.norm_hash;

CREATE OR REPLACE TEMP TABLE rep_changes AS
SELECT c.norm_hash, o.rank AS old_rank
FROM changed_hashes AS c
LEFT JOIN old_reps AS o USING (norm_hash)
LEFT JOIN new_reps AS n USING (norm_hash)
WHERE o.rep IS DISTINCT FROM n.rep;

-- only the rows that changed are rewritten: most changed texts keep their representative
-- (adding 1,000 articles to the 100k bench, 17,600 of the 20,000 rows were written back)
DELETE FROM text_reps WHERE norm_hash IN (SELECT norm_hash FROM rep_changes);

INSERT INTO text_reps SELECT norm_hash, rep, article_id FROM new_reps SEMI JOIN rep_changes USING (norm_hash);
