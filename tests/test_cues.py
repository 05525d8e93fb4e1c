"""Cues as pure functions: the credits, datelines, ledes and footers of data/cues/*.txt
on real sentences, in every script a cue file covers, and the lexicon's names."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.cues import _parse_cues, find_cues, find_image_credits, load_cues


def sources(text: str, kinds: tuple[str, ...] = ("inline", "lede", "footer")) -> set[str]:
    return {m.source for m in find_cues(text, kinds)}


def test_indonesian_cues() -> None:
    assert sources("“Kami terus menekan ...,” kata Sullivan, seperti dikutip Reuters.") == {
        "Reuters"
    }
    assert sources("“Tidak, saya tidak bisa,” ujarnya, seperti dikutip AFP.") == {"AFP"}
    assert sources("kata Jake Sullivan kepada wartawan seperti dikutip kantor berita AFP.") == {
        "AFP"
    }
    assert sources("Juru bicara itu mengatakan kepada Reuters bahwa Korut menjual senjata.") == {
        "Reuters"
    }
    assert sources("Kantor berita KCNA kemarin melaporkan bahwa Kim mengirim pesan.") == {"KCNA"}
    assert sources("Hal itu diwartakan kantor berita Yonhap, Senin (11/9).") == {"Yonhap"}
    assert sources("Seperti dilansir dari Al Jazeera, Rusia menolak.") == {"Al Jazeera"}
    assert sources("Sumber: Al Jazeera") == {"Al Jazeera"}


def test_indonesian_credits_after_the_statement_and_sign_offs() -> None:
    """Credits the source follows or closes (helper-48's Indonesian outlets): a short verb
    before it, the speaker after "kepada", and a sign-off after the last sentence, "(ant)"
    being Antara's. A name in brackets without a sentence before it is no sign-off."""
    said = {
        "Harga nikel naik 3 persen pada Senin, kata Reuters.": "kata Reuters",
        "Produksi smelter turun tajam, lapor Reuters.": "lapor Reuters",
        "Pabrik itu ditutup sejak Senin, tulis Reuters.": "tulis Reuters",
        "Dedy Kurniawan, kepada AFP mengatakan pabrik ditutup.": "kepada AFP mengatakan",
        "Kepada Reuters, Eddy Santoso mengatakan pabrik ditutup.": (
            "Kepada Reuters, Eddy Santoso mengatakan"
        ),
    }
    for text, cue in said.items():
        [found] = find_cues(text)
        assert (found.kind, found.text) == ("inline", cue)
    for text, (source, cue) in {
        "Polisi masih menyelidiki penyebab ledakan itu. (Reuters)": ("Reuters", "(Reuters)"),
        "“Kami akan membangun kembali,” katanya.(ant)": ("Antara", "(ant)"),
        "Bendungan itu diresmikan pada Kamis. (ant/rdk)": ("Antara", "(ant/rdk)"),
    }.items():
        [found] = find_cues(text)
        assert (found.kind, found.source, found.text) == ("footer", source, cue)
    for text in (
        "Presiden Jokowi meninjau smelter di Morowali (Reuters)",
        "Semut (ant) itu kecil.",
    ):
        assert not find_cues(text)


def test_spanish_french_german_italian_portuguese_credits() -> None:
    """The credits of these languages' outlets (helper-50's audit: none was read before the
    cue files es, fr, de, it and pt), EFE's '.-' dateline and the agency sign-offs."""
    for text, source in {
        "MADRID, 3 dic (EFE).- El Consejo de Ministros aprobó un plan de vivienda.": "EFE",
        "El plan costará 5.200 millones de euros, según informó la agencia EFE.": "EFE",
        "La inflación bajó al 4,1 % en noviembre, informó Reuters.": "Reuters",
        "Quelque 120.000 foyers étaient privés d'électricité, selon l'AFP.": "AFP",
        "« C'est du jamais vu », a déclaré à l'AFP le maire de Brest.": "AFP",
        "Die GDL hat einen 48-stündigen Streik angekündigt, wie dpa meldet.": "dpa",
        "Das berichtete die Deutsche Presse-Agentur am Dienstag.": "dpa",
        "Laut Angaben der Deutschen Presse-Agentur fallen 2.000 Züge aus.": "dpa",
        "Una scossa di magnitudo 4.2 è stata avvertita a Napoli, riferisce l'ANSA.": "ANSA",
        "Secondo l'Ansa non ci sono danni.": "ANSA",
        "O orçamento prevê um excedente, noticiou a agência Lusa.": "Lusa",
        "O ministro disse hoje à Lusa que o défice vai descer.": "Lusa",
    }.items():
        assert sources(text) == {source}, text
    for text, found in {
        "(EFE)": {"EFE"},
        "Agencia EFE": {"EFE"},
        "Fuente: EFE": {"EFE"},
        "Con información de Reuters y AP": {"Reuters", "AP"},
        "(Avec AFP)": {"AFP"},
        "dpa/afp": {"dpa", "AFP"},
        "AFP/dpa/rtr": {"AFP", "dpa", "Reuters"},
        "Fonte: Lusa": {"Lusa"},
    }.items():
        assert {m.source for m in find_cues(text, ("footer",))} == found, text
    for text, found in {
        "El banco subió los tipos, según Reuters y AFP.": {"Reuters", "AFP"},
        "La tempête a fait deux morts, selon l'AFP et Reuters.": {"AFP", "Reuters"},
        "Laut dpa und AFP fallen 2.000 Züge aus.": {"dpa", "AFP"},
        "A inflação caiu, segundo a Lusa e a Reuters.": {"Lusa", "Reuters"},
    }.items():
        assert sources(text) == found, text
    # what these files must not read in English or Indonesian text (helper-52)
    for text in (
        "Menurut Dirjen SDA Kementerian PUPR, debit air naik.",  # sumber daya air
        "Ditjen SDA melaporkan debit air naik",
        "Sengketa Batas Laut Antara Indonesia dan Malaysia",  # the sea between
        "BATAS LAUT ANTARA RI DAN VIETNAM",
    ):
        assert not sources(text), text
    for text in (
        *("Reuters/Pool", "AFP/Getty", "REUTERS/Kim Kyung-Hoon", "Die dpa-Zahlen"),
        *("Kompas", "CNN Indonesia", "— Tempo", "(rdp/rtr)", "(nvc/ap)", "RTR"),
    ):
        assert not find_cues(text, ("footer",)), text


def test_outlets_are_outlets() -> None:
    [guardian] = find_cues("“Kami prihatin,” katanya, sebagaimana dilansir The Guardian.")
    assert (guardian.source, guardian.source_type) == ("The Guardian", "outlet")
    assert guardian.text == "sebagaimana dilansir The Guardian"
    [nyt, *_] = find_cues("Menurut laporan New York Times¹, Kim berencana ke Rusia.")
    assert (nyt.source, nyt.source_type, nyt.text) == (
        "The New York Times",
        "outlet",
        "Menurut laporan New York Times",
    )


def test_lede_cue_kind() -> None:
    kinds = {m.kind for m in find_cues("Dilansir Reuters, Jumat (8/9), pemimpin Korea Utara ...")}
    assert "lede" in kinds


def test_english_wire_cues() -> None:
    [dateline] = [
        m
        for m in find_cues("SEOUL, Oct 13 (Reuters) - North Korea fired two missiles on Friday.")
        if m.kind == "lede"
    ]
    assert (dateline.source, dateline.text, dateline.confidence) == (
        "Reuters",
        "SEOUL, Oct 13 (Reuters) -",
        0.95,
    )
    assert sources("PARIS (AFP) - France said on Monday ...") == {"AFP"}
    assert sources("JAKARTA (ANTARA) - Pemerintah mengumumkan ...") == {"Antara"}
    assert sources("A senior official told Reuters the talks had stalled.") == {"Reuters"}
    assert sources("The ship sank, according to the Associated Press.") == {"AP"}
    assert sources("The ship sank, according to the AP.") == {"AP"}
    assert sources("Reuters could not immediately verify the report.") == {"Reuters"}
    assert sources("Reuters reported on Tuesday that the plant had closed.") == {"Reuters"}
    assert sources("North Korea's official KCNA news agency said the launch succeeded.") == {"KCNA"}
    assert sources("(Reporting by Hyonhee Shin; Editing by Ed Davies)", ("footer",)) == {"Reuters"}
    assert sources("Associated Press writer Kim Tong-hyung contributed to this report.") == {"AP"}
    assert sources("Officials told Reuters and AFP the vote was delayed.") == {"Reuters", "AFP"}


def test_cues_in_other_scripts() -> None:
    """Wire names written in the outlet's script, with the cues of data/cues/<language>.txt;
    in a script written without spaces (or Hangul) the name is glued to its neighbours."""
    cases = {
        "القاهرة (رويترز) - قالت الحكومة المصرية إن الاقتصاد ينمو.": "Reuters",
        "وقال مسؤول لوكالة رويترز إن الاتفاق قريب.": "Reuters",
        "نقلت وكالة فرانس برس عن مصادر أن المحادثات توقفت.": "AFP",
        "عمّان (أ ف ب) - أعلنت الحكومة الأردنية إغلاق المعبر.": "AFP",  # AFP's own credit
        "بيروت (ا ف ب) - قال مسؤولون إن الطريق أغلق.": "AFP",  # typed without the hamza
        "اسلام آباد (اے پی پی) وزیر اعظم نے کہا کہ معیشت بہتر ہو رہی ہے۔": "APP",
        "رائٹرز کے مطابق مذاکرات جاری ہیں۔": "Reuters",
        "नई दिल्ली (पीटीआई) प्रधानमंत्री ने कहा कि बातचीत जारी है।": "PTI",
        "रॉयटर्स के अनुसार बातचीत जारी है।": "Reuters",
        "新华社北京1月1日电 国家主席发表新年贺词。": "Xinhua",
        "据路透社报道，会议已经结束。": "Reuters",
        "AP通信によると、会談は終了した。": "AP",
        "ロイター通信によると、会談は終了した。": "Reuters",
        "Как сообщает агентство Рейтер, переговоры продолжаются.": "Reuters",
        "По данным ТАСС, встреча состоялась.": "TASS",
    }
    for text, source in cases.items():
        assert sources(text) == {source}, text
    # ledes that hand the whole story to a source, and footers that name it
    for text, kinds, source in [
        ("据新华社报道，北方多地周一遭遇强降雨。", ("lede",), "Xinhua"),
        ("بحسب ما ذكرته وكالة فرانس برس، غمرت الأمطار القرى.", ("lede",), "AFP"),
        ("来源：新华社", ("footer",), "Xinhua"),
        ("（来源：新华网）", ("footer",), "Xinhua"),
        ("المصدر: أ ف ب", ("footer",), "AFP"),
        ("المصدر: وكالة رويترز", ("footer",), "Reuters"),
    ]:
        assert sources(text, kinds) == {source}, text
    assert sources("官员说，据新华社报道，会议已经结束。", ("lede",)) == set()  # not its opening
    # a dash-less dateline needs a place in a non-Latin script
    assert sources("The report (AP) said nothing new.") == set()
    assert sources("Reutersian prose is not a source.") == set()


def test_unknown_agency_keeps_its_name() -> None:
    assert sources("seperti dikutip kantor berita Mehr, Minggu (10/9).") == {"Mehr"}
    assert sources("Iran's Mehr news agency reported the arrests.") == {"Mehr"}
    # a known name inside an unknown-looking phrase is still the known agency
    assert sources("Kantor berita Korea Selatan Yonhap melaporkan peluncuran itu.") == {"Yonhap"}


def test_lowercase_and_inner_ap_never_yield_ap() -> None:
    texts = [
        "Menurut laporan ap, setiap siap tampil, kata dia kepada ap.",
        "Seperti dikutip apa adanya, tap dan cap dilansir lap.",
        "told ap news that Apple and APPLE had grown, according to the AP-style guide",
        "seperti dilaporkan tempo hari, dalam hitungan detik",
    ]
    for text in texts:
        assert "AP" not in sources(text), text
        assert not ({"Tempo", "Detik"} & sources(text)), text
    assert sources("Menurut laporan AP, kapal itu tenggelam.") == {"AP"}
    assert sources("seperti dikutip APP, Senin.") == {"APP"}


def test_image_credits_are_not_text_sources() -> None:
    caption = (
        "Pemimpin Korea Utara Kim Jong Un berjabat tangan dengan Presiden Rusia Vladimir Putin. "
        "KCNA melalui REUTERS"
    )
    credits = {(m.source, m.chain_role) for m in find_image_credits(caption)}
    assert credits == {("KCNA", "origin"), ("Reuters", "relay")}
    assert find_cues(caption) == []
    cases = {
        "Kim dan Putin di Pyongyang, Rabu (19/6/2024). FOTO: AFP": {("AFP", "source")},
        "Kim Jong Un inspects a factory. Foto: REUTERS/Kim Hong-Ji": {("Reuters", "source")},
        "Kim Jong Un inspects a factory. REUTERS/Kim Hong-Ji": {("Reuters", "source")},
        "Soldiers march in Pyongyang. (Photo: AP)": {("AP", "source")},
        "Soldiers march in Pyongyang. (AP Photo/Ahn Young-joon)": {("AP", "source")},
        "Kim at the launch site. (KCNA via Reuters)": {("KCNA", "origin"), ("Reuters", "relay")},
    }
    for text, expected in cases.items():
        assert {(m.source, m.chain_role) for m in find_image_credits(text)} == expected, text
        assert sources(text) == set(), text


def test_a_poll_is_not_a_photo_credit() -> None:
    text = "Support fell to 38%, a Reuters/Ipsos poll showed."
    assert find_image_credits(text) == []
    assert sources(text) == {"Reuters"}


def test_cue_file_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "xx.txt"
    bad.write_text("# comment\ninline\t0.9\t(unclosed {SRC}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"xx.txt:2"):
        list(_parse_cues(bad, load_cues().lexicon))


def test_lexicon_canonicalises_outlet_columns() -> None:
    lexicon = load_cues().lexicon
    assert lexicon.canonical("reuters").name == "Reuters"
    assert lexicon.canonical("Agence France-Presse").name == "AFP"
    assert lexicon.lookup("ap") is None and lexicon.lookup("AP").name == "AP"
    # a desk or edition of a wire service begins with the service's name, as a whole word
    assert lexicon.canonical("AFP Arabic") is None
    assert lexicon.leading("AFP Arabic").name == "AFP"
    assert lexicon.leading("Reuters  UK").name == "Reuters"
    assert lexicon.leading("新华社 北京").name == "Xinhua"
    assert lexicon.leading("APP News").name == "APP"  # not AP
    assert lexicon.leading("Apex Wire") is None and lexicon.leading("afp arabic") is None
