"""Attribution: the stage on the seed corpus and on a small wire story (cues alone: test_cues)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import FIFTH, INEWS, JFID, JURNAS, SAMUDRA
from rich.console import Console

from dedup.attribute import attribute
from dedup.cues import CueText, load_cues
from dedup.keywords import CASE_TWINS
from dedup.provenance import render_trace, trace


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def paragraph(con: duckdb.DuckDBPyConnection, article_id: str, needle: str) -> str:
    [(pid,)] = con.execute(
        "SELECT paragraph_id FROM paragraphs WHERE article_id = ? AND contains(text, ?)",
        [article_id, needle],
    ).fetchall()
    return pid


def attributions(con: duckdb.DuckDBPyConnection, pid: str) -> list[dict]:
    return rows(con, "SELECT * FROM attributions WHERE paragraph_id = ?", pid)


def has(found: list[dict], source: str, method: str, **extra: object) -> bool:
    return any(
        r["source"] == source and r["method"] == method and all(r[k] == v for k, v in extra.items())
        for r in found
    )


# --- the quick tests that spare texts the cue regexes -------------------------------------


def test_case_twins_are_all_the_letters_ignorecase_equates_with_a_keyword_letter() -> None:
    """Keywords are ASCII or Cyrillic letters (dedup/keywords.py): every other character
    that re.IGNORECASE equates with one of them is a twin."""
    chars = "".join(
        chr(c) for c in range(0x80, 0x110000) if not (0xD800 <= c < 0xE000 or 0x400 <= c < 0x500)
    )
    found = set(re.findall("[a-z\u0400-\u04ff]", chars, re.IGNORECASE))
    assert found == set(CASE_TWINS.findall(chars))


def _name_texts() -> list[str]:
    """Every lexicon name, in many cases and surroundings."""
    lexicon = load_cues().lexicon
    names = [*lexicon._exact, *lexicon._folded]  # noqa: SLF001
    forms = [
        "{}",
        "({}) -",
        "SEOUL, Oct 13 ({}) - x",
        "told {} that",
        "according to the {}.",
        "{}\u00b9 reported",
        "\u201c{}\u201d said",
        "{}/John Smith",
        "{}-style",
        "x{}",
        "{}x",
        "Foto: {} / Budi",
        "Source: {}",
        "seperti dikutip kantor berita {}, Senin.",
        "Kantor berita {} kemarin melaporkan",
        "{} news agency said",
        "{} photo",
        "KCNA via {}",
        "({} melalui REUTERS)",
        "(c) 2023 {}",
        "{} could not immediately verify",
        "{} writers Kim Tong-hyung contributed to this report",
    ]
    variants = [
        v
        for name in names
        for v in (name, name.upper(), name.lower(), name.title(), name.replace(" ", " \n\t "))
    ]
    texts = [form.format(v) for v in variants for form in forms]
    return texts + [t.replace("i", "\u0131").replace("I", "\u0130") for t in texts[::7]]


def _cue_texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    paragraphs = [t for (t,) in con.execute("SELECT text FROM paragraphs").fetchall()]
    return paragraphs + _name_texts()


def test_lexicon_quick_test_never_misses_a_name(seed_con: duckdb.DuckDBPyConnection) -> None:
    lexicon = load_cues().lexicon
    for text in _cue_texts(seed_con):
        if lexicon.regex.search(text):
            assert lexicon.may_occur(text), text


def test_cue_keywords_never_miss_a_match(seed_con: duckdb.DuckDBPyConnection) -> None:
    cues = load_cues()
    texts = _cue_texts(seed_con)
    texts += [t.upper() for t in texts] + [t.replace("s", "\u017f") for t in texts[::5]]
    for text in texts:
        t = CueText(text)
        for cue in cues.cues:
            if cue.regex.search(text):
                assert cue in t.candidates((cue.kind,), cues), (cue.regex.pattern[:60], text)


def test_cue_keywords() -> None:
    keywords = {c.regex.pattern: c.keywords for c in load_cues().cues}
    assert all(k is None or k == tuple(sorted(k)) for k in keywords.values())
    [told] = [k for p, k in keywords.items() if p.startswith(r"\b(?:told|tells|telling)")]
    assert told is not None and all(any(k in w for k in told) for w in ("told", "tells"))


# --- the stage on the seed corpus (real pipeline, conftest.seed_db) ----------------------


def test_seed_explicit_cues(seed_con: duckdb.DuckDBPyConnection) -> None:
    con = seed_con
    expected = [
        (JFID, "kata Sullivan, seperti dikutip Reuters", "Reuters", "seperti dikutip Reuters"),
        (JFID, "ujarnya, seperti dikutip AFP", "AFP", "seperti dikutip AFP"),
        (FIFTH, "Dilansir Reuters, Jumat (8/9)", "Reuters", "Dilansir Reuters"),
        (FIFTH, "seperti dikutip kantor berita AFP", "AFP", "seperti dikutip kantor berita AFP"),
        (INEWS, "namanya itu mengatakan kepada", "Reuters", None),
        (INEWS, "kemarin melaporkan", "KCNA", None),
        (SAMUDRA, "dilansir The Guardian", "The Guardian", "sebagaimana dilansir The Guardian"),
        (JFID, "Menurut laporan New York Times", "The New York Times", None),
    ]
    for article_id, needle, source, evidence in expected:
        found = attributions(con, paragraph(con, article_id, needle))
        assert has(found, source, "explicit"), (needle, found)
        if evidence:
            assert has(found, source, "explicit", evidence=evidence), (needle, found)
    types = dict(con.execute("SELECT DISTINCT source, source_type FROM attributions").fetchall())
    assert types["The Guardian"] == types["The New York Times"] == "outlet"
    assert types["Reuters"] == types["AFP"] == types["KCNA"] == "wire"


def test_seed_peskov_paragraph_has_afp_propagated_and_reuters_inherited(
    seed_con: duckdb.DuckDBPyConnection,
) -> None:
    con = seed_con
    pid = paragraph(con, FIFTH, "Dmitry Peskov mengatakan")
    found = attributions(con, pid)
    assert not any(r["method"] == "explicit" for r in found)
    [afp] = [r for r in found if r["source"] == "AFP" and r["alignment_id"] is not None]
    assert afp["method"] == "propagated" and 0 < afp["confidence"] <= 1
    [alignment] = rows(con, "SELECT * FROM alignments WHERE alignment_id = ?", afp["alignment_id"])
    assert {alignment["source_article_id"], alignment["target_article_id"]} == {JFID, FIFTH}
    assert afp["evidence"].startswith(f"alignment {afp['alignment_id']} with {JFID}")
    assert has(found, "AFP", "propagated", alignment_id=None)  # the shared quote trail
    [reuters] = [r for r in found if r["source"] == "Reuters"]
    assert reuters["method"] == "inherited" and reuters["evidence"] == "Dilansir Reuters"
    assert reuters["confidence"] < 0.9


def test_seed_lede_paragraph_is_explicit_not_inherited(seed_con: duckdb.DuckDBPyConnection) -> None:
    found = attributions(seed_con, paragraph(seed_con, FIFTH, "Dilansir Reuters"))
    assert [r["method"] for r in found] == ["explicit"]


def test_seed_jurnas_inherits_al_jazeera_from_its_footer(
    seed_con: duckdb.DuckDBPyConnection,
) -> None:
    con = seed_con
    body = rows(
        con,
        "SELECT paragraph_id FROM paragraphs WHERE article_id = ? AND role = 'body'",
        JURNAS,
    )
    assert len(body) > 10
    for r in body:
        found = attributions(con, r["paragraph_id"])
        explicit = [f for f in found if f["method"] == "explicit"]
        assert explicit or has(found, "Al Jazeera", "inherited", evidence="Sumber: Al Jazeera")
    assert not has(
        attributions(con, paragraph(con, JURNAS, "kantor berita Reuters")),
        "Al Jazeera",
        "inherited",
    )


def test_seed_image_credits(seed_con: duckdb.DuckDBPyConnection) -> None:
    con = seed_con
    caption = paragraph(con, JURNAS, "KCNA melalui REUTERS")
    credits = rows(con, "SELECT * FROM image_credits WHERE paragraph_id = ?", caption)
    assert {(c["source"], c["chain_role"]) for c in credits} == {
        ("KCNA", "origin"),
        ("Reuters", "relay"),
    }
    assert all(c["evidence"] == "KCNA melalui REUTERS" for c in credits)
    assert attributions(con, caption) == []
    foto = paragraph(con, SAMUDRA, "FOTO: AFP")
    assert [
        c["source"] for c in rows(con, "SELECT * FROM image_credits WHERE paragraph_id = ?", foto)
    ] == ["AFP"]
    assert not any(r["source"] == "AFP" for r in attributions(con, foto))


def test_seed_never_ap(seed_con: duckdb.DuckDBPyConnection) -> None:
    for table in ("attributions", "image_credits"):
        assert seed_con.execute(f"SELECT count(*) FROM {table} WHERE source = 'AP'").fetchone() == (
            0,
        )


def test_seed_evidence_stands_in_the_text(seed_con: duckdb.DuckDBPyConnection) -> None:
    found = rows(
        seed_con,
        "SELECT t.*, substr(a.text, t.cue_start + 1, t.cue_end - t.cue_start) AS cue"
        " FROM attributions t JOIN articles a USING (article_id)",
    )
    assert found
    for r in found:
        assert 0 < r["confidence"] <= 1
        assert r["method"] in ("explicit", "inherited", "propagated", "matched")
        if r["method"] in ("explicit", "inherited"):
            assert r["cue"] == r["evidence"], r
        else:
            assert r["cue_start"] is None


def test_seed_quotes_and_trail(seed_con: duckdb.DuckDBPyConnection) -> None:
    con = seed_con
    found = rows(
        con,
        "SELECT q.*, substr(a.text, q.char_start + 1, q.char_end - q.char_start) AS span"
        " FROM quotes q JOIN articles a USING (article_id)",
    )
    assert all(q["span"] == q["text"] for q in found)
    speakers = {q["text"][:20]: q["speaker"] for q in found}
    assert speakers["Kami terus menekan b"] == "Sullivan"
    assert speakers["Kami akan terus meny"] == "Sullivan"  # "tambahnya"
    [trail] = rows(con, "SELECT * FROM quote_trails WHERE text LIKE 'Tidak, saya tidak bisa%'")
    assert trail["n_articles"] == 2 and trail["first_article_id"] == JFID
    members = {q["article_id"] for q in found if q["trail_id"] == trail["trail_id"]}
    assert members == {JFID, FIFTH}


ATTRIBUTE_TABLES = ("attributions", "image_credits", "quotes", "quote_trails")


def _attribute_tables(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ATTRIBUTE_TABLES
        }
    finally:
        con.close()


def test_seed_attribute_is_a_full_recompute(seed_db: Path, tmp_path: Path) -> None:
    """Other lexicon or cue files (a changed digest in ``meta``) make the stage redo every
    article: rows wiped behind its back come back exactly as a first run made them, while
    the same wipe with the digest unchanged is left alone (nothing new to attribute)."""
    from dedup import pipeline

    db = tmp_path / "copy.duckdb"
    shutil.copy(seed_db, db)
    before = _attribute_tables(db)
    assert all(before[t] for t in ATTRIBUTE_TABLES)

    def wipe(stale_digest: bool) -> None:
        con = duckdb.connect(str(db))
        for table in ATTRIBUTE_TABLES:
            con.execute(f"DELETE FROM {table}")
        if stale_digest:
            value = json.loads(
                con.execute("SELECT value FROM meta WHERE key = 'stage:attribute'").fetchone()[0]
            )
            value["settings"]["cues"] = "0" * 64
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'stage:attribute'", [json.dumps(value)]
            )
        con.close()

    wipe(stale_digest=False)
    pipeline.run([], db, stages=("attribute",))
    assert not any(_attribute_tables(db).values())
    wipe(stale_digest=True)
    pipeline.run([], db, stages=("attribute",))
    assert _attribute_tables(db) == before


def test_seed_trace(seed_con: duckdb.DuckDBPyConnection) -> None:
    result = trace(seed_con, FIFTH)
    json.dumps(result)
    [peskov] = [p for p in result["paragraphs"] if "Dmitry Peskov mengatakan" in p["text"]]
    assert {(s["source"], s["method"]) for s in peskov["sources"]} >= {
        ("AFP", "propagated"),
        ("Reuters", "inherited"),
    }
    aligned = [a for a in peskov["aligned"] if a["article_id"] == JFID]
    assert any("Tidak ada yang perlu dikatakan" in a["text"] for a in aligned)
    assert all({"outlet", "published", "score", "match_kind"} <= a.keys() for a in aligned)
    console = Console(record=True, width=110)
    render_trace(result, console)
    out = console.export_text()
    assert "Dilansir Reuters" in out and "propagated" in out and JFID in out
    with pytest.raises(LookupError):
        trace(seed_con, "no-such-article")


# --- the stage on a hand-built wire story and its rewrite --------------------------------

WIRE = """N.Korea warns of countermeasures

