"""Rewrites stage: sentences reused through rewording, inside retrieved article pairs.

Reads: article_pairs, alignments (the verbatim ones), sentences, paragraphs, articles,
term_df and the ``meta`` row terms_sample, and the temp tables retrieve_targets,
removed_alignments and added_alignments.
Leaves: alignments with ``match_kind = 'paraphrase'`` (their ids added to
``added_alignments``, the removed ones to ``removed_alignments``, for :mod:`dedup.cluster`).

The verbatim aligner finds shared runs of words; an outlet that rewrote a wire story
(words substituted, clauses moved, sentences fused or split) shares few. Inside the pairs
that retrieval proposes (:mod:`dedup.retrieve`), sentences of the target that no verbatim
alignment covers are paired with the source's sentences by the paraphrase model
(:mod:`dedup.paraphrase`), and each pair it accepts becomes an alignment with offsets on
both sides.

Which pairs (``RewriteSettings``): a target's most likely source in its own language (the
model compares words of one language; a translation is :mod:`dedup.translate`'s) when its
direction is decided (an undecided pair derives nothing) and its retrieval score is at
least 0.25, and only while the source's verbatim alignments cover less than half of the target's body: a
copy that verbatim alignment already explains needs no second look. On the 25,000-article
bench corpus the two best sources from 0.2 took 10.1 s and lowered precision (0.974 to
0.967: synthetic filler paired by chance); the best one from 0.25 takes 3.8 s, with the
same results on Clough. When that source copied another of the target's candidates (a
verbatim alignment from it) scoring at least 90% of its score, the two are siblings and the
candidate is read instead (``data/rewrite_pairs.sql``): a copy of the wire with a lede of its
own outscores the wire for a rewrite of the wire, and the rewording would be traced to the
copy (helper-47's Arabic paraphrase). A target sentence
counts as covered when verbatim alignments of decided direction cover half of it, whatever
their source: a sentence copied from the wire is explained, and two outlets that both copied
it are siblings, so pairing it with the other outlet would report identical text as
reworded (and a pair of rewordings per two copies of a widely syndicated story).

Incremental: a pair's paraphrase alignments depend on the two texts, their roles, their
verbatim alignments (the target's with any source, and the ranked source's from the one
read instead) and the frozen term frequencies, so a target is redone when its ranked source,
the source read or itself is an article whose retrieval or verbatim alignments changed in
this run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import polars as pl

from dedup import paraphrase, store
from dedup.ids import with_alignment_ids
from dedup.parallel import batched, parallel_map

#: article pairs per worker task, and what the forked workers read (set before forking)
PAIR_CHUNK = 50
_INPUT: dict[str, Any] = {}
#: a target sentence this much covered by verbatim alignments is not paired again
COVERED = 0.5
#: a ranked source that copied another candidate of the target scoring at least this share
#: of its score is the target's sibling, and that candidate is read instead (see
#: data/rewrite_pairs.sql): derivation.sql's 90% for siblings
SIBLING = 0.9
#: a rewording pair holds at least this many tokens on each side, its sentences together:
#: the verbatim aligner's own minimum for a reused sentence pair
#: (align.AlignSettings.min_matched); a shorter line alone is a formula ("The company gave
#: no details.") that unrelated stories share, but joined to the next sentence it is part
#: of a statement ("Inheritance was first used in 1967. It came with Simula, ...")
MIN_TOKENS = 8


@dataclass(frozen=True)
class RewriteSettings:
    max_rank: int = 1
    min_score: float = 0.25
    max_covered: float = 0.5

    def as_dict(self) -> dict:
        return asdict(self)


def _sentences(con: duckdb.DuckDBPyConnection, ids: pl.DataFrame) -> dict[str, list[tuple]]:
    """Body and headline sentences (start, end, paragraph_id) of the given articles."""
    with store.registered(con, _ids=ids):
        rows = con.execute(
            """
            SELECT s.article_id, s.char_start, s.char_end, s.paragraph_id
            FROM sentences AS s SEMI JOIN _ids USING (article_id)
            JOIN paragraphs AS p USING (paragraph_id)
            WHERE p.role IN ('body', 'headline')
            ORDER BY s.article_id, s.char_start
            """
        ).fetchall()
    out: dict[str, list[tuple]] = {}
    for article_id, start, end, paragraph_id in rows:
        out.setdefault(article_id, []).append((start, end, paragraph_id))
    return out


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return inside >= COVERED * max(end - start, 1)


def _align_pairs(pairs: list[tuple]) -> list[tuple]:
    """Alignment rows of some article pairs (a worker's task)."""
    texts, sentences, verbatim, idf = (_INPUT[k] for k in ("texts", "sentences", "verbatim", "idf"))
    rows = []
    for source, target, basis in pairs:
        covered = verbatim.get(target, [])
        t_sents = [x for x in sentences.get(target, []) if not _covered(covered, x[0], x[1])]
        s_sents = sentences.get(source, [])
        if not t_sents or not s_sents:
            continue
        found = paraphrase.align_sentences(
            texts[source],
            [x[:2] for x in s_sents],
            texts[target],
            [x[:2] for x in t_sents],
            idf,
            min_tokens=MIN_TOKENS,
            # a span never crosses paragraphs: sentences join only inside one
            blocks=([x[2] for x in s_sents], [x[2] for x in t_sents]),
        )
        rows.extend(
            (source, s_sents[a.a_sentences[0]][2], a.a_start, a.a_end, target,
             t_sents[a.b_sentences[0]][2], a.b_start, a.b_end, round(100 * a.score, 2), basis)
            for a in found
        )  # fmt: skip
    return rows


_COLUMNS = [
    "source_article_id", "source_paragraph_id", "source_start", "source_end",
    "target_article_id", "target_paragraph_id", "target_start", "target_end",
    "score", "direction_basis",
]  # fmt: skip


def update(con: duckdb.DuckDBPyConnection, settings: RewriteSettings, full: bool) -> int:
    """Redo the paraphrase alignments of the pairs that touch a changed article; returns
    the number of paraphrase alignments."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rewrite_scope AS "
        + (
            "SELECT article_id FROM articles"
            if full
            else """
            SELECT article_id FROM retrieve_targets
            UNION SELECT source_article_id FROM removed_alignments
            UNION SELECT target_article_id FROM removed_alignments
            UNION SELECT a.source_article_id FROM alignments AS a
                  SEMI JOIN added_alignments USING (alignment_id)
            UNION SELECT a.target_article_id FROM alignments AS a
                  SEMI JOIN added_alignments USING (alignment_id)
            """
        )
    )
    store.run_sql_file(
        con,
        "rewrite_pairs.sql",
        max_rank=settings.max_rank,
        min_score=settings.min_score,
        max_covered=settings.max_covered,
        sibling=SIBLING,
    )
    # every paraphrase of a redone target, and of an article in the scope, is made anew
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE gone_rewrites AS
        SELECT alignment_id, source_article_id, target_article_id, cluster_id FROM alignments
        WHERE match_kind = 'paraphrase'
          AND (source_article_id IN (SELECT article_id FROM rewrite_scope)
               OR target_article_id IN (SELECT article_id FROM rewrite_scope)
               OR target_article_id IN (SELECT target FROM rewrite_pairs));
        INSERT INTO removed_alignments SELECT * FROM gone_rewrites;
        DELETE FROM alignments WHERE alignment_id IN (SELECT alignment_id FROM gone_rewrites);
        """
    )
    work = store.frame(
        con, "SELECT source, target, basis FROM rewrite_pairs ORDER BY target, source"
    )
    if work.height:
        ids = pl.concat([work["source"], work["target"]]).unique().to_frame("article_id")
        with store.registered(con, _pairs=work):
            verbatim_rows = con.execute(
                """
                SELECT a.target_article_id, a.target_start, a.target_end
                FROM alignments AS a SEMI JOIN _pairs AS p ON p.target = a.target_article_id
                WHERE a.match_kind NOT IN ('paraphrase', 'translation')
                  AND a.direction_basis <> 'undecided'
                """
            ).fetchall()
        verbatim: dict[str, list[tuple[int, int]]] = {}
        for t, start, end in verbatim_rows:
            verbatim.setdefault(t, []).append((start, end))
        n = int(store.scalar(con, "SELECT value FROM meta WHERE key = 'terms_sample'") or 1)
        _INPUT.update(
            texts=dict(store.article_rows(con, "article_id, text", set(ids["article_id"]), None)),
            sentences=_sentences(con, ids),
            verbatim=verbatim,
            idf=paraphrase.Idf.from_frame(store.frame(con, "SELECT term, df FROM term_df"), n),
        )
        rows = [
            row
            for chunk in parallel_map(_align_pairs, batched(work.iter_rows(), PAIR_CHUNK))
            for row in chunk
        ]
        _INPUT.clear()
        outlets = dict(store.article_rows(con, "article_id, outlet", set(ids["article_id"]), None))
        frame = (
            pl.DataFrame(sorted(rows), schema=_COLUMNS, orient="row")
            .with_columns(
                match_kind=pl.lit("paraphrase"),
                same_outlet=pl.Series(
                    [
                        outlets[r[0]] is not None and outlets[r[0]] == outlets[r[4]]
                        for r in sorted(rows)
                    ],
                    dtype=pl.Boolean,
                ),
            )
            .pipe(with_alignment_ids)
        )
        store.insert(con, "alignments", frame)
        store.insert(con, "added_alignments", frame.select("alignment_id"))
    return store.scalar(con, "SELECT count(*) FROM alignments WHERE match_kind = 'paraphrase'")
