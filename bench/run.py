"""``make bench``: end-to-end runs on synthetic corpora, peers, and an incremental run.

For each size N (``BENCH_SIZES``, default 25000,100000,200000) the generator builds
``bench/data/articles-N.jsonl`` with its ground truth, then ``dedup run`` runs in a child
process on a fresh database: wall time, the child's peak resident memory (from
``os.wait4`` in a small launcher: see :func:`measured`), the stage timings it records in
``runs.counts``, and article-level recall and precision of the synthetic derivations. The
peers (datasketch, rensa) then run on the same passages as our fingerprint + candidate
stages, shingling from raw text included on every side. Last, ``BENCH_ADD`` new articles are
added to a copy of the middle size's database (best of three runs, each on a fresh copy; the
largest peak of the three is kept) and the resulting tables are compared with a full
rebuild that reads the articles in the same two runs (so the frozen sample is the same), and
with one run over everything (another sample: rows that differ are counted). Everything is
written to ``bench/results.json`` and summarised on stdout; then, unless ``BENCH_HTML=0``, the
HTML ingest speed (``bench.html_ingest``) is added to that file under its own key.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np

from bench import generate, html_ingest, peers
from dedup import candidates, fingerprint
from dedup.progress import maxrss_mb

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results.json"
#: paragraphs of the first corpus given to every peer (0: all of them). Capped because the
#: peers hold about 30 KB a passage: the 619,470 of a 100k corpus took the plain datasketch
#: pipeline to a 19.7 GB peak; the default sizes' first corpus (25k) has 165,520
PEER_PASSAGES = int(os.environ.get("BENCH_PASSAGES", "200000"))
PEER_REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
LONG_RUN_S = 20.0
#: the incremental run is short and the machine shared: best of this many, each on a fresh
#: copy of the base database (the same rule as the peers' best of BENCH_REPEATS)
INCREMENTAL_REPEATS = int(os.environ.get("BENCH_INCREMENTAL_REPEATS", "3"))


def note(message: str) -> None:
    """Progress on stderr, so a run of 15-25 minutes says where it is."""
    print(f"[{time.strftime('%H:%M:%S')}] bench: {message}", file=sys.stderr, flush=True)


def sizes() -> list[int]:
    return [int(s) for s in os.environ.get("BENCH_SIZES", "25000,100000,200000").split(",")]


#: runs a command and prints its wall seconds and ``ru_maxrss``: the largest peak of the
#: command and the processes it waited for (a run's forked workers). A child keeps in
#: ``ru_maxrss`` the memory of the process it was forked from, across exec, so a run started
#: by the bench itself after the peers reported the bench's 7 GB; started by this small
#: process, it reports its own. A command killed by a signal kills the launcher with it.
_LAUNCHER = """
import contextlib, os, signal, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=sys.stderr)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, flush=True)
if os.WIFSIGNALED(status):
    with contextlib.suppress(OSError):  # SIGKILL and SIGSTOP have no handler to reset
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd`` from a small launcher; (wall seconds, the largest peak RSS in MiB of it
    and the processes it waited for). CalledProcessError when it fails (a negative
    returncode: killed by that signal)."""
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *cmd], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, cmd)
    wall, maxrss = done.stdout.splitlines()[-1].split()
    return float(wall), maxrss_mb(int(maxrss))


def dedup_run(inputs: list[Path], db: Path, command: str = "run") -> tuple[float, float]:
    """Run ``dedup <command>`` in a child; (wall seconds, its peak RSS in MiB: see
    :func:`measured`)."""
    cmd = [sys.executable, "-m", "dedup.cli", command, *map(str, inputs), "--db", str(db), "-q"]
    try:
        return measured(cmd)
    except subprocess.CalledProcessError as failed:
        raise SystemExit(f"dedup {command} failed on {inputs}: {failed}") from None


def predicted_sources(db: Path) -> dict[str, set[str]]:
    """Articles the tool marks derived, with every earlier article aligned to them."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT d.article_id, list(DISTINCT x.source_article_id)
            FROM article_derivation d
            LEFT JOIN alignments x ON x.target_article_id = d.article_id AND NOT x.same_outlet
            WHERE d.derivation <> 'non' GROUP BY 1
            """
        ).fetchall()
        return {a: {s for s in sources if s} for a, sources in rows}
    finally:
        con.close()


def last_run(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = con.execute("SELECT counts FROM runs ORDER BY run_id DESC LIMIT 1").fetchall()
        return json.loads(counts[0][0])
    finally:
        con.close()


def stage_seconds(db: Path) -> dict[str, float]:
    return last_run(db)["stage_seconds"]


def end_to_end(n: int) -> dict:
    note(f"corpus of {n:,} articles")
    corpus, truth = generate.generate(n, DATA)
    db = WORK / f"articles-{n}.duckdb"
    db.unlink(missing_ok=True)
    note(f"dedup run on {n:,} articles")
    wall, rss = dedup_run([corpus], db)
    note(f"{n:,} articles: {wall:.1f} s, peak {rss:,.0f} MiB")
    quality = generate.evaluate(truth, predicted_sources(db))
    return {
        "articles": n,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(rss, 1),
        "stages": stage_seconds(db),
        "stage_peak_rss_mb": last_run(db)["stage_peak_mb"],
        "recall": round(quality["recall"], 4),
        "precision": round(quality["precision"], 4),
    }


def ours_candidates(passages: list[str], threshold: float) -> tuple[np.ndarray, float]:
    """Our fingerprint + candidate stages on raw passages (normalising and shingling included),
    timed up to the pair array; the peers are timed up to their own pair lists."""
    started = time.perf_counter()
    sigs, _ = fingerprint.sign_passages(passages, fingerprint.FingerprintSettings())
    pairs = candidates.similar_pairs(sigs, threshold, expand="all")
    seconds = time.perf_counter() - started
    return peers.packed(pairs[:, 0], pairs[:, 1]), seconds


def best_of(
    run: Callable[[], tuple[np.ndarray, float]], repeats: int = PEER_REPEATS
) -> tuple[np.ndarray, float]:
    """The result and the fastest of ``repeats`` timings: the least disturbed by other load
    on a shared machine, for every pipeline alike (a run longer than LONG_RUN_S is not
    repeated: noise is small against it)."""
    results = [run()]
    while len(results) < repeats and results[-1][1] < LONG_RUN_S:
        results.append(run())
    return results[-1][0], min(seconds for _, seconds in results)


def compare_peers(corpus: Path) -> dict:
    """Ours against the plain datasketch pipeline (one MinHash per passage, update_batch,
    MinHashLSH), datasketch's bulk generator, and rensa, on the same passages."""
    passages = peers.corpus_passages(corpus, PEER_PASSAGES)
    note(f"peers on {len(passages):,} passages (ours, datasketch, datasketch bulk, rensa)")
    threshold = candidates.THRESHOLD
    ours, t_ours = best_of(lambda: ours_candidates(passages, threshold))
    _, t_ds = best_of(lambda: peers.datasketch_candidates(passages, threshold=threshold))
    _, t_bulk = best_of(
        lambda: peers.datasketch_candidates(passages, threshold=threshold, bulk=True)
    )
    _, t_rensa = best_of(lambda: peers.rensa_candidates(passages, threshold=threshold))
    # recall against datasketch fed the same shingle hash: the pairs are then comparable one
    # to one (with its default SHA-1 hash, its chance collisions are other pairs)
    same_hash, _ = peers.datasketch_candidates(
        passages, threshold=threshold, hashfunc=fingerprint.shingle_hash, bulk=True
    )
    found = np.intersect1d(ours, same_hash, assume_unique=True).size
    recall = found / same_hash.size if same_hash.size else 1.0
    return {
        "passages": len(passages),
        "ours_per_s": round(len(passages) / t_ours),
        "datasketch_per_s": round(len(passages) / t_ds),
        "datasketch_bulk_per_s": round(len(passages) / t_bulk),
        "rensa_per_s": round(len(passages) / t_rensa),
        "speedup_vs_datasketch": round(t_ds / t_ours, 2),
        "speedup_vs_datasketch_bulk": round(t_bulk / t_ours, 2),
        "speedup_vs_rensa": round(t_rensa / t_ours, 2),
        "recall_vs_datasketch": round(recall, 4),
    }


