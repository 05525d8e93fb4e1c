-- Paragraphs with their role, in reading order.
SELECT paragraph_id, article_id, seq, char_start, char_end, role, role_reason
FROM paragraphs
ORDER BY article_id, seq
