-- Rejects of this run not already recorded (same file, record and reason): rerunning the
-- same input leaves `rejects` as it was; a record is listed once however often it is read.
INSERT INTO rejects
SELECT DISTINCT n.source_path, n.record, n.reason, n.run_id
FROM new_rejects n
WHERE NOT EXISTS (
    SELECT 1 FROM rejects r
    WHERE r.source_path IS NOT DISTINCT FROM n.source_path
      AND r.record IS NOT DISTINCT FROM n.record
      AND r.reason = n.reason
);
