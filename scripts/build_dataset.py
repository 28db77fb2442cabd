"""Build the processed complaint table (PII-masked, de-duplicated, labelled, split by time).

python scripts/build_dataset.py [--feedback corrections.csv] [--output PATH]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cli import arguments, run, writable
from _paths import AGENCY_MAP, ANNOTATIONS, COMPLAINTS, PROCESSED, TOPIC_MAP

from complaint_nlp.dataset import build_dataset, file_sha256, write_dataset
from complaint_nlp.exceptions import InvalidInputError

#: The most months --test-months or --validation-months may hold (ten years).
MAX_MONTHS = 120


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument(
        "--complaints",
        type=Path,
        default=COMPLAINTS,
        help="the source complaints (default: ../shared's Surabaya table)",
    )
    parser.add_argument(
        "--annotations",
        type=Path,
        default=ANNOTATIONS,
        help="gold labels by complaint id (default: ../shared's annotations)",
    )
    parser.add_argument(
        "--topic-map",
        type=Path,
        default=TOPIC_MAP,
        help="the source's topics -> categories (datasets/mappings/)",
    )
    parser.add_argument(
        "--agency-map",
        type=Path,
        default=AGENCY_MAP,
        help="the source's agencies -> unit codes (datasets/mappings/)",
    )
    parser.add_argument("--feedback", type=Path, help="corrections exported by the service")
    parser.add_argument(
        "--test-months", type=int, default=2, help="the newest months held out as the gold test (2)"
    )
    parser.add_argument(
        "--validation-months",
        type=int,
        default=2,
        help="the months before them, for validation (2)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=PROCESSED,
        help="the processed table to write (datasets/processed/complaints.csv)",
    )
    args = parser.parse_args(argv)
    # 0 made an empty test split (training then failed after minutes), -1 a backwards range,
    # 99999 a date before year 1.
    for name in ("test_months", "validation_months"):
        if not 1 <= getattr(args, name) <= MAX_MONTHS:
            parser.error(f"--{name.replace('_', '-')} must be 1 to {MAX_MONTHS}")
    if args.output.is_dir():
        parser.error(f"--output {args.output} is a folder; give the CSV file to write")
    writable(parser, "--output", args.output)
    print(f"reading {args.complaints}", file=sys.stderr)
    records, stats = build_dataset(
        args.complaints, args.annotations, args.topic_map, args.agency_map,
        feedback=args.feedback, test_months=args.test_months,
        validation_months=args.validation_months,
    )  # fmt: skip
    if stats.annotated == 0 and stats.feedback == 0:
        # A table without gold labels was written, and train.py then blamed --test-months (a
        # data scientist's trial, 2026-12-01).
        raise InvalidInputError(
            f"no id of {args.annotations} matches a complaint id of {args.complaints}: the "
            "table would have no gold labels"
        )
    empty = [
        split
        for split in ("train", "validation", "test")
        if not stats.counts.get(f"label_source/{split}")
    ]
    if empty:
        # --test-months 20 on two years of complaints: nothing left to train on.
        raise InvalidInputError(
            f"no complaints in the {' and '.join(empty)} months: fewer --test-months or "
            "--validation-months"
        )
    write_dataset(records, args.output)
    print(json.dumps(stats.__dict__, indent=2))
    print(f"wrote {len(records)} complaints to {args.output} (sha256 {file_sha256(args.output)}, "
          "the data.sha256 a model fitted on it records)", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    run(main)
