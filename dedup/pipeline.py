"""The pipeline: ingest -> segment -> fingerprint -> candidates -> align -> cluster -> derive
-> attribute, each stage reading and writing the DuckDB tables.

Incremental by construction. Articles, sentences and signatures are computed once; sentence
pairs already aligned are remembered in ``pair_checks``. Each later stage records in
``meta`` the articles it has processed and the settings it ran with, and on the next run
redoes only what the new articles touch: outlet templates of their outlets' paragraphs, the
LSH buckets their texts fall in (``band_keys``), the candidate links of texts whose
representative or pairs changed, the alignments, clusters and derivation of paragraphs
whose candidates changed, and the attributions around them. Each step is written so that
the result is exactly a full run's (tests/test_incremental.py); other settings, or a
change of the stop shingles, make the stage run in full.
"""

from __future__ import annotations

import json
import logging
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dedup import DedupError, align, candidates, cluster, fingerprint, segment, store
from dedup.parallel import batched, parallel_map
from dedup.readers import Article, Reject, read_inputs

log = logging.getLogger("dedup")
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """Every knob of a run; stored in ``runs.settings``. Why each default is what it is:
    see the docstrings of the stage modules and README "How it works"."""

    fingerprint: fingerprint.FingerprintSettings = field(
        default_factory=fingerprint.FingerprintSettings
    )
    align: align.AlignSettings = field(default_factory=align.AlignSettings)
    threshold: float = candidates.THRESHOLD
    #: a shingle in more than this share of the sampled articles (and in at least
    #: maxdf_min_articles of them) is too common to be evidence of reuse
    maxdf_share: float = 0.05
    maxdf_min_articles: int = 50
    #: the maxDF sample: the first articles ingested; frozen once this many exist, so that
    #: fingerprints never change as the corpus grows
    maxdf_sample: int = 5000
    #: a paragraph in this many articles of one outlet, and this share of them, is a template
    template_min_articles: int = 3
    template_min_share: float = 0.05
    #: derived_fraction cut-offs (see README "Derivation")
    wholly: float = 0.6
    partially: float = 0.15

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Reporter:
    """Progress bars and stage timings on stderr (silent with ``quiet``)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.console = Console(stderr=True, quiet=quiet)
        self.timings: dict[str, float] = {}
        #: peak resident memory (MiB) of this process by the end of each stage
        self.peaks: dict[str, float] = {}

    def track(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        if self.quiet:
            yield from items
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console, transient=True) as progress:
            task = progress.add_task(description, total=total)
            for item in items:
                yield item
                progress.advance(task)

    def stage(self, name: str, fn: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = fn()
        self.timings[name] = round(time.perf_counter() - started, 3)
        self.peaks[name] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        log.info("%s: %.2fs", name, self.timings[name])
        return result


# ---------------------------------------------------------------- ingest + segment


#: articles per segmentation chunk: what one worker segments and one insert writes
SEGMENT_CHUNK = 500
#: input records whose ids are looked up in the database at once (not every stored id)
LOOKUP_BLOCK = 10_000

_REJECT_SCHEMA = {
    "source_path": pl.String,
    "record": pl.String,
    "reason": pl.String,
    "run_id": pl.Int32,
}
_UNIT_SCHEMA = {
    "sentence_id": pl.String,
    "paragraph_id": pl.String,
    "article_id": pl.String,
    "unit_kind": pl.String,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "norm_hash": pl.UInt64,
}
_SENTENCE_COLUMNS = ["sentence_id", "paragraph_id", "article_id", "seq", "char_start", "char_end"]


def ingest(con: duckdb.DuckDBPyConnection, inputs: list[Path], run_id: int, rep: Reporter) -> dict:
    """Store new articles with their paragraphs, sentences and fingerprint units.

    Articles stream through in chunks segmented on every core, so memory stays bounded by
    a few chunks whatever the corpus size.
    """
    any_stored = bool(store.scalar(con, "SELECT count(*) FROM articles"))
    seen: dict[str, tuple[str, str]] = {}
    rejects: list[Reject] = []
    counts = {"articles_new": 0, "articles_unchanged": 0}

    def new_articles() -> Iterator[Article]:
        records = rep.track(read_inputs(inputs), "ingesting")
        for block in batched(records, LOOKUP_BLOCK):
            ids = {r.article_id for r in block if isinstance(r, Article)}
            stored = (
                dict(_rows_of(con, "article_id, content_hash", ids, None)) if any_stored else {}
            )
            for item in block:
                if isinstance(item, Reject):
                    rejects.append(item)
                    continue
                known = stored.get(item.article_id) or (seen.get(item.article_id) or (None,))[0]
                if known == item.content_hash:
                    counts["articles_unchanged"] += 1
                elif known is not None:
                    first = seen.get(item.article_id, (None, "the database"))[1]
                    reason = f"id {item.article_id!r} already has a different text (in {first})"
                    rejects.append(Reject(item.source_path, item.text[:200], reason))
                else:
                    seen[item.article_id] = (item.content_hash, item.source_path)
                    counts["articles_new"] += 1
                    yield item

    for frames in parallel_map(segment_articles, batched(new_articles(), SEGMENT_CHUNK)):
        for table, frame in frames.items():
            store.insert(
                con,
                table,
                frame.with_columns(pl.lit(run_id).alias("run_id"))
                if table == "articles"
                else frame,
            )
    rows = [r.__dict__ | {"run_id": run_id} for r in rejects]
    store.insert(con, "rejects", pl.DataFrame(rows, schema=_REJECT_SCHEMA))
    return counts | {"rejects": len(rejects)}


def segment_articles(articles: list[Article]) -> dict[str, pl.DataFrame]:
    """Rows for articles, paragraphs, sentences and units of new articles."""
    fp = fingerprint.FingerprintSettings()
    art_rows, par_rows, sen_rows, unit_rows = [], [], [], []
    for art in articles:
        art_rows.append(dict(art.__dict__))
        text = art.text
        for p in segment.segment_paragraphs(text, art.title):
            pid = f"{art.article_id}/{p.seq}"
            body = text[p.start : p.end]
            key = segment.norm_key(body)  # stored hashed: template counts then read 8 bytes
            par_rows.append(
                (pid, art.article_id, p.seq, p.start, p.end, p.role, p.reason, p.role, p.reason,
                 body, fingerprint.norm_hash(key) if key else None)
            )  # fmt: skip
            for k, (s, e) in enumerate(segment.sentence_spans(text, p.start, p.end)):
                sid = f"{pid}/{k}"
                sen_rows.append((sid, pid, art.article_id, k, s, e))
                if p.role in (segment.HEADLINE, segment.BODY):
                    unit_rows.extend(_units(text, sid, pid, art.article_id, s, e, fp))
    return {
        "articles": pl.DataFrame(art_rows, infer_schema_length=None),
        "paragraphs": pl.DataFrame(par_rows, schema=_PARAGRAPH_SCHEMA, orient="row"),
        "sentences": pl.DataFrame(sen_rows, schema=_SENTENCE_COLUMNS, orient="row"),
        "units": pl.DataFrame(unit_rows, schema=_UNIT_SCHEMA, orient="row"),
    }


_PARAGRAPH_SCHEMA = {
    "paragraph_id": pl.String, "article_id": pl.String, "seq": pl.Int32, "char_start": pl.Int32,
    "char_end": pl.Int32, "role": pl.String, "role_reason": pl.String, "base_role": pl.String,
    "base_reason": pl.String, "text": pl.String, "norm_key": pl.UInt64,
}  # fmt: skip


def _units(
    text: str, sid: str, pid: str, aid: str, s: int, e: int, fp: fingerprint.FingerprintSettings
) -> list[tuple]:
    """The sentence and its clauses, each long enough to be fingerprinted."""
    spans = [("sentence", s, e)] + [
        ("clause", a, b) for a, b in fingerprint.clause_spans(text, s, e, fp.clause_min_chars)
    ]
    out = []
    for kind, a, b in spans:
        norm = fingerprint.normalise(text[a:b])
        if len(norm) >= fp.min_chars:
            out.append((sid, pid, aid, kind, a, b, fingerprint.norm_hash(norm)))
    return out


# ---------------------------------------------------------------- fingerprint


def check_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Refuse to mix signatures made with other fingerprint settings in one database."""
    wanted = json.dumps(settings.fingerprint.as_dict(), sort_keys=True)
    stored = store.scalar(con, "SELECT value FROM meta WHERE key = 'fingerprint'")
    if stored is None:
        con.execute("INSERT INTO meta VALUES ('fingerprint', ?)", [wanted])
    elif stored != wanted:
        raise DedupError(
            f"this database holds signatures made with {stored}, not {wanted}: "
            "use a new database (--db) or the settings it was made with"
        )