SEOUL, Oct 13 (Reuters) - North Korea warned on Friday it would take countermeasures against
the deployment of a U.S. aircraft carrier.

"We will take strong countermeasures against any provocation," Kim Yo Jong told Reuters.

The carrier arrived in Busan on Thursday for joint drills with South Korea.

(Reporting by Hyonhee Shin; Editing by Ed Davies)"""

REWRITE = """Pyongyang threatens response to US carrier

US aircraft carrier in Busan. (Photo: AP)

The carrier docked in the southern port city for joint drills with Seoul, officials said.

"We will take strong countermeasures against any provocation," Kim Yo Jong said on Friday."""


def _spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for block in text.split("\n\n"):
        start = text.index(block, start)
        spans.append((start, start + len(block)))
        start += len(block)
    return spans


@pytest.fixture()
def wire_db(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "wire.duckdb"))
    con.execute((resources.files("dedup") / "data" / "schema.sql").read_text(encoding="utf-8"))
    articles, paragraphs = [], []
    for aid, outlet, kind, day, text, roles in [
        ("w", "Reuters", "wire", 13, WIRE, ["headline", "body", "body", "body", "body"]),
        ("o", "Example Daily", "outlet", 14, REWRITE, ["headline", "caption", "body", "body"]),
    ]:
        articles.append(
            {
                "article_id": aid,
                "outlet": outlet,
                "kind": kind,
                "published": datetime(2023, 10, day),
                "language": "en",
                "text": text,
                "content_hash": aid,
                "encoding": "utf-8",
            }
        )
        for seq, ((start, end), role) in enumerate(zip(_spans(text), roles, strict=True)):
            paragraphs.append(
                {
                    "paragraph_id": f"{aid}/{seq}",
                    "article_id": aid,
                    "seq": seq,
                    "char_start": start,
                    "char_end": end,
                    "role": role,
                    "base_role": role,
                    "text": text[start:end],
                    "norm_key": None,
                }
            )
    quote = '"We will take strong countermeasures against any provocation,"'
    ws, os_ = WIRE.index(quote), REWRITE.index(quote)
    alignments = [
        {
            "alignment_id": 1,
            "source_article_id": "w",
            "source_paragraph_id": "w/2",
            "source_start": ws,
            "source_end": ws + len(quote),
            "target_article_id": "o",
            "target_paragraph_id": "o/3",
            "target_start": os_,
            "target_end": os_ + len(quote),
            "score": 88.0,
            "match_kind": "near_verbatim",
            "same_outlet": False,
            "direction_basis": "published",
        },
    ]
    for table, data in [
        ("articles", articles),
        ("paragraphs", paragraphs),
        ("alignments", alignments),
    ]:
        con.register("frame", pl.DataFrame(data).to_arrow())
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")
        con.unregister("frame")
    return con


def test_wire_story_and_rewrite(wire_db: duckdb.DuckDBPyConnection) -> None:
    con = wire_db
    counts = attribute(con)
    assert (
        counts["attributions"] > 0 and counts["image_credits"] == 1 and counts["quote_trails"] == 1
    )
    lede = attributions(con, "w/1")
    assert has(lede, "Reuters", "explicit", evidence="SEOUL, Oct 13 (Reuters) -", confidence=0.95)
    assert has(attributions(con, "w/2"), "Reuters", "explicit", evidence="told Reuters")
    assert has(
        attributions(con, "w/3"), "Reuters", "inherited", evidence="SEOUL, Oct 13 (Reuters) -"
    )
    assert has(
        attributions(con, "w/4"),
        "Reuters",
        "explicit",
        evidence="(Reporting by Hyonhee Shin; Editing by Ed Davies)",
    )
    rewrite = attributions(con, "o/3")
    # the alignment covers the quote alone: that share of the paragraph is the evidence
    [(quote, paragraph)] = con.execute(
        "SELECT target_end - target_start, char_end - char_start FROM alignments "
        "JOIN paragraphs ON paragraph_id = target_paragraph_id"
    ).fetchall()
    share = quote / paragraph
    assert 0.3 < share < 0.7
    matched = round(0.88 * share, 4)
    assert has(
        rewrite, "Reuters", "matched", alignment_id=1, confidence=matched, source_type="wire"
    )
    assert has(
        rewrite, "Reuters", "propagated", alignment_id=1, confidence=round(0.9 * 0.88 * share, 4)
    )
    assert has(rewrite, "Reuters", "propagated", alignment_id=None)  # quote trail
    assert attributions(con, "o/2") == []  # no cue, no alignment
    assert attributions(con, "o/1") == []  # the caption's credit is no text source
    [credit] = rows(con, "SELECT * FROM image_credits")
    assert (credit["paragraph_id"], credit["source"], credit["evidence"]) == (
        "o/1",
        "AP",
        "(Photo: AP)",
    )
    assert not has(attributions(con, "w/3"), "AP", "inherited")


def test_alignments_with_one_article_cover_a_paragraph_together(
    wire_db: duckdb.DuckDBPyConnection,
) -> None:
    """A paragraph copied in passages around an edited stretch is covered by all of them: the
    share is the union of the spans of its alignments with that article (helper-52)."""
    start, end, quote_start, quote_end = wire_db.execute(
        "SELECT char_start, char_end, target_start, target_end FROM paragraphs "
        "JOIN alignments ON paragraph_id = target_paragraph_id WHERE alignment_id = 1"
    ).fetchone()
    for alignment_id, (s, e) in ((2, (start, quote_start + 10)), (3, (quote_end, end))):
        wire_db.execute(
            "INSERT INTO alignments SELECT * REPLACE (? AS alignment_id, ? AS target_start, "
            "? AS target_end, 90.0 AS score) FROM alignments WHERE alignment_id = 1",
            [alignment_id, s, e],
        )
    attribute(wire_db)
    [matched] = [r for r in attributions(wire_db, "o/3") if r["method"] == "matched"]
    assert (matched["confidence"], matched["alignment_id"]) == (0.9, 2)
    assert "100% of the paragraph" in matched["evidence"]


@pytest.mark.parametrize(
    ("outlet", "source"),
    [("Reuters Arabic", "Reuters"), ("Thomson Reuters", "Reuters"), ("Wire Desk", "Wire Desk")],
)
def test_a_wire_desk_is_matched_as_its_service(
    wire_db: duckdb.DuckDBPyConnection, outlet: str, source: str
) -> None:
    """A wire article whose outlet is a desk of a service ("AFP Arabic") is that service in
    matched rows, as its credits in the text are: "AFP Arabic" beside "AFP" split one
    source in two in every count (helper-47); an unknown wire keeps its name."""
    wire_db.execute("UPDATE articles SET outlet = ? WHERE article_id = 'w'", [outlet])
    attribute(wire_db)
    assert has(attributions(wire_db, "o/3"), source, "matched", alignment_id=1)


def test_same_outlet_alignments_do_not_propagate(wire_db: duckdb.DuckDBPyConnection) -> None:
    wire_db.execute("UPDATE alignments SET same_outlet = true")
    attribute(wire_db)
    assert not any(
        r["method"] in ("matched", "propagated") and r["alignment_id"]
        for r in attributions(wire_db, "o/3")
    )


@pytest.mark.parametrize(("basis", "matched"), [("published", False), ("undecided", True)])
def test_a_wire_that_came_later_is_no_match(
    wire_db: duckdb.DuckDBPyConnection, basis: str, matched: bool
) -> None:
    """The outlet's paragraph came first and the wire took it up (the alignment's decided
    target is the wire): it is not wire copy, as the derivation says; its cue still
    propagates. An undecided pair matches either way, as before."""
    wire_db.execute(
        """UPDATE alignments SET
           source_article_id = target_article_id, target_article_id = source_article_id,
           source_paragraph_id = target_paragraph_id, target_paragraph_id = source_paragraph_id,
           source_start = target_start, target_start = source_start,
           source_end = target_end, target_end = source_end, direction_basis = ?""",
        [basis],
    )
    attribute(wire_db)
    outlet = attributions(wire_db, "o/3")
    assert has(outlet, "Reuters", "matched", alignment_id=1) is matched
    assert has(outlet, "Reuters", "propagated", alignment_id=1)


def test_the_outlet_sources_table_counts_paragraphs_per_method(
    wire_db: duckdb.DuckDBPyConnection,
) -> None:
    """The rewrite's paragraph takes Reuters twice by propagation (its alignment and its
    quote trail): one paragraph in the report's outlet table, not two (it counted rows)."""
    from pathlib import Path

    attribute(wire_db)
    sql = Path(__file__).parents[1] / "reports" / "queries" / "03_outlet_source_matrix.sql"
    rows = wire_db.sql(sql.read_text(encoding="utf-8")).pl().to_dicts()
    [outlet] = [r for r in rows if r["outlet"] != "Reuters" and r["source"] == "Reuters"]
    assert (outlet["n_paragraphs"], outlet["propagated"], outlet["matched"]) == (1, 1, 1)