#: what an incremental run must give exactly as a full rebuild does (ids are numbered in
#: the order rows were made, so they are left out)
COMPARED = {
    "alignments": "SELECT * EXCLUDE (alignment_id, cluster_id) FROM alignments ORDER BY ALL",
    "clusters": "SELECT * EXCLUDE (cluster_id) FROM clusters ORDER BY ALL",
    "article_derivation": "SELECT * FROM article_derivation ORDER BY ALL",
    "article_pairs": "SELECT * FROM article_pairs ORDER BY ALL",
    "attributions": "SELECT * EXCLUDE (alignment_id, evidence) FROM attributions ORDER BY ALL",
    "roles": "SELECT paragraph_id, role, role_reason FROM paragraphs ORDER BY ALL",
}


def compared_tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in COMPARED.items()}
    finally:
        con.close()


def incremental(base_n: int, added: int, base_wall: float) -> dict:
    """Add ``added`` articles of a larger corpus to the base database; compare with a rebuild."""
    bigger, _ = generate.generate(base_n + added, DATA)
    base_corpus = DATA / f"articles-{base_n}.jsonl"
    new_part = WORK / f"added-{added}.jsonl"
    base_ids = {json.loads(line)["id"] for line in base_corpus.open()}
    with bigger.open() as src, new_part.open("w") as out:
        kept = 0
        for line in src:
            if json.loads(line)["id"] not in base_ids and kept < added:
                out.write(line)
                kept += 1
    inc_db = WORK / "incremental.duckdb"
    walls, peaks = [], []
    for k in range(INCREMENTAL_REPEATS):
        note(f"adding {kept:,} articles to {base_n:,} ({k + 1} of {INCREMENTAL_REPEATS})")
        shutil.copy(WORK / f"articles-{base_n}.duckdb", inc_db)
        os.sync()  # the copy's writeback is the benchmark's cost, not the run's
        seconds, peak = dedup_run([new_part], inc_db)
        walls.append(seconds)
        peaks.append(peak)
    wall = min(walls)
    # the rebuild: every stage once over all the articles, read in the same two runs as the
    # incremental database, so that it has the same frozen sample (README "Incremental runs")
    rebuild_db = WORK / "rebuild.duckdb"
    rebuild_db.unlink(missing_ok=True)
    note(f"full rebuild of {base_n + kept:,} articles (read in the same two runs), to compare")
    dedup_run([base_corpus], rebuild_db, "ingest")
    dedup_run([new_part], rebuild_db)
    # one run over everything draws its sample from all of it: the tables that use rarity
    # weights may differ there, by design; how much is reported
    one_run_db = WORK / "one-run.duckdb"
    one_run_db.unlink(missing_ok=True)
    note(f"one run over all {base_n + kept:,} articles, to compare")
    dedup_run([base_corpus, new_part], one_run_db)
    inc, full, one_run = (compared_tables(db) for db in (inc_db, rebuild_db, one_run_db))
    return {
        "base_articles": base_n,
        "added": kept,
        "wall_s": round(wall, 2),
        "wall_s_each": [round(w, 2) for w in walls],
        "share_of_full_run": round(wall / base_wall, 4),
        "peak_rss_mb": round(max(peaks), 1),
        "stages": stage_seconds(inc_db),
        "same_as_full_rebuild": inc == full,
        "tables_equal": {name: inc[name] == full[name] for name in sorted(COMPARED)},
        "rows_differing_from_one_run": {
            name: differing_rows(inc[name], one_run[name]) for name in sorted(COMPARED)
        },
    }


