-- title: Longest shared passages
-- description: The longest aligned passages between articles of different outlets, with
-- both texts side by side. The source is the earlier article where publication times
-- (direction_basis 'published') or a wire story (kind) decide; where neither does
-- ('undecided') the two are listed in id order and neither is known to come first.
-- Top 500 by source length.
SELECT
    al.alignment_id,
    al.source_end - al.source_start AS source_chars,
    round(al.score, 1) AS score,
    al.match_kind,
    al.direction_basis,
    al.cluster_id,
    s.outlet AS source_outlet,
    al.source_article_id,
    t.outlet AS target_outlet,
    al.target_article_id,
    -- offsets are 0-based Python offsets; substr is 1-based
    substr(s.text, al.source_start + 1, al.source_end - al.source_start) AS source_passage,
    substr(t.text, al.target_start + 1, al.target_end - al.target_start) AS target_passage
FROM alignments AS al
JOIN articles AS s ON s.article_id = al.source_article_id
JOIN articles AS t ON t.article_id = al.target_article_id
WHERE NOT al.same_outlet
ORDER BY source_chars DESC, al.score DESC, al.alignment_id
LIMIT 500;
