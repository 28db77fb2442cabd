"""The decision rules on the heads' probabilities, and how their thresholds are chosen.

One place for the urgency rule, used by the classifier at inference and by training when it
chooses thresholds, so the two can never disagree:

- ``high`` when P(high) reaches the ``high`` bar, or the lower ``high_with_signal`` bar when a
  safety signal matched (chosen for a ``high`` recall target on held-out months);
- otherwise ``low`` when ``low_weight * P(low) > P(medium)``, else ``medium``;
- a ``high`` escalates only when P(high) also reaches the ``escalate`` bar (chosen for an
  escalation precision target); every other ``high`` needs review, so a person confirms it
  before a unit is paged.

NumPy only: the choosers run on held-out predictions during training, the rules on every
classification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from complaint_nlp.labels import HEADS

__all__ = [
    "Thresholds",
    "choose_escalate_threshold",
    "choose_low_weight",
    "choose_review_thresholds",
    "choose_urgency_thresholds",
    "decide_urgency",
    "macro_f1",
    "needs_review",
]


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, chosen on held-out predictions (see :mod:`complaint_nlp.training`).

    ``high``: the probability of ``high`` urgency above which a complaint is ``high``;
    ``high_with_signal``: the lower bar used when a safety signal matched;
    ``escalate``: the probability of ``high`` above which a ``high`` escalates at once;
    ``low_weight``: below the bar, ``low`` wins when ``low_weight * P(low) > P(medium)``;
    ``review``: per head, the confidence below which a complaint needs a human look.
    """

    high: float = 0.5
    high_with_signal: float = 0.5
    escalate: float = 0.5
    low_weight: float = 1.0
    review: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(HEADS, 0.0))


def decide_urgency(
    proba: np.ndarray, classes: Sequence[str], signal: np.ndarray, thresholds: Thresholds
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of urgency probabilities: the urgency label and whether it escalates.

    >>> labels, escalate = decide_urgency(
    ...     np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.05, 0.35, 0.6]]),
    ...     ["high", "medium", "low"], np.array([False, False, False]),
    ...     Thresholds(high=0.3, escalate=0.6))
    >>> labels.tolist(), escalate.tolist()
    (['high', 'medium', 'low'], [True, False, False])
    """
    column = {c: i for i, c in enumerate(classes)}
    p_high = proba[:, column["high"]]
    is_high = (p_high >= thresholds.high) | (
        np.asarray(signal, dtype=bool) & (p_high >= thresholds.high_with_signal)
    )
    low = proba[:, column["low"]] * thresholds.low_weight > proba[:, column["medium"]]
    labels = np.where(is_high, "high", np.where(low, "low", "medium"))
    return labels, is_high & (p_high >= thresholds.escalate)


def needs_review(
    confidence: Mapping[str, np.ndarray],
    labels: np.ndarray,
    escalate: np.ndarray,
    thresholds: Thresholds,
) -> np.ndarray:
    """A person looks first when a head's confidence is below its review bar, or when a
    ``high`` is not confident enough to escalate."""
    flagged: np.ndarray = (labels == "high") & ~escalate
    for head, values in confidence.items():
        flagged |= values < thresholds.review.get(head, 0.0)
    return flagged


def macro_f1(truth: np.ndarray, predicted: np.ndarray, labels: Sequence[str]) -> float:
    """Macro-averaged F1 over ``labels`` (a label never seen nor predicted counts 0)."""
    scores = []
    for label in labels:
        t, p = truth == label, predicted == label
        tp = float(np.sum(t & p))
        denominator = float(np.sum(t) + np.sum(p))
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(scores))


def _recall(truth: np.ndarray, predicted: np.ndarray, label: str) -> float:
    positive = truth == label
    return float(np.sum(positive & (predicted == label)) / max(1, np.sum(positive)))


def choose_urgency_thresholds(
    proba: np.ndarray,
    classes: Sequence[str],
    signal: np.ndarray,
    truth: Sequence[str] | np.ndarray,
    high_recall: float,
) -> tuple[float, float]:
    """The (bar, bar with signal) pair with the best macro-F1 among those reaching the recall.

    Pairs that call half of the complaints ``high`` or more are never chosen; when no other pair
    reaches ``high_recall``, the best recall they do reach is the target instead.
    """
    y = np.asarray(truth)
    grid = np.round(np.arange(0.01, 0.91, 0.01), 2)
    points = []  # (recall, macro-F1, bar, bar_signal)
    for bar in grid:
        for bar_signal in grid[grid <= bar]:
            trial = Thresholds(high=float(bar), high_with_signal=float(bar_signal))
            predicted, _ = decide_urgency(proba, classes, signal, trial)
            if np.mean(predicted == "high") >= 0.5:
                continue
            points.append(
                (
                    _recall(y, predicted, "high"),
                    macro_f1(y, predicted, classes),
                    float(bar),
                    float(bar_signal),
                )
            )
    if not points:
        return 0.5, 0.5
    target = min(high_recall, max(p[0] for p in points))
    best = max((p for p in points if p[0] >= target), key=lambda p: (p[1], p[2], p[3]))
    return best[2], best[3]


def choose_low_weight(
    proba: np.ndarray,
    classes: Sequence[str],
    signal: np.ndarray,
    truth: Sequence[str] | np.ndarray,
    thresholds: Thresholds,
) -> float:
    """The weight of ``low`` against ``medium`` (below the ``high`` bars) that maximises
    macro-F1: class-balanced training leaves the two unevenly calibrated against each other."""
    y = np.asarray(truth)
    best = (-1.0, 1.0)
    for weight in np.round(np.arange(0.5, 3.01, 0.1), 2):
        trial = Thresholds(
            high=thresholds.high,
            high_with_signal=thresholds.high_with_signal,
            low_weight=float(weight),
        )
        predicted, _ = decide_urgency(proba, classes, signal, trial)
        score = macro_f1(y, predicted, classes)
        if score > best[0] + 1e-9:
            best = (score, float(weight))
    return best[1]


def choose_escalate_threshold(
    p_high: np.ndarray, is_high: np.ndarray, precision: float, *, floor: float, least: int = 10
) -> float:
    """The lowest bar (at least ``floor``) whose calls reach ``precision`` on ``is_high``, every
    higher bar with ``least`` calls or more reaching it too; ``1.0`` (never) when none does.

    Requiring the higher bars too keeps a lucky pocket of a few rows from setting the bar.
    """
    truth = np.asarray(is_high, dtype=bool)
    grid = np.round(np.arange(max(0.01, floor), 1.0, 0.01), 2)
    chosen = 1.0
    for bar in grid[::-1]:  # from the strictest bar down, stop at the first that fails
        called = p_high >= bar
        if called.sum() < least:
            continue
        if truth[called].mean() < precision:
            break
        chosen = float(bar)
    return chosen


def choose_review_thresholds(
    confidence: Mapping[str, np.ndarray], coverage: float
) -> dict[str, float]:
    """Per-head confidence bars (one shared quantile) leaving ``coverage`` of rows unflagged."""
    low, high = 0.0, 1.0 - coverage
    for _ in range(30):
        q = (low + high) / 2
        bars = {h: float(np.quantile(c, q)) for h, c in confidence.items()}
        covered = np.mean(np.all([c >= bars[h] for h, c in confidence.items()], axis=0))
        low, high = (q, high) if covered >= coverage else (low, q)
    return {h: round(float(np.quantile(c, low)), 4) for h, c in confidence.items()}
