"""Measure near-duplicate detection on the complaint data at several similarity thresholds.

    python scripts/evaluate_duplicates.py [--complaints PATH]

Complaints are fed in time order. A complaint is a known duplicate when its normalised text
equals an earlier one's (the data's duplicate groups); recall is over those, and "exact
precision" counts a flag as right only when the matched complaint is in the same group, so it is
a lower bound (a flagged near-copy with small edits counts as wrong). Flags outside the groups
are counted separately for a person to read.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _paths import COMPLAINTS

from complaint_nlp import mask_pii, normalize
from complaint_nlp.duplicates import DuplicateIndex


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=Path, default=COMPLAINTS)
    parser.add_argument("--window", type=int, default=10_000)
    args = parser.parse_args(argv)
    with args.complaints.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["tanggal_keluhan"], r["id"]))
    keys = {r["id"]: normalize(mask_pii(r["keluhan"])) for r in rows}
    seen: set[str] = set()
    is_duplicate = {}
    for r in rows:
        is_duplicate[r["id"]] = keys[r["id"]] in seen
        seen.add(keys[r["id"]])
    index = DuplicateIndex(window=args.window, threshold=1e-9)
    print(f"indexing {len(rows)} complaints", file=sys.stderr)
    matches = index.check_batch([r["keluhan"] for r in rows], [r["id"] for r in rows])
    positives = sum(is_duplicate.values())
    results = []
    for threshold in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        flagged = [
            (r["id"], m)
            for r, m in zip(rows, matches, strict=True)
            if m and m.similarity >= threshold
        ]
        right = sum(keys[i] == keys[m.id] for i, m in flagged)
        found = sum(is_duplicate[i] and keys[i] == keys[m.id] for i, m in flagged)
        results.append({
            "threshold": threshold,
            "flagged": len(flagged),
            "exact_precision": round(right / len(flagged), 4) if flagged else None,
            "recall": round(found / positives, 4),
            "flagged_outside_groups": len(flagged) - right,
        })  # fmt: skip
    print(
        json.dumps(
            {"complaints": len(rows), "known_duplicates": positives, "results": results}, indent=2
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
