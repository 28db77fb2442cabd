"""The safety lexicon: LABELS.md's `high` situations match, their milder forms do not, and a
match can only raise a complaint's urgency."""

from pathlib import Path

import numpy as np
import pytest

import complaint_nlp
from complaint_nlp import ComplaintClassifier, DataFileError
from complaint_nlp.lexicon import SafetyLexicon
from tests.fixtures import TEMPLATES

LEXICON = SafetyLexicon()


@pytest.mark.parametrize(
    "text",
    [
        "Pohon besar tumbang menutup jalan",
        "kabel listrik putus menjuntai ke jalan",
        "banjir sudah masuk ke rumah warga setinggi lutut",
        "tutup saluran hilang, lubang menganga di trotoar",
        "sudah ada korban jatuh karena jalan ambles",
        "air PDAM tidak mengalir sudah 3 hari",
        "air pdam mati sudah tiga hari di RT 04",
        "listrik padam 2 hari satu kampung",
        "pasien ditolak di IGD rumah sakit",
        "preman mengancam warga pakai celurit",
        "anak saya digigit ular di taman",
        "banyak warga kena demam berdarah",
        "surat keterangan untuk pemakaman jenazah belum keluar",
    ],
)
def test_dangers_of_labels_md_match(text: str) -> None:
    assert LEXICON.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "mohon pemangkasan pohon yang terlalu tinggi",
        "jalan berlubang di depan sekolah",
        "lampu jalan mati sudah seminggu",
        "air pdam keruh",
        "usul agar taman ditambah bangku",
    ],
)
def test_milder_complaints_do_not_match(text: str) -> None:
    assert LEXICON.matches(text) == []


def test_a_broken_pattern_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "signals.txt"
    path.write_text("# ok\npohon (tumbang\n")
    with pytest.raises(DataFileError, match=r"signals\.txt:2"):
        SafetyLexicon(path).matches("pohon tumbang")


@pytest.mark.parametrize("model", ["fixture", "shipped"])
def test_a_match_never_lowers_the_probability_of_high(
    linear_model: ComplaintClassifier, model: str
) -> None:
    classifier = linear_model if model == "fixture" else complaint_nlp.load()
    compiled = classifier._compiled
    assert compiled is not None
    raw = [t.format(p="cipocok", n=3) for _, _, _, ts in TEMPLATES for t in ts]
    raw += ["jalan rusak", "pohon tumbang", "ktp belum jadi", "mohon info", ""]
    readings = [classifier.reader.read(t) for t in raw]
    fields = {
        "text": [r.analysis.text for r in readings],
        "clean": [r.analysis.clean for r in readings],
    }
    high = compiled.heads["urgency"].classes.tolist().index("high")
    extras = classifier.reader.extras(readings)
    extras[:, 0] = 0.0  # the safety-signal column
    without = compiled.predict_proba(compiled.features(fields, extras))["urgency"]
    extras[:, 0] = 1.0
    with_match = compiled.predict_proba(compiled.features(fields, extras))["urgency"]
    assert np.all(with_match[:, high] >= without[:, high])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a-" * 9999 + "/", []),
        ("a." * 10000, []),
        ("pohon tumbang " * 1428, ["pohon tumbang pohon tumbang", "tumbang pohon tumbang pohon"]),
        ("air " * 5000, []),
        ("kabel " + "x " * 9996 + "putus", []),
    ],
)
def test_hostile_text_at_the_length_limit(text: str, found: list[str]) -> None:
    assert LEXICON.matches(text) == found


def test_signals_that_do_not_start_a_word_are_still_found(tmp_path: Path) -> None:
    # The shipped signals all start a word, so the one-pass check tries word starts only; a
    # user's file may hold others, which must still be found.
    path = tmp_path / "signals.txt"
    path.write_text("\\bpohon tumbang\nanjir\n", encoding="utf-8")
    lexicon = SafetyLexicon(path)
    assert lexicon.matches("kebanjiran di rumah") == ["anjir"]
    assert lexicon.matches("Pohon tumbang") == ["pohon tumbang"]


def test_a_text_is_turned_away_only_without_any_signals_first_word(tmp_path: Path) -> None:
    # Every signal here begins with plain words, so a text is first checked for one of them
    # at a word start; a word that only contains one ("pepohonan") is not a start.
    path = tmp_path / "signals.txt"
    path.write_text("\\bpohon\\w* (?:\\w+ ){0,2}tumbang\n\\b(?:gas|api) bocor\n", encoding="utf-8")
    lexicon = SafetyLexicon(path)
    assert lexicon.matches("pohonnya sudah tumbang") == ["pohonnya sudah tumbang"]
    assert lexicon.matches("ada gas bocor di dapur") == ["gas bocor"]
    assert lexicon.matches("pepohonan tumbang") == []
    assert lexicon.matches("jalan rusak parah") == []
