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
SELECT t.norm_hash, t.rep, o.rank
FROM text_reps AS t
SEMI JOIN changed_hashes AS c ON c.norm_hash = t.norm_hash
JOIN article_order AS o ON o.article_id = t.article_id;

DELETE FROM text_reps WHERE norm_hash IN (SELECT norm_hash FROM changed_hashes);

INSERT INTO text_reps
SELECT u.norm_hash,
       arg_min(u.sentence_id, (o.rank, u.sentence_id)),
       arg_min(u.article_id, (o.rank, u.sentence_id))
FROM units AS u
SEMI JOIN changed_hashes AS c ON c.norm_hash = u.norm_hash
JOIN paragraphs AS p ON p.paragraph_id = u.paragraph_id
JOIN article_order AS o ON o.article_id = u.article_id
JOIN signatures AS g ON g.norm_hash = u.norm_hash
WHERE p.role IN ('headline', 'body') AND g.n_shingles > 0
GROUP BY u.norm_hash;

CREATE OR REPLACE TEMP TABLE rep_changes AS
SELECT c.norm_hash, o.rank AS old_rank
FROM changed_hashes AS c
LEFT JOIN old_reps AS o USING (norm_hash)
LEFT JOIN text_reps AS n USING (norm_hash)
WHERE o.rep IS DISTINCT FROM n.rep;
