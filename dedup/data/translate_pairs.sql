-- Cross-language candidates: for each target to redo, the articles of its
-- partner language (translate_langs) that come first by the pairwise rule (decided
-- direction only: an undecided pair derives nothing), within $window_s seconds when both
-- are dated, and hold at least $min_shared of its lookup keys (its $lookup indexed keys
-- that fewest articles of the partner language hold, none held by more than $max_holders:
-- the work per target is bounded) and $min_share of their weight; the $top_k best by that share (rounded, so that sums made in another order rank
-- alike), then source id. Their old translation alignments are removed first.
-- The targets to redo (translate_redo) are those of translate_must, and those of
-- translate_scope whose lookup moved or whose candidates a changed article may join or
-- leave (it holds, or held, one of the lookup keys); any other target would get the pairs
-- it has.
-- Inputs: translate_must, translate_scope, translate_langs, article_anchors, anchor_holders,
-- changed_anchors (the keys changed articles hold now), old_anchors, translate_lookups,
-- translate_bounds, article_order, alignments.
-- Leaves: translate_redo, lookup_came, lookup_gone and translate_pairs (temp),
-- translate_lookups of the targets redone, translate_bounds of the scope.
-- Parameters: $min_shared, $min_share, $window_s, $top_k, $lookup, $max_holders.

-- a target is looked up by its $lookup keys fewest articles of its partner language hold,
-- none held by more than $max_holders of them (kept in translate_lookups), the next key
-- kept in translate_bounds
CREATE OR REPLACE TEMP TABLE looked_next AS
WITH q AS (
    SELECT k.article_id, k.key, k.weight, l.partner
    FROM article_anchors AS k SEMI JOIN translate_scope USING (article_id)
    JOIN translate_langs AS l USING (language)
), held AS (  -- how many articles of each language hold a key
    SELECT key, language, holders FROM anchor_holders
    SEMI JOIN (SELECT DISTINCT key FROM q) USING (key)
)
SELECT q.*, h.holders,
       row_number() OVER (PARTITION BY q.article_id ORDER BY h.holders, q.key) AS place
FROM q JOIN held AS h ON h.key = q.key AND h.language = q.partner
WHERE h.holders <= $max_holders
QUALIFY place <= $lookup + 1;

CREATE OR REPLACE TEMP TABLE looked AS
SELECT article_id, key, weight, partner FROM looked_next WHERE place <= $lookup;

DELETE FROM translate_bounds WHERE article_id IN (SELECT article_id FROM translate_scope);

INSERT INTO translate_bounds
SELECT article_id, key, holders FROM looked_next WHERE place = $lookup + 1;

CREATE OR REPLACE TEMP TABLE translate_redo AS
WITH stored AS (
    SELECT article_id, key FROM translate_lookups SEMI JOIN translate_scope USING (article_id)
)
SELECT article_id FROM translate_must
UNION SELECT article_id FROM (  -- the lookup moved
    (SELECT article_id, key FROM looked EXCEPT SELECT * FROM stored)
    UNION ALL (SELECT * FROM stored EXCEPT SELECT article_id, key FROM looked)
)
UNION SELECT q.article_id  -- a changed article that comes first holds a lookup key now
FROM looked AS q
JOIN changed_anchors AS h ON h.key = q.key AND h.language = q.partner
JOIN article_order AS a ON a.article_id = h.article_id
JOIN article_order AS b ON b.article_id = q.article_id
WHERE comes_first(a.kind, a.published, a.published_precision,
                  b.kind, b.published, b.published_precision)
-- or held one before: it may leave the candidates (anchors are read from base roles, so
-- today a re-roled article keeps its keys and this adds nothing; it keeps the rule whole)
UNION SELECT s.article_id
FROM stored AS s JOIN old_anchors AS o USING (key);

CREATE OR REPLACE TEMP TABLE gone_translations AS
SELECT alignment_id, source_article_id, target_article_id, cluster_id FROM alignments
WHERE match_kind = 'translation'
  AND target_article_id IN (SELECT article_id FROM translate_redo);

INSERT INTO removed_alignments SELECT * FROM gone_translations;

DELETE FROM alignments WHERE alignment_id IN (SELECT alignment_id FROM gone_translations);

-- only the lookup keys that moved are rewritten (most redone targets keep their lookup)
CREATE OR REPLACE TEMP TABLE lookup_came AS
SELECT article_id, key FROM looked SEMI JOIN translate_redo USING (article_id)
EXCEPT SELECT article_id, key FROM translate_lookups SEMI JOIN translate_redo USING (article_id);

CREATE OR REPLACE TEMP TABLE lookup_gone AS
SELECT article_id, key FROM translate_lookups SEMI JOIN translate_redo USING (article_id)
EXCEPT SELECT article_id, key FROM looked;

DELETE FROM translate_lookups AS s USING lookup_gone AS g
WHERE s.article_id = g.article_id AND s.key = g.key;

INSERT INTO translate_lookups SELECT * FROM lookup_came;

CREATE OR REPLACE TEMP TABLE translate_pairs AS
WITH q AS (  -- articles are their ranks, weights integers (millionths: sums exact in any
             -- order), until the pairs are scored (see retrieve_pairs.sql)
    SELECT l.key, l.partner, round(l.weight * 1e6)::BIGINT AS weight, o.rank, o.published
    FROM looked AS l SEMI JOIN translate_redo USING (article_id)
    JOIN article_order AS o USING (article_id)
), totals AS (
    SELECT rank, sum(weight) AS total, count(*) AS n_keys FROM q GROUP BY rank
), holders AS (
    SELECT h.key, h.language, round(h.weight * 1e6)::BIGINT AS weight, o.rank, o.published
    FROM article_anchors AS h JOIN article_order AS o USING (article_id)
), shared AS (  -- a source before the target in the one order (which agrees with
                -- comes_first wherever it decides) and in its window: at 100k, 64,000 of
                -- the 15 million key matches are left to sum
    SELECT q.rank AS target, h.rank AS source, sum(least(q.weight, h.weight)) AS weight,
           count(*) AS n_keys
    FROM q JOIN holders AS h
        ON h.key = q.key AND h.language = q.partner AND h.rank < q.rank
       AND in_window(h.published, q.published, $window_s)
    GROUP BY ALL
), scored AS (
    SELECT a.article_id AS source, s.source AS source_rank, b.article_id AS target,
           round(s.weight / t.total, 4) AS share,
           direction_basis(a.kind, a.published, a.published_precision,
                           b.kind, b.published, b.published_precision) AS basis,
           coalesce(a.outlet = b.outlet, false) AS same_outlet
    FROM shared AS s
    JOIN totals AS t ON t.rank = s.target
    JOIN article_order AS a ON a.rank = s.source
    JOIN article_order AS b ON b.rank = s.target
    WHERE s.n_keys >= least($min_shared, t.n_keys) AND s.weight >= $min_share * t.total
      AND comes_first(a.kind, a.published, a.published_precision,
                      b.kind, b.published, b.published_precision)
)
-- on a tie (a wire and its copies hold the same keys) the earlier source, not the id
SELECT source, source_rank, target, basis, same_outlet, share
FROM scored
QUALIFY row_number() OVER (PARTITION BY target ORDER BY share DESC, source_rank) <= $top_k;
