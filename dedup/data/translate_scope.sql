-- The targets of an incremental run whose lookup keys translate_pairs.sql reads again
-- (translate_scope): those it must redo (translate_must), and those whose lookup an arriving
-- or changed article may move (dedup/translate.py says why these are all):
-- - a lookup key whose holder count in the target's partner language rose past the next
--   key after the lookup (translate_bounds) or past $max_holders;
-- - a lookup key that a changed article of the partner language, coming first, holds (a
--   new candidate: the target is redone, and redone targets are read again);
-- - the holders of a key no other article of its language held before (it may enter their
--   lookup);
-- - the holders of a key a changed article held before (a count that falls can bring a key
--   in).
-- Inputs: translate_must, article_anchors and anchor_holders (after the changed articles'
-- keys were replaced), changed_anchors (those keys), old_anchors, translate_lookups,
-- translate_bounds, translate_langs, articles. Parameters: $max_holders.
CREATE OR REPLACE TEMP TABLE translate_scope AS
WITH changed_keys AS (
    SELECT key, language, count(*) AS held FROM changed_anchors GROUP BY ALL
), counts AS (  -- their holders now
    SELECT c.key, c.language, h.holders, c.held
    FROM changed_keys AS c JOIN anchor_holders AS h USING (key, language)
), first_held AS (  -- keys no other article of that language held before (the changed
                    -- articles are all of their holders)
    SELECT key, language FROM counts WHERE holders = held
)
SELECT article_id FROM translate_must
UNION SELECT l.article_id FROM translate_lookups AS l
      JOIN articles AS a USING (article_id)
      JOIN translate_langs AS t USING (language)
      JOIN counts AS c ON c.key = l.key AND c.language = t.partner
      LEFT JOIN translate_bounds AS b ON b.article_id = l.article_id
      WHERE c.holders > $max_holders
         OR c.holders > b.holders OR (c.holders = b.holders AND l.key > b.key)
UNION SELECT l.article_id FROM translate_lookups AS l  -- a new candidate may hold it
      JOIN changed_anchors AS h ON h.key = l.key
      JOIN articles AS a ON a.article_id = h.article_id
      JOIN articles AS b ON b.article_id = l.article_id
      JOIN translate_langs AS t ON t.language = b.language AND t.partner = h.language
      WHERE comes_first(a.kind, a.published, a.published_precision,
                        b.kind, b.published, b.published_precision)
UNION SELECT k.article_id FROM article_anchors AS k
      JOIN first_held AS f ON f.key = k.key AND f.language <> k.language
UNION SELECT k.article_id FROM article_anchors AS k
      WHERE k.key IN (SELECT key FROM old_anchors);
