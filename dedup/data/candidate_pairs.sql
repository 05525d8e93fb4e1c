-- Candidate sentence pairs from LSH pairs of unit texts (_sig_pairs: h1, h2) and from units
-- sharing one text. Star expansion: every unit is linked to the earliest representative of
-- its group, never to all other members. Pairs inside one article are ignored.
-- Inputs: live_units, text_reps (see pipeline.candidate_pairs), _sig_pairs.
CREATE OR REPLACE TEMP TABLE pair_reps AS
SELECT p.h1, p.h2,
       CASE WHEN (r1.rank, r1.rep) <= (r2.rank, r2.rep) THEN r1.rep ELSE r2.rep END AS rep
FROM _sig_pairs AS p
JOIN text_reps AS r1 ON r1.norm_hash = p.h1
JOIN text_reps AS r2 ON r2.norm_hash = p.h2;

CREATE OR REPLACE TEMP TABLE candidate_pairs AS
WITH links AS (
    SELECT r.rep, u.sentence_id, u.article_id
    FROM live_units AS u JOIN text_reps AS r USING (norm_hash)
    UNION ALL
    SELECT p.rep, u.sentence_id, u.article_id
    FROM pair_reps AS p JOIN live_units AS u ON u.norm_hash = p.h1
    UNION ALL
    SELECT p.rep, u.sentence_id, u.article_id
    FROM pair_reps AS p JOIN live_units AS u ON u.norm_hash = p.h2
)
SELECT DISTINCT least(l.rep, l.sentence_id) AS sentence_a, greatest(l.rep, l.sentence_id) AS sentence_b
FROM links AS l
JOIN sentences AS s ON s.sentence_id = l.rep
WHERE s.article_id <> l.article_id;
