-- Aligned span pairs, for the side-by-side view.
SELECT
    alignment_id,
    source_article_id,
    source_paragraph_id,
    source_start,
    source_end,
    target_article_id,
    target_paragraph_id,
    target_start,
    target_end,
    score,
    match_kind,
    cluster_id,
    same_outlet,
    direction_basis
FROM alignments
ORDER BY alignment_id
