-- Propagated and matched attributions, through alignments (not same_outlet) of the articles
-- in `repropagate`: a paragraph aligned with a paragraph that has an explicit attribution
-- takes it (confidence * score / 100 * covered); a paragraph aligned with an article of kind
-- wire is `matched` to that wire's source (score / 100 * covered) unless the wire is the
-- alignment's decided target (an outlet's story a wire took up later is not wire copy: the
-- derivation says the wire derived from the outlet); through a translation alignment the
-- evidence says "translation of <wire article>". covered is the share of the paragraph its
-- alignments with that article take: a shared phrase of 23 characters is weak evidence that a
-- paragraph of 300 is wire copy, however exactly it matches.
-- Inputs: repropagate, _attribute_wires (article_id, source, source_type). Parameters: none.

-- both sides of every alignment of an article in repropagate
CREATE OR REPLACE TEMP TABLE attribute_pairs AS
SELECT alignment_id, score, match_kind, target_paragraph_id AS paragraph_id,
       target_article_id AS article_id, source_paragraph_id AS via_paragraph_id,
       source_article_id AS via_article_id, true AS via_not_later,
       target_start AS s, target_end AS e
FROM alignments SEMI JOIN repropagate AS r ON r.article_id = target_article_id
WHERE NOT same_outlet
UNION ALL
SELECT alignment_id, score, match_kind, source_paragraph_id, source_article_id,
       target_paragraph_id, target_article_id, direction_basis = 'undecided',
       source_start, source_end
FROM alignments SEMI JOIN repropagate AS r ON r.article_id = source_article_id
WHERE NOT same_outlet;

-- with the share of its paragraph that its alignments with the other article cover together
-- (span_union: a paragraph copied in two passages around an edited sentence is covered by
-- both)
CREATE OR REPLACE TEMP TABLE attribute_spans AS
SELECT {'paragraph_id': paragraph_id, 'via_article_id': via_article_id} AS grp, s, e
FROM attribute_pairs;

CREATE OR REPLACE TEMP TABLE attribute_pairs AS
SELECT *, CAST(round(100 * covered) AS INTEGER) AS covered_pct
FROM (SELECT p.*, least(1.0, c.chars / greatest(1, r.char_end - r.char_start)) AS covered
      FROM attribute_pairs AS p
      JOIN span_union('attribute_spans') AS c
        ON c.grp.paragraph_id = p.paragraph_id AND c.grp.via_article_id = p.via_article_id
      JOIN paragraphs AS r ON r.paragraph_id = p.paragraph_id AND r.role IN ('body', 'headline'));

INSERT INTO attributions (paragraph_id, article_id, source, source_type, method, evidence,
                          confidence, chain_role, alignment_id)
SELECT p.paragraph_id, p.article_id, e.source, e.source_type, 'propagated',
       printf('alignment %d with %s (score %.1f, %d%% of the paragraph), cue "%s"',
              p.alignment_id, p.via_article_id, p.score, p.covered_pct, e.evidence),
       round(e.confidence * p.score / 100 * p.covered, 4), e.chain_role, p.alignment_id
FROM attribute_pairs AS p
JOIN attributions AS e ON e.paragraph_id = p.via_paragraph_id AND e.method = 'explicit'
WHERE p.article_id <> p.via_article_id
QUALIFY row_number() OVER (
    PARTITION BY p.paragraph_id, e.source, e.chain_role, p.via_article_id
    ORDER BY e.confidence * p.score * p.covered DESC, p.alignment_id) = 1;

INSERT INTO attributions (paragraph_id, article_id, source, source_type, method, evidence,
                          confidence, chain_role, alignment_id)
SELECT p.paragraph_id, p.article_id, w.source, w.source_type, 'matched',
       CASE WHEN p.match_kind = 'translation'
            THEN printf('translation of %s (alignment %d, score %.1f, %d%% of the paragraph)',
                        p.via_article_id, p.alignment_id, p.score, p.covered_pct)
            ELSE printf('alignment %d with %s (score %.1f, %d%% of the paragraph)',
                        p.alignment_id, p.via_article_id, p.score, p.covered_pct) END,
       round(p.score / 100 * p.covered, 4), 'source', p.alignment_id
FROM attribute_pairs AS p
JOIN _attribute_wires AS w ON w.article_id = p.via_article_id
WHERE p.article_id <> p.via_article_id AND p.via_not_later
QUALIFY row_number() OVER (
    PARTITION BY p.paragraph_id, p.via_article_id
    ORDER BY p.score * p.covered DESC, p.alignment_id) = 1;
