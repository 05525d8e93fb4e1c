-- Every attribution of a paragraph, strongest first.
SELECT paragraph_id, source, source_type, method, confidence, evidence, chain_role
FROM attributions
ORDER BY paragraph_id, confidence DESC, source, method
