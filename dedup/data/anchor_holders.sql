-- anchor_holders brought up to date after an incremental run replaced the anchors of the
-- changed articles: each (key, language) counted up by the anchors they hold now
-- (changed_anchors) and down by those they held before (old_anchors); a count that falls
-- to 0 goes.
-- Inputs: anchor_holders, changed_anchors, old_anchors. Leaves: anchor_holders.
CREATE OR REPLACE TEMP TABLE holder_counts AS
WITH moves AS (
    SELECT key, language, sum(d) AS d FROM (
        SELECT key, language, 1 AS d FROM changed_anchors
        UNION ALL SELECT key, language, -1 AS d FROM old_anchors
    ) GROUP BY ALL HAVING sum(d) <> 0
)
SELECT m.key, m.language, coalesce(h.holders, 0) + m.d AS holders
FROM moves AS m LEFT JOIN anchor_holders AS h USING (key, language);

DELETE FROM anchor_holders AS h USING holder_counts AS c
WHERE h.key = c.key AND h.language = c.language;

INSERT INTO anchor_holders SELECT * FROM holder_counts WHERE holders > 0;
