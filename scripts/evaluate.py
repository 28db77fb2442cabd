"""Evaluate one or more saved models side by side on the gold test set, with baselines.

    python scripts/evaluate.py models/complaint-classifier/1.7.0 [more models] [--output reports/]

Writes report.json, report.md and a PNG per model (confusion matrices, accuracy vs coverage).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _paths import PROCESSED, REPORTS

from complaint_nlp.dataset import read_dataset
from complaint_nlp.evaluation import evaluate
from complaint_nlp.persistence import load
from complaint_nlp.reporting import markdown_report, write_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, default=PROCESSED)
    parser.add_argument("--output", type=Path, default=REPORTS)
    args = parser.parse_args(argv)
    records = read_dataset(args.data)
    reports = {}
    for path in args.models:
        classifier = load(path)
        name = (
            f"{classifier.metadata['name']} {classifier.metadata['version']} ({classifier.backend})"
        )
        print(f"evaluating {name}", file=sys.stderr)
        reports[name] = evaluate(classifier, records)
    written = write_report(reports, args.output)
    print(markdown_report(reports).split("\n## ")[0])
    print("wrote " + ", ".join(str(p) for p in written), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