def differing_rows(a: list[tuple], b: list[tuple]) -> int:
    """Rows in one list and not the other (as multisets)."""
    ca, cb = Counter(a), Counter(b)
    return sum(((ca - cb) + (cb - ca)).values())


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    runs = [end_to_end(n) for n in sizes()]
    result = {"runs": runs, "peers": compare_peers(DATA / f"articles-{sizes()[0]}.jsonl")}
    middle = runs[min(1, len(runs) - 1)]
    result["incremental"] = incremental(
        middle["articles"], int(os.environ.get("BENCH_ADD", "1000")), middle["wall_s"]
    )
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'articles':>9} {'wall s':>8} {'peak MiB':>9} {'recall':>7} {'precision':>9}")
    for r in runs:
        print(
            f"{r['articles']:>9} {r['wall_s']:>8} {r['peak_rss_mb']:>9} {r['recall']:>7} {r['precision']:>9}"
        )
    by_size = {r["articles"]: r["wall_s"] for r in runs}
    if 100_000 in by_size and 200_000 in by_size:
        print(f"200k / 100k wall: {by_size[200_000] / by_size[100_000]:.2f}")
    print("peers:", json.dumps(result["peers"]))
    print("incremental:", json.dumps(result["incremental"]))
    if os.environ.get("BENCH_HTML", "1") != "0":  # HTML extraction speed, into the same file
        html_ingest.main()


if __name__ == "__main__":
    main()
