-- The article pairs whose reworded sentences the rewrites stage reads (rewrite_pairs:
-- source, target, basis): every pair of each target it redoes.
-- A target is read against its $max_rank most likely sources (article_pairs) in its own
-- language, direction decided, retrieval score at least $min_score, while that source's
-- verbatim alignments cover less than $max_covered of the target's body.
-- A ranked source that copied an earlier candidate of the target (a decided verbatim
-- alignment from it, not inside one outlet) is the target's sibling when that candidate
-- scores at least $sibling of its score: the candidate is read instead. A copy of the wire
-- with a lede of its own scores above the wire for a rewrite of the wire; read against the
-- copy, the rewording would be traced to the copy. $sibling is derivation.sql's 90%: a copy
-- of the same wire, perhaps cut or added to a little.
-- The targets redone: those of a pair (as ranked or as read) that touches rewrite_scope.
-- Inputs: article_pairs, alignments, paragraphs, articles, rewrite_scope.
-- Parameters: $max_rank, $min_score, $max_covered, $sibling.
CREATE OR REPLACE TEMP TABLE rewrite_pairs AS
WITH touched AS (  -- every target a redone one can be: its sources are among its pairs
    SELECT target_article_id AS target FROM article_pairs
    WHERE source_article_id IN (SELECT article_id FROM rewrite_scope)
    UNION SELECT article_id FROM rewrite_scope
), body AS (
    SELECT article_id, sum(char_end - char_start) AS chars FROM paragraphs
    SEMI JOIN touched ON touched.target = paragraphs.article_id
    WHERE role = 'body' GROUP BY article_id
), verbatim AS (
    SELECT source_article_id, target_article_id, sum(target_end - target_start) AS chars
    FROM alignments SEMI JOIN touched ON touched.target = alignments.target_article_id
    WHERE match_kind NOT IN ('paraphrase', 'translation') GROUP BY ALL
), ranked AS (
    SELECT p.source_article_id AS ranked, p.target_article_id AS target, p.score
    FROM article_pairs AS p
    JOIN body AS b ON b.article_id = p.target_article_id
    LEFT JOIN verbatim AS v USING (source_article_id, target_article_id)
    JOIN articles AS s ON s.article_id = p.source_article_id
    JOIN articles AS t ON t.article_id = p.target_article_id
    WHERE p.rank <= $max_rank AND p.score >= $min_score AND p.direction_basis <> 'undecided'
      AND (s.language IS NULL OR t.language IS NULL OR s.language = t.language)
      AND coalesce(v.chars, 0) < $max_covered * b.chars
), roots AS (  -- the best candidate of the target that each ranked source copied
    SELECT r.ranked, r.target, arg_max(q.source_article_id, (q.score, -q.rank)) AS root
    FROM ranked AS r
    JOIN article_pairs AS q ON q.target_article_id = r.target
                           AND q.source_article_id <> r.ranked
                           AND q.score >= $sibling * r.score
                           AND q.direction_basis <> 'undecided'
    JOIN articles AS s ON s.article_id = q.source_article_id
    JOIN articles AS t ON t.article_id = r.target
    WHERE (s.language IS NULL OR t.language IS NULL OR s.language = t.language)
      AND EXISTS (
        SELECT 1 FROM alignments AS a
        WHERE a.source_article_id = q.source_article_id AND a.target_article_id = r.ranked
          AND a.match_kind NOT IN ('paraphrase', 'translation')
          AND NOT a.same_outlet AND a.direction_basis <> 'undecided')
    GROUP BY ALL
), chosen AS (
    SELECT r.ranked, r.target, coalesce(o.root, r.ranked) AS source
    FROM ranked AS r LEFT JOIN roots AS o USING (ranked, target)
), redone AS (
    SELECT target FROM chosen
    WHERE ranked IN (SELECT article_id FROM rewrite_scope)
       OR source IN (SELECT article_id FROM rewrite_scope)
       OR target IN (SELECT article_id FROM rewrite_scope)
)
SELECT DISTINCT c.source, c.target, p.direction_basis AS basis
FROM chosen AS c
SEMI JOIN redone AS d ON d.target = c.target
JOIN article_pairs AS p ON p.source_article_id = c.source AND p.target_article_id = c.target;
