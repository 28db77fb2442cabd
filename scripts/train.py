"""Train a model version: evaluate its recipe on the gold test months, then fit the release.

    python scripts/train.py --backend linear --version 1.14.0 [--seed 0] [--no-release]

1. The evaluation model: fitted on the train and validation months, thresholds from
   forward-chained blocks of them, scored on the gold test set (the reported metrics).
2. The release model (unless --no-release): the same recipe fitted on every row, the test
   months included, with thresholds from forward-chained blocks that end with them.
Writes models/<name>/<version>/ (model.joblib, inference.npz, metadata.json, MODEL_CARD.md)
holding the release model, with both models' fitting described in metadata and card.

--replace on a published version (a folder with its metadata.json) rebuilds what a shipped
model leaves out, model.joblib: the recorded recipe refitted on a table of the recorded hash,
the file added only if the rebuilt model is the published one, byte for byte.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cli import arguments, run, writable
from _paths import MODELS, PROCESSED

from complaint_nlp.dataset import file_sha256, read_dataset
from complaint_nlp.evaluation import evaluate, gold_test
from complaint_nlp.heads import BACKENDS
from complaint_nlp.persistence import (
    DEFAULT_MODEL,
    METADATA_FILE,
    MODEL_FILE,
    VERSION,
    add_rebuilt_model_file,
    library_versions,
    read_metadata,
    save,
)
from complaint_nlp.reporting import model_card
from complaint_nlp.training import TrainingConfig, train_classifier


def _date_range(dates: list[date]) -> str:
    return f"{min(dates)} .. {max(dates)}"


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument(
        "--data", type=Path, default=PROCESSED, help="processed table (build_dataset.py)"
    )
    parser.add_argument("--backend", choices=BACKENDS, default="linear", help="default: linear")
    parser.add_argument("--seed", type=int, default=0, help="fixes every random choice (0)")
    parser.add_argument(
        "--high-recall",
        type=float,
        default=TrainingConfig.high_recall,
        help="`high` recall the urgency bar must reach on the held-out blocks (0.9)",
    )
    parser.add_argument(
        "--escalate-precision",
        type=float,
        default=TrainingConfig.escalate_precision,
        help="precision a `high` must reach on the held-out blocks to escalate at once (0.6); "
        "other `high` complaints are flagged needs_review",
    )
    parser.add_argument(
        "--review-coverage",
        type=float,
        default=TrainingConfig.review_coverage,
        help="share of held-out complaints the confidence bars leave without needs_review (0.8)",
    )
    parser.add_argument(
        "--blocks",
        type=int,
        default=TrainingConfig.blocks,
        help="forward-chained two-month blocks the thresholds are chosen on (3)",
    )
    parser.add_argument(
        "--no-release",
        action="store_true",
        help="save the evaluation model (train + validation months) instead of the release",
    )
    parser.add_argument("--name", default=DEFAULT_MODEL, help=f"model name ({DEFAULT_MODEL})")
    parser.add_argument("--version", required=True, help="version folder to write, e.g. 1.14.0")
    parser.add_argument("--models", type=Path, default=MODELS, help="models folder (models/)")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="write over an unfinished version folder; for a published one (with its "
        "metadata), rebuild its model.joblib from the recorded recipe and data",
    )
    args = parser.parse_args(argv)
    # Checked before minutes of fitting (each failed only when the model was saved, or a
    # published version was silently rewritten).
    if VERSION.fullmatch(args.version) is None:
        parser.error(f"--version {args.version!r}: numbers and dots, e.g. 1.14.0 (load() skips "
                     "other folder names)")  # fmt: skip
    for name in ("high_recall", "escalate_precision", "review_coverage"):
        if not 0.0 < getattr(args, name) <= 1.0:
            parser.error(f"--{name.replace('_', '-')} must be in (0, 1]")
    if args.blocks < 1:
        parser.error("--blocks must be >= 1")
    if not 0 <= args.seed < 2**32:  # NumPy's range; found after the first fitting
        parser.error("--seed must be 0 to 4294967295")
    folder = args.models / args.name / args.version
    if args.models.exists() and not args.models.is_dir():
        parser.error(f"--models {args.models} is not a folder")
    writable(parser, "--models", folder)
    if folder.exists() and not args.replace:
        if not (folder / METADATA_FILE).is_file():
            parser.error(f"{folder} exists but holds no finished version (no {METADATA_FILE}: "
                         "a run stopped while saving?): --replace writes over it")  # fmt: skip
        parser.error(f"{folder} exists: a published version's files never change; choose a new "
                     "--version (or --replace to rebuild its model.joblib)")  # fmt: skip
    if not args.data.is_file():
        parser.error(f"{args.data} not found: run scripts/build_dataset.py first")
    published = _published(folder) if args.replace else None
    if published is not None:
        recorded = published.get("data", {}).get("sha256", "")
        if recorded != file_sha256(args.data):
            parser.error(f"{folder} was fitted on another table (sha256 {recorded[:12]}..., "
                         f"{args.data} has {file_sha256(args.data)[:12]}...): a published "
                         "version's files never change; choose a new --version")  # fmt: skip
    records = read_dataset(args.data)
    if not gold_test(records):
        parser.error(f"{args.data} has no annotated complaints in its test months: rebuild it "
                     "with scripts/build_dataset.py, whose summary counts them (\"annotated\"; "
                     "--annotations, --test-months)")  # fmt: skip
    config = TrainingConfig(
        args.backend,
        args.seed,
        args.high_recall,
        args.escalate_precision,
        args.review_coverage,
        args.blocks,
    )
    if published is not None:  # the recorded recipe, whatever the options say
        config = TrainingConfig(**published["config"])
        args.no_release = "evaluation_model" not in published
        print(f"--replace on the published {folder}: its recorded recipe {published['config']} "
              "is refitted; other options are not used", file=sys.stderr)  # fmt: skip

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f}s] {message}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    progress("== evaluation model: the train and validation months ==")
    evaluation = train_classifier(records, config, progress=progress)
    progress("evaluating on the gold test set")
    metrics = evaluate(evaluation, records)
    c, u = metrics["category"], metrics["urgency"]
    progress(
        f"gold test: category macro-F1 {c['macro_f1']:.3f} acc {c['accuracy']:.3f}; "
        f"urgency macro-F1 {u['macro_f1']:.3f}, high recall {u['high_recall']:.3f} precision "
        f"{u['high_precision']:.3f}, escalated precision {u['escalate']['precision']:.3f} "
        f"recall {u['escalate']['recall']:.3f}"
    )
    shipped = evaluation
    if not args.no_release:
        progress("== release model: every row, the test months included ==")
        shipped = train_classifier(records, config, release=True, progress=progress)
    splits = sorted({r.split for r in records})
    metadata = {
        "name": args.name,
        "version": args.version,
        **shipped.metadata,
        "data": {
            "path": str(args.data.name),
            "sha256": file_sha256(args.data),
            "rows": len(records),
            "split_dates": {
                s: _date_range([r.date for r in records if r.split == s]) for s in splits
            },
        },
        "metrics": metrics,
        "training_seconds": round(time.perf_counter() - start, 1),
    }
    if shipped is not evaluation:
        metadata["evaluation_model"] = {
            **evaluation.metadata,
            "thresholds": dataclasses.asdict(evaluation.thresholds),
        }
    metadata["library_versions"] = library_versions()
    metadata["backend"] = shipped.backend
    card = model_card(args.name, args.version, metadata)
    if published is None:
        save(shipped, folder, metadata=metadata, card=card)
        progress(f"saved {folder}")
        return 0
    differ = add_rebuilt_model_file(shipped, folder, metadata=metadata, card=card)
    if differ:
        print(f"error: the rebuilt {' and '.join(differ)} differ from {folder}'s (the code or "
              "its libraries changed since it was published): it is left as it was; train a "
              "new --version", file=sys.stderr)  # fmt: skip
        return 1
    progress(f"rebuilt {folder / MODEL_FILE}: the published model, byte for byte")
    return 0


def _published(folder: Path) -> dict[str, Any] | None:
    """The metadata of the finished version at ``folder`` (``None``: no such version)."""
    if not (folder / METADATA_FILE).is_file():
        return None
    meta = read_metadata(folder)[1]
    return meta if "config" in meta else None


if __name__ == "__main__":
    run(main)
