"""Honest evaluation: the gold test set (annotated complaints of the test months), per-class
metrics, the accuracy-vs-coverage curve, the `high` precision/recall curve and escalation band,
each cue's precision and recall, and baselines trained on the same rows in the same run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from complaint_nlp.classifier import ComplaintClassifier
from complaint_nlp.dataset import Record
from complaint_nlp.labels import CATEGORIES, URGENCIES
from complaint_nlp.results import Classification
from complaint_nlp.training import GOLD_SOURCES

__all__ = ["classification_metrics", "evaluate", "gold_test"]


def _r(value: Any) -> float:
    return round(float(value), 4)


def gold_test(records: Sequence[Record]) -> list[Record]:
    """The annotated complaints of the test split."""
    return [r for r in records if r.split == "test" and r.label_source in GOLD_SOURCES]


def classification_metrics(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix."""
    names = list(labels)
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=names, zero_division=0)
    per_class = {
        label: {"precision": _r(p[i]), "recall": _r(r[i]), "f1": _r(f[i]), "support": int(s[i])}
        for i, label in enumerate(names)
    }
    return {
        "n": len(truth),
        "accuracy": _r(accuracy_score(truth, predicted)),
        "macro_f1": _r(f1_score(truth, predicted, labels=names, average="macro", zero_division=0)),
        "per_class": per_class,
        "labels": names,
        "confusion_matrix": confusion_matrix(truth, predicted, labels=names).tolist(),
    }


def _coverage_curve(confidence: np.ndarray, correct: np.ndarray) -> list[dict[str, float]]:
    order = np.argsort(-confidence)
    points = []
    for coverage in np.round(np.arange(0.1, 1.01, 0.1), 1):
        n = max(1, round(coverage * len(order)))
        points.append({"coverage": float(coverage), "accuracy": _r(correct[order[:n]].mean())})
    return points


def _mean_or_none(values: list[bool]) -> float | None:
    return _r(np.mean(values)) if values else None


