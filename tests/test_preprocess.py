import pickle
from collections.abc import Callable

import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from complaint_nlp import InvalidInputError, TextPreprocessor
from tests.fixtures import REPORTED_HOSTILE


# parametrize_with_checks skips estimators whose input is text, so the API-level checks of the
# estimator contract are called directly.
@pytest.mark.parametrize(
    "check",
    [
        check_estimator_cloneable,
        check_estimator_repr,
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_set_params,
    ],
)
def test_sklearn_estimator_contract(check: Callable[[str, object], None]) -> None:
    check("TextPreprocessor", TextPreprocessor(stem=False))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Jln di dpn rmh sdh rusak parahhh, gak diperbaiki2",
            "jalan depan rumah sudah rusak parah tidak baik",
        ),
        (
            "Pohon tumbang menutup jalan, kabel listrik putus!! Hub 0812-3456-7890",
            "pohon tumbang tutup jalan kabel listrik putus hub __telepon__",
        ),
        (
            "Air PDAM gak ngalir udh 3hari, warga blm dpt air bersih",
            "air pdam tidak alir sudah 3 hari warga belum dapat air bersih",
        ),
        ("Petugas kelurahan minta uang pelicin utk KTP", "tugas kelurahan minta uang licin ktp"),
        ("Aplikasi gabisa login, OTP ga masuk2", "aplikasi tidak bisa login otp tidak masuk"),
        ("", ""),
    ],
)
def test_pipeline_table(raw: str, expected: str) -> None:
    assert TextPreprocessor().fit_transform([raw]) == [expected]


def test_steps_can_be_switched_off() -> None:
    pre = TextPreprocessor(slang=False, stopwords=False, stem=False).fit()
    assert pre.transform(["Jln di dpn rmh"]) == ["jln di dpn rmh"]


def test_clone_pickle_and_determinism() -> None:
    texts = ["Lampu PJU mati sejak seminggu", "KTP blm jadi 3 bulan"]
    pre = TextPreprocessor().fit(texts)
    again = pickle.loads(pickle.dumps(pre))
    assert again.transform(texts) == pre.transform(texts) == clone(pre).fit().transform(texts)
    assert clone(pre).get_params() == pre.get_params()


def test_remembered_words_are_bounded_and_not_pickled(monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_nlp import pipeline

    monkeypatch.setattr(pipeline, "_WORD_MEMO", 3)
    words = pipeline.TextPipeline()
    texts = ["Jln rusak parahhh", "lampu PJU mati", "Jln rusak lagi", "gak diperbaiki2"]
    first = [words.transform_one(t) for t in texts]
    assert 0 < len(words._words) <= 3
    assert pickle.loads(pickle.dumps(words))._words == {}  # nothing remembered is saved
    fresh = pipeline.TextPipeline()
    assert [words.transform_one(t) for t in texts] == first
    assert [fresh.transform_one(t) for t in texts] == first


def test_works_inside_a_pipeline() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    pipe = make_pipeline(TextPreprocessor(), CountVectorizer())
    matrix = pipe.fit_transform(["jalan rusak parah", "jalan berlubang"])
    assert matrix.shape[0] == 2
    assert "lubang" in pipe[-1].vocabulary_


@pytest.mark.parametrize("bad", ["one string", [1, 2], [None], 5])
def test_bad_input_names_the_problem(bad: object) -> None:
    with pytest.raises(InvalidInputError):
        TextPreprocessor().fit_transform(bad)


def test_large_text_does_not_crash() -> None:
    text = "jalan rusak parah di depan rumah warga " * 25_000  # ~1 MB
    (out,) = TextPreprocessor().fit_transform([text])
    assert out.startswith("jalan rusak parah depan rumah warga")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *REPORTED_HOSTILE,
        ("Jalan rusak, " * 1538, " ".join(["jalan rusak"] * 1538)),
    ],
)
def test_hostile_text_at_the_length_limit(raw: str, expected: str) -> None:
    # Issue #12: the whole pipeline (PII, normalise, slang, stop words, stem) on texts that made
    # its patterns backtrack; benchmarks/text.py times them.
    assert TextPreprocessor().fit().transform_one(raw) == expected
