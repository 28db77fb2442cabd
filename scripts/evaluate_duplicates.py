"""Measure near-duplicate detection on the complaint data at several similarity thresholds.

    python scripts/evaluate_duplicates.py [--complaints PATH] [--processes N [--database-url URL]]

Complaints are fed in time order. A complaint is a known duplicate when its normalised text
equals an earlier one's (the data's duplicate groups); recall is over those, and "exact
precision" counts a flag as right only when the matched complaint is in the same group, so it is
a lower bound (a flagged near-copy with small edits counts as wrong). Flags outside the groups
are counted separately for a person to read.

``--processes N`` splits the stream as a load balancer would: complaint i goes to process
i mod N, which checks it against the window the processes share through a database
(service.duplicates; a temporary SQLite file unless ``--database-url``), each complaint after
the one before. With ``--together``, the N complaints of each round arrive at the same moment
instead and whichever process takes the database's lock first goes first: a worst case, since
it makes every two neighbouring complaints simultaneous, which in the data are minutes apart.
A re-send that overtakes its original is missed, though the pair is still linked (the original
is flagged as the re-send's duplicate): ``recall_either_way`` counts those links too.
Only counts are printed, never a complaint.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cli import arguments, read_rows, run
from _paths import COMPLAINTS

from complaint_nlp import DuplicateMatch, mask_pii, normalize
from complaint_nlp.duplicates import DuplicateIndex
from service import migrate
from service.database import Database
from service.duplicates import SharedDuplicates


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument(
        "--complaints", type=Path, default=COMPLAINTS,
        help="the source complaints (default: ../shared's Surabaya table)",
    )  # fmt: skip
    parser.add_argument("--window", type=int, default=10_000,
                        help="complaints the window holds (10000)")  # fmt: skip
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="processes sharing the window, 1-16 (1)")  # fmt: skip
    parser.add_argument("--database-url", help="for --processes: a migrated database to share")
    parser.add_argument("--together", action="store_true",
                        help="each round's N complaints arrive at the same moment")  # fmt: skip
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= 16:
        parser.error("--processes must be 1 to 16")
    if args.window < 1:
        parser.error("--window must be >= 1")
    if args.database_url is not None:
        # Unreachable, the processes each fell back to their own window and the run measured
        # that (recall .547), exit code 0.
        Database(args.database_url, timeout=10).check_schema()
    rows = sorted(
        read_rows(args.complaints, ("id", "tanggal_keluhan", "keluhan")),
        key=lambda r: (r["tanggal_keluhan"], r["id"]),
    )
    keys = {r["id"]: normalize(mask_pii(r["keluhan"])) for r in rows}
    seen: set[str] = set()
    is_duplicate = {}
    for r in rows:
        is_duplicate[r["id"]] = keys[r["id"]] in seen
        seen.add(keys[r["id"]])
    texts, ids = [r["keluhan"] for r in rows], [r["id"] for r in rows]
    print(f"indexing {len(rows)} complaints in {args.processes} process(es)", file=sys.stderr)
    if args.processes == 1:
        matches = DuplicateIndex(window=args.window, threshold=1e-9).check_batch(texts, ids)
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{Path(folder) / 'window.db'}"
            if args.database_url is None:
                migrate.upgrade(url)
            matches = split_stream(texts, ids, args.processes, url, args.window, args.together)
    positives = sum(is_duplicate.values())
    results = []
    for threshold in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        flagged = [
            (r["id"], m)
            for r, m in zip(rows, matches, strict=True)
            if m and m.similarity >= threshold
        ]
        right = sum(keys[i] == keys[m.id] for i, m in flagged)
        found = {i for i, m in flagged if is_duplicate[i] and keys[i] == keys[m.id]}
        # A known duplicate that an earlier complaint of its group was flagged against.
        overtaken = {m.id for i, m in flagged if is_duplicate[m.id] and keys[i] == keys[m.id]}
        results.append({
            "threshold": threshold,
            "flagged": len(flagged),
            "exact_precision": round(right / len(flagged), 4) if flagged else None,
            "recall": round(len(found) / positives, 4),
            "recall_either_way": round(len(found | overtaken) / positives, 4),
            "flagged_outside_groups": len(flagged) - right,
        })  # fmt: skip
    summary = {"complaints": len(rows), "known_duplicates": positives, "processes":
               args.processes, "together": args.together, "results": results}  # fmt: skip
    print(json.dumps(summary, indent=2))
    return 0


def split_stream(
    texts: list[str], ids: list[str], processes: int, url: str, window: int, together: bool
) -> list[DuplicateMatch | None]:
    """Each complaint's best earlier match (any similarity), the stream split across
    ``processes`` that share the window through the database at ``url``; ``together``: each
    round's complaints at the same moment, else one after another."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes), context.SimpleQueue()
    round_size = processes if together else 1
    workers = [
        context.Process(target=_check_share, args=(
            rank, processes, round_size, texts, ids, url, window, barrier, results))
        for rank in range(processes)
    ]  # fmt: skip
    for worker in workers:
        worker.start()
    matches: list[DuplicateMatch | None] = [None] * len(texts)
    for _ in workers:  # read before joining: a process ends once its answer is taken
        for i, match in results.get():
            matches[i] = match
    for worker in workers:
        worker.join(timeout=60)
    return matches


def _check_share(
    rank: int, processes: int, round_size: int, texts: list[str], ids: list[str], url: str,
    window: int, barrier: threading.Barrier, results: multiprocessing.SimpleQueue[Any],
) -> None:  # fmt: skip
    shared = SharedDuplicates(Database(url, timeout=60, durable=False), window=window,
                              threshold=1e-9)  # fmt: skip
    found = []
    for start in range(0, len(texts), round_size):
        barrier.wait(timeout=60)  # the round starts once every process is done with the last
        for i in range(start, min(start + round_size, len(texts))):
            if i % processes == rank:
                found.append((i, shared.check_batch([texts[i]], [ids[i]])[0]))
    shared.database.dispose()
    results.put(found)


if __name__ == "__main__":
    run(main)
