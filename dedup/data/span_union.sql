-- span_union(spans): the characters a group's spans cover together (the union of their
-- intervals), for a table of (grp, s, e) whose grp names the group (a struct of its keys).
-- A new island starts where a span begins after every span before it has ended.
-- Used by derivation.sql (per article and source) and attribute_links.sql (per paragraph and
-- aligned article); the stage that runs them runs this file first.
CREATE OR REPLACE TEMP MACRO span_union(spans) AS TABLE
WITH o AS (
    SELECT grp, s, e, max(e) OVER (PARTITION BY grp ORDER BY s, e
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM query_table(spans)
), g AS (
    SELECT *, sum(CASE WHEN prev_end IS NULL OR s >= prev_end THEN 1 ELSE 0 END)
              OVER (PARTITION BY grp ORDER BY s, e) AS island
    FROM o
)
SELECT grp, sum(len) AS chars
FROM (SELECT grp, island, max(e) - min(s) AS len FROM g GROUP BY ALL)
GROUP BY ALL;
