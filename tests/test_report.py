"""The report: one CSV + Parquet + section per query file, an offline page, Markdown.

The database comes from the real pipeline when ``dedup.pipeline`` exists, and always from
a small hand-made fixture (seed texts, real offsets, the Peskov quote aligned across two
outlets), so that the report is tested even while the pipeline is being written.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from rapidfuzz import fuzz

from dedup.figures import timeline
from dedup.report import (
    TOKEN,
    find_queries_dir,
    parse_header,
    report,
    shared_runs,
)
from dedup.store import make_schema
from dedup.text import norm_hash

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
QUERIES = ROOT / "reports" / "queries"
PESKOV = "Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan"
JF, DETIK = "000_e02669d256bd932c", "004_c040663b4dfb9712"
#: fixture metadata (the seed folder has no manifest)
SEED_META = {
    JF: ("jfid", "2023-09-06"),
    "001_5718ed46a52a3cac": ("iNews", "2023-09-07"),
    "002_92ca4320c77d5cb0": ("Jurnas", "2024-05-20"),
    "003_3b51c1f6be3a65c5": ("Samudra Fakta", "2024-06-20"),
    DETIK: ("detikNews", "2023-09-08"),
}
BOILERPLATE = re.compile(
    r"Advertisement|Share This|SCROLL TO CONTINUE|Lihat juga|KEYWORD|Komentar|Leave a Comment"
)
#: the fixture's alignments: (source article, its passage, target article, its passage)
SHARED = [
    (
        JF,
        f"“{PESKOV},” ujarnya, seperti dikutip AFP.",
        DETIK,
        f'Dmitry Peskov mengatakan: "{PESKOV}."',
    ),
    (
        JF,
        "Kim berencana melakukan perjalanan ke Rusia",
        DETIK,
        "Kim berencana melakukan perjalanan",
    ),
    (JF, "mereka akan menanggung konsekuensinya", DETIK, "Mereka akan menanggung konsekuensinya"),
]


def pipeline_available() -> bool:
    return importlib.util.find_spec("dedup.pipeline") is not None


def _paragraphs(article_id: str, text: str) -> list[tuple]:
    """Non-empty lines as paragraphs, offsets into the text, with a crude role."""
    rows, position = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = position + line.index(stripped)
            role = "headline" if not rows else "body"
            if BOILERPLATE.search(stripped):
                role = "boilerplate"
            seq = len(rows)
            rows.append(
                (f"{article_id}/{seq}", article_id, seq, start, start + len(stripped), role)
                + ("fixture", role, stripped, norm_hash(stripped.casefold()))
            )
        position += len(line) + 1
    return rows


def _paragraph_of(paragraphs: list[tuple], offset: int) -> str:
    return next(p[0] for p in paragraphs if p[3] <= offset < p[4])


def build_fixture_db(db: Path) -> Path:
    """A contract-shaped database from the seed texts, built by hand with real offsets."""
    con = duckdb.connect(str(db))
    make_schema(con)  # marked as a database of this version, as dedup run would
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}
    paras = {}
    for article_id, text in texts.items():
        outlet, published = SEED_META[article_id]
        title = next(line.strip() for line in text.splitlines() if line.strip())
        con.execute(
            "INSERT INTO articles (article_id, outlet, kind, title, published, language,"
            " source_path, text, content_hash, encoding, run_id)"
            " VALUES (?, ?, 'outlet', ?, ?, 'id', ?, ?, ?, 'utf-8', 1)",
            [article_id, outlet, title, published, f"corpus/{article_id}.txt", text, article_id],
        )
        paras[article_id] = _paragraphs(article_id, text)
        con.executemany(
            "INSERT INTO paragraphs (paragraph_id, article_id, seq, char_start, char_end, role,"
            " role_reason, base_role, text, norm_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            paras[article_id],
        )
    derived: dict[str, int] = {}
    for i, (src, src_passage, tgt, tgt_passage) in enumerate(SHARED, start=1):
        s, t = texts[src].index(src_passage), texts[tgt].index(tgt_passage)
        con.execute(
            "INSERT INTO alignments (alignment_id, source_article_id, source_paragraph_id,"
            " source_start, source_end, target_article_id, target_paragraph_id, target_start,"
            " target_end, score, match_kind, cluster_id, same_outlet, direction_basis)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'near_verbatim', 1, false, 'published')",
            [i, src, _paragraph_of(paras[src], s), s, s + len(src_passage)]
            + [tgt, _paragraph_of(paras[tgt], t), t, t + len(tgt_passage)]
            + [fuzz.ratio(src_passage, tgt_passage)],
        )
        derived[tgt] = derived.get(tgt, 0) + len(tgt_passage)
    con.execute(
        "INSERT INTO clusters (cluster_id, n_articles, n_outlets, n_alignments,"
        " origin_article_id, first_published) VALUES (1, 2, 2, 3, ?, '2023-09-06')",
        [JF],
    )
    for article_id in texts:
        body = sum(p[4] - p[3] for p in paras[article_id] if p[5] == "body")
        fraction = derived.get(article_id, 0) / body
        con.execute(
            "INSERT INTO article_derivation (article_id, outlet, total_chars, derived_chars,"
            " derived_fraction, copied_chars, copied_fraction, derivation,"
            " top_source_article_id, top_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article_id, SEED_META[article_id][0], body, derived.get(article_id, 0), fraction]
            + [derived.get(article_id, 0), fraction]  # near_verbatim: all copied
            + (["partially", JF, "jfid"] if fraction else ["non", None, None]),
        )
    peskov_jf = _paragraph_of(paras[JF], texts[JF].index(PESKOV))
    peskov_detik = _paragraph_of(paras[DETIK], texts[DETIK].index(PESKOV))
    con.executemany(
        "INSERT INTO attributions (paragraph_id, article_id, source, source_type, method,"
        " evidence, confidence, alignment_id) VALUES (?, ?, ?, 'wire', ?, ?, ?, ?)",
        [
            (peskov_jf, JF, "AFP", "explicit", "seperti dikutip AFP", 0.95, None),
            (f"{DETIK}/1", DETIK, "Reuters", "explicit", "Dilansir Reuters", 0.95, None),
            (peskov_detik, DETIK, "AFP", "propagated", f"aligned with {peskov_jf}", 0.7, 1),
            (peskov_detik, DETIK, "Reuters", "inherited", "lede: Dilansir Reuters", 0.5, None),
            ("002_92ca4320c77d5cb0/4", "002_92ca4320c77d5cb0", "Al Jazeera", "inherited")
            + ("footer: Sumber: Al Jazeera", 0.5, None),
        ],
    )
    con.execute(
        "INSERT INTO quote_trails (trail_id, text, n_articles, n_outlets, first_article_id,"
        " first_outlet, first_published) VALUES (1, ?, 2, 2, ?, 'jfid', '2023-09-06')",
        [PESKOV, JF],
    )
    for n, (article_id, paragraph_id) in enumerate([(JF, peskov_jf), (DETIK, peskov_detik)]):
        start = texts[article_id].index(PESKOV)
        con.execute(
            "INSERT INTO quotes (quote_id, article_id, paragraph_id, char_start, char_end, text,"
            " speaker, norm_text, trail_id) VALUES (?, ?, ?, ?, ?, ?, 'Dmitry Peskov', ?, 1)",
            [f"{paragraph_id}/q{n}", article_id, paragraph_id, start, start + len(PESKOV)]
            + [PESKOV, PESKOV.casefold()],
        )
    con.close()
    return db


def build_db(kind: str, folder: Path) -> Path:
    """The report's input: 'fixture' (hand-made) or 'pipeline' (dedup run on corpus/)."""
    db = folder / f"{kind}.duckdb"
    if kind == "fixture":
        return build_fixture_db(db)
    if not pipeline_available():
        pytest.skip("dedup.pipeline does not exist yet")
    from dedup.pipeline import run

    run([CORPUS], db)
    return db


