"""The decision rules and the threshold choosers, on small arrays whose answers are known."""

import numpy as np
import pytest

from complaint_nlp.decision import (
    Thresholds,
    choose_escalate_threshold,
    choose_low_weight,
    choose_review_thresholds,
    choose_urgency_thresholds,
    decide_urgency,
    macro_f1,
    needs_review,
)

CLASSES = ["high", "low", "medium"]  # scikit-learn's sorted order, not LABELS.md's


def rows(*p_high_low_medium: tuple[float, float, float]) -> np.ndarray:
    return np.array(p_high_low_medium)


@pytest.mark.parametrize(
    ("proba", "signal", "thresholds", "label", "escalate"),
    [
        ((0.6, 0.1, 0.3), False, Thresholds(high=0.5, escalate=0.55), "high", True),
        ((0.52, 0.1, 0.38), False, Thresholds(high=0.5, escalate=0.55), "high", False),
        ((0.3, 0.1, 0.6), False, Thresholds(high=0.5), "medium", False),
        ((0.3, 0.1, 0.6), True, Thresholds(high=0.5, high_with_signal=0.25), "high", False),
        ((0.1, 0.4, 0.5), False, Thresholds(high=0.5, low_weight=1.0), "medium", False),
        ((0.1, 0.4, 0.5), False, Thresholds(high=0.5, low_weight=1.5), "low", False),
    ],
)
def test_decide_urgency(
    proba: tuple[float, float, float],
    signal: bool,
    thresholds: Thresholds,
    label: str,
    escalate: bool,
) -> None:
    labels, escalated = decide_urgency(rows(proba), CLASSES, np.array([signal]), thresholds)
    assert (labels[0], bool(escalated[0])) == (label, escalate)


def test_an_unconfirmed_high_needs_review_and_a_confident_one_does_not() -> None:
    thresholds = Thresholds(high=0.2, escalate=0.6, review={"category": 0.5})
    labels, escalate = decide_urgency(
        rows((0.3, 0.1, 0.6), (0.9, 0.05, 0.05), (0.05, 0.05, 0.9)),
        CLASSES,
        np.array([False, False, False]),
        thresholds,
    )
    flagged = needs_review({"category": np.array([0.9, 0.9, 0.4])}, labels, escalate, thresholds)
    assert labels.tolist() == ["high", "high", "medium"]
    assert flagged.tolist() == [True, False, True]


def test_macro_f1_by_hand() -> None:
    truth = np.array(["a", "a", "b", "c"])
    predicted = np.array(["a", "b", "b", "b"])
    # a: P 1 R .5 F1 2/3; b: P 1/3 R 1 F1 .5; c: 0
    assert macro_f1(truth, predicted, ["a", "b", "c"]) == pytest.approx((2 / 3 + 0.5) / 3)


def test_urgency_bar_reaches_the_recall_with_the_best_macro_f1() -> None:
    # Four high complaints at P(high) .9 .7 .3 .15, medium ones at .25 and below.
    p_high = np.array(
        [0.9, 0.7, 0.3, 0.15, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01]
    )
    truth = np.array(["high"] * 4 + ["medium"] * 10)
    proba = np.column_stack([p_high, np.zeros(14), 1 - p_high])
    signal = np.zeros(14, dtype=bool)
    bar, _ = choose_urgency_thresholds(proba, CLASSES, signal, truth, high_recall=0.75)
    called = p_high >= bar
    assert called[:4].sum() >= 3  # recall >= .75
    assert bar == pytest.approx(0.3)  # no false alarm; ties go to the highest bar
    bar, _ = choose_urgency_thresholds(proba, CLASSES, signal, truth, high_recall=1.0)
    assert bar == pytest.approx(0.15)


def test_a_signal_bar_below_the_plain_one_catches_signalled_highs() -> None:
    p_high = np.array([0.8, 0.12, 0.12, 0.12, 0.05, 0.05])
    truth = np.array(["high", "high", "medium", "medium", "medium", "medium"])
    signal = np.array([False, True, False, False, False, False])
    proba = np.column_stack([p_high, np.zeros(6), 1 - p_high])
    bar, bar_signal = choose_urgency_thresholds(proba, CLASSES, signal, truth, high_recall=1.0)
    assert bar_signal <= 0.12 < bar


def test_low_weight_tips_low_against_medium() -> None:
    # low is under-called at weight 1: P(low) just below P(medium) for the low complaints.
    proba = np.array([[0.0, 0.45, 0.55]] * 3 + [[0.0, 0.1, 0.9]] * 3)
    truth = np.array(["low"] * 3 + ["medium"] * 3)
    weight = choose_low_weight(proba, CLASSES, np.zeros(6, dtype=bool), truth, Thresholds())
    assert weight * 0.45 > 0.55 and weight * 0.1 < 0.9


def test_escalate_bar_is_the_lowest_with_the_precision() -> None:
    # Ranked by P(high): 10 at .9 (9 high), 10 at .7 (6 high), 10 at .4 (2 high).
    p_high = np.repeat([0.9, 0.7, 0.4], 10)
    is_high = np.array([1] * 9 + [0] + [1] * 6 + [0] * 4 + [1] * 2 + [0] * 8, dtype=bool)
    # >= .9: 9/10; >= .7: 15/20 = .75; >= .4: 17/30 = .57. Every bar in (.4, .7] calls the same
    # twenty complaints: the lowest of them is chosen.
    assert choose_escalate_threshold(p_high, is_high, 0.7, floor=0.05) == pytest.approx(0.41)
    assert choose_escalate_threshold(p_high, is_high, 0.8, floor=0.05) == pytest.approx(0.71)
    assert choose_escalate_threshold(p_high, is_high, 0.95, floor=0.05) == 1.0
    assert choose_escalate_threshold(p_high, is_high, 0.7, floor=0.8) == pytest.approx(0.8)


def test_review_bars_leave_the_coverage_to_the_machine() -> None:
    rng = np.random.default_rng(0)
    confidence = {"category": rng.random(1000), "unit": rng.random(1000)}
    bars = choose_review_thresholds(confidence, 0.8)
    unflagged = np.all([confidence[h] >= bars[h] for h in confidence], axis=0).mean()
    assert unflagged == pytest.approx(0.8, abs=0.01)
