"""The complaint classifier: category, urgency and unit heads over one text pipeline."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from complaint_nlp._validation import ensure_text, ensure_texts
from complaint_nlp.compiled import CompiledLinear
from complaint_nlp.exceptions import InvalidInputError
from complaint_nlp.labels import HEADS
from complaint_nlp.lexicon import SafetyLexicon
from complaint_nlp.pipeline import Analysis, TextPipeline

if TYPE_CHECKING:
    from complaint_nlp.duplicates import DuplicateIndex
    from complaint_nlp.routing import RoutingTable
    from complaint_nlp.triage import TriageResult

__all__ = ["Classification", "ComplaintClassifier", "Thresholds"]

#: Returns ``(features, heads)``: the fitted estimators of a classifier loaded without them.
EstimatorLoader = Callable[[], tuple[Any, Mapping[str, Any]]]


def top_classes(proba: np.ndarray, classes: Sequence[str], k: int) -> list[tuple[str, float]]:
    """The ``k`` most probable classes of one probability row, best first."""
    order = np.argsort(-proba)[:k]
    return [(str(classes[i]), round(float(proba[i]), 4)) for i in order]


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, chosen on validation data (see :mod:`complaint_nlp.training`).

    ``high``: the probability of ``high`` urgency above which a complaint is ``high``;
    ``high_with_signal``: the lower bar used when a safety signal matched;
    ``low_weight``: below the bar, ``low`` wins when ``low_weight * P(low) > P(medium)``;
    ``review``: per head, the confidence below which a complaint needs a human look.
    """

    high: float = 0.5
    high_with_signal: float = 0.5
    low_weight: float = 1.0
    review: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(HEADS, 0.0))


@dataclass(frozen=True)
class Classification:
    """What the classifier says about one complaint."""

    category: str
    category_confidence: float
    urgency: str
    urgency_confidence: float
    units: list[tuple[str, float]]
    needs_review: bool
    explanation: dict[str, list[str]]
    safety_signals: list[str]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        # Written out rather than dataclasses.asdict, which deep-copies (5x slower in bulk).
        return {
            "category": self.category,
            "category_confidence": self.category_confidence,
            "urgency": self.urgency,
            "urgency_confidence": self.urgency_confidence,
            "units": [{"code": code, "score": score} for code, score in self.units],
            "needs_review": self.needs_review,
            "explanation": {head: list(words) for head, words in self.explanation.items()},
            "safety_signals": list(self.safety_signals),
        }


