-- dedup trace: the attributions of one article (parameter: its article_id).
SELECT paragraph_id, source, source_type, method, evidence, confidence, chain_role,
       cue_start, cue_end, alignment_id
FROM attributions WHERE article_id = ?
ORDER BY paragraph_id, confidence DESC, source, method
