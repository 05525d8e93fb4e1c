"""The pipeline's promises on small corpora built here, whose answers are known: derivation
fractions and top source, cluster origins, same-outlet pairs kept out of syndication, and the
stages run one by one giving what ``dedup run`` gives."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from dedup import pipeline
from dedup.cli import app
from dedup.export import TABLES

#: sentences of the seed corpus (Jurnas.com): the shared material
J = [
    "Gedung Putih telah memperingatkan Korea Utara agar tidak menjual amunisi ke Rusia untuk "
    "perang di Ukraina karena ketegangan antara Pyongyang dan Washington terus meningkat.",
    "Juru bicara keamanan nasional Gedung Putih, John Kirby mengatakan pada Rabu bahwa Amerika "
    "Serikat (AS) prihatin dengan potensi kesepakatan senjata antara Rusia dan Korea Utara.",
    "Kirby menambahkan bahwa AS yakin Menteri Pertahanan Rusia Sergei Shoigu mencoba meyakinkan "
    "Pyongyang untuk menjual amunisi artileri ke Moskow ketika ia mengunjungi Korea Utara dan "
    "bertemu dengan pemimpinnya Kim Jong Un pada bulan Juli.",
    "Komentar Kirby pada hari Rabu muncul hanya beberapa minggu setelah Presiden Rusia Vladimir "
    "Putin dan Kim bertukar surat yang berjanji untuk meningkatkan hubungan antara kedua negara.",
    "Korea Utara berada di bawah sanksi berat PBB atas program nuklir dan rudal balistiknya, "
    "sementara Rusia juga menghadapi serangkaian sanksi AS dan Barat atas invasi mereka ke "
    "Ukraina tahun lalu.",
    "Pada Rabu, militer Korea Selatan mengatakan Korea Utara menembakkan dua rudal balistik lagi "
    "hanya beberapa jam setelah AS menerbangkan pesawat pembom jarak jauh di wilayah tersebut.",
]
#: other sentences of the seed corpus (samudrafakta.com, Jurnas.com): material of one article
S = [
    "Pada September tahun lalu, saat pertemuan puncak dengan Putin di Vladivostok, Kim diyakini "
    "telah setuju memasok rudal dan persenjataan lainnya untuk digunakan oleh pasukan Rusia di "
    "Ukraina.",
    "Sebagai imbalannya, Rusia akan memberikan bantuan pangan dan energi serta membantu program "
    "luar angkasa Korea Utara.",
    "Mantan Presiden AS Donald Trump melakukan pembicaraan langsung dengan Kim selama masa "
    "jabatannya, namun pertemuan tingkat tinggi antara kedua negara terhenti di bawah "
    "kepemimpinan Presiden AS saat ini Joe Biden.",
    "Washington menuduh Pyongyang melanggar resolusi PBB dan mengacaukan stabilitas kawasan "
    "dengan uji coba rudalnya.",
    "Korea Utara telah menyatakan kemarahannya terhadap AS karena mengadakan latihan angkatan "
    "laut bersama dengan Korea Selatan dan Jepang, dan mengatakan awal pekan ini bahwa latihan "
    "di Semenanjung Korea meningkatkan bahaya perang nuklir.",
    "Selama pertemuan puncak trilateral di dekat Washington, DC bulan ini, AS bersama Korea "
    "Selatan dan Jepang berjanji untuk memperdalam kerja sama keamanan melawan Korea Utara, "
    "termasuk berbagi data peluncuran rudal secara real-time.",
]


def article(
    aid: str, outlet: str, published: str, *paragraphs: list[str], kind: str = "outlet"
) -> dict:
    body = "\n\n".join(" ".join(p) for p in paragraphs)
    return {
        "id": aid,
        "outlet": outlet,
        "kind": kind,
        "published": published,
        "language": "id",
        "text": f"Berita {aid}\n\n{body}",
    }


def build(tmp_path: Path, records: list[dict]) -> duckdb.DuckDBPyConnection:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    pipeline.run([path], db)
    return duckdb.connect(str(db), read_only=True)


def derivation(con: duckdb.DuckDBPyConnection, aid: str) -> dict:
    cursor = con.execute("SELECT * FROM article_derivation WHERE article_id = ?", [aid])
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def body_span_union(con: duckdb.DuckDBPyConnection, aid: str) -> set[int]:
    """Offsets of ``aid``'s body characters covered by target spans aligned to another
    outlet."""
    rows = con.execute(
        """SELECT x.target_start, x.target_end FROM alignments x
           JOIN paragraphs p ON p.paragraph_id = x.target_paragraph_id
           WHERE x.target_article_id = ? AND NOT x.same_outlet AND p.role = 'body'""",
        [aid],
    ).fetchall()
    return {i for start, end in rows for i in range(start, end)}


def body_paragraphs(con: duckdb.DuckDBPyConnection, aid: str) -> list[tuple[int, int]]:
    return con.execute(
        "SELECT char_start, char_end FROM paragraphs WHERE article_id = ? AND role = 'body' "
        "ORDER BY seq",
        [aid],
    ).fetchall()


def test_derived_chars_fraction_and_top_source(tmp_path: Path) -> None:
    """B copies A's first paragraph and adds one of its own; C takes one sentence of A and
    B's three own ones: B, not the earlier A, covers most of C's derived characters."""
    con = build(
        tmp_path,
        [
            article("a", "Alpha", "2024-01-01", J[:3], J[3:]),
            article("b", "Beta", "2024-01-02", J[:3], S[:3]),
            article("c", "Gamma", "2024-01-03", J[3:4], S[:3], S[3:4]),
        ],
    )
    a, b, c = (derivation(con, aid) for aid in "abc")
    assert (a["derived_chars"], a["derivation"], a["top_source_article_id"]) == (0, "non", None)
    copied, own = body_paragraphs(con, "b")
    assert b["total_chars"] == (copied[1] - copied[0]) + (own[1] - own[0])
    # every derived character lies in the copied paragraph, and nearly all of it is derived
    covered = body_span_union(con, "b")
    assert b["derived_chars"] == len(covered)
    assert covered <= set(range(*copied)) and len(covered) >= 0.95 * (copied[1] - copied[0])
    assert b["derived_fraction"] == pytest.approx(b["derived_chars"] / b["total_chars"])
    assert b["derivation"] == "partially" and 0.4 < b["derived_fraction"] < 0.6
    assert (b["top_source_article_id"], b["top_source"]) == ("a", "Alpha")
    assert c["derived_chars"] == len(body_span_union(con, "c"))
    assert c["derived_fraction"] == pytest.approx(c["derived_chars"] / c["total_chars"])
    assert c["derivation"] == "wholly"
    assert (c["top_source_article_id"], c["top_source"]) == ("b", "Beta")
    sources = {
        r[0]
        for r in con.execute(
            "SELECT source_article_id FROM alignments WHERE target_article_id = 'c'"
        ).fetchall()
    }
    assert sources == {"a", "b"}


def test_cluster_origin_is_the_earliest_member_and_the_wire_on_a_tie(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        [
            article("k1", "Ekspres", "2024-02-03", J[:3]),
            article("k2", "Fajar", "2024-02-01T09:00:00", J[:3]),
            article("k3", "Gatra", "2024-02-02", J[:3]),
            # same date: the wire story is the origin although its id sorts last
            article("w-zz", "Reuters", "2024-02-05", S[:3], kind="wire"),
            article("o-aa", "Harian", "2024-02-05", S[:3]),
            article("o-bb", "Koran", "2024-02-06", S[:3]),
        ],
    )
    clusters = con.execute(
        "SELECT origin_article_id, first_published, n_articles, n_outlets FROM clusters "
        "ORDER BY first_published"
    ).fetchall()
    assert [(c[0], str(c[1]), c[2], c[3]) for c in clusters] == [
        ("k2", "2024-02-01 09:00:00", 3, 3),
        ("w-zz", "2024-02-05 00:00:00", 3, 3),
    ]
    # every member of a cluster is aligned inside it, and sources are never later
    members = con.execute(
        """SELECT cluster_id, list(DISTINCT source_article_id), list(DISTINCT target_article_id)
           FROM alignments GROUP BY 1"""
    ).fetchall()
    assert sorted(sorted(set(s) | set(t)) for _, s, t in members) == [
        ["k1", "k2", "k3"],
        ["o-aa", "o-bb", "w-zz"],
    ]
    assert con.execute(
        "SELECT count(*) FROM alignments WHERE target_article_id IN ('k2', 'w-zz')"
    ).fetchone() == (0,)


def test_same_outlet_alignments_join_no_cluster_and_derive_nothing(tmp_path: Path) -> None:
    """g2 repeats g1 (one outlet) and adds a paragraph that t, another outlet, copies."""
    con = build(
        tmp_path,
        [
            article("g1", "Harian", "2024-03-01", J[:3]),
            article("g2", "Harian", "2024-03-02", J[:3], S[:3]),
            article("t", "Koran", "2024-03-03", S[:3], S[3:5]),
        ],
    )
    pairs = con.execute(
        """SELECT source_article_id, target_article_id, same_outlet, cluster_id IS NULL
           FROM alignments GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    assert pairs == [("g1", "g2", True, True), ("g2", "t", False, False)]
    assert con.execute(
        "SELECT n_articles, n_outlets, origin_article_id FROM clusters"
    ).fetchall() == [(2, 2, "g2")]
    g2, t = derivation(con, "g2"), derivation(con, "t")
    assert (g2["derived_chars"], g2["derived_fraction"], g2["derivation"]) == (0, 0.0, "non")
    assert g2["top_source_article_id"] is None
    assert t["derivation"] == "partially" and t["top_source_article_id"] == "g2"


