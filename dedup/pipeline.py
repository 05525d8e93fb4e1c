"""The pipeline: the run's settings and the stages in order, each in its own module.

    ingest -> segment -> fingerprint -> candidates -> align -> merge -> retrieve -> rewrites ->
    translate -> cluster -> derive -> attribute

Incremental by construction: each stage records what it has processed (:mod:`dedup.state`)
and on the next run redoes only what the new articles touch, so that the result is exactly
a full run's (tests/test_incremental.py); other settings, or a change of the stop shingles,
make a stage run in full. Every stage runs inside the one transaction of the command
(:func:`dedup.store.open_db`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from dedup import (
    align,
    candidates,
    cluster,
    derive,
    fingerprint,
    merge,
    retrieve,
    rewrites,
    state,
    store,
    translate,
)
from dedup.ingest import ingest
from dedup.limits import ArticleLimit
from dedup.progress import Reporter


@dataclass(frozen=True)
class Settings:
    """Every knob of a run; stored in ``runs.settings``. Why each default is what it is:
    see the docstrings of the stage modules and README "How it works"."""

    fingerprint: fingerprint.FingerprintSettings = field(
        default_factory=fingerprint.FingerprintSettings
    )
    align: align.AlignSettings = field(default_factory=align.AlignSettings)
    retrieval: retrieve.RetrievalSettings = field(default_factory=retrieve.RetrievalSettings)
    rewrites: rewrites.RewriteSettings = field(default_factory=rewrites.RewriteSettings)
    translate: translate.TranslateSettings = field(default_factory=translate.TranslateSettings)
    threshold: float = candidates.THRESHOLD
    #: the maxDF stop list (see fingerprint.StopList): a shingle in more than the larger of
    #: the share and the count of the sampled articles is dropped
    maxdf_share: float = 0.05
    maxdf_min_articles: int = 50
    maxdf_sample: int = 5000
    #: a paragraph in this many articles of one outlet, and this share of them, is a template
    template_min_articles: int = 3
    template_min_share: float = 0.05
    #: derived_fraction cut-offs (see README "Derivation"; partially: best mean F1 over
    #: clough, panl and bench25k, ``eval/derivation.py``)
    wholly: float = 0.6
    partially: float = 0.1
    #: larger articles are rejects (see dedup.limits)
    article_limit: ArticleLimit = field(default_factory=ArticleLimit)

    def __post_init__(self) -> None:
        """Refuse cut-offs that make no sense (``wholly=-5`` called every article wholly
        derived), with the rule they break. A share of 0 is one: the count alone decides."""
        rules = [
            ("threshold", self.threshold, 0 < self.threshold <= 1, "in (0, 1]"),
            ("maxdf_share", self.maxdf_share, 0 <= self.maxdf_share <= 1, "in [0, 1]"),
            ("template_min_share", self.template_min_share, 0 <= self.template_min_share <= 1, "in [0, 1]"),
            ("maxdf_min_articles", self.maxdf_min_articles, self.maxdf_min_articles >= 0, "at least 0"),
            ("maxdf_sample", self.maxdf_sample, self.maxdf_sample >= 1, "at least 1"),
            ("template_min_articles", self.template_min_articles, self.template_min_articles >= 1, "at least 1"),
        ]  # fmt: skip
        for name, value, holds, rule in rules:
            if not holds:
                raise ValueError(f"Settings.{name} must be {rule}, not {value!r}")
        if not 0 <= self.partially <= self.wholly <= 1:
            raise ValueError(
                "Settings: 0 <= partially <= wholly <= 1 must hold, not "
                f"partially={self.partially!r}, wholly={self.wholly!r}"
            )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def stop_list(self) -> fingerprint.StopList:
        return fingerprint.StopList(self.maxdf_share, self.maxdf_min_articles, self.maxdf_sample)


#: settings that change no detect result (an article too large is never ingested)
_NOT_DETECT = ("fingerprint", "article_limit")


def detect(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    rep: Reporter,
    after_roles: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Everything from roles to derivation, for the articles detect has not seen.

    Full (every article, derived tables rebuilt) on a database detect never ran on, with
    other settings (``settings_changed`` in the counts lists them), or when the stop
    shingles changed; otherwise only what new articles touch is redone, and the result is
    the same as a full run's.
    """
    fp = settings.fingerprint
    fingerprint.check_settings(con, fp)
    counts: dict[str, Any] = {}
    redo = rep.stage("stoplist", lambda: fingerprint.update_stoplist(con, fp, settings.stop_list()))
    detect_settings = {k: v for k, v in settings.as_dict().items() if k not in _NOT_DETECT}
    # the settings of the last run, and now as stored (JSON): a full redo because of other
    # settings says which (a first run has none before it)
    before, now = state.stage_settings(con, "detect"), json.loads(json.dumps(detect_settings))
    if changed := before and state.changed_settings(before, now):
        counts["settings_changed"] = changed
    full = state.begin_stage(con, "detect", detect_settings, force=redo)
    if full:
        # attribution redoes the links of the articles whose alignments change: those that
        # lose every one are known only here
        con.execute(
            "INSERT INTO stale_articles SELECT source_article_id, 'alignments' FROM alignments "
            "UNION SELECT target_article_id, 'alignments' FROM alignments"
        )
        for table in ("alignments", "clusters", "article_derivation", "outlet_templates"):
            con.execute(f"DELETE FROM {table}")
        if before.get("align", now["align"]) != now["align"]:
            con.execute("DELETE FROM pair_checks; DELETE FROM sentence_alignments")
    else:
        state.cache_database(con)
    if redo:  # the stop shingles changed: every signature and its band keys are made anew
        con.execute("DELETE FROM signatures; DELETE FROM band_keys")
    store.run_sql_file(con, "article_order.sql")
    rep.stage(
        "templates",
        lambda: store.run_sql_file(
            con,
            "outlet_templates.sql",
            min_articles=settings.template_min_articles,
            min_share=settings.template_min_share,
        ),
    )
    if after_roles is not None:  # every paragraph role is final from here on
        after_roles()
    on_signed = candidates.band_keeper(con, settings.threshold, fp.num_perm)
    counts["signatures_new"] = rep.stage(
        "fingerprint", lambda: fingerprint.fingerprint_units(con, fp, full, on_signed)
    )
    counts["candidate_pairs"] = rep.stage(
        "candidates", lambda: candidates.update(con, settings.threshold, fp.num_perm, full)
    )
    counts["pairs_aligned_new"] = rep.stage(
        "align", lambda: align.align_candidates(con, settings.align, rep, full)
    )
    counts["alignments"] = rep.stage(
        "merge", lambda: merge.build_alignments(con, settings.align.max_gap)
    )
    counts["article_pairs"] = rep.stage(
        "retrieve",
        lambda: retrieve.update(con, settings.retrieval, settings.maxdf_sample, full),
    )
    counts["paraphrase_alignments"] = rep.stage(
        "rewrites", lambda: rewrites.update(con, settings.rewrites, full)
    )
    counts["translation_alignments"] = rep.stage(
        "translate",
        lambda: translate.update(con, settings.translate, settings.retrieval.window_days),
    )
    counts["clusters"] = rep.stage("cluster", lambda: cluster.update_clusters(con))
    rep.stage("derive", lambda: derive.derive(con, settings.wholly, settings.partially))
    state.mark_stale(con)
    state.finish_stage(con, "detect", detect_settings)
    return counts


