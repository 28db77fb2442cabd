from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from complaint_nlp import ComplaintClassifier
from complaint_nlp.compiled import CompiledLinear, char_wb_ngrams, word_ngrams
from complaint_nlp.heads import head_input
from tests.fixtures import TEMPLATES

TEXTS = [t.format(p="kasemen", n=4) for _, _, _, ts in TEMPLATES for t in ts] + [
    "",
    "pohon tumbang kabel putus",
    "kata yang tidak pernah dilihat model",
]


def _fields(model: ComplaintClassifier, texts: list[str]) -> dict[str, list[str]]:
    analyses = [model.reader.preprocessor.analyze(t) for t in texts]
    return {"text": [a.text for a in analyses], "clean": [a.clean for a in analyses]}


def _full(model: ComplaintClassifier) -> CompiledLinear:
    return CompiledLinear.from_estimators(model.features, model.reader.extra_names, model.heads)


def test_compiled_probabilities_equal_scikit_learn(linear_model: ComplaintClassifier) -> None:
    readings = [linear_model.reader.read(t) for t in TEXTS]
    inputs = head_input(linear_model.features, linear_model.reader, readings)
    compiled = _full(linear_model)
    rows = compiled.features(_fields(linear_model, TEXTS), linear_model.reader.extras(readings))
    np.testing.assert_allclose(rows.toarray(), inputs.toarray(), atol=1e-12)
    ours = compiled.predict_proba(rows)
    for name, head in linear_model.heads.items():
        np.testing.assert_allclose(ours[name], head.predict_proba(inputs), atol=1e-10)


def test_arrays_round_trip_gives_the_same_probabilities(
    linear_model: ComplaintClassifier,
) -> None:
    compiled = linear_model._compiled
    assert compiled is not None
    arrays = compiled.to_arrays()
    assert all(a.dtype != object for a in arrays.values())  # savable without pickle
    again = CompiledLinear.from_arrays(arrays)
    fields = _fields(linear_model, TEXTS)
    extras = np.zeros((len(TEXTS), len(compiled.extra_names)))
    extras[::2, 0] = 1.0  # a safety signal on every other text
    rows = compiled.features(fields, extras)
    assert (again.features(fields, extras) != rows).nnz == 0
    for name, proba in compiled.predict_proba(rows).items():
        np.testing.assert_array_equal(again.predict_proba(rows)[name], proba)
    assert again.labels == linear_model.labels
    assert again.extra_names == linear_model.reader.extra_names


def test_the_lean_model_keeps_a_share_of_the_weights_and_nearly_the_same_answers(
    linear_model: ComplaintClassifier,
) -> None:
    full, lean = _full(linear_model), linear_model._compiled
    assert lean is not None
    for name, head in lean.heads.items():
        kept = np.count_nonzero(head.coef) / full.heads[name].coef.size
        assert kept <= 0.31 if name == "unit" else kept > 0.5, name
    readings = [linear_model.reader.read(t) for t in TEXTS]
    rows = full.features(_fields(linear_model, TEXTS), linear_model.reader.extras(readings))
    for name, proba in full.predict_proba(rows).items():
        leaner = lean.predict_proba(rows)[name]
        assert np.mean(leaner.argmax(axis=1) == proba.argmax(axis=1)) >= 0.9, name


def test_compiled_handles_empty_and_unknown_texts(linear_model: ComplaintClassifier) -> None:
    compiled = linear_model._compiled
    assert compiled is not None
    extras = np.zeros((3, len(compiled.extra_names)))
    extras[1, 0] = 1.0
    rows = compiled.features({"text": ["", "zzqx", ""], "clean": ["", "zzqx", ""]}, extras)
    assert rows.shape[0] == 3
    assert rows[0].nnz == 0 and rows[1].nnz >= 1


@pytest.mark.parametrize(("analyzer", "ours"), [("char_wb", char_wb_ngrams), ("word", word_ngrams)])
@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab c\t\nÉ-_1.,"), max_size=40),
    st.integers(1, 3),
    st.integers(0, 3),
)
def test_analyzers_equal_scikit_learn(
    analyzer: str, ours: Callable[[str, int, int], list[str]], text: str, low: int, extra: int
) -> None:
    vectorizer = TfidfVectorizer(analyzer=analyzer, ngram_range=(low, low + extra))
    assert ours(text, low, low + extra) == vectorizer.build_analyzer()(text)
