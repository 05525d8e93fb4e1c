"""Incremental runs: adding articles gives exactly what a rebuild gives; re-running adds
nothing."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS, FIFTH, ingest, query

from bench.generate import generate
from bench.sources import dataset_status
from dedup import pipeline, state, store

TABLES = {
    "roles": "SELECT paragraph_id, role, role_reason FROM paragraphs ORDER BY ALL",
    "candidate_pairs": "SELECT * FROM candidate_pairs ORDER BY ALL",
    "candidate_links": "SELECT * FROM candidate_links ORDER BY ALL",
    "sig_pairs": "SELECT * FROM sig_pairs ORDER BY ALL",
    "band_keys": "SELECT * FROM band_keys ORDER BY ALL",
    "pair_checks": "SELECT * FROM pair_checks ORDER BY ALL",
    "sentence_alignments": "SELECT * FROM sentence_alignments ORDER BY ALL",
    "text_reps": "SELECT * FROM text_reps ORDER BY ALL",
    "quotes": "SELECT * FROM quotes ORDER BY ALL",
    "quote_trails": "SELECT * FROM quote_trails ORDER BY ALL",
    "alignments": "SELECT * FROM alignments ORDER BY ALL",
    "article_derivation": "SELECT * FROM article_derivation ORDER BY ALL",
    "article_pairs": "SELECT * FROM article_pairs ORDER BY ALL",
    "article_terms": "SELECT * FROM article_terms ORDER BY ALL",
    "term_heads": "SELECT * FROM term_heads ORDER BY ALL",
    "article_anchors": "SELECT * FROM article_anchors ORDER BY ALL",
    "translate_lookups": "SELECT * FROM translate_lookups ORDER BY ALL",
    "attributions": "SELECT * FROM attributions ORDER BY ALL",
    "clusters": "SELECT * FROM clusters ORDER BY ALL",
}


def _tables(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        con.close()


#: words of the filler sentences around a case's own paragraphs
VOCABULARY = (
    "pemerintah menteri rakyat ekonomi pasar harga beras minyak banjir hujan kota desa sekolah "
    "rumah jalan kereta kapal ikan petani buruh bank pajak"
)


def test_roles_that_change_in_a_full_detect_are_attributed_anew(tmp_path: Path) -> None:
    """A quoted paragraph that recurs in an outlet's first 3 articles is its template; 60
    more of its articles make it body text again, and, sharing a sentence, change the stop
    shingles, so detect redoes every article. Attribution must still scan the 3 old
    articles again: their quote and AFP credits were missing (and a paragraph that became
    boilerplate kept its quotes)."""
    words = VOCABULARY.split()
    rng = random.Random(2)

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(14)).capitalize() + "."

    quote = ('"Kami akan menanggung semua konsekuensinya di tingkat internasional," kata juru '
             "bicara Budi Santoso, seperti dikutip AFP.")  # fmt: skip
    shared = (
        "Harga cabai merah di pasar induk naik tajam sejak awal pekan karena pasokan berkurang."
    )
    first = [{"id": f"x{i}", "outlet": "X", "text": "\n\n".join([sentence(), quote, sentence()])}
             for i in range(3)]  # fmt: skip
    second = [{"id": f"y{i}", "outlet": "X", "text": " ".join([sentence(), shared, sentence()])}
              for i in range(60)]  # fmt: skip
    paths = {}
    for name, records in (("first", first), ("second", second), ("all", first + second)):
        paths[name] = tmp_path / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps(r) + "\n" for r in records))
    incremental, rebuilt = tmp_path / "inc.duckdb", tmp_path / "all.duckdb"
    pipeline.run([paths["first"]], incremental)
    pipeline.run([paths["second"]], incremental)
    pipeline.run([paths["all"]], rebuilt)
    assert _tables(incremental) == _tables(rebuilt)
    assert _tables(rebuilt)["quotes"]  # the case holds what it tests


def test_rejects_that_no_longer_hold_go_when_their_file_is_read_again(tmp_path: Path) -> None:
    """A manifest row named a file not there yet, and a CSV row was malformed: once the
    file is added and the row mended, a rerun clears both, as a rebuild would not have them.
    A file given in another run keeps its rejects, and a rerun of the same input its own."""
    folder, table, other = tmp_path / "in", tmp_path / "t.csv", tmp_path / "other.csv"
    folder.mkdir()
    (folder / "a.txt").write_text("Judul\n\nIsi berita pertama.\n")
    (folder / "manifest.csv").write_text("file,outlet\na.txt,A\nb.txt,B\n")
    table.write_text('id,text\nt1,"Isi berita dari tabel."\nt2,too,many\n')
    other.write_text("id,text\nz1\n")
    db = tmp_path / "x.duckdb"
    ingest(db, other)
    ingest(db, folder, table)
    assert ingest(db, folder, table)["rejects_cleared"] == 0
    assert len(query(db, "SELECT * FROM rejects")) == 3
    (folder / "b.txt").write_text("Judul\n\nIsi berita kedua.\n")
    table.write_text('id,text\nt1,"Isi berita dari tabel."\nt2,"Baris yang sudah diperbaiki."\n')
    counts = ingest(db, folder, table)
    assert (counts["articles_new"], counts["rejects_cleared"]) == (2, 2)
    assert query(db, "SELECT source_path, reason FROM rejects") == [
        (f"{other}:2", "malformed CSV row: expected 2 fields, got 1")
    ]


def test_adding_articles_equals_full_rebuild(tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    for path in CORPUS.glob("*.txt"):
        if path.stem != FIFTH:
            shutil.copy(path, first)
    shutil.copy(CORPUS / "manifest.csv", first)
    incremental = tmp_path / "inc.duckdb"
    pipeline.run([first], incremental)
    added = pipeline.run([CORPUS], incremental)
    assert added["articles_new"] == 1 and added["articles_unchanged"] == 4
    full = tmp_path / "full.duckdb"
    pipeline.run([CORPUS], full)
    assert _tables(incremental) == _tables(full)
    assert _tables(full)["alignments"], "the seeds share passages"


def test_rerun_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    pipeline.run([CORPUS], db)
    before = _tables(db)
    again = pipeline.run([CORPUS], db)
    assert again["articles_new"] == 0 and again["pairs_aligned_new"] == 0
    assert _tables(db) == before


@pytest.mark.parametrize("quote_bucket", [200, 3])
def test_batches_in_any_date_order_equal_full_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quote_bucket: int
) -> None:
    """A synthetic corpus (derived copies, merged stories, outlet boilerplate) added in
    three batches whose dates interleave: new articles become earlier sources, bucket heads
    and text representatives move, outlet templates appear. Every table must still be what
    one run over everything gives. With tiny quote buckets, buckets overflow as quotes
    arrive, so quote pairs stop being proposed."""
    from dedup import quotes

    monkeypatch.setattr(quotes, "MAX_BUCKET", quote_bucket)
    missing = [reason for reason in dataset_status().values() if reason]
    if missing:
        pytest.skip("benchmark data absent: " + "; ".join(missing))
    corpus, _ = generate(500, tmp_path / "gen", seed=11)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    # the stop shingles come from the first articles by id, the retrieval terms' frequencies
    # from the first by md5 of the id; both then freeze: the first batch holds both samples,
    # so that both databases use the same stop list and term weights
    lines.sort(key=lambda line: json.loads(line)["id"])
    by_md5 = sorted(lines, key=lambda line: hashlib.md5(json.loads(line)["id"].encode()).digest())
    first = list(dict.fromkeys(lines[:100] + by_md5[:100]))
    rest = [line for line in lines if line not in set(first)]
    random.Random(3).shuffle(rest)
    batches = [first + rest[: 350 - len(first)], rest[350 - len(first) : 430 - len(first)],
               rest[430 - len(first) :]]  # fmt: skip
    settings = pipeline.Settings(maxdf_sample=100, maxdf_min_articles=10)
    inc = tmp_path / "inc.duckdb"
    for i, batch in enumerate(batches):
        part = tmp_path / f"part{i}.jsonl"
        part.write_text("".join(batch), encoding="utf-8")
        pipeline.run([part], inc, settings)
    full = tmp_path / "full.duckdb"
    pipeline.run([corpus], full, settings)
    got, want = _tables(inc), _tables(full)
    assert len(want["alignments"]) > 200 and len(want["clusters"]) > 50
    for name in TABLES:
        assert got[name] == want[name], name
    runs = duckdb.connect(str(inc), read_only=True).execute("SELECT counts FROM runs").fetchall()
    assert all(json.loads(c)["articles_new"] for (c,) in runs)


def _outlet_articles(ids: range, footer: bool) -> list[dict]:
    words = [
        "harbor",
        "council",
        "budget",
        "river",
        "school",
        "market",
        "bridge",
        "station",
        "report",
        "vote",
    ]
    rng = random.Random(ids.start)
    out = []
    for i in ids:
        body = [
            " ".join(rng.choice(words) for _ in range(14)).capitalize() + f" number {i}."
            for _ in range(3)
        ]
        if footer:
            body.append("Follow the Ledger on every platform for the latest city news.")
        text = f"Headline {i}\n\n" + "\n\n".join(body)
        out.append({"id": f"x{i:03d}", "text": text, "outlet": "Ledger", "published": "2024-01-01"})
    return out


def test_outlet_templates_appear_and_lapse_as_the_outlet_grows(tmp_path: Path) -> None:
    """A footer becomes the outlet's template once 3 articles carry it (earlier articles'
    paragraphs turn boilerplate) and stops being one when it falls under 5% of the outlet."""
    batches = [
        _outlet_articles(range(0, 2), footer=True),
        _outlet_articles(range(2, 3), footer=True),
        _outlet_articles(range(3, 70), footer=False),
    ]
    inc = tmp_path / "inc.duckdb"
    roles = []
    for i, batch in enumerate(batches):
        part = tmp_path / f"part{i}.jsonl"
        part.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        pipeline.run([part], inc)
        con = duckdb.connect(str(inc), read_only=True)
        roles.append(
            con.execute("SELECT role FROM paragraphs WHERE paragraph_id = 'x000/4'").fetchall()
        )
        con.close()
    assert roles == [[("body",)], [("boilerplate",)], [("body",)]]
    full = tmp_path / "full.duckdb"
    everything = tmp_path / "all.jsonl"
    everything.write_text(
        "".join(json.dumps(r) + "\n" for batch in batches for r in batch), encoding="utf-8"
    )
    pipeline.run([everything], full)
    assert _tables(inc) == _tables(full)


def test_tables_are_compacted_once_a_fifth_is_deleted_rows(tmp_path: Path) -> None:
    """A run leaves a few deleted rows in place (no table rewrite at every commit); a run
    that finds more than COMPACT_DEAD_SHARE of a table deleted rewrites it first."""
    db = tmp_path / "x.duckdb"

    def commit(sql: str) -> dict[str, float]:
        with store.open_db(db, write=True) as con:
            con.execute(sql)
        with store.open_db(db) as con:
            return store.dead_shares(con)

    commit("INSERT INTO sig_pairs SELECT range, range, 1 FROM range(400000)")
    assert commit("DELETE FROM sig_pairs WHERE h1 % 10 = 0")["sig_pairs"] == pytest.approx(0.1)
    assert commit("DELETE FROM sig_pairs WHERE h1 % 10 IN (1, 2, 3)")["sig_pairs"] > 0.39
    assert commit("INSERT INTO sig_pairs VALUES (1, 1, 1)")["sig_pairs"] == 0
    with store.open_db(db) as con:
        assert store.scalar(con, "SELECT count(*) FROM sig_pairs") == 240001
        assert store.scalar(con, "SELECT count(*) FROM sig_pairs WHERE h1 % 10 < 4") == 1


def test_incremental_runs_may_cache_the_whole_database(
    seed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The buffer pool grows by the file's size (an incremental run re-reads most tables),
    unless the user set DEDUP_DUCKDB_MEMORY."""

    def limit_after_caching() -> float:
        con = duckdb.connect(str(seed_db), read_only=True)
        con.execute(f"SET memory_limit = '{store.DUCKDB_MEMORY}'")
        state.cache_database(con)
        value = store.scalar(con, "SELECT current_setting('memory_limit')")
        con.close()
        number, unit = value.split()
        return float(number) * {"MiB": 2**20, "GiB": 2**30}[unit] / 10**6

    monkeypatch.delenv("DEDUP_DUCKDB_MEMORY", raising=False)
    size_mb = seed_db.stat().st_size / 10**6
    assert limit_after_caching() == pytest.approx(store.DUCKDB_MEMORY_MB + size_mb, abs=2)
    monkeypatch.setenv("DEDUP_DUCKDB_MEMORY", "1GB")
    assert limit_after_caching() == pytest.approx(store.DUCKDB_MEMORY_MB, abs=2)


