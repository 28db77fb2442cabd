"""The per-head models and the features they share, for each backend.

``linear``: word (1-2) and character (3-4, within words) TF-IDF, computed once per text and
shared by the heads, with a linear SVM (category, unit) or a logistic regression (urgency).
``fasttext``: one supervised fastText model per head, reading the preprocessed text.
Every head is calibrated with Platt scaling on cross-validated predictions, so
``predict_proba`` means what it says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from complaint_nlp.fasttext_model import FastTextClassifier
from complaint_nlp.pipeline import Analysis

__all__ = [
    "BACKENDS",
    "SIGNAL_TOKEN",
    "head_inputs",
    "make_features",
    "make_head",
    "term_weights",
]

BACKENDS = ("linear", "fasttext")
#: Marks, in the urgency head's input, that a safety signal matched, so the model learns how much
#: a signal weighs (measured: validation average precision of ``high`` .442 -> .452).
SIGNAL_TOKEN = "__sinyal_bahaya__"


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
    return FeatureUnion([("words", words), ("chars", chars)])


def make_head(backend: str, head: str, *, seed: int) -> Any:
    """An unfitted, calibrated classifier for ``head`` on ``backend``'s inputs.

    Category and urgency weight classes inversely to their frequency (rare classes such as
    ``information_technology`` or ``high`` urgency would otherwise almost never be predicted).
    The linear backend uses a linear SVM for category and unit (measured on validation: the same
    macro-F1 as logistic regression, 10x faster to fit on 30 units) and a logistic regression
    for urgency, whose ranking of ``high`` complaints was better. Measured on validation, average
    precision of ``high``: .458 for C=3 (C=10: .456, C=30: .449); word-only or unstemmed features,
    or one column per safety signal instead of one flag, did not do better (.448-.454).
    """
    _check(backend)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    weight = None if head == "unit" else "balanced"
    model: Any
    if backend == "fasttext":
        model = FastTextClassifier(class_weight=weight, seed=seed)
    elif head == "urgency":
        model = LogisticRegression(C=3.0, class_weight=weight, max_iter=3000, random_state=seed)
    else:
        model = LinearSVC(C=0.3, class_weight=weight, random_state=seed)
    return CalibratedClassifierCV(model, method="sigmoid", cv=folds, ensemble=False)


def _check(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def head_inputs(
    features: FeatureUnion | None, analyses: Sequence[Analysis], signals: Sequence[Sequence[str]]
) -> dict[str, Any]:
    """What each head reads: the features of the preprocessed texts (or the texts), and for
    urgency also whether a safety signal matched."""
    texts = [a.text for a in analyses]
    if features is None:
        marked = [f"{t} {SIGNAL_TOKEN}" if s else t for t, s in zip(texts, signals, strict=True)]
        return {"category": texts, "urgency": marked, "unit": texts}
    matrix = features.transform(texts)
    flag = sp.csr_matrix(np.array([[1.0 if s else 0.0] for s in signals]).reshape(-1, 1))
    return {"category": matrix, "urgency": sp.hstack([matrix, flag], format="csr"), "unit": matrix}


def term_weights(head: Any, analysis: Analysis, signal: bool, label: str) -> dict[str, float]:
    """How much each token of ``analysis`` pushed a text-reading ``head`` towards ``label``:
    the drop in the label's probability when the token is left out. (Linear heads are explained
    from their coefficients, see :mod:`complaint_nlp.compiled`.)"""
    k = [str(c) for c in head.classes_].index(label)
    tokens = analysis.text.split()
    unique = list(dict.fromkeys(tokens))
    suffix = f" {SIGNAL_TOKEN}" if signal else ""
    variants = [analysis.text] + [" ".join(t for t in tokens if t != u) for u in unique]
    proba = head.predict_proba([v + suffix for v in variants])[:, k]
    return {u: float(proba[0] - p) for u, p in zip(unique, proba[1:], strict=True)}
