"""Evaluate saved models side by side with a plain TF-IDF + LinearSVC and a majority baseline.

    python scripts/evaluate.py models/complaint-classifier/1.14.0 [more models] [--output reports/]
    python scripts/evaluate.py models/complaint-classifier/1.14.0 --labelled other-city.csv

Gold test (default): a release model was fitted on every gold row, the test months included, so
scoring it there would score training data; its *recipe* (same code, data, seed, operating
points) is refitted on the train and validation months and scored on the test months instead,
at full precision and as the lean arrays it ships as. A model fitted without the test months is
scored as it is.

--labelled FILE: a CSV of complaints no model saw (columns text, category, urgency and
optionally id, unit), e.g. newer months or another city's portal, labelled by LABELS.md. The
models are scored as shipped; the baselines are fitted on every gold row of the processed table.

Writes report.json, report.md and a PNG per model (confusion matrices, accuracy vs coverage).
"""

from __future__ import annotations

import csv
import dataclasses
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cli import arguments, run, writable
from _paths import PROCESSED, REPORTS

from complaint_nlp.dataset import Record, checked_rows, malformed_csv, read_dataset
from complaint_nlp.evaluation import evaluate
from complaint_nlp.exceptions import ComplaintNLPError, DataFileError
from complaint_nlp.labels import CATEGORIES, UNITS, URGENCIES
from complaint_nlp.persistence import load
from complaint_nlp.reporting import markdown_report, write_report
from complaint_nlp.training import TrainingConfig, train_classifier


def read_labelled(path: Path) -> list[Record]:
    """The complaints of a labelled CSV as test records (every label checked)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            try:
                return _labelled_rows(path, reader)
            except csv.Error as exc:
                raise malformed_csv(path, reader.line_num + 1, exc) from None
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as "
            "UTF-8 (most spreadsheets offer 'CSV UTF-8')"
        ) from None


def _labelled_rows(path: Path, reader: csv.DictReader[str]) -> list[Record]:
    missing = {"text", "category", "urgency"} - set(reader.fieldnames or ())
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    out = []
    for line, row in checked_rows(path, reader):
        for column, allowed in (("category", CATEGORIES), ("urgency", URGENCIES)):
            if row[column] not in allowed:
                raise DataFileError(
                    f"{path}:{line}: unknown {column} {row[column]!r}; one of {', '.join(allowed)}"
                )
        if not (row["text"] or "").strip():  # was scored as a complaint
            raise DataFileError(f"{path}:{line}: the text is empty")
        unit = (row.get("unit") or "").strip()
        if unit and unit not in UNITS:
            raise DataFileError(
                f"{path}:{line}: unknown unit {unit!r}: a unit code such as "
                "public_works (complaint_nlp.labels.UNITS), not a routing table's unit id"
            )
        out.append(
            Record(
                row.get("id") or f"{path.stem}-{line}",
                date.max,
                row["text"],
                row["category"],
                row["urgency"],
                unit,
                "annotation",
                "test",
            )
        )
    if not out:
        raise DataFileError(f"{path}: no rows")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument(
        "models", nargs="+", type=Path,
        help="model version folders, or a model folder (its newest version)",
    )  # fmt: skip
    parser.add_argument("--data", type=Path, default=PROCESSED,
                        help="processed table (datasets/processed/complaints.csv)")  # fmt: skip
    parser.add_argument("--labelled", type=Path,
                        help="a labelled CSV of unseen complaints (text, category, urgency, "
                        "optional unit and id) to score instead of the gold test")  # fmt: skip
    parser.add_argument(
        "--output", type=Path, default=REPORTS,
        help="folder for report.md, report.json and the plots (reports/)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.output.exists() and not args.output.is_dir():  # found only after the fitting
        parser.error(f"--output {args.output} is a file; give a folder")
    writable(parser, "--output", args.output)
    labelled = None
    if args.labelled is not None:  # the caller's own file is checked first
        if args.labelled.is_dir():
            parser.error(f"--labelled {args.labelled} is a folder; give a CSV file")
        if not args.labelled.is_file():
            parser.error(f"{args.labelled} not found")
        labelled = read_labelled(args.labelled)
    # Every model is loaded before any is refitted: a mistyped second path was found only after
    # the first model's minute of fitting (a data scientist's trial, 2026-12-01).
    classifiers = [load(path) for path in args.models]  # a bad folder: one error line (run)
    if not args.data.is_file():
        parser.error(
            f"{args.data} not found: run scripts/build_dataset.py first (the baselines are "
            "fitted on its gold rows, also with --labelled)"
        )
    try:
        records = read_dataset(args.data)
    except ComplaintNLPError as exc:
        raise DataFileError(
            f"{exc} (a table written by scripts/build_dataset.py is expected)"
        ) from None
    if labelled is not None:
        seen = [dataclasses.replace(r, split="train") for r in records]
        records = seen + labelled
    reports = {}
    for classifier in classifiers:
        meta = classifier.metadata
        name = f"{meta['name']} {meta['version']}"
        if args.labelled is None and meta.get("fitted_on", {}).get("release"):
            print(f"{name} is a release model: refitting its recipe without the test months",
                  file=sys.stderr)  # fmt: skip
            config = TrainingConfig(**meta["config"])
            recipe = train_classifier(records, config, progress=lambda m: print(m, file=sys.stderr))
            # Both fitted on the train and validation months: the shipped model's lean
            # weights (float16, pruned) and the same model before they were made lean.
            lean = " (lean, as shipped)" if recipe.backend == "linear" else ""
            reports[f"{name} recipe{lean}"] = evaluate(recipe, records)
            if recipe.backend == "linear":
                reports[f"{name} recipe (full precision)"] = evaluate(
                    recipe.full_precision(), records
                )
        else:
            print(f"evaluating {name} ({classifier.backend})", file=sys.stderr)
            reports[f"{name} ({classifier.backend})"] = evaluate(classifier, records)
    scope = (
        f"the {len(records) - len(seen)} labelled complaints of {args.labelled.name}"
        if args.labelled is not None
        else None
    )
    written = write_report(reports, args.output, scope=scope)
    print(markdown_report(reports, scope=scope))
    if labelled is not None:
        absent = [c for c in CATEGORIES if c not in {r.category for r in labelled}]
        if absent:  # their F1 is 0 and pulls macro-F1 down
            print(f"note: {args.labelled.name} has no complaint of category "
                  f"{', '.join(absent)}; macro-F1 counts their F1 as 0, so read accuracy and "
                  "the per-class F1 instead", file=sys.stderr)  # fmt: skip
    print("wrote " + ", ".join(str(p) for p in written), file=sys.stderr)
    return 0


if __name__ == "__main__":
    run(main)
