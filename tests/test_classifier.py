import json

import pytest

from complaint_nlp import ComplaintClassifier, InvalidInputError, normalize
from complaint_nlp.dataset import Record
from complaint_nlp.labels import CATEGORIES, UNITS, URGENCIES
from tests.fixtures import TEMPLATES


def test_every_backend_learns_the_fixture(
    trained: ComplaintClassifier, records: list[Record]
) -> None:
    test = [r for r in records if r.split == "test"]
    results = trained.classify_batch([r.text for r in test])
    category_accuracy = sum(c.category == r.category for c, r in zip(results, test, strict=True))
    assert category_accuracy / len(test) >= 0.8
    assert set(trained.labels["category"]) == set(CATEGORIES)
    assert set(trained.labels["urgency"]) == set(URGENCIES)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("jalan di depan sekolah berlubang besar belum diperbaiki", "infrastructure"),
        ("petugas kelurahan membentak warga dan tidak ramah", "human_resources"),
        ("akta kelahiran anak saya sudah tiga bulan belum selesai", "bureaucracy"),
        ("aplikasi error terus tidak bisa login", "information_technology"),
        ("juru parkir liar minta tarif mahal di depan pasar", "other"),
    ],
)
def test_new_complaints_in_other_words(
    linear_model: ComplaintClassifier, text: str, category: str
) -> None:
    assert linear_model.classify(text).category == category


def test_a_safety_signal_is_high(linear_model: ComplaintClassifier) -> None:
    result = linear_model.classify("Pohon tumbang melintang di jalan, kabel listrik putus!")
    assert result.urgency == "high"
    assert result.safety_signals


def test_result_shape_and_json(trained: ComplaintClassifier) -> None:
    result = trained.classify("Jln di dpn rmh berlubang parahhh, udh 2 bulan gak diperbaiki")
    assert result.category in CATEGORIES
    assert result.urgency in URGENCIES
    assert 0.0 <= result.category_confidence <= 1.0
    assert 0.0 <= result.urgency_confidence <= 1.0
    assert len(result.units) == 3
    assert all(code in UNITS for code, _ in result.units)
    scores = [score for _, score in result.units]
    assert scores == sorted(scores, reverse=True)
    assert isinstance(result.needs_review, bool)
    json.dumps(result.to_dict())


def test_explanation_uses_the_writers_words(linear_model: ComplaintClassifier) -> None:
    text = "Jln di dpn rmh berlubang parahhh, udh 2 bulan gak diperbaiki"
    result = linear_model.classify(text)
    words = result.explanation["category"]
    assert words
    # Words as written (after normalisation), never stems: "berlubang" not "lubang".
    written = normalize(text).split()
    assert all(w in written for w in words)


def test_explanations_hold_no_placeholders() -> None:
    import complaint_nlp

    text = "Nama saya Budi, hp 0812-3456-7890, email budi@contoh.id: jalan depan rumah rusak"
    result = complaint_nlp.load().classify(text)
    for words in result.explanation.values():
        assert not any(w.startswith("__") for w in words), words


def test_explanations_hold_words_not_bare_numbers(linear_model: ComplaintClassifier) -> None:
    result = linear_model.classify("Air PDAM mati 3 hari di RT 02 RW 05 nomor 17, 2024")
    for words in result.explanation.values():
        assert all(any(c.isalpha() for c in w) for w in words), words


def test_batch_equals_single(trained: ComplaintClassifier) -> None:
    texts = [t.format(p="cipocok", n=3) for _, _, _, ts in TEMPLATES for t in ts[:1]]
    assert trained.classify_batch(texts) == [trained.classify(t) for t in texts]


def test_empty_text_is_classified_and_flagged(linear_model: ComplaintClassifier) -> None:
    result = linear_model.classify("   ")
    assert result.category in CATEGORIES


@pytest.mark.parametrize("bad", [None, 3, b"jalan rusak", ["jalan"]])
def test_bad_input(linear_model: ComplaintClassifier, bad: object) -> None:
    with pytest.raises(InvalidInputError):
        linear_model.classify(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["jalan rusak", [1, 2], None, {"jalan", "lampu"}, {"jalan": 1}])
def test_bad_batch_input(linear_model: ComplaintClassifier, bad: object) -> None:
    with pytest.raises(InvalidInputError):
        linear_model.classify_batch(bad)  # type: ignore[arg-type]


def test_empty_batch(linear_model: ComplaintClassifier) -> None:
    assert linear_model.classify_batch([]) == []