def test_best_cue_does_not_depend_on_row_order() -> None:
    """Two cues of one source at the same place and confidence: the longer is kept, however
    the rows come (a parallel scan or a polars sort must not decide)."""
    from dedup.attribute import ATTRIBUTION_SCHEMA, _best

    base = {
        "paragraph_id": "a/1", "article_id": "a", "source": "IRNA", "source_type": "wire",
        "method": "explicit", "confidence": 0.85, "chain_role": "source", "cue_start": 10,
        "alignment_id": None,
    }  # fmt: skip
    rows = [
        base | {"evidence": "IRNA news agency", "cue_end": 26},
        base | {"evidence": "IRNA news agency said", "cue_end": 31},
    ]
    for order in (rows, rows[::-1]):
        best = _best(pl.DataFrame(order * 50, schema=ATTRIBUTION_SCHEMA))
        assert best.height == 1 and best["evidence"][0] == "IRNA news agency said"


def test_cue_keywords_are_what_every_match_contains() -> None:
    """The keyword test only skips texts a cue cannot match (read from the regex text)."""
    from dedup.cues import _keywords

    assert _keywords(r"\b(?:told|tells|telling)\s+(?:the\s+)?{SRC}") == ("telling", "tells", "told")
    assert _keywords(r"(?:seperti\s+)?dikutip\s+{SRC}") == ("dikutip",)
    assert _keywords(r"\(\s*{SRC}\s*\)\s*[-–—]") in (("(",), (")",))  # a name in brackets
    assert _keywords(r"(?=kata)\w+") is None  # a lookahead requires nothing of the match
    assert _keywords(r"abc+d") == ("ab",)  # a repeat ends a run of literals
    assert _keywords(r"(?:a|b)") == ("a", "b")
    assert _keywords(r"foo|\d+") is None  # one branch without words: no test


def test_every_cue_match_in_the_seeds_holds_a_keyword() -> None:
    from conftest import CORPUS

    cues = load_cues()
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    checked = 0
    for cue in cues.cues:
        if cue.keywords is None:
            continue
        for body in texts:
            for m in cue.regex.finditer(body):
                checked += 1
                assert any(k in m.group().lower() for k in cue.keywords), (cue.pattern[:60], m)
    assert checked > 0