def update_stoplist(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Recompute the maxDF stop shingles while the corpus is smaller than the sample; then
    freeze them. Returns True when they changed (every signature must then be redone)."""
    if store.scalar(con, "SELECT value FROM meta WHERE key = 'stoplist_frozen'"):
        return False
    n = settings.maxdf_sample
    rows = con.execute(
        """
        SELECT a.article_id, a.text[s.char_start + 1 : s.char_end]
        FROM (SELECT article_id, text FROM articles ORDER BY run_id, article_id LIMIT ?) AS a
        JOIN units AS s USING (article_id) WHERE s.unit_kind = 'sentence'
        """,
        [n],
    ).fetchall()
    n_articles = store.scalar(con, "SELECT least(count(*), ?) FROM articles", [n])
    stop = _frequent_shingles(rows, n_articles, settings)
    old = con.execute("SELECT shingle_hash FROM stop_shingles ORDER BY 1").fetchnumpy()[
        "shingle_hash"
    ]
    changed = not np.array_equal(np.asarray(old, dtype=np.uint32), stop)
    if changed:
        con.execute("DELETE FROM stop_shingles")
        store.insert(
            con, "stop_shingles", pl.DataFrame({"shingle_hash": pl.Series(stop, dtype=pl.UInt32)})
        )
    if n_articles >= n:
        con.execute("INSERT INTO meta VALUES ('stoplist_frozen', ?)", [str(n_articles)])
    return changed


def _frequent_shingles(rows: list[tuple], n_articles: int, settings: Settings) -> np.ndarray:
    """Shingle hashes found in more than maxdf_share of the articles (sorted)."""
    limit = max(settings.maxdf_share * n_articles, settings.maxdf_min_articles)
    if not rows or n_articles <= limit:
        return np.empty(0, dtype=np.uint32)
    ids = {aid: i for i, aid in enumerate(dict.fromkeys(r[0] for r in rows))}
    norms = [fingerprint.normalise(sentence) for _, sentence in rows]
    owner = np.array([ids[r[0]] for r in rows], dtype=np.uint64)
    h, starts = fingerprint.shingle_hashes(norms, settings.fingerprint.shingle)
    per = np.repeat(owner, np.diff(np.append(starts, h.shape[0])))
    # distinct (article, shingle), then the number of articles per shingle
    pairs = np.sort((per << np.uint64(32)) | h.astype(np.uint64))
    values = np.sort(pairs[np.diff(pairs, prepend=~pairs[:1]) != 0].astype(np.uint32))
    starts = np.flatnonzero(np.diff(values, prepend=~values[:1]))
    df = np.diff(np.append(starts, values.shape[0]))
    return values[starts][df > limit]


#: passages signed per batch: bounds memory (signatures are 512 bytes each)
FINGERPRINT_BATCH = 200_000


def fingerprint_units(
    con: duckdb.DuckDBPyConnection, settings: Settings, full: bool, redo: bool
) -> int:
    """Signatures for every distinct unit text that has none yet, with their band keys, in
    bounded batches; in an incremental run only new articles have such units."""
    fp = settings.fingerprint
    params = candidates.lsh_params(con, settings.threshold, fp.num_perm)
    if redo:
        con.execute("DELETE FROM signatures; DELETE FROM band_keys")
    candidates.sync_band_keys(con, params)
    scope = "units" if full else "(SELECT * FROM units SEMI JOIN new_articles USING (article_id))"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE unsigned AS
        SELECT u.norm_hash, any_value(a.text[u.char_start + 1 : u.char_end]) AS passage,
               row_number() OVER () AS rn
        FROM {scope} AS u JOIN articles AS a USING (article_id)
        ANTI JOIN signatures AS g ON g.norm_hash = u.norm_hash
        GROUP BY u.norm_hash
        """
    )
    total = store.scalar(con, "SELECT count(*) FROM unsigned")
    stop = con.execute("SELECT shingle_hash FROM stop_shingles ORDER BY 1").fetchnumpy()
    stop = np.asarray(stop["shingle_hash"], dtype=np.uint32)
    for lo in range(0, total, FINGERPRINT_BATCH):
        rows = con.execute(
            "SELECT norm_hash, passage FROM unsigned WHERE rn > ? AND rn <= ?",
            [lo, lo + FINGERPRINT_BATCH],
        ).fetchnumpy()
        hashes = np.asarray(rows["norm_hash"], dtype=np.uint64)
        sigs, counts = fingerprint.sign_passages(list(rows["passage"]), fp, stop)
        frame = pl.DataFrame(
            {
                "norm_hash": pl.Series(hashes, dtype=pl.UInt64),
                "n_shingles": pl.Series(counts, dtype=pl.Int32),
                "hashvalues": pl.Series([row.tobytes() for row in sigs], dtype=pl.Binary),
            }
        )
        store.insert(con, "signatures", frame)
        candidates.add_band_keys(con, hashes, sigs, params)
    return total


