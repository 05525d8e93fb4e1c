-- dedup trace: the passages aligned with each paragraph of one article, the other side's text
-- included (parameter: its article_id).
WITH spans AS (
    SELECT a.alignment_id, a.score, a.match_kind, a.same_outlet,
           a.target_paragraph_id AS paragraph_id, a.target_article_id AS article_id,
           a.target_start AS start, a.target_end AS "end",
           a.source_article_id AS other_id, a.source_paragraph_id AS other_paragraph_id,
           a.source_start AS other_start, a.source_end AS other_end, 'source' AS other_side
    FROM alignments AS a
    UNION ALL
    SELECT a.alignment_id, a.score, a.match_kind, a.same_outlet,
           a.source_paragraph_id, a.source_article_id, a.source_start, a.source_end,
           a.target_article_id, a.target_paragraph_id, a.target_start, a.target_end,
           'target'
    FROM alignments AS a
)
SELECT s.paragraph_id, s.other_id AS article_id, o.outlet, o.published, o.published_precision,
       s.other_paragraph_id AS paragraph_id, s.other_side,
       substr(o.text, s.other_start + 1, s.other_end - s.other_start) AS text,
       s.other_start, s.other_end,
       s.start, s."end", s.score, s.match_kind, s.same_outlet, s.alignment_id
FROM spans AS s JOIN articles AS o ON o.article_id = s.other_id
WHERE s.article_id = ?
ORDER BY s.paragraph_id, s.score DESC, s.alignment_id
