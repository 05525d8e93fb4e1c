-- The summary numbers at the top of report.html and report.md (one row).
SELECT
    (SELECT count(*) FROM articles) AS articles,
    (SELECT count(DISTINCT outlet) FROM articles) AS outlets,
    (SELECT count(*) FROM articles WHERE outlet IS NULL) AS unknown_outlet,
    (SELECT count(*) FROM articles WHERE kind = 'wire') AS wire_articles,
    (SELECT count(*) FROM paragraphs) AS paragraphs,
    (SELECT count(*) FROM alignments) AS alignments,
    (SELECT count(*) FROM clusters) AS clusters,
    (SELECT count(*) FROM article_derivation WHERE derivation = 'wholly') AS wholly_derived,
    (SELECT count(*) FROM article_derivation WHERE derivation = 'partially') AS partially_derived,
    -- outlet articles only: a wire story that takes from no other is no finding
    (SELECT count(*) FROM article_derivation JOIN articles USING (article_id)
     WHERE derivation = 'non' AND kind <> 'wire') AS non_derived,
    (SELECT count(*) FROM attributions) AS attributions,
    (SELECT count(*) FROM rejects) AS rejects,
    -- ingested, never through detect: derivation, alignments and attributions leave them out
    (SELECT count(*) FROM articles ANTI JOIN article_derivation USING (article_id)) AS not_compared
