"""``make eval``'s code on hand-made cases: the metrics, the baselines, the threshold
fitting, and the clough and indosum sets end to end on tiny corpora written here (no shared
data)."""

from __future__ import annotations

import csv
import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from dedup import paraphrase
from eval import (
    baselines,
    clough,
    derivation,
    indosum,
    metrics,
    msrp,
    paraphrase_check,
    respell,
    run,
    tool,
)

SOURCE_A = (
    "The Eiffel Tower was built for the 1889 World's Fair in Paris by the company of Gustave Eiffel.\n\n"
    "At 330 metres it remained the tallest man-made structure in the world for forty-one years, "
    "until the Chrysler Building in New York City was finished in 1930.\n\n"
    "It is repainted every seven years with about sixty tonnes of paint to protect it from rust."
)
SOURCE_B = (
    "Photosynthesis is the process by which green plants use sunlight to turn water and carbon "
    "dioxide into glucose and oxygen.\n\n"
    "It takes place in the chloroplasts, which hold the green pigment chlorophyll that absorbs "
    "mostly blue and red light.\n\n"
    "Nearly all the oxygen in the atmosphere of the Earth was released by this process over billions of years."
)
#: the first two paragraphs of SOURCE_A, pasted as they are
CUT = SOURCE_A.rsplit("\n\n", 1)[0]
#: the same subject, written from other material
NON = (
    "Paris has a famous iron landmark that visitors climb by stairs or lifts.\n\n"
    "Engineers designed it as a temporary exhibit, yet the city kept it because radio "
    "antennas on its top proved useful for the army."
)
#: SOURCE_B with a few words swapped
LIGHT = (
    SOURCE_B.replace("green plants", "plants")
    .replace("turn", "convert")
    .replace("Nearly", "Almost")
)
ANSWERS = {
    "g0pA_taska": ("a", "cut", CUT),
    "g0pB_taska": ("a", "non", NON),
    "g0pC_taskb": ("b", "light", LIGHT),
}


@pytest.fixture()
def clough_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "clough"
    folder.mkdir()
    files = {"orig_taska": ("a", "orig", SOURCE_A), "orig_taskb": ("b", "orig", SOURCE_B)}
    files |= ANSWERS
    with (folder / "file_information.csv").open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")  # the corpus's own line ends
        writer.writerow(["File", "Task", "Category"])
        for stem, (task, category, text) in files.items():
            writer.writerow([f"{stem}.txt", task, category])
            (folder / f"{stem}.txt").write_text(text)
    return folder


