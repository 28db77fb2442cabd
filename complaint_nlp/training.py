"""Training the complaint classifier from the processed table, with thresholds chosen on
validation data.

1. Fit every head on the ``train`` split and predict the ``validation`` split.
2. Choose the urgency thresholds (the bar for ``high``, lower when a safety signal matched) that
   maximise validation macro-F1 while keeping ``high`` recall at or above ``high_recall``, and
   the per-head review thresholds that leave ``review_coverage`` of complaints to the machine.
3. Refit every head on ``train`` + ``validation``; the ``test`` split is never read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, recall_score

from complaint_nlp.classifier import ComplaintClassifier, Thresholds
from complaint_nlp.dataset import Record
from complaint_nlp.heads import head_inputs, make_features, make_head
from complaint_nlp.labels import HEADS
from complaint_nlp.lexicon import SafetyLexicon
from complaint_nlp.pipeline import TextPipeline

__all__ = ["MIN_UNIT_EXAMPLES", "TrainingConfig", "train_classifier"]

#: Units with fewer training complaints than this are left to the routing table's rules.
MIN_UNIT_EXAMPLES = 6
GOLD_SOURCES = ("annotation", "feedback")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainingConfig:
    """What to train: backend, seed and the operating points chosen on validation data."""

    backend: str = "linear"
    seed: int = 0
    high_recall: float = 0.85
    review_coverage: float = 0.8


def _rows(records: Sequence[Record], head: str) -> list[Record]:
    if head == "unit":
        counts = Counter(r.unit for r in records if r.unit)
        return [r for r in records if r.unit and counts[r.unit] >= MIN_UNIT_EXAMPLES]
    return [r for r in records if getattr(r, head) and r.label_source in GOLD_SOURCES]


def fit_heads(
    records: Sequence[Record],
    preprocessor: TextPipeline,
    lexicon: SafetyLexicon,
    config: TrainingConfig,
    progress: Progress,
) -> tuple[Any, dict[str, Any]]:
    """Fit the shared features on every text of ``records``, then each head on its rows."""
    analyses = [preprocessor.analyze(r.text) for r in records]
    features = make_features(config.backend)
    if features is not None:
        progress(f"  fitting {config.backend} features on {len(records)} complaints")
        features.fit([a.text for a in analyses])
    inputs = head_inputs(features, analyses, [lexicon.search(a.clean) for a in analyses])
    position = {r.id: i for i, r in enumerate(records)}
    heads = {}
    for head in HEADS:
        rows = _rows(records, head)
        progress(f"  fitting {head} head ({config.backend}) on {len(rows)} complaints")
        model = make_head(config.backend, head, seed=config.seed)
        index = [position[r.id] for r in rows]
        data = inputs[head]
        model.fit(
            data[index] if features is not None else [data[i] for i in index],
            [getattr(r, head) for r in rows],
        )
        heads[head] = model
    return features, heads


def choose_urgency_thresholds(
    p_high: np.ndarray,
    signal: np.ndarray,
    proba: np.ndarray,
    classes: Sequence[str],
    truth: Sequence[str],
    high_recall: float,
) -> tuple[float, float]:
    """The (bar, bar with signal) pair with the best macro-F1 among those reaching the recall.

    Pairs that call half of the complaints ``high`` or more are never chosen; when no other pair
    reaches ``high_recall``, the best recall they do reach is the target instead.
    """
    y = np.asarray(truth)
    rest = [i for i, c in enumerate(classes) if c != "high"]
    fallback = np.asarray(classes)[rest][proba[:, rest].argmax(axis=1)]
    grid = np.round(np.arange(0.01, 0.91, 0.01), 2)
    points = []  # (recall, macro-F1, bar, bar_signal)
    for bar in grid:
        for bar_signal in grid[grid <= bar]:
            is_high = (p_high >= bar) | (signal & (p_high >= bar_signal))
            if is_high.mean() >= 0.5:
                continue
            pred = np.where(is_high, "high", fallback)
            recall = recall_score(y, pred, labels=["high"], average=None, zero_division=0)[0]
            f1 = f1_score(y, pred, average="macro", zero_division=0)
            points.append((float(recall), float(f1), float(bar), float(bar_signal)))
    if not points:
        return 0.5, 0.5
    target = min(high_recall, max(p[0] for p in points))
    best = max((p for p in points if p[0] >= target), key=lambda p: (p[1], p[2], p[3]))
    return best[2], best[3]


def choose_low_weight(
    is_high: np.ndarray, proba: np.ndarray, classes: Sequence[str], truth: Sequence[str]
) -> float:
    """The weight of ``low`` against ``medium`` (below the ``high`` bar) that maximises macro-F1:
    class-balanced training leaves the two unevenly calibrated against each other."""
    low, medium = classes.index("low"), classes.index("medium")
    best = (-1.0, 1.0)
    for weight in np.round(np.arange(0.5, 3.01, 0.1), 2):
        rest = np.where(proba[:, low] * weight > proba[:, medium], "low", "medium")
        pred = np.where(is_high, "high", rest)
        f1 = float(f1_score(truth, pred, average="macro", zero_division=0))
        if f1 > best[0] + 1e-9:
            best = (f1, float(weight))
    return best[1]


def choose_review_thresholds(
    confidence: dict[str, np.ndarray], coverage: float
) -> dict[str, float]:
    """Per-head confidence bars (one shared quantile) leaving ``coverage`` of rows unflagged."""
    low, high = 0.0, 1.0 - coverage
    for _ in range(30):
        q = (low + high) / 2
        bars = {h: float(np.quantile(c, q)) for h, c in confidence.items()}
        covered = np.mean(np.all([c >= bars[h] for h, c in confidence.items()], axis=0))
        low, high = (q, high) if covered >= coverage else (low, q)
    return {h: round(float(np.quantile(c, low)), 4) for h, c in confidence.items()}


def train_classifier(
    records: Sequence[Record],
    config: TrainingConfig = TrainingConfig(),
    *,
    lexicon: SafetyLexicon | None = None,
    progress: Progress = lambda _: None,
) -> ComplaintClassifier:
    """Train on the ``train`` and ``validation`` splits of ``records`` (``test`` is not read)."""
    train = [r for r in records if r.split == "train"]
    validation = [r for r in records if r.split == "validation"]
    if not train or not validation:
        raise ValueError("records need both a 'train' and a 'validation' split")
    preprocessor = TextPipeline()
    lexicon = lexicon or SafetyLexicon()

    progress(f"step 1/3: fitting on {len(train)} train complaints")
    features, heads = fit_heads(train, preprocessor, lexicon, config, progress)
    probe = ComplaintClassifier(
        heads,
        features=features,
        preprocessor=preprocessor,
        lexicon=lexicon,
        thresholds=Thresholds(),
        backend=config.backend,
    )

    progress(f"step 2/3: choosing thresholds on {len(validation)} validation complaints")
    gold = [r for r in validation if r.urgency and r.label_source in GOLD_SOURCES]
    analyses = [preprocessor.analyze(r.text) for r in gold]
    found = [lexicon.search(a.clean) for a in analyses]
    urgency = heads["urgency"]
    classes = [str(c) for c in urgency.classes_]
    proba = urgency.predict_proba(head_inputs(features, analyses, found)["urgency"])
    signal = np.array([bool(f) for f in found])
    p_high = proba[:, classes.index("high")]
    bar, bar_signal = choose_urgency_thresholds(
        p_high,
        signal,
        proba,
        classes,
        [r.urgency for r in gold],
        config.high_recall,
    )
    low_weight = choose_low_weight(
        (p_high >= bar) | (signal & (p_high >= bar_signal)),
        proba,
        classes,
        [r.urgency for r in gold],
    )
    probe.thresholds = Thresholds(high=bar, high_with_signal=bar_signal, low_weight=low_weight)
    results = probe.classify_batch([r.text for r in validation])
    confidence = {
        "category": np.array([c.category_confidence for c in results]),
        "urgency": np.array([c.urgency_confidence for c in results]),
        "unit": np.array([c.units[0][1] for c in results]),
    }
    thresholds = Thresholds(
        high=bar,
        high_with_signal=bar_signal,
        low_weight=low_weight,
        review=choose_review_thresholds(confidence, config.review_coverage),
    )
    progress(f"  thresholds: {thresholds}")
    gold_ids = {r.id for r in gold}
    scored = [(r, c) for r, c in zip(validation, results, strict=True) if r.id in gold_ids]
    validation_scores = {
        head: round(
            float(
                f1_score(
                    [getattr(r, head) for r, _ in scored],
                    [getattr(c, head) for _, c in scored],
                    average="macro",
                )
            ),
            4,
        )
        for head in ("category", "urgency")
    }
    progress(f"  validation macro-F1 (models fitted on train only): {validation_scores}")

    progress(f"step 3/3: refitting on {len(train) + len(validation)} train+validation complaints")
    features, final = fit_heads(train + validation, preprocessor, lexicon, config, progress)
    classifier = ComplaintClassifier(
        final,
        features=features,
        preprocessor=preprocessor,
        lexicon=lexicon,
        thresholds=thresholds,
        backend=config.backend,
    )
    classifier.metadata = {"validation_macro_f1": validation_scores, "config": asdict(config)}
    return classifier
