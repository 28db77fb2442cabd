from pathlib import Path

import pytest
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

from complaint_nlp import remove_stopwords
from complaint_nlp.stopwords import KEPT_WORDS, load_stopwords

MEANINGFUL = ["tidak", "belum", "bukan", "jangan", "kurang", "lama", "segera", "sudah"]


@pytest.mark.parametrize("word", MEANINGFUL)
def test_meaning_and_urgency_words_are_kept(word: str) -> None:
    assert word not in load_stopwords()
    assert remove_stopwords(f"air {word} mengalir") == f"air {word} mengalir"


def test_stock_sastrawi_would_have_removed_several_of_them() -> None:
    stock = set(StopWordRemoverFactory().get_stop_words())
    assert {"tidak", "belum", "sudah", "masih", "harus", "tanpa"} <= stock
    assert not KEPT_WORDS & load_stopwords()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("saya mau lapor jalan di depan rumah rusak", "mau lapor jalan depan rumah rusak"),
        ("mohon segera diperbaiki karena sudah lama", "mohon segera diperbaiki karena sudah lama"),
        ("assalamualaikum wr wb pak lampu mati", "lampu mati"),
        ("", ""),
    ],
)
def test_remove_stopwords_table(text: str, expected: str) -> None:
    assert remove_stopwords(text) == expected


def test_custom_list_by_path(tmp_path: Path) -> None:
    path = tmp_path / "stop.txt"
    path.write_text("jalan\n# comment\n", encoding="utf-8")
    assert remove_stopwords("jalan di rusak", load_stopwords(path)) == "di rusak"
