-- Candidate sentence pairs from links. A link joins a sentence to a representative:
-- every live unit to its text's representative (units sharing one text), and every live
-- unit of either text of an LSH pair (sig_pairs) to the earlier of the two representatives
-- (star expansion: never all members of a group with each other). Each link remembers the
-- texts it came from (h1, h2), so the links of changed texts can be replaced alone; only
-- links that really come or go are written (most links of a re-linked text stay).
-- Inputs: link_hashes (texts whose links are all redone), grown_hashes (texts that only
-- gained units: their old links stand, their new units are linked), new_articles,
-- sig_pairs, text_reps, article_order.
-- Leaves: pair_changes (sentence_a, sentence_b, present): candidate pairs that appeared
-- (present) or disappeared; pair_checks and sentence_alignments lose the pairs that did.
CREATE OR REPLACE TEMP TABLE old_links AS
SELECT rowid AS row_id, sentence_a, sentence_b, h1, h2 FROM candidate_links
WHERE h1 IN (SELECT norm_hash FROM link_hashes) OR h2 IN (SELECT norm_hash FROM link_hashes);

-- pairs to link: all units of a pair with a redone end ("whole"), else only new units
CREATE OR REPLACE TEMP TABLE link_pairs AS
SELECT h1, h2,
       h1 IN (SELECT norm_hash FROM link_hashes) OR h2 IN (SELECT norm_hash FROM link_hashes)
           AS whole
FROM sig_pairs
WHERE h1 IN (SELECT norm_hash FROM link_hashes UNION ALL SELECT norm_hash FROM grown_hashes)
   OR h2 IN (SELECT norm_hash FROM link_hashes UNION ALL SELECT norm_hash FROM grown_hashes);

CREATE OR REPLACE TEMP TABLE link_units AS
WITH wanted AS (
    SELECT norm_hash, sentence_id, paragraph_id, article_id FROM units
    WHERE norm_hash IN (SELECT norm_hash FROM link_hashes
                        UNION SELECT h1 FROM link_pairs WHERE whole
                        UNION SELECT h2 FROM link_pairs WHERE whole)
    UNION ALL  -- a unit in both repeats links that new_links makes distinct
    SELECT norm_hash, sentence_id, paragraph_id, article_id FROM units
    SEMI JOIN new_articles USING (article_id)
    WHERE norm_hash IN (SELECT norm_hash FROM grown_hashes)
)
SELECT w.norm_hash, w.sentence_id, w.article_id,
       w.article_id IN (SELECT article_id FROM new_articles) AS fresh
FROM wanted AS w
JOIN paragraphs AS p ON p.paragraph_id = w.paragraph_id
WHERE p.role IN ('headline', 'body');

CREATE OR REPLACE TEMP TABLE new_links AS
WITH reps AS (
    SELECT t.norm_hash, t.rep, t.article_id, o.rank
    FROM text_reps AS t
    SEMI JOIN (SELECT norm_hash FROM link_units
               UNION SELECT h1 FROM link_pairs UNION SELECT h2 FROM link_pairs) AS l
        ON l.norm_hash = t.norm_hash
    JOIN article_order AS o ON o.article_id = t.article_id
), pair_reps AS (
    SELECT p.h1, p.h2, p.whole,
           CASE WHEN (r1.rank, r1.rep) <= (r2.rank, r2.rep) THEN r1.rep ELSE r2.rep END AS rep,
           CASE WHEN (r1.rank, r1.rep) <= (r2.rank, r2.rep) THEN r1.article_id
                ELSE r2.article_id END AS rep_article
    FROM link_pairs AS p
    JOIN reps AS r1 ON r1.norm_hash = p.h1
    JOIN reps AS r2 ON r2.norm_hash = p.h2
), links AS (
    SELECT r.rep, r.article_id AS rep_article, u.sentence_id, u.article_id,
           u.norm_hash AS h1, u.norm_hash AS h2
    FROM link_units AS u JOIN reps AS r USING (norm_hash)
    WHERE u.fresh OR u.norm_hash IN (SELECT norm_hash FROM link_hashes)
    UNION ALL
    SELECT p.rep, p.rep_article, u.sentence_id, u.article_id, p.h1, p.h2
    FROM pair_reps AS p JOIN link_units AS u ON u.norm_hash = p.h1
    WHERE p.whole OR u.fresh
    UNION ALL
    SELECT p.rep, p.rep_article, u.sentence_id, u.article_id, p.h1, p.h2
    FROM pair_reps AS p JOIN link_units AS u ON u.norm_hash = p.h2
    WHERE p.whole OR u.fresh
)
SELECT DISTINCT least(rep, sentence_id) AS sentence_a, greatest(rep, sentence_id) AS sentence_b,
       h1, h2
FROM links WHERE rep_article <> article_id;

CREATE OR REPLACE TEMP TABLE gone_links AS
SELECT * FROM old_links ANTI JOIN new_links USING (sentence_a, sentence_b, h1, h2);

DELETE FROM candidate_links WHERE rowid IN (SELECT row_id FROM gone_links);

CREATE OR REPLACE TEMP TABLE came_links AS
SELECT * FROM new_links ANTI JOIN old_links USING (sentence_a, sentence_b, h1, h2);

INSERT INTO candidate_links SELECT sentence_a, sentence_b, h1, h2 FROM came_links;

-- a pair can only appear or disappear where one of its links came or went: with a link
-- that came it is present; with links that only went, while another link of it stays
CREATE OR REPLACE TEMP TABLE gone_pairs AS
SELECT sentence_a, sentence_b FROM gone_links
EXCEPT SELECT sentence_a, sentence_b FROM came_links;

CREATE OR REPLACE TEMP TABLE touched AS
SELECT DISTINCT sentence_a, sentence_b, true AS present FROM came_links
UNION ALL
SELECT sentence_a, sentence_b, false FROM (
    SELECT sentence_a, sentence_b FROM gone_pairs
    EXCEPT
    SELECT sentence_a, sentence_b FROM candidate_links
    SEMI JOIN gone_pairs USING (sentence_a, sentence_b)
);

CREATE OR REPLACE TEMP TABLE pair_changes AS
SELECT t.sentence_a, t.sentence_b, t.present
FROM touched AS t
LEFT JOIN candidate_pairs AS c USING (sentence_a, sentence_b)
WHERE t.present <> (c.sentence_a IS NOT NULL);

DELETE FROM candidate_pairs AS c USING pair_changes AS x
WHERE c.sentence_a = x.sentence_a AND c.sentence_b = x.sentence_b AND NOT x.present;

INSERT INTO candidate_pairs SELECT sentence_a, sentence_b FROM pair_changes WHERE present;

-- a pair's alignment verdict is kept while the pair is a candidate and goes with it, so a
-- pair new to candidate_pairs has never been aligned
DELETE FROM pair_checks AS k USING pair_changes AS x
WHERE NOT x.present AND k.sentence_a = x.sentence_a AND k.sentence_b = x.sentence_b;

DELETE FROM sentence_alignments AS k USING pair_changes AS x
WHERE NOT x.present AND k.sentence_a = x.sentence_a AND k.sentence_b = x.sentence_b;
