"""Segmentation: offsets always index articles.text; roles on the seeds."""

from __future__ import annotations

import json

from conftest import FIFTH, INEWS, JFID, JURNAS, SAMUDRA
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import segment

_pieces = st.sampled_from(
    [
        "Kata dia.", "“Tidak, saya tidak bisa. Tidak ada,” ujarnya.", "Dr. Smith said so.",
        "- Advertisement -", "Baca Juga", "\n", "\n\n", "   ", "U.S. officials met.",
        "東京で会議。合意した。", "یہ ایک جملہ ہے۔ دوسرا جملہ۔", "«Oui», dit-il.", '"Open',
        "यह पहला वाक्य है। दूसरा।", "ဒီနေ့ မိုးရွာတယ်။နောက်နေ့", "ሰላም ነው። እሺ።",
        "wrapped line of text that goes on and on and on for quite a while here\n",
        "    Indented paragraph.", "FOTO: AFP", "x",
    ]
)  # fmt: skip
texts = st.lists(st.one_of(_pieces, st.text(max_size=30)), max_size=25).map(" ".join)


@given(texts)
@settings(max_examples=300, deadline=None)
def test_paragraph_and_sentence_offsets(text: str) -> None:
    paragraphs = segment.segment_paragraphs(text, None)
    last_end = 0
    for p in paragraphs:
        assert 0 <= last_end <= p.start < p.end <= len(text)
        chunk = text[p.start : p.end]
        assert chunk == chunk.strip() and chunk
        assert p.role in segment.ROLES
        sentences = segment.sentence_spans(text, p.start, p.end)
        assert sentences, "every paragraph has at least one sentence"
        prev = p.start
        for s, e in sentences:
            assert prev <= s < e <= p.end
            assert text[s:e] == text[s:e].strip()
            prev = e
        last_end = p.end


def test_sentences_respect_quotes_abbreviations_and_scripts() -> None:
    text = "“Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan,” ujarnya. Dr. Smith setuju."
    got = [text[s:e] for s, e in segment.sentence_spans(text, 0, len(text))]
    assert got == [
        "“Tidak, saya tidak bisa. Tidak ada yang perlu dikatakan,” ujarnya.",
        "Dr. Smith setuju.",
    ]
    urdu = "یہ پہلا جملہ ہے۔ یہ دوسرا جملہ ہے۔"
    assert len(segment.sentence_spans(urdu, 0, len(urdu))) == 2
    cjk = "東京で会議が開かれた。両国は合意した。"
    assert len(segment.sentence_spans(cjk, 0, len(cjk))) == 2
    french = "«Non. Jamais», a-t-il dit. Puis il est parti."
    assert len(segment.sentence_spans(french, 0, len(french))) == 2
    for other in (
        "भारत के प्रधानमंत्री ने कहा कि अर्थव्यवस्था सुधर रही है। उन्होंने यह बात दिल्ली में कही।",
        "আজ বৃষ্টি হয়েছে। কাল রোদ উঠবে।",
        "ዛሬ ዝናብ ዘነበ። ነገ ፀሐይ ትወጣለች።",
        "Այսօր անձրև է։ Վաղը արև կլինի։",
        "ဒီနေ့ မိုးရွာတယ်။မနက်ဖြန် နေပူမယ်။",
    ):
        assert len(segment.sentence_spans(other, 0, len(other))) == 2, other
    us = "U.S. officials said on Monday. They left."
    assert len(segment.sentence_spans(us, 0, len(us))) == 2


def test_a_full_stop_and_a_lower_case_letter_end_a_sentence_in_text_without_capitals() -> None:
    # Georgian is written in lower-case letters only (Mkhedruli is Unicode category Ll;
    # its capitals are for headings), and some crawled text is all lower case: a full stop
    # and a lower-case letter still start a new sentence there, a Latin acronym inside the
    # paragraph notwithstanding
    for text in (
        "პრემიერ-მინისტრმა განაცხადა, რომ ეკონომიკა იზრდება. მან ეს თბილისში თქვა.",
        "NATO-ს შეხვედრა ბრიუსელში გაიმართა. მინისტრები ორშაბათს შეხვდნენ.",
        "the minister said the economy was growing. he said it in tbilisi.",
        "the talks with NATO went on. he said it in Tbilisi.",  # capitals inside sentences
    ):
        assert len(segment.sentence_spans(text, 0, len(text))) == 2, text
    # where the paragraph's sentences start with capitals of that script, a lower-case
    # letter after a full stop continues the sentence (an abbreviation the list lacks)
    for text in (
        "Prices rose abt. five percent. They fell later.",
        "“Prices rose abt. five percent,” he said. They fell later.",
    ):
        assert len(segment.sentence_spans(text, 0, len(text))) == 2, text
    # Georgian abbreviations are in the list
    georgian = "ბიუჯეტი 5 მლრდ. ლარით გაიზარდა, მაგ. ჯანდაცვაზე. მან ეს თქვა."
    assert len(segment.sentence_spans(georgian, 0, len(georgian))) == 2