#: every contract table but runs, every column but run_id
CONTRACT = tuple(t for t in TABLES if t != "runs")


def _contract(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in CONTRACT:
            names = [d[0] for d in con.execute(f"FROM {table} LIMIT 0").description]
            columns = ", ".join(f'"{n}"' for n in names if n != "run_id")
            out[table] = con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def test_stages_one_by_one_equal_run(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": ""}\n', encoding="utf-8")
    whole, staged = tmp_path / "whole.duckdb", tmp_path / "staged.duckdb"
    commands = [
        ["run", str(CORPUS), str(bad), "--db", str(whole), "-q"],
        ["ingest", str(CORPUS), str(bad), "--db", str(staged), "-q"],
        ["detect", "--db", str(staged), "-q"],
        ["attribute", "--db", str(staged), "-q"],
    ]
    for args in commands:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    want, got = _contract(whole), _contract(staged)
    assert all(want[t] for t in CONTRACT), "every table has rows to compare"
    for table in CONTRACT:
        assert got[table] == want[table], table


def test_other_align_settings_check_every_pair_again(tmp_path: Path) -> None:
    """The aligner's verdicts are kept between runs; a run with other align settings drops
    them, so its alignments are those of a fresh run with those settings."""
    from dedup.align import AlignSettings

    strict = pipeline.Settings(align=AlignSettings(min_matched=30))
    again, fresh = tmp_path / "again.duckdb", tmp_path / "fresh.duckdb"
    pipeline.run([CORPUS], again)
    counts = pipeline.run([CORPUS], again, strict)
    pipeline.run([CORPUS], fresh, strict)
    assert "align.min_matched: 8 -> 30" in counts["settings_changed"]
    sql = (
        "SELECT * EXCLUDE (alignment_id, cluster_id) FROM alignments ORDER BY ALL;"
        # attributions through alignments the redo removed go with them (helper-51: four
        # propagated rows stayed, naming alignments that no longer exist)
        "SELECT * FROM attributions ORDER BY ALL"
    )
    found = []
    for db in (again, fresh):
        con = duckdb.connect(str(db), read_only=True)
        try:
            found.append([con.execute(q).fetchall() for q in sql.split(";")])
        finally:
            con.close()
    assert found[0] == found[1]
