"""``make eval``: the tool and two lexical baselines scored on labelled corpora in one run.

One module per evaluation set (``clough``, ``msrp``, ``seeds``, ``reuters``, ``bench25k``),
each with ``run(shared_data, work) -> dict``; ``eval.run`` runs them and writes
``eval/results.json`` and ``eval/results.md``. The data is read from ``../shared/data`` and
never copied here; scratch databases go to ``eval/work/``.

A set's result: ``{"systems": {"dedup": {metric: value}, "<baseline>": {...}}, "info":
{...}}`` (counts that are not scores), or ``{"skipped": "why"}`` when its data is absent.
"""