def test_clough_end_to_end(clough_folder: Path, tmp_path: Path) -> None:
    texts = clough.load(clough_folder)
    assert [t.id for t in texts[:2]] == ["orig_taska", "orig_taskb"]
    records = {r["id"]: r for r in clough.records(texts)}
    assert records["orig_taska"]["kind"] == "wire" and "title" not in records["orig_taska"]
    assert records["g0pA_taska"] | {"text": ""} == {
        "id": "g0pA_taska", "text": "", "kind": "outlet", "outlet": "g0pA_taska", "language": "en"
    }  # fmt: skip

    result = clough.evaluate(texts, tmp_path / "work")
    rows = clough.tool.derivations(tmp_path / "work" / "clough.duckdb")
    pairs = clough.tool.top_pairs(tmp_path / "work" / "clough.duckdb")
    assert pairs["g0pA_taska"] == "orig_taska"  # retrieved as well as aligned
    # the pasted answer is found, from its source; the other two are whatever the tool says
    assert rows["g0pA_taska"]["derivation"] != "non"
    assert rows["g0pA_taska"]["top_source_article_id"] == "orig_taska"
    answers = [t for t in texts if t.category != "orig"]
    derived = [rows[a.id]["derivation"] != "non" for a in answers]
    gold = [True, False, True]  # cut, non, light in id order
    hits = [
        rows[a.id]["top_source_article_id"] == a.source_id for a in answers if a.category != "non"
    ]
    fractions = [rows[a.id]["derived_fraction"] for a in answers]
    copied = [rows[a.id]["copied_fraction"] for a in answers]
    assert result["systems"]["dedup"] == {
        "f1": metrics.f1(derived, gold),
        "spearman": pytest.approx(stats.spearmanr(fractions, [3, 0, 2]).statistic),
        "spearman_copied": pytest.approx(stats.spearmanr(copied, [3, 0, 2]).statistic),
        "source_p1": sum(hits) / 2,
        "retrieval_p1": sum(pairs.get(a.id) == a.source_id for a in answers if a.category != "non")
        / 2,
    }
    # re-spelled in Georgian and Arabic letters (also with spaces left out), without
    # capitals, and as Chinese-like and Thai-like text without spaces: still found
    for spelling in ("georgian", "arabic", "urdu", "chinese", "thai"):
        respelled = clough.tool.derivations(tmp_path / "work" / f"{spelling}.duckdb")
        assert respelled["g0pA_taska"]["top_source_article_id"] == "orig_taska"
        assert set(result["systems"][f"dedup_{spelling}"]) == set(result["systems"]["dedup"])
    answer = [clough.Text("x", "a", "cut", "Ab, Zz 1.")]
    assert clough.respelled(answer, "georgian")[0].text == "აბ, ჩჩ 1."
    assert clough.respelled(answer, "arabic")[0].text == "بت، ٹٹ 1۔"
    # a word of up to 4 letters is one ideograph, case aside; no spaces, CJK marks
    assert clough.respelled(answer, "chinese")[0].text == "妙，兝1。"
    assert clough.respelled(answer, "thai")[0].text == "กข, บบ 1."
    assert respell.respell("ab cd", "thai") == "กขฃค"
    assert (
        respell.respell("AB ab abcde 0.5", "chinese")
        == "妙妙" + respell.respell("abcde", "chinese") + "0.5"
    )
    assert len(respell.respell("abcde", "chinese")) == 2
    # Urdu-like: Arabic letters, some spaces after a letter that does not join (g: "د")
    # left out, others kept, and which ones depends on the text
    text = " ".join(["gg aa"] * 40)
    urdu = respell.respell(text, "urdu")
    assert urdu.replace(" ", "") == respell.respell(text, "arabic").replace(" ", "")
    assert 0 < respell.respell(text, "arabic").count(" ") - urdu.count(" ") < 40
    assert urdu.count("ب د") == 39 and respell.respell(text + ".", "urdu")[:-1] != urdu
    # containment: the pasted answer lies wholly in its source, the light one nearly so
    assert result["systems"]["containment"]["source_p1"] == 1.0
    assert result["systems"]["containment"]["source_p1_wires"] == 1.0
    info = result["info"]
    assert (info["answers"], info["derived"]) == (3, 2)
    assert set(info["cut_off"]) == {"curve_f1", "fitted_cut", "cross_validated_f1"}


def test_clough_baseline_compares_with_every_other_text() -> None:
    texts = [
        clough.Text("orig_taska", "a", "orig", "alpha beta gamma delta epsilon"),
        clough.Text("g0pA_taska", "a", "cut", "alpha beta gamma zeta"),
        clough.Text("g0pB_taska", "a", "light", "alpha beta gamma zeta eta"),
        clough.Text("g0pC_taska", "a", "non", "omega psi"),
    ]
    scores = clough.score_baseline("containment", texts)
    # each derived answer is closer to its sibling (1 and 4/5) than to the source (3/4, 3/5)
    assert scores["source_p1"] == 0.0
    assert scores["source_p1_wires"] == 1.0
    # derived scores 1, 4/5, 0 against cut, light, non
    assert scores["spearman"] == pytest.approx(1.0)


def test_binary_scores() -> None:
    got = metrics.binary([True, True, False, False], [True, False, True, False])
    assert got == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert metrics.binary([False, False], [True, False])["f1"] == 0.0


def test_spearman_with_ties_matches_scipy() -> None:
    x, y = [0.1, 0.5, 0.5, 0.9, 0.2, 0.0], [1, 2, 2, 3, 0, 0]
    assert list(metrics.average_ranks([10, 20, 20, 30])) == [1.0, 2.5, 2.5, 4.0]
    assert metrics.spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic)
    assert metrics.spearman([1, 1, 1], [1, 2, 3]) == 0.0


def test_fit_threshold() -> None:
    assert metrics.fit_threshold([0.1, 0.4, 0.6, 0.9], [False, False, True, True]) == 0.5
    # every example positive: the lowest cut, so everything is called positive
    assert metrics.fit_threshold([0.2, 0.7], [True, True]) == 0.2
    # none positive: a cut above the top score
    assert metrics.fit_threshold([0.2, 0.7], [False, False]) > 0.7
    # F1 prefers calling the one doubtful case positive, accuracy does not mind; ties go low
    scores, gold = [0.1, 0.3, 0.8], [False, False, True]
    assert metrics.fit_threshold(scores, gold) == pytest.approx(0.55)
    assert metrics.fit_threshold([0.1, 0.3, 0.8], [False, True, False], metrics.f1) == 0.2