class ComplaintClassifier:
    """Fitted heads (category, urgency, unit) with the preprocessing and decision rules.

    Build one with :func:`complaint_nlp.training.train_classifier` or load the shipped one with
    :func:`complaint_nlp.load`. ``heads`` are the fitted scikit-learn estimators and ``features``
    the linear backend's shared feature extractor (``None`` for fastText).
    """

    def __init__(
        self,
        heads: Mapping[str, Any],
        *,
        features: Any,
        preprocessor: TextPipeline,
        lexicon: SafetyLexicon,
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
        self.preprocessor = preprocessor
        self.lexicon = lexicon
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
        preprocessor: TextPipeline,
        lexicon: SafetyLexicon,
        thresholds: Thresholds,
        explain_terms: int = 5,
    ) -> ComplaintClassifier:
        """A linear classifier that predicts from ``compiled`` alone; its scikit-learn
        estimators are read with ``estimators()`` the first time :attr:`heads` or
        :attr:`features` is used (e.g. to inspect or re-save them)."""
        self = cls(
            dict.fromkeys(compiled.heads),
            features=None,
            preprocessor=preprocessor,
            lexicon=lexicon,
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

    def classify_batch(self, texts: Iterable[str]) -> list[Classification]:
        """Classify many complaint texts at once (the heads run vectorised)."""
        items = ensure_texts(texts)
        if not items:
            return []
        analyses = [self.preprocessor.analyze(t) for t in items]
        signals = [self.lexicon.search(a.clean) for a in analyses]
        labels = self.labels
        if self._compiled is not None:
            rows = self._compiled.features([a.text for a in analyses], [bool(s) for s in signals])
            proba = self._compiled.predict_proba(rows)
        else:
            from complaint_nlp.heads import head_inputs

            inputs = head_inputs(self.features, analyses, signals)
            proba = {name: head.predict_proba(inputs[name]) for name, head in self.heads.items()}
        categories = [labels["category"][j] for j in proba["category"].argmax(axis=1)]
        urgencies = [
            self._urgency(p, labels["urgency"], bool(found))
            for p, found in zip(proba["urgency"], signals, strict=True)
        ]
        if self._compiled is not None:
            pushes = {
                "category": self._compiled.term_weights(rows, "category", categories),
                "urgency": self._compiled.term_weights(rows, "urgency", urgencies),
            }
        else:
            from complaint_nlp.heads import term_weights

            pushes = {
                head: [
                    term_weights(self.heads[head], a, bool(found), label)
                    for a, found, label in zip(analyses, signals, chosen, strict=True)
                ]
                for head, chosen in (("category", categories), ("urgency", urgencies))
            }
        return [
            self._result(
                analyses[i], signals[i], categories[i], urgencies[i],
                {h: p[i] for h, p in proba.items()}, {h: w[i] for h, w in pushes.items()},
            )
            for i in range(len(items))
        ]  # fmt: skip

    def triage(
        self,
        text: str,
        *,
        complaint_id: str | None = None,
        table: RoutingTable | None = None,
        duplicates: DuplicateIndex | None = None,
    ) -> TriageResult:
        """Classify, route and duplicate-check one complaint.

        ``table`` defaults to the shipped routing table and ``duplicates`` to this classifier's
        own index of recent complaints (pass one to share or configure it).
        """
        return self.triage_batch(
            [ensure_text(text)], [complaint_id], table=table, duplicates=duplicates
        )[0]

    def triage_batch(
        self,
        texts: Iterable[str],
        ids: Iterable[str | None] | None = None,
        *,
        table: RoutingTable | None = None,
        duplicates: DuplicateIndex | None = None,
    ) -> list[TriageResult]:
        """:meth:`triage` for many complaints at once, in order."""
        # Imported here: routing and triage build on this module's Classification.
        from complaint_nlp.routing import load_routing_table
        from complaint_nlp.triage import triage_batch

        items = ensure_texts(texts)
        names = [None] * len(items) if ids is None else list(ids)
        if len(names) != len(items):
            raise InvalidInputError(f"{len(items)} texts but {len(names)} ids")
        return triage_batch(
            self, items, names,
            table=table or load_routing_table(),
            duplicates=duplicates if duplicates is not None else self.duplicates,
        )  # fmt: skip

    @functools.cached_property
    def duplicates(self) -> DuplicateIndex:
        """This classifier's own index of recent complaints (not saved with the model)."""
        from complaint_nlp.duplicates import DuplicateIndex

        return DuplicateIndex()

    @functools.cached_property
    def _compiled(self) -> CompiledLinear | None:
        if self.features is None:
            return None
        return CompiledLinear.from_estimators(self.features, self.heads, signal_head="urgency")

    def __getstate__(self) -> dict[str, Any]:
        if self._heads is None:
            self._load_estimators()
        state = self.__dict__.copy()
        # Derived from the heads, rebuilt on first use; the loader may not be picklable.
        state["_estimator_loader"] = None
        state.pop("_compiled", None)
        state.pop("labels", None)
        state.pop("duplicates", None)
        return state

    def _result(
        self,
        analysis: Analysis,
        signals: list[str],
        category: str,
        urgency: str,
        proba: Mapping[str, np.ndarray],
        pushes: Mapping[str, dict[str, float]],
    ) -> Classification:
        urgency_classes = self.labels["urgency"]
        confidence = {
            "category": float(proba["category"].max()),
            "urgency": float(proba["urgency"][urgency_classes.index(urgency)]),
            "unit": float(proba["unit"].max()),
        }
        review = self.thresholds.review
        return Classification(
            category=category,
            category_confidence=round(confidence["category"], 4),
            urgency=urgency,
            urgency_confidence=round(confidence["urgency"], 4),
            units=top_classes(proba["unit"], self.labels["unit"], 3),
            needs_review=any(confidence[h] < review.get(h, 0.0) for h in HEADS),
            explanation=self._explain(analysis, pushes),
            safety_signals=signals,
        )

    def _urgency(self, proba: np.ndarray, classes: Sequence[str], signal: bool) -> str:
        p_high = float(proba[classes.index("high")])
        bar = self.thresholds.high_with_signal if signal else self.thresholds.high
        if p_high >= bar:
            return "high"
        p_low, p_medium = proba[classes.index("low")], proba[classes.index("medium")]
        return "low" if p_low * self.thresholds.low_weight > p_medium else "medium"

    def _explain(
        self, analysis: Analysis, pushes: Mapping[str, dict[str, float]]
    ) -> dict[str, list[str]]:
        """Per head, the writer's words behind the tokens that pushed most towards its class."""
        surface: dict[str, str] = {}
        # Each distinct pair once: a long text repeats them (20,000 characters of "08 " did 6,666
        # times over). Numbers (RT 02, 3 hari) explain nothing alone.
        for word, token in dict.fromkeys(analysis.pairs):
            if token not in surface and any(c.isalpha() for c in word):
                surface[token] = word
        out = {}
        for head, weights in pushes.items():
            ranked = ((w, t) for t, w in weights.items() if w > 0 and t in surface)
            words = dict.fromkeys(surface[t] for _, t in sorted(ranked, reverse=True))
            out[head] = list(words)[: self.explain_terms]
        return out