@pytest.fixture(scope="module", params=["fixture", "pipeline"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(request.param)
    db = build_db(request.param, folder)
    out = folder / "out"
    return db, out, report(db, out, QUERIES)


def test_every_output_exists(built) -> None:
    db, out, result = built
    names = sorted(p.stem for p in QUERIES.glob("*.sql"))
    assert sorted(result["csv"]) == names == sorted(result["parquet"])
    con = duckdb.connect()
    for name in names:
        csv, parquet = out / "csv" / f"{name}.csv", out / "parquet" / f"{name}.parquet"
        assert csv.is_file() and parquet.is_file()
        n_csv = con.execute(f"SELECT count(*) FROM read_csv('{csv}', header = true)").fetchall()
        n_parquet = con.execute(f"SELECT count(*) FROM '{parquet}'").fetchall()
        assert n_csv == n_parquet
    html = (out / "report.html").read_text(encoding="utf-8")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    # the tables show times as stored, in UTC, without a zone: the pages say so
    assert "Times are UTC." in markdown and "times are UTC" in html
    for path in QUERIES.glob("*.sql"):
        title, _ = parse_header(path.read_text(encoding="utf-8"), path.stem)
        assert f'id="q-{path.stem}"' in html
        assert f"## {title}" in markdown
    assert (out / "figures" / "heatmap.png").is_file()
    assert result["summary"]["articles"] == 5
    assert (out / "report.html").stat().st_size < 1_000_000


def test_page_is_offline(built) -> None:
    """Nothing in the page may load from the network: every src is a data: URI, every
    href is a fragment or a relative file, no url() or @import leaves the file."""
    html = (built[1] / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<(link|iframe|object|embed)\b", html, re.IGNORECASE)
    assert "@import" not in html
    for value in re.findall(r"\bsrc\s*=\s*[\"']?([^\"'\s>]*)", html, re.IGNORECASE):
        assert value.startswith("data:"), value
    for value in re.findall(r"\bhref\s*=\s*[\"']?([^\"'\s>]*)", html, re.IGNORECASE):
        assert not re.match(r"([a-z][a-z0-9+.-]*:|//)", value, re.IGNORECASE), value
    for value in re.findall(r"url\(\s*[\"']?([^\"')\s]*)", html, re.IGNORECASE):
        assert value.startswith("data:"), value
    assert not re.search(r"[\"'(=]\s*(https?:)?//", html.replace('"//"', ""))


def _page_data(out: Path) -> dict:
    html = (out / "report.html").read_text(encoding="utf-8")
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S
    )
    assert match
    return json.loads(match.group(1))


def test_peskov_quote_aligned_and_highlighted(built) -> None:
    """The seed example: the quote is aligned between the two outlets, words marked."""
    data = _page_data(built[1])
    words = TOKEN.findall(PESKOV.casefold())
    found = []
    for al in data["alignments"]:
        sides = {side[0]: "".join(side[2][1::2]).casefold() for side in al["sides"]}
        if {JF, DETIK} <= sides.keys() and all(
            all(w in TOKEN.findall(marked) for w in words) for marked in sides.values()
        ):
            found.append(al)
    assert found, "no alignment carries the Peskov quote in both articles"
    default = next(a for a in data["articles"] if a["article_id"] == data["default_article"])
    assert default["n_alignments"] == max(a["n_alignments"] for a in data["articles"])


def test_passage_offsets_match_python_slices(built) -> None:
    """07's substr(text, start + 1, end - start) equals Python's text[start:end]."""
    db, out, _ = built
    con = duckdb.connect(str(db), read_only=True)
    texts = dict(con.sql("SELECT article_id, text FROM articles").fetchall())
    spans = {
        row[0]: row[1:]
        for row in con.sql(
            "SELECT alignment_id, source_article_id, source_start, source_end FROM alignments"
        ).fetchall()
    }
    con.close()
    parquet = out / "parquet" / "07_longest_shared_passages.parquet"
    rows = duckdb.execute(f"SELECT alignment_id, source_passage FROM '{parquet}'").fetchall()
    for alignment_id, passage in rows:
        article_id, start, end = spans[alignment_id]
        assert passage == texts[article_id][start:end]


def test_markdown_is_truncated(built) -> None:
    markdown = (built[1] / "report.md").read_text(encoding="utf-8")
    for section in markdown.split("\n## ")[1:]:
        assert sum(line.startswith("| ") for line in section.splitlines()) <= 21  # header + 20


def test_new_query_file_adds_csv_and_section(tmp_path: Path) -> None:
    """Dropping a .sql file in the queries folder is all it takes to add a table."""
    db = build_fixture_db(tmp_path / "f.duckdb")
    queries = tmp_path / "myqueries"
    shutil.copytree(QUERIES, queries)
    (queries / "99_paragraph_roles.sql").write_text(
        "-- title: Paragraph roles\n-- description: How many paragraphs have each role;\n"
        "-- a second description line.\nSELECT role, count(*) AS n FROM paragraphs GROUP BY ALL;\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = report(db, out, queries)
    assert (out / "csv" / "99_paragraph_roles.csv").read_text().startswith("role,n")
    assert result["parquet"]["99_paragraph_roles"].is_file()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="q-99_paragraph_roles"' in html
    assert "How many paragraphs have each role; a second description line." in html
    assert "## Paragraph roles" in (out / "report.md").read_text(encoding="utf-8")


def test_queries_folder_resolution(tmp_path: Path) -> None:
    """An explicit folder wins, then OUT/queries, then the checkout's reports/queries."""
    assert find_queries_dir(tmp_path) == QUERIES
    (tmp_path / "queries").mkdir()
    assert find_queries_dir(tmp_path) == tmp_path / "queries"
    assert find_queries_dir(tmp_path, QUERIES) == QUERIES


def test_shared_runs_marks_common_words() -> None:
    a, b = shared_runs("Kata Sullivan, seperti dikutip AFP.", "kata sullivan kepada wartawan")
    assert "".join(a) == "Kata Sullivan, seperti dikutip AFP."
    assert a[1::2] == ["Kata Sullivan"] and b[1::2] == ["kata sullivan"]
    assert shared_runs("", "x") == ([""], ["x"])


def test_tex_like_outlet_name_is_plain_text(tmp_path: Path) -> None:
    """An outlet named "Price $x_$ news" is text in the figures, not mathtext to parse."""
    db = build_fixture_db(tmp_path / "f.duckdb")
    con = duckdb.connect(str(db))
    con.execute("UPDATE articles SET outlet = 'Price $x_$ news' WHERE article_id = ?", [DETIK])
    con.close()
    result = report(db, tmp_path / "out", QUERIES)
    assert {"heatmap", "derived", "timeline"} <= result["figures"].keys()
    assert "Price $x_$ news" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_timeline_draws_dates_at_either_end_of_the_calendar() -> None:
    """Articles dated 0001-01-01 or 9999-12-31 (accepted input) still give the figure:
    its margins stop where matplotlib's dates do."""
    rows = [
        {"cluster_id": 1, "n_articles": 2, "n_outlets": 2,
         "first_published": datetime(1, 1, 1), "last_published": datetime(2024, 5, 1)},
        {"cluster_id": 2, "n_articles": 3, "n_outlets": 2,
         "first_published": datetime(2024, 5, 1), "last_published": datetime(9999, 12, 31)},
    ]  # fmt: skip
    for edge in (datetime(1, 1, 1), datetime(9999, 12, 31)):  # every date at one end
        rows.append(rows[0] | {"first_published": edge, "last_published": edge})
        png = timeline(rows[-1:])
        assert png is not None and png.startswith(b"\x89PNG")
    png = timeline(rows[:2])
    assert png is not None and png.startswith(b"\x89PNG")


def test_markdown_escapes_html_from_articles(hostile) -> None:
    """07 (longest shared passages) shows a passage with tags in it: as text, not HTML."""
    markdown = (hostile[0] / "report.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "<" not in markdown and ">" not in markdown


def test_page_carries_hostile_text_as_text(hostile) -> None:
    """No tag from article metadata in the page; the JSON data gives the exact text back."""
    from test_export import HOSTILE

    html = (hostile[0] / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Warta" not in html
    assert html.count("<script") == 2  # the JSON data and the page's own script
    data = _page_data(hostile[0])
    assert {a["article_id"]: (a["outlet"], a["title"]) for a in data["articles"]} == HOSTILE


def test_report_csv_is_spreadsheet_safe(hostile) -> None:
    from test_export import HOSTILE, assert_spreadsheet_safe

    for path in hostile[1]["csv"].values():
        assert_spreadsheet_safe(path)
    rows = assert_spreadsheet_safe(hostile[0] / "csv" / "01_articles_per_outlet.csv")
    assert "'" + HOSTILE[JF][0] in {row["outlet"] for row in rows}


def test_a_database_only_ingested_says_so(built, tmp_path: Path) -> None:
    """A report of articles that never went through detect says they were not compared,
    instead of 0 derived, 0 non-derived and nothing else; a compared corpus says nothing."""
    from dedup.pipeline import run

    _, out, _ = built
    assert "not been compared" not in (out / "report.md").read_text(encoding="utf-8")
    db = tmp_path / "i.duckdb"
    run([CORPUS], db, stages=("ingest",))
    result = report(db, tmp_path / "r", QUERIES)
    assert (result["summary"]["not_compared"], result["summary"]["unknown_outlet"]) == (5, 1)
    for page in ("report.md", "report.html"):
        text = (tmp_path / "r" / page).read_text(encoding="utf-8")
        assert "5 of 5 articles have not been compared yet" in text


def test_the_summary_counts_outlet_articles_as_non_derived_not_wires(tmp_path: Path) -> None:
    """A wire story that takes from no other article is not one of the "non-derived"
    articles a researcher reads as outlets writing their own stories."""
    import json

    from dedup.pipeline import run

    story = "\n\n".join(
        f"Paragraph {i} of the wire story about the harbour strike, with its own facts {i}."
        for i in range(6)
    )
    records = [
        {"id": "w", "text": story, "kind": "wire", "outlet": "Wire", "published": "2024-03-05T08:00"},
        {"id": "o", "text": story, "outlet": "Daily", "published": "2024-03-05T10:00"},
        {"id": "i", "text": "A local fair opened on Sunday.\n\nFarmers sold rice.", "outlet": "Own"},
    ]  # fmt: skip
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    run([path], tmp_path / "c.duckdb")
    summary = report(tmp_path / "c.duckdb", tmp_path / "r", QUERIES)["summary"]
    assert (summary["wire_articles"], summary["wholly_derived"], summary["non_derived"]) == (
        1,
        1,
        1,
    )
    assert "| non-derived outlet articles | 1 |" in (tmp_path / "r" / "report.md").read_text()


def test_a_new_report_leaves_no_figure_of_the_last_one(built, tmp_path: Path) -> None:
    """A figure the new database has no data for goes with the last report's pages, rather
    than staying beside pages that no longer show it."""
    from dedup.pipeline import run

    _, out, result = built
    mine = tmp_path / "out"
    shutil.copytree(out, mine)
    assert result["figures"] and all(
        (mine / "figures" / f"{n}.png").exists() for n in result["figures"]
    )
    db = tmp_path / "i.duckdb"
    run([CORPUS], db, stages=("ingest",))
    assert report(db, mine, QUERIES)["figures"] == {}
    assert list((mine / "figures").iterdir()) == []


@pytest.mark.skipif(
    not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == os.stat("/tmp").st_dev,
    reason="needs /dev/shm on a file system of its own",
)
def test_a_report_folder_linked_to_another_file_system(
    built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """csv/ as a link to another file system (a rename cannot reach there): the files are
    copied next to their targets first, then renamed, and no copy is left over, also when
    a copy fails half-way."""
    db, _, _ = built
    out = tmp_path / "out"
    out.mkdir()
    with tempfile.TemporaryDirectory(dir="/dev/shm") as elsewhere:
        (out / "csv").symlink_to(elsewhere)
        result = report(db, out, QUERIES)
        names = sorted(p.name for p in Path(elsewhere).iterdir())
        assert names == sorted(f"{q}.csv" for q in result["csv"])

        def full_there(source: Path, target: Path) -> None:  # half a copy, then a full disk
            Path(target).write_bytes(Path(source).read_bytes()[:4])
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(shutil, "copyfile", full_there)
        with pytest.raises(OSError, match="No space left"):
            report(db, out, QUERIES)
        assert sorted(p.name for p in Path(elsewhere).iterdir()) == names
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_failed_report_leaves_the_last_one_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report that fails after its tables were written (a full disk at report.md, here)
    leaves the last report as it was, not new tables beside old pages; on an empty folder
    it leaves nothing."""
    db = build_fixture_db(tmp_path / "f.duckdb")
    out = tmp_path / "out"
    report(db, out, QUERIES)
    before = _files(out)
    (queries := tmp_path / "queries").mkdir()
    (queries / "01_articles.sql").write_text("SELECT article_id FROM articles")

    def full_disk(*_args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dedup.report.render_markdown", full_disk)
    for folder in (out, tmp_path / "fresh"):
        with pytest.raises(OSError, match="No space left"):
            report(db, folder, queries)
    assert _files(out) == before
    assert not (tmp_path / "fresh").exists()  # the folder it made for them goes too