def test_a_paragraph_is_read_for_capitals_once(monkeypatch) -> None:
    """A long paragraph without capitals, a full stop every few words: read once, not once
    a sentence (that was quadratic in the paragraph's length)."""
    reads = []
    starts = segment._SENTENCE_START

    class Counting:
        def finditer(self, *args):
            reads.append(args[1:])
            return starts.finditer(*args)

    monkeypatch.setattr(segment, "_SENTENCE_START", Counting())
    text = "the talks went on. " * 2000
    assert len(segment.sentence_spans(text, 0, len(text))) == 2000
    assert reads == [(0, len(text))]


def test_hard_wrapped_paragraphs_join() -> None:
    text = (
        "Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the drought\n"
        "since early January and improving prospects.\n    The dry period means the temporao will\n"
        "be late this year and the crop smaller.\n"
    )
    spans = segment.paragraph_spans(text)
    assert len(spans) == 2
    assert text[spans[1][0] :].startswith("The dry period")


def _roles(con, article_id: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT text, role FROM paragraphs WHERE article_id = ? ORDER BY seq", [article_id]
    ).fetchall()
    return {text: role for text, role in rows}


def test_seed_offsets(seed_con) -> None:
    rows = seed_con.execute(
        "SELECT a.text, p.char_start, p.char_end, p.text FROM paragraphs p JOIN articles a USING (article_id)"
    ).fetchall()
    assert rows
    for text, start, end, ptext in rows:
        assert text[start:end] == ptext
    sentences = seed_con.execute(
        "SELECT a.text, s.char_start, s.char_end, p.char_start, p.char_end "
        "FROM sentences s JOIN paragraphs p USING (paragraph_id) JOIN articles a ON a.article_id = s.article_id"
    ).fetchall()
    for text, s, e, ps, pe in sentences:
        assert ps <= s < e <= pe and text[s:e].strip() == text[s:e]


def test_seed_roles(seed_con) -> None:
    jfid = _roles(seed_con, JFID)
    assert jfid["- Advertisement -"] == "boilerplate"
    assert jfid["Share This Article"] == "boilerplate"
    assert jfid["AS Khawatir Korut Akan Jual Senjata ke Rusia untuk Perang Ukraina"] == "headline"
    inews = _roles(seed_con, INEWS)
    assert inews["Baca Juga"] == "boilerplate"
    assert inews["Komentar"] == "boilerplate"
    assert inews["Editor : Ahmad Islamy Jamil"] == "boilerplate"
    assert (
        inews["AS Khawatir, Korut Terus Pasok Senjata ke Rusia untuk Perangi Ukraina"] == "headline"
    )
    related = "16.000 Lansia Korsel Meninggal saat Menunggu Reuni dengan Keluarga di Korut"
    assert inews[related] == "boilerplate"
    fifth = _roles(seed_con, FIFTH)
    assert fifth["SCROLL TO CONTINUE WITH CONTENT"] == "boilerplate"
    assert any(t.startswith("Lihat juga Video") and r == "boilerplate" for t, r in fifth.items())
    jurnas = _roles(seed_con, JURNAS)
    captions = [t for t, r in jurnas.items() if r == "caption"]
    assert len(captions) == 1 and captions[0].endswith("KCNA melalui REUTERS")
    assert jurnas["KEYWORD :"] == "boilerplate"
    samudra = _roles(seed_con, SAMUDRA)
    assert [t for t, r in samudra.items() if r == "caption"][0].endswith("FOTO: AFP")
    assert any(t.startswith("Baca Juga") and r == "boilerplate" for t, r in samudra.items())
    for article in (JFID, INEWS, JURNAS, SAMUDRA, FIFTH):
        assert "body" in _roles(seed_con, article).values()