STAGES = ("ingest", "detect", "attribute")


def run(
    inputs: list[Path],
    db: Path,
    settings: Settings | None = None,
    quiet: bool = True,
    stages: tuple[str, ...] = STAGES,
    command: str = "run",
    follow_links: bool = False,
) -> dict[str, Any]:
    """Run the given stages in one transaction; returns the run's counts and timings.
    ``follow_links``: read symlinks of an input folder that lead outside it."""
    settings = settings or Settings()
    rep = Reporter(quiet)
    with store.open_db(db, write=True) as con:
        run_id = store.start_run(
            con, command, settings.as_dict() | {"inputs": [store.shown_path(p) for p in inputs]}
        )
        counts: dict[str, Any] = {}
        if "ingest" in stages:
            counts |= rep.stage(
                "ingest",
                lambda: ingest(
                    con,
                    inputs,
                    run_id,
                    rep,
                    settings.fingerprint,
                    settings.article_limit,
                    follow_links,
                ),  # fmt: skip
            )
        early: list[Any] = []

        def scan_ahead() -> None:  # attribution's cue scan, on the other core meanwhile
            from dedup import attribute

            early.append(attribute.start_scan(con))

        try:
            if "detect" in stages:
                counts |= detect(con, settings, rep, scan_ahead if "attribute" in stages else None)
            if "attribute" in stages:
                from dedup import attribute

                scan = early[0] if early else None
                counts |= rep.stage("attribute", lambda: attribute.attribute(con, scan))
        finally:  # a scan not taken (the run failed, or attribution rescans other articles)
            # leaves neither its child nor its file behind
            for scan in early:
                if scan is not None:
                    scan.cancel()
        counts |= {
            "tables": store.table_counts(con),
            "stage_seconds": rep.timings,
            "stage_peak_mb": rep.peaks,
        }
        store.finish_run(con, run_id, counts)
    return counts
