-- dedup trace: the image credits of one article (parameter: its article_id).
SELECT paragraph_id, source, source_type, chain_role, evidence, cue_start, cue_end
FROM image_credits WHERE article_id = ? ORDER BY paragraph_id, cue_start, chain_role
