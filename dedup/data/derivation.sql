-- How much of each article's body is aligned to earlier articles (article_derivation).
-- derived_chars is the union of the article's body spans on the target side of alignments
-- that are not an outlet's own template (same_outlet) and whose direction is decided (an
-- undecided pair counts as derivation of neither side); the top source covers most of it.
-- Only the articles in derive_articles (new, re-roled, or with changed alignments) are redone.
-- Parameters: $wholly, $partially (derived_fraction cut-offs, see README "Derivation").
DELETE FROM article_derivation WHERE article_id IN (SELECT article_id FROM derive_articles);

CREATE OR REPLACE TEMP TABLE derived_spans AS
SELECT a.target_article_id AS article_id, a.source_article_id, a.target_start AS s, a.target_end AS e
FROM alignments AS a
SEMI JOIN derive_articles AS d ON d.article_id = a.target_article_id
JOIN paragraphs AS p ON p.paragraph_id = a.target_paragraph_id
WHERE p.role = 'body' AND NOT a.same_outlet AND a.direction_basis <> 'undecided';

-- union of intervals per (article, source): start a new island when a span begins after
-- everything before it has ended
CREATE OR REPLACE TEMP TABLE per_source AS
WITH o AS (
    SELECT *, max(e) OVER (PARTITION BY article_id, source_article_id ORDER BY s, e
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM derived_spans
), g AS (
    SELECT *, sum(CASE WHEN prev_end IS NULL OR s >= prev_end THEN 1 ELSE 0 END)
              OVER (PARTITION BY article_id, source_article_id ORDER BY s, e) AS island
    FROM o
)
SELECT article_id, source_article_id, sum(len) AS chars
FROM (SELECT article_id, source_article_id, island, max(e) - min(s) AS len
      FROM g GROUP BY ALL)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE per_article AS
WITH o AS (
    SELECT *, max(e) OVER (PARTITION BY article_id ORDER BY s, e
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM derived_spans
), g AS (
    SELECT *, sum(CASE WHEN prev_end IS NULL OR s >= prev_end THEN 1 ELSE 0 END)
              OVER (PARTITION BY article_id ORDER BY s, e) AS island
    FROM o
)
SELECT article_id, sum(len) AS chars
FROM (SELECT article_id, island, max(e) - min(s) AS len FROM g GROUP BY ALL)
GROUP BY ALL;

INSERT INTO article_derivation
WITH body AS (
    SELECT article_id, sum(char_end - char_start) AS total_chars
    FROM paragraphs SEMI JOIN derive_articles USING (article_id)
    WHERE role = 'body' GROUP BY article_id
), top AS (
    SELECT s.article_id, arg_max(s.source_article_id, (s.chars, -o.rank)) AS top_source_article_id
    FROM per_source AS s JOIN article_order AS o ON o.article_id = s.source_article_id
    GROUP BY s.article_id
), f AS (
    SELECT a.article_id, a.outlet,
           coalesce(b.total_chars, 0) AS total_chars,
           coalesce(d.chars, 0) AS derived_chars,
           CASE WHEN coalesce(b.total_chars, 0) = 0 THEN 0.0
                ELSE least(1.0, coalesce(d.chars, 0) / b.total_chars) END AS derived_fraction,
           t.top_source_article_id
    FROM articles AS a
    SEMI JOIN derive_articles AS r ON r.article_id = a.article_id
    LEFT JOIN body AS b USING (article_id)
    LEFT JOIN per_article AS d USING (article_id)
    LEFT JOIN top AS t USING (article_id)
)
SELECT f.article_id, f.outlet, f.total_chars, f.derived_chars, f.derived_fraction,
       CASE WHEN f.derived_fraction >= $wholly THEN 'wholly'
            WHEN f.derived_fraction >= $partially THEN 'partially'
            ELSE 'non' END AS derivation,
       CASE WHEN f.derived_fraction >= $partially THEN f.top_source_article_id END,
       CASE WHEN f.derived_fraction >= $partially THEN s.outlet END AS top_source
FROM f LEFT JOIN articles AS s ON s.article_id = f.top_source_article_id;