# ---------------------------------------------------------------- candidates + align


#: sentence pairs per alignment task, and what the forked workers read (set before forking)
ALIGN_CHUNK = 5000
_ALIGN_INPUT: dict[str, Any] = {}


def _align_batch(rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    texts, settings = _ALIGN_INPUT["texts"], _ALIGN_INPUT["settings"]
    sentences: dict[str, align.Sentence] = {}  # a star's head is in many pairs

    def sentence(sentence_id: str, article_id: str, start: int, end: int) -> align.Sentence:
        if sentence_id not in sentences:
            sentences[sentence_id] = align.Sentence(texts[article_id], start, end)
        return sentences[sentence_id]

    checks, spans = [], []
    for sa, sb, aa, a0, a1, ab, b0, b1 in rows:
        found = align.align_pair(sentence(sa, aa, a0, a1), sentence(sb, ab, b0, b1), settings)
        checks.append((sa, sb, bool(found)))
        spans.extend((sa, sb, p.a_start, p.a_end, p.b_start, p.b_end, p.matched) for p in found)
    return checks, spans


#: candidate pairs aligned per wave: what the parent holds at once (pairs, texts, results)
ALIGN_WAVE = 250_000


def align_candidates(
    con: duckdb.DuckDBPyConnection, settings: Settings, rep: Reporter, full: bool
) -> int:
    """Align the new candidate sentence pairs not aligned before; remember every verdict.

    Verdicts go with their pairs (candidate_pairs.sql): only a full run, which makes every
    pair anew, meets pairs that already have one. The pairs are fetched as one compact Arrow
    table and aligned in waves, each with only the texts it needs, so memory does not grow
    with the number of pairs."""
    checked = (
        "ANTI JOIN pair_checks AS k ON k.sentence_a = c.sentence_a AND k.sentence_b = c.sentence_b"
        if full
        else ""
    )
    todo = con.sql(
        f"""
        SELECT c.sentence_a, c.sentence_b, sa.article_id AS aa, sa.char_start AS a0,
               sa.char_end AS a1, sb.article_id AS ab, sb.char_start AS b0, sb.char_end AS b1
        FROM pair_changes AS c
        JOIN sentences AS sa ON sa.sentence_id = c.sentence_a
        JOIN sentences AS sb ON sb.sentence_id = c.sentence_b
        {checked}
        WHERE c.present
        ORDER BY sa.article_id, sb.article_id
        """
    ).to_arrow_table()
    total = todo.num_rows
    progress = rep.track(range(0, total, ALIGN_CHUNK), "aligning", total=-(-total // ALIGN_CHUNK))
    ticks = iter(progress)
    for lo in range(0, total, ALIGN_WAVE):
        wave = pl.from_arrow(todo.slice(lo, ALIGN_WAVE))
        needed = set(wave["aa"].unique().to_list()) | set(wave["ab"].unique().to_list())
        _ALIGN_INPUT.update(texts=_texts(con, needed), settings=settings.align)
        checks, spans = [], []
        for batch_checks, batch_spans in parallel_map(
            _align_batch, batched(wave.iter_rows(), ALIGN_CHUNK)
        ):
            checks.extend(batch_checks)
            spans.extend(batch_spans)
            next(ticks, None)
        _ALIGN_INPUT.clear()
        store.insert(
            con,
            "pair_checks",
            pl.DataFrame(checks, schema=["sentence_a", "sentence_b", "accepted"], orient="row"),
        )
        columns = ["sentence_a", "sentence_b", "a_start", "a_end", "b_start", "b_end"]
        store.insert(
            con,
            "sentence_alignments",
            pl.DataFrame(spans, schema=[*columns, "matched_tokens"], orient="row"),
        )
    return total


def _texts(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, str]:
    return dict(_rows_of(con, "article_id, text", ids))


def _rows_of(
    con: duckdb.DuckDBPyConnection, columns: str, ids: set[str], fresh: str | None = "new_articles"
) -> list[tuple]:
    """Columns of the articles with the given ids (``fresh``: see :func:`store.picked`)."""
    frame = pl.DataFrame({"article_id": sorted(ids)}, schema={"article_id": pl.String})
    with store.registered(con, _ids=frame):
        return con.execute(
            store.picked("articles", columns, "article_id", "_ids", fresh)
        ).fetchall()


def build_alignments(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Merge the sentence-level span pairs of paragraph pairs whose candidates changed into
    oriented, scored passages, replacing their alignments. Leaves the temp tables
    ``removed_alignments`` and ``added_alignments``; returns the number of alignments."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE merge_pairs AS  -- a sentence id is '<paragraph_id>/<n>'
        SELECT DISTINCT parse_dirpath(sentence_a, 'forward_slash') AS pa,
                        parse_dirpath(sentence_b, 'forward_slash') AS pb
        FROM pair_changes;
        CREATE OR REPLACE TEMP TABLE removed_alignments AS
        SELECT a.alignment_id, a.source_article_id, a.target_article_id, a.cluster_id
        FROM alignments AS a
        SEMI JOIN (SELECT pa, pb FROM merge_pairs UNION ALL SELECT pb, pa FROM merge_pairs) AS m
            ON m.pa = a.source_paragraph_id AND m.pb = a.target_paragraph_id;
        DELETE FROM alignments WHERE alignment_id IN (SELECT alignment_id FROM removed_alignments);
        """
    )
    rows = con.execute(
        """
        SELECT parse_dirpath(x.pa, 'forward_slash'), x.pa, parse_dirpath(x.pb, 'forward_slash'),
               x.pb, x.a_start, x.a_end, x.b_start, x.b_end, x.matched_tokens
        FROM (
            SELECT *, parse_dirpath(sentence_a, 'forward_slash') AS pa,
                      parse_dirpath(sentence_b, 'forward_slash') AS pb
            FROM sentence_alignments
        ) AS x
        SEMI JOIN merge_pairs AS m USING (pa, pb)
        ORDER BY 1, 2, 3, 4, 5, 7
        """
    ).fetchall()
    groups: dict[tuple, list[align.SpanPair]] = {}
    for aa, pa, ab, pb, *span in rows:
        groups.setdefault((aa, pa, ab, pb), []).append(align.SpanPair(*span))
    ids = {k[0] for k in groups} | {k[2] for k in groups}
    rows = _rows_of(con, "article_id, outlet, kind, published, text", ids)
    meta = {r[0]: r[1:4] for r in rows}
    texts = {r[0]: r[4] for r in rows}
    out = []
    for (aa, pa, ab, pb), pairs in groups.items():
        basis, a_is_source = direction(meta[aa], meta[ab], aa, ab)
        outlet_a, outlet_b = meta[aa][0], meta[ab][0]
        same = outlet_a is not None and outlet_a == outlet_b
        for p in align.merge_spans(pairs, texts[aa], texts[ab], settings.align.max_gap):
            value = align.score(texts[aa][p.a_start : p.a_end], texts[ab][p.b_start : p.b_end])
            a_side = (aa, pa, p.a_start, p.a_end)
            b_side = (ab, pb, p.b_start, p.b_end)
            src, tgt = (a_side, b_side) if a_is_source else (b_side, a_side)
            out.append((*src, *tgt, value, align.match_kind(value), same, basis))
    out.sort()
    columns = [
        "source_article_id", "source_paragraph_id", "source_start", "source_end",
        "target_article_id", "target_paragraph_id", "target_start", "target_end",
        "score", "match_kind", "same_outlet", "direction_basis",
    ]  # fmt: skip
    first_id = store.scalar(con, "SELECT coalesce(max(alignment_id), 0) + 1 FROM alignments")
    frame = pl.DataFrame(out, schema=columns, orient="row").with_row_index(
        "alignment_id", offset=first_id
    )
    store.insert(con, "alignments", frame.with_columns(pl.col("alignment_id").cast(pl.Int64)))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE added_alignments AS "
        "SELECT alignment_id FROM alignments WHERE alignment_id >= ?",
        [first_id],
    )
    return store.scalar(con, "SELECT count(*) FROM alignments")


def direction(meta_a: tuple, meta_b: tuple, id_a: str, id_b: str) -> tuple[str, bool]:
    """(basis, whether a is the source): earlier publication, else wire copy, else id."""
    (_, kind_a, pub_a), (_, kind_b, pub_b) = meta_a, meta_b
    if pub_a is not None and pub_b is not None and pub_a != pub_b:
        return "published", pub_a < pub_b
    if kind_a != kind_b:
        return "kind", kind_a == "wire"
    return "article_id", id_a < id_b


# ---------------------------------------------------------------- stages and run


def detect(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    rep: Reporter,
    after_roles: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Everything from roles to derivation, for the articles detect has not seen.

    Full (every article, derived tables rebuilt) on a database detect never ran on, with
    other settings, or when the stop shingles changed; otherwise only what new articles
    touch is redone, and the result is the same as a full run's.
    """
    check_settings(con, settings)
    counts: dict[str, int] = {}
    redo = rep.stage("stoplist", lambda: update_stoplist(con, settings))
    state = {k: v for k, v in settings.as_dict().items() if k != "fingerprint"}
    full = store.begin_stage(con, "detect", state, force=redo)
    if not full:
        store.cache_database(con)
    if full:
        for table in ("alignments", "clusters", "article_derivation", "outlet_templates"):
            con.execute(f"DELETE FROM {table}")
        aligned_with = store.stage_settings(con, "detect").get("align")
        if aligned_with is not None and aligned_with != json.loads(json.dumps(state["align"])):
            con.execute("DELETE FROM pair_checks; DELETE FROM sentence_alignments")
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
    counts["signatures_new"] = rep.stage(
        "fingerprint", lambda: fingerprint_units(con, settings, full, redo)
    )
    counts["candidate_pairs"] = rep.stage(
        "candidates",
        lambda: candidates.update(con, settings.threshold, settings.fingerprint.num_perm, full),
    )
    counts["pairs_aligned_new"] = rep.stage(
        "align", lambda: align_candidates(con, settings, rep, full)
    )
    counts["alignments"] = rep.stage("merge", lambda: build_alignments(con, settings))
    counts["clusters"] = rep.stage("cluster", lambda: cluster.update_clusters(con))
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE derive_articles AS
        SELECT article_id FROM new_articles
        UNION SELECT article_id FROM role_changes
        UNION SELECT article_id FROM changed_articles
        """
    )
    rep.stage(
        "derive",
        lambda: store.run_sql_file(
            con, "derivation.sql", wholly=settings.wholly, partially=settings.partially
        ),
    )
    # attribution must look again at articles whose roles or alignments changed
    con.execute(
        "INSERT INTO stale_articles SELECT article_id, 'roles' FROM role_changes "
        "UNION SELECT article_id, 'alignments' FROM changed_articles"
    )
    store.finish_stage(con, "detect", state)
    return counts


def attribute(con: duckdb.DuckDBPyConnection, rep: Reporter, early: Any = None) -> dict[str, int]:
    from dedup import attribute as attribution

    return rep.stage("attribute", lambda: attribution.attribute(con, early))


STAGES = ("ingest", "detect", "attribute")


def run(
    inputs: list[Path],
    db: Path,
    settings: Settings | None = None,
    quiet: bool = True,
    stages: tuple[str, ...] = STAGES,
    command: str = "run",
) -> dict[str, Any]:
    """Run the given stages in one transaction; returns the run's counts and timings."""
    settings = settings or Settings()
    rep = Reporter(quiet)
    with store.open_db(db, write=True) as con:
        run_id = store.start_run(
            con, command, settings.as_dict() | {"inputs": [str(p) for p in inputs]}
        )
        counts: dict[str, Any] = {}
        if "ingest" in stages:
            counts |= rep.stage("ingest", lambda: ingest(con, inputs, run_id, rep))
        early: list[Any] = []

        def scan_ahead() -> None:  # attribution's cue scan, on the other core meanwhile
            from dedup import attribute as attribution

            early.append(attribution.start_scan(con))

        if "detect" in stages:
            counts |= detect(con, settings, rep, scan_ahead if "attribute" in stages else None)
        if "attribute" in stages:
            counts |= attribute(con, rep, early[0] if early else None)
        counts |= {
            "tables": store.table_counts(con),
            "stage_seconds": rep.timings,
            "stage_peak_mb": rep.peaks,
        }
        store.finish_run(con, run_id, counts)
    return counts
