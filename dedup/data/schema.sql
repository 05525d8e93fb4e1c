-- The DuckDB schema. Tables marked "contract" are public (see README "Schema"):
-- researchers write SQL against them. Offsets are 0-based, end-exclusive, in Python
-- string characters of articles.text.

-- contract: one row per article.
CREATE TABLE IF NOT EXISTS articles (
    article_id   VARCHAR PRIMARY KEY,
    outlet       VARCHAR,
    kind         VARCHAR NOT NULL DEFAULT 'outlet',   -- 'wire' or 'outlet'
    url          VARCHAR,
    title        VARCHAR,
    published    TIMESTAMP,                           -- UTC when the input gave an offset
    published_precision VARCHAR,                      -- 'day' (a date alone, stored as
                                                      -- midnight) or 'time'; NULL undated
    language     VARCHAR,
    source_path  VARCHAR,
    text         VARCHAR NOT NULL,                    -- NFC; every offset refers to this
    content_hash VARCHAR NOT NULL,                    -- sha256 of text: re-ingest is a no-op
    encoding     VARCHAR NOT NULL,                    -- how the bytes were decoded
    author       VARCHAR,                             -- as the page states it (HTML inputs)
    metadata_source VARCHAR,                          -- JSON: where each inferred value came from
    raw_offset   BIGINT,                              -- the page's record offset in a WARC file
    run_id       INTEGER
);

-- contract: paragraphs with their role (headline, body, caption, boilerplate).
CREATE TABLE IF NOT EXISTS paragraphs (
    paragraph_id VARCHAR NOT NULL,                    -- '<article_id>/<seq>'
    article_id   VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    role         VARCHAR NOT NULL,
    role_reason  VARCHAR,                             -- which rule gave the role
    base_role    VARCHAR NOT NULL,                    -- role from the article alone
    base_reason  VARCHAR,
    text         VARCHAR NOT NULL,
    norm_key     UBIGINT                              -- 64-bit hash of the normalised text (words,
                                                      -- casefolded): equal for repeated lines;
                                                      -- NULL without words
);

-- internal tables carry no key constraints: the code keeps them unique, and an index on
-- millions of rows would cost more to maintain than every query it could speed up.

-- internal: sentences of every paragraph (offsets into articles.text).
CREATE TABLE IF NOT EXISTS sentences (
    sentence_id  VARCHAR NOT NULL,                    -- '<paragraph_id>/<seq>'
    paragraph_id VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL
);