def _model_report(
    gold: Sequence[Record],
    results: Sequence[Classification],
    p_high: np.ndarray,
    cue_names: Sequence[str],
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for head, labels in (("category", CATEGORIES), ("urgency", URGENCIES)):
        truth = [getattr(r, head) for r in gold]
        predicted = [getattr(c, head) for c in results]
        report[head] = classification_metrics(truth, predicted, labels)
        confidence = np.array([getattr(c, f"{head}_confidence") for c in results])
        correct = np.array(truth) == np.array(predicted)
        report[head]["accuracy_vs_coverage"] = _coverage_curve(confidence, correct)
    high = np.array([r.urgency == "high" for r in gold])
    urgency = report["urgency"]
    urgency["high_recall"] = urgency["per_class"]["high"]["recall"]
    urgency["high_precision"] = urgency["per_class"]["high"]["precision"]
    urgency["escalate"] = _band(high, np.array([c.escalate for c in results]))
    urgency["high_unconfirmed"] = _band(
        high, np.array([c.urgency == "high" and not c.escalate for c in results])
    )
    urgency["high_average_precision"] = _average_precision(high, p_high)
    urgency["high_pr_curve"] = _pr_curve(high, p_high)
    urgency["safety_signals"] = _signal_report(gold, results)
    report["cues"] = _cue_report(gold, results, cue_names)
    pairs = list(zip(gold, results, strict=True))
    auto = [(r, c) for r, c in pairs if not c.needs_review]
    flagged = [(r, c) for r, c in pairs if c.needs_review]
    report["review"] = {
        "coverage": _r(len(auto) / len(pairs)),
        "category_accuracy_auto": _mean_or_none([r.category == c.category for r, c in auto]),
        "category_accuracy_review": _mean_or_none([r.category == c.category for r, c in flagged]),
    }
    return report


def _band(truth: np.ndarray, called: np.ndarray) -> dict[str, float]:
    """Share of complaints ``called``, and their precision and recall against ``truth``."""
    hits = int((truth & called).sum())
    return {
        "share": _r(called.mean()),
        "precision": _r(hits / max(1, called.sum())),
        "recall": _r(hits / max(1, truth.sum())),
    }


def _average_precision(truth: np.ndarray, score: np.ndarray) -> float:
    order = np.argsort(-score, kind="stable")
    hits = truth[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return _r((precision * hits).sum() / max(1, hits.sum()))


def _pr_curve(truth: np.ndarray, score: np.ndarray) -> list[dict[str, float]]:
    """Precision and recall of ``high`` when P(high) >= threshold, for a grid of thresholds."""
    points = []
    for threshold in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        called = score >= threshold
        points.append({"threshold": threshold, **_band(truth, called)})
    return points


def _cue_report(
    gold: Sequence[Record], results: Sequence[Classification], cue_names: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Per cue: how often it fires, and its precision and recall as a sign of `high`."""
    high = np.array([r.urgency == "high" for r in gold])
    return {name: _band(high, np.array([name in c.cues for c in results])) for name in cue_names}


def _signal_report(gold: Sequence[Record], results: Sequence[Classification]) -> dict[str, Any]:
    """The safety lexicon on its own (a match means `high`), and what the model adds to it."""
    high = np.array([r.urgency == "high" for r in gold])
    signal = np.array([bool(c.safety_signals) for c in results])
    called = np.array([c.urgency == "high" for c in results])
    return {
        "flagged_share": _r(signal.mean()),
        "precision": _r((signal & high).sum() / max(1, signal.sum())),
        "recall": _r((signal & high).sum() / max(1, high.sum())),
        "model_recall_with_signal": _mean_or_none(list(called[high & signal])),
        "model_recall_without_signal": _mean_or_none(list(called[high & ~signal])),
    }


def _unit_report(records: Sequence[Record], results: Sequence[Classification]) -> dict[str, Any]:
    if not records:  # no unit labels (a --labelled file without them): not measured
        return {"n": 0, "top1_accuracy": None, "top3_accuracy": None, "macro_f1_top1": None}
    truth = [r.unit for r in records]
    top1 = [c.units[0][0] for c in results]
    top3 = [r.unit in {u for u, _ in c.units} for r, c in zip(records, results, strict=True)]
    return {
        "n": len(records),
        "top1_accuracy": _r(accuracy_score(truth, top1)),
        "top3_accuracy": _r(np.mean(top3)),
        "macro_f1_top1": _r(f1_score(truth, top1, average="macro", zero_division=0)),
    }


def _baseline_predictions(
    train: Sequence[Record], test: Sequence[Record], head: str
) -> dict[str, list[str]]:
    y = [getattr(r, head) for r in train]
    plain = make_pipeline(TfidfVectorizer(), LinearSVC(random_state=0))
    plain.fit([r.text for r in train], y)
    return {
        "majority": [Counter(y).most_common(1)[0][0]] * len(test),
        "tfidf_linearsvc": [str(p) for p in plain.predict([r.text for r in test])],
    }


def _baselines(
    train: Sequence[Record],
    gold: Sequence[Record],
    unit_train: Sequence[Record],
    unit_test: Sequence[Record],
) -> dict[str, Any]:
    out: dict[str, Any] = {"majority": {}, "tfidf_linearsvc": {}}
    for head, labels in (("category", CATEGORIES), ("urgency", URGENCIES)):
        truth = [getattr(r, head) for r in gold]
        for name, predicted in _baseline_predictions(train, gold, head).items():
            metrics = classification_metrics(truth, predicted, labels)
            if head == "urgency":
                metrics["high_recall"] = metrics["per_class"]["high"]["recall"]
            out[name][head] = metrics
    truth = [r.unit for r in unit_test]
    if not unit_test:
        for name in out:
            out[name]["unit"] = {"top1_accuracy": None, "macro_f1_top1": None}
        return out
    for name, predicted in _baseline_predictions(unit_train, unit_test, "unit").items():
        out[name]["unit"] = {
            "top1_accuracy": _r(accuracy_score(truth, predicted)),
            "macro_f1_top1": _r(f1_score(truth, predicted, average="macro", zero_division=0)),
        }
    return out


def evaluate(classifier: ComplaintClassifier, records: Sequence[Record]) -> dict[str, Any]:
    """Metrics of ``classifier`` on the gold test set, beside baselines fitted in this run on
    the same training rows (annotated train + validation complaints)."""
    gold = gold_test(records)
    if not gold:
        raise ValueError("no annotated complaints in the test split")
    seen = [r for r in records if r.split in ("train", "validation")]
    train = [r for r in seen if r.label_source in GOLD_SOURCES and r.category and r.urgency]
    unit_test = [r for r in records if r.split == "test" and r.unit]
    unit_train = [r for r in seen if r.unit]
    texts = [r.text for r in gold]
    proba = classifier.predict_proba([classifier.reader.read(t) for t in texts])["urgency"]
    p_high = proba[:, classifier.labels["urgency"].index("high")]
    report = _model_report(
        gold, classifier.classify_batch(texts), p_high, classifier.reader.cues.names
    )
    report["unit"] = _unit_report(unit_test, classifier.classify_batch([r.text for r in unit_test]))
    report["baselines"] = _baselines(train, gold, unit_train, unit_test)
    return report