@pytest.mark.parametrize("ends", ["completes", "fails", "fails, cleanup cut short"])
def test_the_early_cue_scan_leaves_no_file_or_process(tmp_path: Path, monkeypatch, ends) -> None:
    """Attribution's cue scan starts in a child while detection runs; a run that fails after
    it started (a Ctrl-C, a full disk) left its file in the temporary folder, one per run.
    A Ctrl-C may also cut the cleanup short (the handler runs at its first line, after
    DuckDB's own interrupt unwound the stage, helper-46): the file has no name to leave."""
    from dedup import attribute

    first = tmp_path / "first"
    first.mkdir()
    for path in CORPUS.glob("*.txt"):
        if path.stem != FIFTH:
            shutil.copy(path, first)
    db = tmp_path / "x.duckdb"
    pipeline.run([first], db)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    started: list[attribute.EarlyScan] = []
    start_scan = attribute.start_scan
    monkeypatch.setattr(
        attribute, "start_scan", lambda con: started.append(start_scan(con)) or started[-1]
    )
    if ends == "completes":
        pipeline.run([CORPUS / f"{FIFTH}.txt"], db)
    else:

        def broken(con):
            raise RuntimeError("disk full")

        monkeypatch.setattr(pipeline.cluster, "update_clusters", broken)
        if ends == "fails, cleanup cut short":
            monkeypatch.setattr(attribute.EarlyScan, "cancel", lambda self: None)
        with pytest.raises(RuntimeError, match="disk full"):
            pipeline.run([CORPUS / f"{FIFTH}.txt"], db)
    assert len(started) == 1 and started[0] is not None
    started[0]._process.join(60)
    assert not started[0]._process.is_alive()
    assert list(scratch.iterdir()) == []


def test_an_early_scan_killed_says_so_in_one_line(tmp_path: Path, monkeypatch) -> None:
    """The early scan's child killed (the OOM killer) is named as a worker's death is, not
    as an unexpected error (helper-46)."""
    import os
    import signal
    import time

    from dedup import DedupError, attribute

    monkeypatch.setattr(attribute, "_scan_articles", lambda articles: time.sleep(60))
    scan = attribute.EarlyScan(frozenset({"a"}), [[{"article_id": "a"}]])
    os.kill(scan._process.pid, signal.SIGKILL)
    with pytest.raises(DedupError, match="killed by SIGKILL"):
        scan.rows()
