-- dedup trace: the quotes of one article (parameter: its article_id).
SELECT paragraph_id, quote_id, text, speaker, char_start, char_end, trail_id
FROM quotes WHERE article_id = ? ORDER BY quote_id