-- internal: fingerprint units (sentences and their clauses) and their signatures.
-- A unit's signature is shared by every unit with the same normalised text (norm_hash).
CREATE TABLE IF NOT EXISTS units (
    sentence_id  VARCHAR NOT NULL,
    paragraph_id VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,
    unit_kind    VARCHAR NOT NULL,                    -- 'sentence' or 'clause'
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    norm_hash    UBIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS signatures (
    norm_hash    UBIGINT NOT NULL,
    n_shingles   INTEGER NOT NULL,
    hashvalues   UINTEGER[] NOT NULL                  -- num_perm values (a list: a BLOB of
                                                      -- them took three times as long to insert)
);

-- internal: settings that must stay fixed for the life of a database (fingerprints).
CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- internal: shingles too common to be evidence (the maxDF filter), frozen with the sample.
CREATE TABLE IF NOT EXISTS stop_shingles (
    shingle_hash UINTEGER PRIMARY KEY
);

-- internal: the LSH band keys of every non-empty signature (the key mixes in the band),
-- so that new signatures find their buckets without re-banding the corpus.
CREATE TABLE IF NOT EXISTS band_keys (
    key          UBIGINT NOT NULL,
    norm_hash    UBIGINT NOT NULL
);

-- internal: each live text's representative, its earliest live unit (sentence).
CREATE TABLE IF NOT EXISTS text_reps (
    norm_hash    UBIGINT NOT NULL,
    rep          VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL
);

-- internal: verified LSH pairs of texts, star-expanded (h1 is the bucket's earliest member).
CREATE TABLE IF NOT EXISTS sig_pairs (
    h1           UBIGINT NOT NULL,
    h2           UBIGINT NOT NULL,
    n_buckets    INTEGER NOT NULL                     -- bands in which it is a star pair
);

-- internal: sentence-to-representative links, with the texts (h1, h2) each came from.
CREATE TABLE IF NOT EXISTS candidate_links (
    sentence_a   VARCHAR NOT NULL,
    sentence_b   VARCHAR NOT NULL,
    h1           UBIGINT NOT NULL,
    h2           UBIGINT NOT NULL
);

-- internal: the distinct candidate sentence pairs of the links (sentence_a < sentence_b).
CREATE TABLE IF NOT EXISTS candidate_pairs (
    sentence_a   VARCHAR NOT NULL,
    sentence_b   VARCHAR NOT NULL
);

-- internal: each outlet's template paragraphs (paragraphs.norm_key), with their article counts.
CREATE TABLE IF NOT EXISTS outlet_templates (
    outlet       VARCHAR NOT NULL,
    norm_key     UBIGINT NOT NULL,
    n_articles   INTEGER NOT NULL
);

-- internal: the word pairs of every distinct quote text (see dedup.quotes.texts_keys).
CREATE TABLE IF NOT EXISTS quote_keys (
    key          VARCHAR NOT NULL,
    norm_text    VARCHAR NOT NULL
);

-- internal: pairs of quote texts that are the same quote (a < b).
CREATE TABLE IF NOT EXISTS quote_edges (
    a            VARCHAR NOT NULL,
    b            VARCHAR NOT NULL
);

-- internal: articles whose attributions must be redone (their roles or alignments changed).
CREATE TABLE IF NOT EXISTS stale_articles (
    article_id   VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL                     -- roles (scan again) / alignments
);

-- internal: sentence pairs already aligned (accepted or not), so runs stay incremental.
CREATE TABLE IF NOT EXISTS pair_checks (
    sentence_a   VARCHAR NOT NULL,
    sentence_b   VARCHAR NOT NULL,
    accepted     BOOLEAN NOT NULL
);

-- internal: span pairs per aligned sentence pair, before merging into alignments.
CREATE TABLE IF NOT EXISTS sentence_alignments (
    sentence_a   VARCHAR NOT NULL,
    sentence_b   VARCHAR NOT NULL,
    a_start      INTEGER NOT NULL,
    a_end        INTEGER NOT NULL,
    b_start      INTEGER NOT NULL,
    b_end        INTEGER NOT NULL,
    matched_tokens INTEGER NOT NULL
);

-- contract: aligned span pairs between two articles.
CREATE TABLE IF NOT EXISTS alignments (
    alignment_id        BIGINT PRIMARY KEY,
    source_article_id   VARCHAR NOT NULL,
    source_paragraph_id VARCHAR NOT NULL,
    source_start        INTEGER NOT NULL,
    source_end          INTEGER NOT NULL,
    target_article_id   VARCHAR NOT NULL,
    target_paragraph_id VARCHAR NOT NULL,
    target_start        INTEGER NOT NULL,
    target_end          INTEGER NOT NULL,
    score               DOUBLE NOT NULL,              -- 0-100: rapidfuzz ratio of the two span texts;
                                                      -- paraphrase: 100 x the model's probability;
                                                      -- translation: 100 x the key overlap
    match_kind          VARCHAR NOT NULL,             -- verbatim / near_verbatim / rewrite / paraphrase / translation
    cluster_id          BIGINT,
    same_outlet         BOOLEAN NOT NULL,             -- an outlet's own template, not syndication
    direction_basis     VARCHAR NOT NULL              -- published / kind / undecided (merge.earlier)
);

-- contract: reuse clusters (connected components of aligned spans).
CREATE TABLE IF NOT EXISTS clusters (
    cluster_id        BIGINT PRIMARY KEY,
    n_articles        INTEGER NOT NULL,
    n_outlets         INTEGER NOT NULL,             -- an unknown outlet counts as its own
    n_alignments      INTEGER NOT NULL,
    origin_article_id VARCHAR NOT NULL,
    first_published   TIMESTAMP
);

-- contract: how much of each article is derived from earlier articles.
CREATE TABLE IF NOT EXISTS article_derivation (
    article_id            VARCHAR PRIMARY KEY,
    outlet                VARCHAR,
    total_chars           INTEGER NOT NULL,           -- body characters
    derived_chars         INTEGER NOT NULL,
    derived_fraction      DOUBLE NOT NULL,
    copied_chars          INTEGER NOT NULL,           -- of derived_chars, in shared runs of
    copied_fraction       DOUBLE NOT NULL,            -- words, not reworded (derivation.sql)
    derivation            VARCHAR NOT NULL,           -- wholly / partially / non
    top_source_article_id VARCHAR,
    top_source            VARCHAR                     -- outlet (or wire name) of the top source
);

-- contract: each article's likely sources among earlier articles and wires, found by the
-- rare words, numbers and names they share (dedup/retrieve.py): "which earlier stories is
-- this most like". score: the share of the target's rarest terms (IDF-weighted) found in the
-- source. direction_basis as in alignments (an undecided pair is listed once, the source
-- the earlier in the one article order).
CREATE TABLE IF NOT EXISTS article_pairs (
    source_article_id VARCHAR NOT NULL,
    target_article_id VARCHAR NOT NULL,
    score             DOUBLE NOT NULL,                -- 0-1
    shared_terms      INTEGER NOT NULL,               -- of the target's rarest terms
    shared_numbers    INTEGER NOT NULL,
    shared_names      INTEGER NOT NULL,
    direction_basis   VARCHAR NOT NULL,               -- published / kind / undecided
    rank              INTEGER NOT NULL                -- 1 = the target's most likely source
);

-- the document frequency of each term in the retrieval sample (frozen once full).
CREATE TABLE IF NOT EXISTS term_df (
    term VARCHAR NOT NULL,
    df   INTEGER NOT NULL
);

-- the rare terms of each article, which retrieval indexes and looks it up by.
CREATE TABLE IF NOT EXISTS article_terms (
    article_id VARCHAR NOT NULL,
    term       VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,                      -- word / number / name
    df         INTEGER NOT NULL                       -- in the sample
);

-- the rarer translation keys of each article (dedup/anchors.py), the index that
-- cross-language candidates are found by (dedup/translate.py).
CREATE TABLE IF NOT EXISTS article_anchors (
    article_id VARCHAR NOT NULL,
    language   VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,                      -- #number / c<concept> / n:name
    weight     DOUBLE NOT NULL                        -- IDF in the frozen term sample
);

-- how many articles of each language hold each anchor key (article_anchors counted, kept
-- up to date as articles change): a translation lookup reads the counts of its keys here,
-- not by counting millions of anchors again (dedup/translate.py).
CREATE TABLE IF NOT EXISTS anchor_holders (
    key        VARCHAR NOT NULL,
    language   VARCHAR NOT NULL,
    holders    INTEGER NOT NULL
);

-- the keys each translation target was looked up by (dedup/translate.py): an incremental
-- run redoes a target only when an article holding one of them arrives or changes.
CREATE TABLE IF NOT EXISTS translate_lookups (
    article_id VARCHAR NOT NULL,
    key        VARCHAR NOT NULL
);

-- the key that comes next after a target's lookup keys (fewest holders, then key), with its
-- holder count when it was read: a lookup key whose holder count rises moves the lookup
-- only when it passes this one (dedup/translate.py). Counts only rise between readings
-- unless an article changes, and then the target is read again: a kept count may be lower
-- than today's, which only makes the test redo a target it need not.
CREATE TABLE IF NOT EXISTS translate_bounds (
    article_id VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    holders    INTEGER NOT NULL
);

-- the key of every word and number translation has read (dedup/anchors.py TextKeys), kept
-- for the next run while the term sample, lexicons and languages they were weighed with
-- stand (meta 'anchor_vocabulary' says which): reading a word's key means stemming it.
CREATE TABLE IF NOT EXISTS anchor_vocabulary (
    kind     VARCHAR NOT NULL,                        -- word / number
    language VARCHAR NOT NULL,
    token    VARCHAR NOT NULL,                        -- as written
    after    VARCHAR NOT NULL,                        -- a number's scale word, else ''
    key      VARCHAR,                                 -- NULL: the token has no key
    weight   DOUBLE,
    share    DOUBLE           -- of the sample's articles holding the key: indexed if small
);

-- the first holders of each rare term (article_order), where retrieval looks for sources.
CREATE TABLE IF NOT EXISTS term_heads (
    term       VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL
);

-- contract: where each paragraph comes from, with the evidence.
CREATE TABLE IF NOT EXISTS attributions (
    paragraph_id VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_type  VARCHAR NOT NULL,                    -- wire / outlet
    method       VARCHAR NOT NULL,                    -- explicit / inherited / propagated / matched
    evidence     VARCHAR NOT NULL,
    confidence   DOUBLE NOT NULL,
    chain_role   VARCHAR NOT NULL DEFAULT 'source',   -- source / origin / relay
    cue_start    INTEGER,                             -- the cue's span in articles.text
    cue_end      INTEGER,
    alignment_id BIGINT
);

-- photo credits: recorded, never taken as the source of the text.
CREATE TABLE IF NOT EXISTS image_credits (
    paragraph_id VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_type  VARCHAR NOT NULL,
    chain_role   VARCHAR NOT NULL,                    -- source / origin / relay
    evidence     VARCHAR NOT NULL,
    cue_start    INTEGER,
    cue_end      INTEGER
);

-- direct quotations and who said them.
CREATE TABLE IF NOT EXISTS quotes (
    quote_id     VARCHAR PRIMARY KEY,                 -- '<paragraph_id>/q<n>'
    article_id   VARCHAR NOT NULL,
    paragraph_id VARCHAR NOT NULL,
    char_start   INTEGER NOT NULL,                    -- the quoted words, without the marks
    char_end     INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    speaker      VARCHAR,
    norm_text    VARCHAR NOT NULL,
    trail_id     BIGINT
);

-- the same quote across articles: who printed it first.
CREATE TABLE IF NOT EXISTS quote_trails (
    trail_id         BIGINT PRIMARY KEY,
    text             VARCHAR NOT NULL,
    n_articles       INTEGER NOT NULL,
    n_outlets        INTEGER NOT NULL,
    first_article_id VARCHAR NOT NULL,
    first_outlet     VARCHAR,
    first_published  TIMESTAMP
);

-- contract: bad input, with the reason; nothing is dropped silently.
CREATE TABLE IF NOT EXISTS rejects (
    source_path VARCHAR,
    record      VARCHAR,
    reason      VARCHAR NOT NULL,
    run_id      INTEGER
);

-- contract: every run with its settings and counts.
CREATE TABLE IF NOT EXISTS runs (
    run_id       INTEGER PRIMARY KEY,
    command      VARCHAR NOT NULL,
    started      TIMESTAMP NOT NULL,
    finished     TIMESTAMP,
    tool_version VARCHAR NOT NULL,
    settings     JSON,
    counts       JSON
);
