-- Article-level source retrieval: for each target in `retrieve_targets`, the articles that
-- hold most of its rare terms, among the first holders of each term. A rare term's first
-- $heads holders in the one article order (data/article_order.sql: term_heads) are where it
-- can have come from; a story syndicated a hundred times thus proposes its origin, not a
-- hundred copies of it, and no term is expanded into all pairs of its holders. A candidate
-- source must be a first holder of at least $min_shared of the target's rare terms (all of
-- them, for a target with fewer: a short item); score =
-- the IDF-weighted share of the target's rare terms so held (a containment: a rewrite keeps
-- part of its source's rare words and adds its own). The source must come first by the
-- pairwise rule (or, undecided, come first in the one article order, so an undecided pair
-- is listed once), within $window_s seconds when both are dated.
-- Weights are summed as integers, so that a score is the same whatever order its terms
-- are added in (an incremental run, DuckDB's threads), and rounded to 4 decimals. The
-- $top_k best per target are kept: sources known to come first before those of unknown
-- order (siblings that neither dates nor kinds order), then by score, then the earlier
-- source (a wire and its verbatim copies score alike: the wire ranks first, not the id
-- that sorts first).
-- Inputs: retrieve_targets (article_id), article_terms, term_heads, article_order.
-- Parameters: $n (sample size), $min_shared, $min_score, $window_s, $top_k.
DELETE FROM article_pairs WHERE target_article_id IN (SELECT article_id FROM retrieve_targets);

INSERT INTO article_pairs
WITH q AS (  -- articles are their ranks until the pairs are scored: integers join and group
             -- several times faster than ids; weights are integers (millionths): DuckDB's
             -- threads add floating point in an order that varies from run to run
    SELECT o.rank, o.published, t.term, t.kind,
           round(ln(($n + 1.0) / (t.df + 1)) * 1e6)::BIGINT AS idf
    FROM article_terms AS t SEMI JOIN retrieve_targets AS r USING (article_id)
    JOIN article_order AS o USING (article_id)
), totals AS (
    SELECT rank, sum(idf) AS total, count(*) AS n_terms FROM q GROUP BY rank
), heads AS (
    SELECT h.term, o.rank, o.published
    FROM term_heads AS h JOIN article_order AS o USING (article_id)
), shared AS (  -- only heads before the target in the one order, and in its window, can be
                -- its source (at 100k, the window leaves 8M of the 41M term matches to sum)
    SELECT q.rank AS target, h.rank AS source, sum(q.idf) AS weight,
           count(*) AS n_terms,
           count(*) FILTER (WHERE q.kind = 'number') AS n_numbers,
           count(*) FILTER (WHERE q.kind = 'name') AS n_names
    FROM q JOIN heads AS h
        ON h.term = q.term AND h.rank < q.rank AND in_window(h.published, q.published, $window_s)
    GROUP BY q.rank, h.rank
), scored AS (
    SELECT a.article_id AS source, s.source AS source_rank, b.article_id AS target,
           round(s.weight / t.total, 4) AS score,
           s.n_terms, s.n_numbers, s.n_names,
           direction_basis(a.kind, a.published, a.published_precision,
                           b.kind, b.published, b.published_precision) AS basis,
           comes_first(a.kind, a.published, a.published_precision,
                       b.kind, b.published, b.published_precision) AS source_first
    FROM shared AS s
    JOIN totals AS t ON t.rank = s.target
    JOIN article_order AS a ON a.rank = s.source
    JOIN article_order AS b ON b.rank = s.target
    WHERE s.weight / t.total >= $min_score
      AND s.n_terms >= least($min_shared, t.n_terms)
)
SELECT source, target, score, n_terms, n_numbers, n_names, basis,
       row_number() OVER (PARTITION BY target
                          ORDER BY source_first IS NOT NULL DESC, score DESC, source_rank)
           AS rank
FROM scored
WHERE source_first IS DISTINCT FROM false
QUALIFY rank <= $top_k;
