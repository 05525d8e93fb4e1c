-- How much of each article's body is aligned to earlier articles (article_derivation).
-- derived_chars is the union of the article's body spans on the target side of alignments
-- that are not an outlet's own template (same_outlet) and whose direction is decided (an
-- undecided pair counts as derivation of neither side); the top source covers most of it,
-- siblings (copies of one earlier source) set aside.
-- copied_chars is the same union over the spans found as shared runs of words (match_kind
-- verbatim, near_verbatim, rewrite; a rewrite span may hold a few changed words), without
-- the reworded ones (paraphrase, translation, as rewrites.py tells them apart): how much of
-- the article is cut and paste. The unions per source, over every span and over the
-- copied ones are one pass of span_union (span_union.sql) over spans tagged by layer.
-- Only the articles in derive_articles (new, re-roled, or with changed alignments) are redone.
-- Parameters: $wholly, $partially (derived_fraction cut-offs, see README "Derivation").
DELETE FROM article_derivation WHERE article_id IN (SELECT article_id FROM derive_articles);

CREATE OR REPLACE TEMP TABLE derived_spans AS
SELECT a.target_article_id AS article_id, a.source_article_id, a.target_start AS s, a.target_end AS e,
       a.match_kind NOT IN ('paraphrase', 'translation') AS copied
FROM alignments AS a
SEMI JOIN derive_articles AS d ON d.article_id = a.target_article_id
JOIN paragraphs AS p ON p.paragraph_id = a.target_paragraph_id
WHERE p.role = 'body' AND NOT a.same_outlet AND a.direction_basis <> 'undecided';

-- the characters covered per article (span_union), once per source (layer 'source'), once
-- over every span ('all') and once over the copied ones ('copied')
CREATE OR REPLACE TEMP TABLE covered_spans AS
SELECT {'article_id': article_id, 'layer': 'source', 'source': source_article_id} AS grp, s, e
FROM derived_spans
UNION ALL
SELECT {'article_id': article_id, 'layer': 'all', 'source': NULL}, s, e FROM derived_spans
UNION ALL
SELECT {'article_id': article_id, 'layer': 'copied', 'source': NULL}, s, e
FROM derived_spans WHERE copied;

CREATE OR REPLACE TEMP TABLE covered AS
SELECT grp.article_id, grp.layer, grp.source AS source_article_id, chars
FROM span_union('covered_spans');

CREATE OR REPLACE TEMP TABLE per_source AS
SELECT article_id, source_article_id, chars FROM covered WHERE layer = 'source';

CREATE OR REPLACE TEMP TABLE per_article AS
SELECT article_id, sum(chars) FILTER (WHERE layer = 'all') AS chars,
       coalesce(sum(chars) FILTER (WHERE layer = 'copied'), 0) AS copied
FROM covered WHERE layer <> 'source' GROUP BY article_id;

-- siblings: when B and S both derive from an earlier T, S is B's sibling, not its source, if
-- T (a source of S, directed) covers about as much of B as S does (at least 90%: a copy of
-- the same wire, perhaps cut a little more); a source that gave B more than T did stays.
CREATE OR REPLACE TEMP TABLE sibling_sources AS
SELECT DISTINCT s.article_id, s.source_article_id
FROM per_source AS s
JOIN per_source AS t ON t.article_id = s.article_id
                    AND t.source_article_id <> s.source_article_id
                    AND t.chars >= 0.9 * s.chars
SEMI JOIN alignments AS a ON a.source_article_id = t.source_article_id
                         AND a.target_article_id = s.source_article_id
                         AND NOT a.same_outlet AND a.direction_basis <> 'undecided';

INSERT INTO article_derivation BY NAME
WITH body AS (
    SELECT article_id, sum(char_end - char_start) AS total_chars
    FROM paragraphs SEMI JOIN derive_articles USING (article_id)
    WHERE role = 'body' GROUP BY article_id
), top AS (
    SELECT s.article_id,
           coalesce(arg_max(s.source_article_id, (s.chars, -o.rank)) FILTER (WHERE b.article_id IS NULL),
                    arg_max(s.source_article_id, (s.chars, -o.rank))) AS top_source_article_id
    FROM per_source AS s JOIN article_order AS o ON o.article_id = s.source_article_id
    LEFT JOIN sibling_sources AS b
           ON b.article_id = s.article_id AND b.source_article_id = s.source_article_id
    GROUP BY s.article_id
), f AS (
    SELECT a.article_id, a.outlet,
           coalesce(b.total_chars, 0) AS total_chars,
           coalesce(d.chars, 0) AS derived_chars,
           CASE WHEN coalesce(b.total_chars, 0) = 0 THEN 0.0
                ELSE least(1.0, coalesce(d.chars, 0) / b.total_chars) END AS derived_fraction,
           coalesce(d.copied, 0) AS copied_chars,
           CASE WHEN coalesce(b.total_chars, 0) = 0 THEN 0.0
                ELSE least(1.0, coalesce(d.copied, 0) / b.total_chars) END AS copied_fraction,
           t.top_source_article_id
    FROM articles AS a
    SEMI JOIN derive_articles AS r ON r.article_id = a.article_id
    LEFT JOIN body AS b USING (article_id)
    LEFT JOIN per_article AS d USING (article_id)
    LEFT JOIN top AS t USING (article_id)
)
SELECT f.article_id, f.outlet, f.total_chars, f.derived_chars, f.derived_fraction,
       f.copied_chars, f.copied_fraction,
       CASE WHEN f.derived_fraction >= $wholly THEN 'wholly'
            WHEN f.derived_fraction >= $partially THEN 'partially'
            ELSE 'non' END AS derivation,
       CASE WHEN f.derived_fraction >= $partially
            THEN f.top_source_article_id END AS top_source_article_id,
       CASE WHEN f.derived_fraction >= $partially THEN s.outlet END AS top_source
FROM f LEFT JOIN articles AS s ON s.article_id = f.top_source_article_id;