def test_cross_validation_keeps_groups_together() -> None:
    groups = ["p1", "p1", "p2", "p3", "p3", "p4", "p5", "p6"]
    folds = metrics.grouped_folds(groups, k=5)
    assert folds[0] == folds[1] and folds[3] == folds[4]
    assert len(set(folds)) == 5
    scores = [0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.95, 0.05]
    gold = [s > 0.5 for s in scores]
    assert list(metrics.cross_validated(scores, gold, groups)) == gold


def test_baselines() -> None:
    a, b = baselines.words("The cat, the hat."), baselines.words("the CAT sat on the hat")
    assert a == {"the", "cat", "hat"}
    assert baselines.containment(a, b) == 1.0
    assert baselines.containment(b, a) == 0.6
    assert baselines.jaccard(a, b) == 0.6
    assert baselines.pair_score("containment", "sat on the hat", "the hat") == 1.0
    assert baselines.pair_score("containment", "the hat", "sat on the hat") == 1.0
    assert (
        baselines.containment(frozenset(), b) == baselines.jaccard(frozenset(), frozenset()) == 0.0
    )
    matrix = baselines.score_matrix("jaccard", ["a b"], ["a b", "a c", "d"])
    assert matrix.tolist() == [[1.0, 1 / 3, 0.0]]


