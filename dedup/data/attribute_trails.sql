-- Propagated attributions through quote trails: a paragraph quoting what a paragraph with an
-- explicit attribution quotes takes that source, at its confidence * $factor (the quote may
-- come from a press conference every agency attended). Parameters: $factor.
INSERT INTO attributions (paragraph_id, article_id, source, source_type, method, evidence,
                          confidence, chain_role)
SELECT r.paragraph_id, r.article_id, e.source, e.source_type, 'propagated',
       printf('quote trail %d with %s, cue "%s"', r.trail_id, g.article_id, e.evidence),
       round(e.confidence * $factor, 4), e.chain_role
FROM quotes AS r
JOIN quotes AS g ON g.trail_id = r.trail_id AND g.article_id <> r.article_id
JOIN attributions AS e ON e.paragraph_id = g.paragraph_id AND e.method = 'explicit'
QUALIFY row_number() OVER (
    PARTITION BY r.paragraph_id, e.source, e.chain_role, g.article_id
    ORDER BY e.confidence DESC, g.quote_id) = 1;
