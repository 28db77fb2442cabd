"""The complaint classifier: category, urgency and unit heads over one reading of the text.

It knows nothing of routing: :mod:`complaint_nlp.triage` builds on it and on
:mod:`complaint_nlp.routing`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from complaint_nlp._validation import ensure_text, ensure_texts
from complaint_nlp.compiled import CompiledLinear
from complaint_nlp.decision import Thresholds, decide_urgency, needs_review
from complaint_nlp.labels import HEADS
from complaint_nlp.reading import Reader, Reading
from complaint_nlp.results import Classification

__all__ = ["Classification", "ComplaintClassifier", "Thresholds"]

_LETTER = re.compile(r"[^\W\d_]")
#: Returns ``(features, heads)``: the fitted estimators of a classifier loaded without them.
EstimatorLoader = Callable[[], tuple[Any, Mapping[str, Any]]]


def top_classes(proba: np.ndarray, classes: Sequence[str], k: int) -> list[tuple[str, float]]:
    """The ``k`` most probable classes of one probability row, best first."""
    order = np.argsort(-proba)[:k]
    return [(str(classes[i]), round(float(proba[i]), 4)) for i in order]


class ComplaintClassifier:
    """Fitted heads (category, urgency, unit) with the reader and the decision thresholds.

    Build one with :func:`complaint_nlp.training.train_classifier` or load the shipped one with
    :func:`complaint_nlp.load`. ``heads`` are the fitted scikit-learn estimators and ``features``
    the linear backend's shared feature extractor (``None`` for fastText).
    """

    def __init__(
        self,
        heads: Mapping[str, Any],
        *,
        features: Any,
        reader: Reader,
        thresholds: Thresholds,
        backend: str,
        explain_terms: int = 5,
    ) -> None:
        missing = set(HEADS) - set(heads)
        if missing:
            raise ValueError(f"missing head(s): {sorted(missing)}")
        self._heads: dict[str, Any] | None = dict(heads)
        self._features = features
        self._estimator_loader: EstimatorLoader | None = None
        self.reader = reader
        self.thresholds = thresholds
        self.backend = backend
        self.explain_terms = explain_terms
        self.metadata: dict[str, Any] = {}

    @classmethod
    def from_compiled(
        cls,
        compiled: CompiledLinear,
        estimators: EstimatorLoader,
        *,
        reader: Reader,
        thresholds: Thresholds,
        explain_terms: int = 5,
    ) -> ComplaintClassifier:
        """A linear classifier that predicts from ``compiled`` alone; its scikit-learn
        estimators are read with ``estimators()`` the first time :attr:`heads` or
        :attr:`features` is used (e.g. to inspect or re-save them)."""
        self = cls(
            dict.fromkeys(compiled.heads),
            features=None,
            reader=reader,
            thresholds=thresholds,
            backend="linear",
            explain_terms=explain_terms,
        )
        self._heads, self._estimator_loader = None, estimators
        self.__dict__["_compiled"] = compiled
        return self

    @property
    def heads(self) -> dict[str, Any]:
        """The fitted scikit-learn estimator of each head."""
        if self._heads is None:
            self._load_estimators()
        assert self._heads is not None
        return self._heads

    @property
    def features(self) -> Any:
        """The fitted shared feature extractor of the linear backend (``None`` for fastText)."""
        if self._heads is None:
            self._load_estimators()
        return self._features

    def _load_estimators(self) -> None:
        assert self._estimator_loader is not None
        features, heads = self._estimator_loader()
        self._features, self._heads = features, dict(heads)

    @functools.cached_property
    def labels(self) -> dict[str, list[str]]:
        """The classes each head can predict."""
        if self._compiled is not None:
            return self._compiled.labels
        return {name: [str(c) for c in head.classes_] for name, head in self.heads.items()}

    def classify(self, text: str) -> Classification:
        """Classify one complaint text."""
        return self.classify_batch([ensure_text(text)])[0]

    def predict_proba(self, readings: Sequence[Reading]) -> dict[str, np.ndarray]:
        """Every head's calibrated probabilities for ``readings`` (columns: :attr:`labels`)."""
        if self._compiled is not None:
            return self._compiled.predict_proba(self._rows(readings))
        from complaint_nlp.heads import head_input

        inputs = head_input(self.features, self.reader, readings)
        return {name: head.predict_proba(inputs) for name, head in self.heads.items()}

    def classify_batch(self, texts: Iterable[str]) -> list[Classification]:
        """Classify many complaint texts at once (the heads run vectorised)."""
        items = ensure_texts(texts)
        if not items:
            return []
        readings = [self.reader.read(t) for t in items]
        labels = self.labels
        rows = self._rows(readings) if self._compiled is not None else None
        proba = (
            self._compiled.predict_proba(rows)
            if self._compiled is not None
            else self.predict_proba(readings)
        )
        signal = np.array([bool(r.signals) for r in readings])
        urgencies, escalate = decide_urgency(
            proba["urgency"], labels["urgency"], signal, self.thresholds
        )
        categories = np.asarray(labels["category"])[proba["category"].argmax(axis=1)]
        column = {label: j for j, label in enumerate(labels["urgency"])}
        chosen = np.array([column[u] for u in urgencies.tolist()])
        confidence = {
            "category": proba["category"].max(axis=1),
            "urgency": proba["urgency"][np.arange(len(items)), chosen],
            "unit": proba["unit"].max(axis=1),
        }
        review = needs_review(confidence, urgencies, escalate, self.thresholds)
        pushes = self._pushes(readings, rows, categories.tolist(), urgencies.tolist())
        return [
            Classification(
                category=str(categories[i]),
                category_confidence=round(float(confidence["category"][i]), 4),
                urgency=str(urgencies[i]),
                urgency_confidence=round(float(confidence["urgency"][i]), 4),
                units=top_classes(proba["unit"][i], labels["unit"], 3),
                needs_review=bool(review[i]),
                explanation=self._explain(readings[i], {h: w[i] for h, w in pushes.items()}),
                safety_signals=readings[i].signals,
                cues=readings[i].cues,
                escalate=bool(escalate[i]),
            )
            for i in range(len(items))
        ]

    def _rows(self, readings: Sequence[Reading]) -> Any:
        assert self._compiled is not None
        fields = {
            "text": [r.analysis.text for r in readings],
            "clean": [r.analysis.clean for r in readings],
        }
        return self._compiled.features(fields, self.reader.extras(readings))

    def _pushes(
        self,
        readings: Sequence[Reading],
        rows: Any,
        categories: list[str],
        urgencies: list[str],
    ) -> dict[str, list[dict[str, float]]]:
        """Per head and complaint: each token's push towards the chosen label."""
        chosen = {"category": categories, "urgency": urgencies}
        if self._compiled is not None:
            return {h: self._compiled.term_weights(rows, h, c) for h, c in chosen.items()}
        from complaint_nlp.heads import term_weights

        return {
            head: [
                term_weights(self.heads[head], self.reader, r, label)
                for r, label in zip(readings, labels, strict=True)
            ]
            for head, labels in chosen.items()
        }

    @functools.cached_property
    def _compiled(self) -> CompiledLinear | None:
        if self.features is None:
            return None
        full = CompiledLinear.from_estimators(self.features, self.reader.extra_names, self.heads)
        return full.lean()

    def full_precision(self) -> ComplaintClassifier:
        """A copy of this linear classifier predicting with every fitted weight at float64,
        not with the lean arrays it ships as (:meth:`CompiledLinear.lean`): for measuring what
        leanness costs."""
        twin = object.__new__(ComplaintClassifier)
        twin.__dict__.update(self.__dict__)
        twin.__dict__["_compiled"] = CompiledLinear.from_estimators(
            self.features, self.reader.extra_names, self.heads
        )
        return twin

    def __getstate__(self) -> dict[str, Any]:
        if self._heads is None:
            self._load_estimators()
        state = self.__dict__.copy()
        # Derived from the heads, rebuilt on first use; the loader may not be picklable.
        state["_estimator_loader"] = None
        state.pop("_compiled", None)
        state.pop("labels", None)
        return state

    def _explain(
        self, reading: Reading, pushes: Mapping[str, dict[str, float]]
    ) -> dict[str, list[str]]:
        """Per head, the writer's words behind the tokens that pushed most towards its class."""
        surface: dict[str, str] = {}
        # Each distinct pair once: a long text repeats them (20,000 characters of "08 " did 6,666
        # times over). Numbers (RT 02, 3 hari) explain nothing alone, and placeholders such as
        # __nama__ or __telepon__ are not the writer's words.
        for word, token in dict.fromkeys(reading.analysis.pairs):
            if token in surface or word.startswith("__"):
                continue
            if word.isalpha() or _LETTER.search(word):
                surface[token] = word
        out = {}
        for head, weights in pushes.items():
            ranked = ((w, t) for t, w in weights.items() if w > 0 and t in surface)
            words = dict.fromkeys(surface[t] for _, t in sorted(ranked, reverse=True))
            out[head] = list(words)[: self.explain_terms]
        return out
