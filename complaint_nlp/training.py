"""Training the complaint classifier, with every threshold chosen on held-out months.

1. Forward-chained predictions: for each of the last ``blocks`` two-month blocks of the rows
   used, fit every head on the months before the block and predict the block's gold rows.
2. On those predictions choose the urgency bars (best macro-F1 at ``high`` recall >=
   ``high_recall``), the weight of ``low`` against ``medium``, the escalation bar (``high``
   precision >= ``escalate_precision``) and the per-head review bars (``review_coverage`` of
   complaints left to the machine) -- the rules of :mod:`complaint_nlp.decision`.
3. Fit every head on all the rows used.

The *evaluation* model uses the ``train`` and ``validation`` splits only, so the ``test``
months stay unseen and score it; the *release* model (``release=True``) uses every row,
including the test months, with thresholds from blocks that end with them. No threshold is ever
chosen on predictions for rows a model was fitted on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np

from complaint_nlp.classifier import ComplaintClassifier
from complaint_nlp.cues import CueSet
from complaint_nlp.dataset import Record
from complaint_nlp.decision import (
    Thresholds,
    choose_escalate_threshold,
    choose_low_weight,
    choose_review_thresholds,
    choose_urgency_thresholds,
    decide_urgency,
    macro_f1,
)
from complaint_nlp.heads import head_input, make_features, make_head
from complaint_nlp.labels import HEADS
from complaint_nlp.lexicon import SafetyLexicon
from complaint_nlp.pipeline import TextPipeline
from complaint_nlp.reading import Reader, Reading

__all__ = [
    "GOLD_SOURCES",
    "MIN_UNIT_EXAMPLES",
    "HeldOut",
    "TrainingConfig",
    "choose_thresholds",
    "held_out_predictions",
    "train_classifier",
]

#: Units with fewer training complaints than this are left to the routing table's rules.
MIN_UNIT_EXAMPLES = 6
GOLD_SOURCES = ("annotation", "feedback")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainingConfig:
    """What to train: backend, seed and the operating points chosen on held-out months."""

    backend: str = "linear"
    seed: int = 0
    high_recall: float = 0.9
    escalate_precision: float = 0.6
    review_coverage: float = 0.8
    blocks: int = 3


def is_gold(record: Record, head: str) -> bool:
    """Whether ``record`` carries a person-checked label for ``head``."""
    return bool(getattr(record, head)) and record.label_source in GOLD_SOURCES


def _rows(records: Sequence[Record], head: str) -> list[int]:
    if head == "unit":
        counts = Counter(r.unit for r in records if r.unit)
        return [i for i, r in enumerate(records) if r.unit and counts[r.unit] >= MIN_UNIT_EXAMPLES]
    return [i for i, r in enumerate(records) if is_gold(r, head)]


def fit_heads(
    records: Sequence[Record],
    readings: Sequence[Reading],
    reader: Reader,
    config: TrainingConfig,
    progress: Progress,
) -> tuple[Any, dict[str, Any]]:
    """Fit the shared features on every text of ``records``, then each head on its rows."""
    features = make_features(config.backend)
    if features is not None:
        progress(f"  fitting {config.backend} features on {len(records)} complaints")
        features.fit(readings)
    data = head_input(features, reader, readings)
    heads = {}
    for head in HEADS:
        index = _rows(records, head)
        progress(f"  fitting {head} head ({config.backend}) on {len(index)} complaints")
        model = make_head(config.backend, head, seed=config.seed)
        model.fit(
            data[index] if features is not None else [data[i] for i in index],
            [getattr(records[i], head) for i in index],
        )
        heads[head] = model
    return features, heads


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class HeldOut:
    """Forward-chained predictions: each gold row scored by heads fitted on earlier months."""

    records: list[Record]
    readings: list[Reading]
    proba: dict[str, np.ndarray]
    labels: dict[str, list[str]]
    blocks: list[str]


def held_out_predictions(
    records: Sequence[Record],
    readings: Sequence[Reading],
    reader: Reader,
    config: TrainingConfig,
    progress: Progress,
) -> HeldOut:
    """Predictions for the gold rows of the last ``config.blocks`` two-month blocks of
    ``records``, each block by heads fitted only on the months before it."""
    last = max(_month_index(r.date) for r in records)
    months = [_month_index(r.date) for r in records]
    kept: list[int] = []
    parts: dict[str, list[tuple[np.ndarray, list[str]]]] = {h: [] for h in HEADS}
    names: list[str] = []
    for block in range(config.blocks, 0, -1):
        start, end = last - 2 * block + 1, last - 2 * block + 3
        before = [i for i, m in enumerate(months) if m < start]
        inside = [
            i for i, m in enumerate(months) if start <= m < end and is_gold(records[i], "category")
        ]
        if not before or not inside:
            progress(
                f"held-out block {config.blocks - block + 1}: no rows before or in it, skipped"
            )
            continue
        first = records[inside[0]].date.replace(day=1)
        names.append(f"{first:%Y-%m} +2 months: {len(before)} fitted, {len(inside)} scored")
        progress(f"held-out block {config.blocks - block + 1}/{config.blocks}: {names[-1]}")
        features, heads = fit_heads(
            [records[i] for i in before], [readings[i] for i in before], reader, config, progress
        )
        probe = ComplaintClassifier(
            heads, features=features, reader=reader, thresholds=Thresholds(), backend=config.backend
        )
        proba = probe.predict_proba([readings[i] for i in inside])
        for head in HEADS:
            parts[head].append((proba[head], probe.labels[head]))
        kept += inside
    if not kept:
        raise ValueError("no two-month block has earlier rows to fit on: add older data")
    labels = {
        h: list(dict.fromkeys(c for _, classes in p for c in classes)) for h, p in parts.items()
    }
    return HeldOut(
        records=[records[i] for i in kept],
        readings=[readings[i] for i in kept],
        proba={h: np.vstack([_align(*part, labels[h]) for part in p]) for h, p in parts.items()},
        labels=labels,
        blocks=names,
    )


def _align(proba: np.ndarray, classes: list[str], labels: list[str]) -> np.ndarray:
    """``proba``'s columns placed at their classes' positions in ``labels`` (a unit a block's
    heads never saw has probability 0 there)."""
    out = np.zeros((proba.shape[0], len(labels)))
    out[:, [labels.index(c) for c in classes]] = proba
    return out


def choose_thresholds(held: HeldOut, config: TrainingConfig) -> tuple[Thresholds, dict[str, Any]]:
    """The decision thresholds from held-out predictions, and what they score there."""
    gold = [i for i, r in enumerate(held.records) if is_gold(r, "urgency")]
    truth = np.array([held.records[i].urgency for i in gold])
    urgency, classes = held.proba["urgency"][gold], held.labels["urgency"]
    signal = np.array([bool(held.readings[i].signals) for i in gold])
    bar, bar_signal = choose_urgency_thresholds(urgency, classes, signal, truth, config.high_recall)
    trial = Thresholds(high=bar, high_with_signal=bar_signal)
    low_weight = choose_low_weight(urgency, classes, signal, truth, trial)
    p_high = urgency[:, classes.index("high")]
    escalate = choose_escalate_threshold(
        p_high, truth == "high", config.escalate_precision, floor=bar_signal
    )
    trial = Thresholds(
        high=bar, high_with_signal=bar_signal, escalate=escalate, low_weight=low_weight
    )
    all_signal = np.array([bool(r.signals) for r in held.readings])
    labels, escalated = decide_urgency(held.proba["urgency"], classes, all_signal, trial)
    column = np.array([classes.index(u) for u in labels.tolist()])
    confidence = {
        "category": held.proba["category"].max(axis=1),
        "urgency": held.proba["urgency"][np.arange(len(labels)), column],
        "unit": held.proba["unit"].max(axis=1),
    }
    thresholds = Thresholds(
        high=bar,
        high_with_signal=bar_signal,
        escalate=escalate,
        low_weight=low_weight,
        review=choose_review_thresholds(confidence, config.review_coverage),
    )
    predicted_category = np.asarray(held.labels["category"])[held.proba["category"].argmax(axis=1)]
    category_truth = np.array([r.category for r in held.records])
    is_high, called, paged = truth == "high", labels[gold] == "high", escalated[gold]
    scores = {
        "blocks": held.blocks,
        "category_macro_f1": round(
            macro_f1(category_truth, predicted_category, held.labels["category"]), 4
        ),
        "urgency_macro_f1": round(macro_f1(truth, labels[gold], classes), 4),
        "high_recall": _share(called & is_high, is_high),
        "high_precision": _share(called & is_high, called),
        "escalate_recall": _share(paged & is_high, is_high),
        "escalate_precision": _share(paged & is_high, paged),
        "cues": _cue_scores([held.readings[i] for i in gold], is_high),
    }
    return thresholds, scores


def _cue_scores(readings: Sequence[Reading], is_high: np.ndarray) -> dict[str, dict[str, float]]:
    """Per cue: the share of held-out complaints it fires on, and its precision and recall as
    a sign of `high` there (each cue measured on months the model never saw)."""
    names = dict.fromkeys(name for r in readings for name in r.cues)
    out = {}
    for name in names:
        fired = np.array([name in r.cues for r in readings])
        out[name] = {
            "share": round(float(fired.mean()), 4),
            "precision": _share(fired & is_high, fired),
            "recall": _share(fired & is_high, is_high),
        }
    return dict(sorted(out.items()))


def _share(hits: np.ndarray, of: np.ndarray) -> float:
    return round(float(hits.sum() / max(1, of.sum())), 4)


def train_classifier(
    records: Sequence[Record],
    config: TrainingConfig = TrainingConfig(),
    *,
    release: bool = False,
    cues: CueSet | None = None,
    lexicon: SafetyLexicon | None = None,
    progress: Progress = lambda _: None,
) -> ComplaintClassifier:
    """Train on the ``train`` and ``validation`` splits of ``records`` (``test`` is not read),
    or on every row with ``release=True``; see the module docstring."""
    used = [r for r in records if release or r.split in ("train", "validation")]
    if not used:
        raise ValueError("no records to train on (need 'train' / 'validation' splits)")
    reader = Reader(TextPipeline(), lexicon or SafetyLexicon(), cues or CueSet())
    readings = [reader.read(r.text) for r in used]
    what = "every row (release)" if release else "train + validation (the test months unseen)"
    progress(f"step 1/3: forward-chained predictions, {config.blocks} two-month blocks of {what}")
    held = held_out_predictions(used, readings, reader, config, progress)
    progress(f"step 2/3: choosing thresholds on {len(held.records)} held-out complaints")
    thresholds, scores = choose_thresholds(held, config)
    progress(f"  thresholds: {thresholds}")
    progress(f"  held-out scores: {scores}")
    progress(f"step 3/3: fitting on {len(used)} complaints")
    features, heads = fit_heads(used, readings, reader, config, progress)
    classifier = ComplaintClassifier(
        heads, features=features, reader=reader, thresholds=thresholds, backend=config.backend
    )
    first, last = min(r.date for r in used), max(r.date for r in used)
    classifier.metadata = {
        "held_out": scores,
        "config": asdict(config),
        "fitted_on": {
            "rows": len(used),
            "dates": f"{first} .. {last}",
            "splits": sorted({r.split for r in used}),
            "release": release,
        },
    }
    return classifier
