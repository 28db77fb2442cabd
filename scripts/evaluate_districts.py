"""Does the model lean on place names? Train without some districts, score on them.

    python scripts/evaluate_districts.py [--data PATH] [--complaints PATH] [--folds 3]

The city's districts (``kecamatan`` of the complaints file) are split into ``--folds`` groups
by a hash of their name. For each group, the linear heads are fitted on the annotated
``train`` complaints of the *other* districts and scored on the annotated ``validation``
complaints, separately for districts seen in training and for the held-out ones: category
macro-F1 and the average precision of ``high`` urgency. The test split is never read. A model
that memorised place names would score clearly lower on held-out districts; the numbers are a
proxy for another city's complaints, not a measurement of them.
"""

from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cli import arguments, read_rows, run
from _paths import COMPLAINTS, PROCESSED

from complaint_nlp.cues import CueSet
from complaint_nlp.dataset import read_dataset
from complaint_nlp.heads import head_input
from complaint_nlp.lexicon import SafetyLexicon
from complaint_nlp.pipeline import TextPipeline
from complaint_nlp.reading import Reader
from complaint_nlp.training import TrainingConfig, fit_heads


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--data", type=Path, default=PROCESSED, help="processed table")
    parser.add_argument(
        "--complaints", type=Path, default=COMPLAINTS, help="raw complaints (for kecamatan)"
    )
    parser.add_argument("--folds", type=int, default=3, help="district groups (3)")
    args = parser.parse_args(argv)
    if args.folds < 2:  # one group holds every district out: nothing left to fit on
        parser.error("--folds must be >= 2")
    if not args.data.is_file():
        parser.error(f"{args.data} not found: run scripts/build_dataset.py first")
    rows = read_rows(args.complaints, ("id", "kecamatan"))
    district = {r["id"]: (r["kecamatan"] or "").strip().lower() for r in rows}
    records = [r for r in read_dataset(args.data) if r.split in ("train", "validation")]
    reader = Reader(TextPipeline(), SafetyLexicon(), CueSet())
    scored = [r for r in records if r.split == "validation" and r.label_source == "annotation"]
    if not any(district.get(r.id) for r in scored):
        # Scored as empty arrays after every fold's fitting: scikit-learn's traceback (a data
        # scientist's trial, 2026-12-01).
        parser.error(f"no annotated validation complaint of {args.data} has a kecamatan in "
                     f"{args.complaints}: are the ids the same?")  # fmt: skip
    readings = [reader.read(r.text) for r in scored]
    results = []
    for fold in range(args.folds):

        def held(record_id: str, fold: int = fold) -> bool:
            name = district.get(record_id, "")
            return bool(name) and zlib.crc32(name.encode()) % args.folds == fold

        train = [r for r in records if r.split == "train" and not held(r.id)]
        print(f"fold {fold + 1}/{args.folds}: fitting on {len(train)} complaints", file=sys.stderr)
        features, heads = fit_heads(
            train,
            [reader.read(r.text) for r in train],
            reader,
            TrainingConfig(),
            lambda m: print(m, file=sys.stderr),
        )
        inputs = head_input(features, reader, readings)
        category = heads["category"].predict(inputs)
        urgency = heads["urgency"]
        p_high = urgency.predict_proba(inputs)[:, list(urgency.classes_).index("high")]
        for name, mask in (
            ("seen", np.array([not held(r.id) for r in scored])),
            ("held_out", np.array([held(r.id) for r in scored])),
        ):
            if not mask.any():  # a fold whose districts have no scored complaint
                continue
            truth = np.array([r.category for r in scored])[mask]
            high = np.array([r.urgency == "high" for r in scored])[mask]
            macro_f1 = f1_score(truth, category[mask], average="macro")
            precision = average_precision_score(high, p_high[mask])
            results.append(
                {
                    "fold": fold + 1,
                    "districts": name,
                    "complaints": int(mask.sum()),
                    "category_macro_f1": round(float(macro_f1), 4),
                    "high_average_precision": round(float(precision), 4),
                }
            )
    means = {
        name: {
            key: round(float(np.mean([r[key] for r in results if r["districts"] == name])), 4)
            for key in ("category_macro_f1", "high_average_precision")
        }
        for name in ("seen", "held_out")
    }
    print(json.dumps({"folds": args.folds, "mean": means, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    run(main)
