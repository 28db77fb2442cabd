"""Build the processed complaint table (PII-masked, de-duplicated, labelled, split by time).

python scripts/build_dataset.py [--feedback corrections.csv] [--output PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _paths import AGENCY_MAP, ANNOTATIONS, COMPLAINTS, PROCESSED, TOPIC_MAP

from complaint_nlp.dataset import build_dataset, write_dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=Path, default=COMPLAINTS)
    parser.add_argument("--annotations", type=Path, default=ANNOTATIONS)
    parser.add_argument("--topic-map", type=Path, default=TOPIC_MAP)
    parser.add_argument("--agency-map", type=Path, default=AGENCY_MAP)
    parser.add_argument("--feedback", type=Path, help="corrections exported by the service")
    parser.add_argument("--test-months", type=int, default=2)
    parser.add_argument("--validation-months", type=int, default=2)
    parser.add_argument("--output", type=Path, default=PROCESSED)
    args = parser.parse_args(argv)
    print(f"reading {args.complaints}", file=sys.stderr)
    records, stats = build_dataset(
        args.complaints, args.annotations, args.topic_map, args.agency_map,
        feedback=args.feedback, test_months=args.test_months,
        validation_months=args.validation_months,
    )  # fmt: skip
    write_dataset(records, args.output)
    print(json.dumps(stats.__dict__, indent=2))
    print(f"wrote {len(records)} complaints to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
