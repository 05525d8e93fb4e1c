-- A paragraph that recurs, in the same normalised form, across many articles of one outlet
-- is that outlet's template (a slogan, a standing footer), whatever its words.
-- A key's article count only grows as articles arrive, while the count needed grows with
-- the outlet: so a new template is a key of a new article, and an old template is checked
-- again against its outlet's size. Roles never depend on the order articles came in.
-- Inputs: new_articles. Parameters: $min_articles, $min_share.
-- Leaves: role_updates (every paragraph whose role changed: attribution scans by these)
-- and role_changes (paragraph_id, article_id): those of the articles detect saw before.
CREATE OR REPLACE TEMP TABLE template_keys AS
SELECT DISTINCT a.outlet, p.norm_key
FROM paragraphs AS p
SEMI JOIN new_articles AS n ON n.article_id = p.article_id
JOIN articles AS a ON a.article_id = p.article_id
WHERE a.outlet IS NOT NULL AND p.base_role IN ('body', 'caption') AND p.norm_key IS NOT NULL;

CREATE OR REPLACE TEMP TABLE key_counts AS
SELECT a.outlet, p.norm_key, count(DISTINCT p.article_id) AS n_articles
FROM paragraphs AS p
SEMI JOIN (SELECT DISTINCT norm_key FROM template_keys) AS k ON k.norm_key = p.norm_key
JOIN articles AS a ON a.article_id = p.article_id
SEMI JOIN template_keys AS t ON t.outlet = a.outlet AND t.norm_key = p.norm_key
WHERE p.base_role IN ('body', 'caption')
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE templates_now AS
WITH counted AS (
    SELECT t.outlet, t.norm_key, coalesce(c.n_articles, t.n_articles) AS n_articles
    FROM outlet_templates AS t LEFT JOIN key_counts AS c USING (outlet, norm_key)
    UNION ALL
    SELECT c.outlet, c.norm_key, c.n_articles
    FROM key_counts AS c ANTI JOIN outlet_templates AS t USING (outlet, norm_key)
), sizes AS (
    SELECT outlet, count(*) AS n FROM articles WHERE outlet IS NOT NULL GROUP BY outlet
)
SELECT c.outlet, c.norm_key, c.n_articles
FROM counted AS c JOIN sizes AS s USING (outlet)
WHERE c.n_articles >= $min_articles AND c.n_articles >= $min_share * s.n;

CREATE OR REPLACE TEMP TABLE template_changes AS
SELECT outlet, norm_key FROM templates_now ANTI JOIN outlet_templates USING (outlet, norm_key)
UNION
SELECT outlet, norm_key FROM outlet_templates ANTI JOIN templates_now USING (outlet, norm_key);

DELETE FROM outlet_templates;

INSERT INTO outlet_templates SELECT * FROM templates_now;

CREATE OR REPLACE TEMP TABLE role_updates AS
WITH scope AS (
    SELECT p.paragraph_id FROM paragraphs AS p SEMI JOIN new_articles USING (article_id)
    UNION
    SELECT p.paragraph_id
    FROM paragraphs AS p
    SEMI JOIN (SELECT DISTINCT norm_key FROM template_changes) AS k ON k.norm_key = p.norm_key
    JOIN articles AS a ON a.article_id = p.article_id
    SEMI JOIN template_changes AS c ON c.outlet = a.outlet AND c.norm_key = p.norm_key
), roles AS (
    SELECT p.paragraph_id, p.article_id, p.role AS old_role, p.role_reason AS old_reason,
           CASE WHEN t.outlet IS NULL THEN p.base_role ELSE 'boilerplate' END AS role,
           CASE WHEN t.outlet IS NULL THEN p.base_reason ELSE 'outlet template' END AS role_reason
    FROM paragraphs AS p
    SEMI JOIN scope USING (paragraph_id)
    JOIN articles AS a ON a.article_id = p.article_id
    LEFT JOIN outlet_templates AS t
           ON t.outlet = a.outlet AND t.norm_key = p.norm_key
          AND p.base_role IN ('body', 'caption')
)
SELECT paragraph_id, article_id, role, role_reason FROM roles
WHERE role IS DISTINCT FROM old_role OR role_reason IS DISTINCT FROM old_reason;

UPDATE paragraphs AS p SET role = u.role, role_reason = u.role_reason
FROM role_updates AS u WHERE p.paragraph_id = u.paragraph_id;

CREATE OR REPLACE TEMP TABLE role_changes AS
SELECT paragraph_id, article_id FROM role_updates ANTI JOIN new_articles USING (article_id);
