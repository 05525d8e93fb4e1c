-- One CSV text cell, safe to open in a spreadsheet (OWASP "CSV injection"): text that
-- starts with = + - @, a tab or a carriage return would be read as a formula, so it gets a
-- leading apostrophe, which spreadsheets show as text and do not evaluate.
CREATE OR REPLACE TEMP MACRO csv_text(x) AS
    CASE WHEN regexp_matches(x, '^[=+\-@\t\r]') THEN '''' || x ELSE x END
