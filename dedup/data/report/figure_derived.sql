-- Derived fraction of every article (the distribution figure).
SELECT derived_fraction, derivation FROM article_derivation