def _msrp_file(path: Path, rows: list[tuple[int, str, str]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8-sig") as fh:
        fh.write("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n")
        for i, (quality, a, b) in enumerate(rows):
            fh.write(f"{quality}\t{2 * i}\t{2 * i + 1}\t{a}\t{b}\n")
    return path


def test_msrp_load_keeps_quotes_as_text(tmp_path: Path) -> None:
    path = _msrp_file(tmp_path / "t.txt.gz", [(1, '"We won," he said.', 'He said "we won".')])
    assert msrp.load(path) == [(True, '"We won," he said.', 'He said "we won".')]


def test_msrp_threshold_is_fitted_on_train_only() -> None:
    def length(a: str, b: str) -> float:
        return float(len(a))

    train = [(False, "x", ""), (False, "xx", ""), (True, "xxxx", ""), (True, "xxxxx", "")]
    # on test alone the best cut would be 1.5; the train cut is 3
    test = [(False, "x", ""), (True, "xx", ""), (True, "xxxxxx", "")]
    got = msrp.evaluate_scorer(length, train, test)
    assert got == {"accuracy": pytest.approx(2 / 3), "f1": pytest.approx(2 / 3), "threshold": 3.0}
    assert msrp.evaluate_scorer(length, train, test, threshold=1.5)["accuracy"] == 1.0


def test_paraphrase_model_is_fitted_in_the_spelled_scripts() -> None:
    """The model's training pairs are read as written and re-spelled: in Georgian letters
    the name feature is silent (no capitals), which is why those rows are in the fit, and
    the shipped model says which spellings it was fitted on."""
    rewrite = "Governor Perry Warjiyo said on Tuesday the bank raised its rate to 6 percent."
    pairs = [
        (rewrite, "On Tuesday the bank raised its rate to 6 percent, Governor Warjiyo said."),
        (rewrite, "Analysts in Jakarta expect Bank Indonesia to hold rates in March."),
        ("Shares fell in Tokyo after the news.", "Tokyo shares fell after the news."),
        ("Shares fell in Tokyo after the news.", "Oil prices rose in London on Friday."),
    ] * 3
    labels = np.array([1, 0, 1, 0] * 3)
    x_train, x_test = paraphrase_check.spelled_features((labels, pairs), (labels, pairs))
    assert list(x_train) == list(paraphrase_check.ALL_SPELLINGS)
    assert all(x.shape == (12, len(paraphrase.FEATURES)) for x in x_test.values())
    name = paraphrase.FEATURES.index("name_diff")
    assert x_train["english"][:, name].any() and not x_train["georgian"][:, name].any()
    fitted = paraphrase_check.fit_on({s: x_train[s] for s in paraphrase_check.FITTED}, labels)
    assert paraphrase_check.decided(fitted, x_test["georgian"], labels)["accuracy"] == 1.0
    record = json.loads(paraphrase_check.MODEL.read_text("utf-8"))["fitted"]
    assert record["spellings"] == list(paraphrase_check.FITTED)


@pytest.mark.skipif(
    not (paraphrase_check.DATA / "msrp").is_dir(),
    reason=f"{paraphrase_check.DATA / 'msrp'} is absent (shared data)",
)
def test_shipped_paraphrase_model_is_the_fit_on_msrp_train() -> None:
    """``data/paraphrase.json`` is what ``python -m eval.paraphrase_check --write`` fits:
    weights fitted on English alone, or on other spellings, fail here."""
    assert paraphrase_check.msrp(write=False)["stored_model_reproduced"]


def test_msrp_tool_scorer_is_the_alignment_verdict() -> None:
    sentence = "The central bank raised its benchmark interest rate by a quarter point on Tuesday."
    assert msrp.verbatim_score(sentence, "On Tuesday " + sentence[:-1] + ", officials said.") == 1.0
    assert (
        msrp.verbatim_score(sentence, "Shares fell sharply in Tokyo after the announcement.") == 0.0
    )


def test_msrp_judges_the_tool_at_its_shipped_threshold() -> None:
    from dedup import paraphrase

    same = "The central bank raised its benchmark interest rate by a quarter point on Tuesday."
    other = "Shares fell sharply in Tokyo after the announcement of weak export figures."
    pairs = [(True, same, "On Tuesday the central bank raised its benchmark rate a quarter point.")]
    pairs += [(False, same, other)]
    systems = msrp.evaluate(pairs, pairs)["systems"]
    assert systems["dedup"]["threshold"] == paraphrase.model().threshold
    assert systems["dedup"]["accuracy"] == 1.0
    assert {"dedup_scanned", "dedup_verbatim", *baselines.NAMES} <= set(systems)
    # the same decision in Georgian letters: no English and no capitals needed here
    assert systems["dedup_georgian"]["accuracy"] == systems["dedup_arabic"]["accuracy"] == 1.0
    assert set(systems["dedup_chinese"]) == set(systems["dedup_thai"]) == set(systems["dedup"])
    assert msrp.respelled(pairs[:1], "georgian")[0][1].startswith("უთე გეოუსამ ბაოლ ")
    assert msrp.respelled(pairs[:1], "arabic")[0][1].endswith(" ظطرضق طض قلحفجبو۔")


def test_runner_table_and_set_choice() -> None:
    assert run.chosen("") == run.available()
    assert "clough" in run.available()
    with pytest.raises(SystemExit, match="unknown set nope"):
        run.chosen("clough,nope")
    text = run.table(
        "demo",
        {
            "systems": {"dedup": {"f1": 0.5, "ok": True}, "jaccard": {"f1": 0.25}},
            "info": {"n": 3},
            "seconds": 1.0,
            "finished": "now",
        },
    )
    assert "| f1 | 0.500 | 0.250 |" in text and "| ok | pass | – |" in text
    assert "n 3 (now, 1.0 s)" in text
    assert "skipped: no data" in run.table("x", {"skipped": "no data"})


def test_derivation_cut_is_chosen_on_the_other_corpora() -> None:
    # corpus a separates at 0.1 to 0.15, corpus b only below 0.05: the mean prefers 0.1
    a = (np.array([0.0, 0.04, 0.12, 0.5]), [False, False, True, True])
    b = (np.array([0.0, 0.03, 0.6, 0.9]), [False, True, True, True])
    assert derivation.choose({"a": a}, (0.02, 0.1, 0.2)) == 0.1
    assert derivation.choose({"b": b}, (0.02, 0.1, 0.2)) == 0.02
    result = derivation.evaluate({"a": a, "b": b})
    assert result["info"]["leave_one_out_cuts"] == {"a": 0.02, "b": 0.1}
    assert result["systems"]["leave_one_out"]["f1_a"] == pytest.approx(0.8)
    assert result["info"]["curve"]["a"]["0.1"] == 1.0


#: IndoSum-shaped articles (written here), each with a summary of two of its sentences
INDOSUM = {
    "1490000000-suku-bunga": [
        "Bank Indonesia menaikkan suku bunga acuan sebesar 25 basis poin menjadi 6,25 persen "
        "pada rapat dewan gubernur hari Kamis.",
        "Gubernur Bank Indonesia Perry Warjiyo mengatakan kenaikan itu ditujukan untuk menjaga "
        "stabilitas nilai tukar rupiah terhadap dolar Amerika Serikat.",
        "Para ekonom sebelumnya memperkirakan bank sentral akan menahan suku bunga hingga akhir "
        "tahun karena inflasi masih terkendali.",
        "Indeks Harga Saham Gabungan turun 1,2 persen setelah pengumuman tersebut, sementara "
        "rupiah menguat tipis di pasar spot.",
    ],
    "1490000100-timnas": [
        "Tim nasional sepak bola Indonesia mengalahkan Vietnam dengan skor 2-0 dalam laga "
        "persahabatan di Stadion Gelora Bung Karno pada Selasa malam.",
        "Pelatih Shin Tae-yong memuji disiplin para pemain muda yang baru pertama kali dipanggil "
        "ke tim nasional.",
        "Gol pertama dicetak oleh Marselino Ferdinan pada menit ke-23 melalui tendangan bebas "
        "yang melengkung ke pojok gawang.",
        "Pertandingan berikutnya akan digelar di Hanoi bulan depan sebagai bagian dari persiapan "
        "menuju Piala Asia.",
    ],
    "1490000200-merapi": [
        "Gunung Merapi di perbatasan Jawa Tengah dan Daerah Istimewa Yogyakarta kembali "
        "meluncurkan awan panas guguran sejauh 1,5 kilometer pada Rabu pagi.",
        "Badan Penyelidikan dan Pengembangan Teknologi Kebencanaan Geologi mencatat tiga kali "
        "awan panas dalam enam jam terakhir.",
        "Warga di lereng gunung diminta tidak beraktivitas dalam radius tujuh kilometer dari "
        "puncak dan tetap mengikuti arahan petugas.",
        "Status gunung masih berada pada level siaga sejak November tahun lalu dan belum ada "
        "rencana untuk menurunkannya.",
    ],
}


def _tokens(sentence: str) -> list[str]:
    return re.findall(r"\d+(?:[.,]\d+)*|\w+(?:-\w+)*|[^\w\s]", sentence)


def test_indosum_end_to_end(tmp_path: Path) -> None:
    """Every other article (in id order) is withheld: the summary of a present article is
    derived from it; the summary of the withheld one has no source to find."""
    folder = tmp_path / "indosum"
    folder.mkdir()
    with gzip.open(folder / "dev.01.jsonl.gz", "wt", encoding="utf-8") as fh:
        for key, sentences in INDOSUM.items():
            record = {
                "id": key, "source": "antaranews", "source_url": f"https://x.id/{key}",
                "paragraphs": [[_tokens(s)] for s in sentences],
                "summary": [_tokens(sentences[0]), _tokens(sentences[2])],
            }  # fmt: skip
            fh.write(json.dumps(record) + "\n")
    result = indosum.run(tmp_path, tmp_path / "work")
    db = tmp_path / "work" / "indosum.duckdb"
    rows, pairs = tool.derivations(db), tool.top_pairs(db)
    bank, football, volcano = (f"indosum-{key}" for key in INDOSUM)
    assert pairs[f"summary-{bank}"] == bank and pairs[f"summary-{volcano}"] == volcano
    assert football not in rows  # withheld
    assert rows[f"summary-{bank}"]["top_source_article_id"] == bank
    assert rows[f"summary-{volcano}"]["top_source_article_id"] == volcano
    assert rows[f"summary-{football}"]["derivation"] == "non"
    assert result["systems"]["dedup"] == {
        "recall": 1.0,
        "source_p1": 1.0,
        "retrieval_p1": 1.0,
        "derived_without_source": 0.0,
    }
    assert result["systems"]["containment"] == {"source_p1": 1.0}
    assert result["info"] == {
        "articles": 2, "summaries_with_article": 2, "summaries_withheld": 1
    }  # fmt: skip


def test_pair_path_adds_the_articles_whose_best_pair_reaches_the_cut() -> None:
    # the second article (derived, 0.04 aligned) has a pair score of 0.6; the third
    # (not derived) one of 0.3: a cut of 0.5 finds the one, 0.25 also takes the other
    data = (np.array([0.5, 0.04, 0.0, 0.0]), [True, True, False, False])
    pairs = {"a": np.array([0.9, 0.6, 0.3, 0.0])}
    curve = derivation.pair_path_curve({"a": data}, pairs)["a"]
    assert curve["off"] == round(2 / 3, 4)  # rounded as the results are
    assert curve["0.5"] == 1.0
    assert curve["0.25"] == pytest.approx(0.8)