def test_outlet_template_lines(tmp_path) -> None:
    import json

    from dedup import pipeline

    lines = []
    for i in range(6):
        body = f"Berita nomor {i} tentang hal yang sangat berbeda {i * 7}."
        slogan = "Dukung jurnalisme independen kami dengan berlangganan, karena berita butuh biaya."
        text = f"Judul {i}\n\n{slogan}\n\n{body}"
        lines.append(json.dumps({"id": f"a{i}", "text": text, "outlet": "Harian X"}))
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines))
    db = tmp_path / "x.duckdb"
    pipeline.run([path], db, stages=("ingest", "detect"))
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    roles = con.execute(
        "SELECT DISTINCT role, role_reason FROM paragraphs WHERE text LIKE 'Dukung%'"
    ).fetchall()
    assert roles == [("boilerplate", "outlet template")]
    assert con.execute(
        "SELECT DISTINCT base_role FROM paragraphs WHERE text LIKE 'Dukung%'"
    ).fetchall() == [("body",)]


def test_a_first_line_is_a_headline_only_when_it_looks_like_one() -> None:
    from dedup.text import looks_like_headline

    assert looks_like_headline("AS Khawatir Korut Akan Jual Senjata ke Rusia untuk Perang Ukraina")
    assert looks_like_headline("Mengapa Putin Menemui Kim Jong Un?")
    assert not looks_like_headline(
        "Korea Utara mendukung Rusia, negara yang masih saja menginvasi Ukraina."
    )
    assert not looks_like_headline(" ".join(["kata"] * 30))  # a long line without a stop
    assert looks_like_headline("मोदी ने शिक्षा बजट बढ़ाया")
    assert not looks_like_headline("मोदी ने कहा कि शिक्षा बजट बढ़ेगा।")  # ends with a danda
    assert not looks_like_headline("")


def test_without_a_title_a_lede_paragraph_stays_body(seed_con) -> None:
    """The fifth seed has no title and opens with a two-sentence lede: it is body text (and
    counts in derived_fraction), not a headline."""
    from conftest import FIFTH

    title, role = seed_con.execute(
        "SELECT a.title, p.role FROM articles a JOIN paragraphs p USING (article_id) "
        "WHERE article_id = ? AND p.seq = 0",
        [FIFTH],
    ).fetchone()
    assert title is None and role == "body"


def test_a_title_taken_from_the_first_line_says_so() -> None:
    """A title the input states is the title; one taken from the text's first line is
    recorded in ``metadata_source`` as inferred; a first line that is a lede gives none."""
    from dedup.readers import make_article

    text = "Bank raises rates\n\nThe central bank raised its rate on Tuesday."
    given_title = make_article({"id": "a", "text": text, "title": "Rates"}, "x.jsonl", "utf-8")
    assert (given_title.title, given_title.metadata_source) == ("Rates", None)
    inferred = make_article({"id": "b", "text": text}, "x.jsonl", "utf-8")
    assert inferred.title == "Bank raises rates"
    assert json.loads(inferred.metadata_source) == {"title": "first line"}
    inferred.note_sources({"language": "py3langid"})
    assert json.loads(inferred.metadata_source) == {"title": "first line", "language": "py3langid"}
    lede = make_article({"id": "c", "text": text.split("\n\n")[1]}, "x.jsonl", "utf-8")
    assert (lede.title, lede.metadata_source) == (None, None)


def test_unpunctuated_scripts_are_body_not_footer() -> None:
    """Thai writes no full stop and no spaces between words: its paragraphs are long in
    words (counted a character a word), not the short unpunctuated lines of a footer."""
    thai = (
        "นายกรัฐมนตรีกล่าวเมื่อวันจันทร์ว่ารัฐบาลจะเพิ่มงบประมาณด้านการศึกษาในปีหน้า\n\n"
        "เขากล่าวว่าโรงเรียนในชนบทจะได้รับเงินทุนเพิ่มขึ้นร้อยละสิบห้า และครูจะได้รับการฝึกอบรมใหม่\n\n"
        "ฝ่ายค้านวิจารณ์แผนดังกล่าวว่าไม่เพียงพอ"
    )
    roles = [p.role for p in segment.segment_paragraphs(thai, "ข่าวการศึกษา")]
    assert roles == [segment.BODY] * 3
