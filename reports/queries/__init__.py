"""Not code: the report queries shipped with dedup (installed as ``dedup.queries``).

pyproject.toml maps this folder to the package ``dedup.queries``, so that ``pip install .``
carries the .sql files. Add a report table by dropping a .sql file here.
"""
