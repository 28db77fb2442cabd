"""The per-head models and the features they share, for each backend.

``linear``: word (1-2) and character (3-4, within words) TF-IDF of the preprocessed text, word
(1-2) TF-IDF of the unstemmed normalised text, and the extra columns of
:meth:`complaint_nlp.reading.Reader.extras` (safety signal, cues); computed once per text and
read by every head: a linear SVM (category, unit) or a logistic regression (urgency).
``fasttext``: one supervised fastText model per head, reading the preprocessed text with the
extras as tokens. Every head is calibrated with Platt scaling on cross-validated predictions, so
``predict_proba`` means what it says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from complaint_nlp.fasttext_model import FastTextClassifier
from complaint_nlp.reading import Reader, Reading

__all__ = ["BACKENDS", "head_input", "make_features", "make_head", "term_weights"]

BACKENDS = ("linear", "fasttext")


def field_of(readings: Sequence[Reading], name: str) -> list[str]:
    """One text field of each reading's analysis (``text``: preprocessed, ``clean``: unstemmed)."""
    return [getattr(r.analysis, name) for r in readings]


def _reading(name: str, vectorizer: TfidfVectorizer) -> Pipeline:
    select = FunctionTransformer(field_of, kw_args={"name": name}, validate=False)
    return Pipeline([("select", select), ("tfidf", vectorizer)])


def make_features(backend: str) -> FeatureUnion | None:
    """The shared feature extractor of ``backend`` (``None``: the heads read text)."""
    _check(backend)
    if backend == "fasttext":
        return None
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    # Character 3-4-grams within words: on validation, category macro-F1 .765 vs .768 for 2-5-grams
    # and .759 for words only, at half the n-grams per text of 2-5 (classification throughput).
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 4), min_df=3, sublinear_tf=True, max_features=40_000
    )
    # Unstemmed words keep what stemming merges ("petugas" and "tugas", "pelayanan" and
    # "layan"): on three forward-chained blocks of 2022 (2026-11-30) category macro-F1
    # .758 -> .764, human_resources F1 .533 -> .548, unit top-1 .757 -> .762.
    unstemmed = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    return FeatureUnion(
        [
            ("words", _reading("text", words)),
            ("chars", _reading("text", chars)),
            ("unstemmed", _reading("clean", unstemmed)),
        ]
    )


def make_head(backend: str, head: str, *, seed: int) -> Any:
    """An unfitted, calibrated classifier for ``head`` on ``backend``'s inputs.

    Category and urgency weight classes inversely to their frequency (rare classes such as
    ``information_technology`` or ``high`` urgency would otherwise almost never be predicted).
    The linear backend uses a linear SVM for every head. Measured on three forward-chained
    two-month blocks of 2022 (2026-11-30), urgency with the cue columns: `high` average
    precision .527 for LinearSVC C=0.3 vs .507-.510 for logistic regression C=3 (lbfgs or
    saga; recall at precision .60: .376 vs .403, within the blocks' spread), fitted 30x faster
    (1.6 s vs 59 s for the three blocks). Category: the same macro-F1 as logistic regression,
    and 10x faster to fit on 30 units.
    """
    _check(backend)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    weight = None if head == "unit" else "balanced"
    model: Any
    if backend == "fasttext":
        model = FastTextClassifier(class_weight=weight, seed=seed)
    else:
        model = LinearSVC(C=0.3, class_weight=weight, random_state=seed)
    return CalibratedClassifierCV(model, method="sigmoid", cv=folds, ensemble=False)


def _check(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def head_input(features: FeatureUnion | None, reader: Reader, readings: Sequence[Reading]) -> Any:
    """What every head reads: the shared features with the extra columns (linear), or the
    preprocessed texts with the extras as tokens (fastText)."""
    if features is None:
        return [reader.tokens(r) for r in readings]
    matrix = features.transform(readings)
    return sp.hstack([matrix, sp.csr_matrix(reader.extras(readings))], format="csr")


def term_weights(head: Any, reader: Reader, reading: Reading, label: str) -> dict[str, float]:
    """How much each token of ``reading`` pushed a text-reading ``head`` towards ``label``:
    the drop in the label's probability when the token is left out. (Linear heads are explained
    from their coefficients, see :mod:`complaint_nlp.compiled`.)"""
    k = [str(c) for c in head.classes_].index(label)
    tokens = reading.analysis.text.split()
    unique = list(dict.fromkeys(tokens))
    marks = reader.tokens(reading)[len(reading.analysis.text) :]
    variants = [reading.analysis.text] + [" ".join(t for t in tokens if t != u) for u in unique]
    proba = head.predict_proba([v + marks for v in variants])[:, k]
    return {u: float(proba[0] - p) for u, p in zip(unique, proba[1:], strict=True)}
