"""Report: time and peak memory of ``complaint-nlp report`` over 1,000,000 generated triaged rows
(a year of a large city, with timestamps, kecamatan and masked text), as a separate process.

Run alone with ``python -m benchmarks.report``. The rows are synthetic: labels drawn at random,
texts strung from made-up words (so no complaint leaves ../shared), one word rising in the last
month so that the emerging-problems section has work to do.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks._common import report

_UNITS = {"dpupr": "infrastructure", "dlh": "infrastructure", "pdam": "infrastructure",
          "disdukcapil": "bureaucracy", "diskominfo": "information_technology",
          "bkpsdm": "human_resources", "triase": "other"}  # fmt: skip
_KECAMATAN = [f"Kecamatan {i:02d}" for i in range(31)]
_SYLLABLES = ["ba", "ka", "ra", "ma", "sa", "ti", "lu", "pe", "jo", "nu", "di", "wa"]
_WORDS = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES[:6]]
_HEADER = [
    "id", "category", "category_confidence", "urgency", "urgency_confidence", "needs_review",
    "route_unit_id", "route_unit_name", "sla_hours", "escalate", "duplicate_of",
    "duplicate_similarity", "received_at", "answered_at", "kecamatan", "kelurahan", "text",
]  # fmt: skip


def write_rows(path: Path, rows: int, seed: int = 0) -> None:
    """``rows`` triaged complaints of 2024, in the CSV layout of ``triage --keep-columns``."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    units = list(_UNITS)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(_HEADER)
        for i in range(rows):
            received = start + timedelta(minutes=int(i * 525_600 / rows))
            unit = units[rng.randrange(len(units))]
            urgency = rng.choice(("high", "medium", "medium", "low"))
            answered = received + timedelta(hours=rng.expovariate(1 / 30))
            words = rng.choices(_WORDS, k=rng.randint(8, 16))
            if received.month == 12 and rng.random() < 0.05:
                words.append("banjir")
            writer.writerow([
                f"C{i}", _UNITS[unit], round(rng.uniform(0.3, 1), 4), urgency,
                round(rng.uniform(0.3, 1), 4), rng.random() < 0.1, unit, unit, 72, False,
                f"C{i - 1}" if rng.random() < 0.05 else "", "",
                received.isoformat(sep=" "),
                answered.isoformat(sep=" ", timespec="seconds") if rng.random() < 0.9 else "",
                rng.choice(_KECAMATAN), f"Kelurahan {rng.randrange(150)}", " ".join(words),
            ])  # fmt: skip


def main(rows: int = 1_000_000) -> None:
    print("== report")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "triase.csv"
        write_rows(path, rows)
        size_mb = path.stat().st_size / 1e6
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "complaint_nlp.cli", "report", str(path),
             "--output", str(Path(folder) / "laporan")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert child.stderr is not None
        errors = child.stderr.read()
        # wait4 gives this child's own peak (RUSAGE_CHILDREN would be the largest of all the
        # benchmarks' children so far).
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.stderr.close()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"report failed: {errors.decode(errors='replace')}")
    peak_mb = usage.ru_maxrss / 1024
    print(f"report of {rows:,} triaged rows ({size_mb:,.0f} MB CSV): {seconds:.1f} s")
    report(f"report time, {rows:,} rows", f"{seconds:.1f} s", "< 30 s", seconds < 30)
    report("report peak memory", f"{peak_mb:,.0f} MB", "< 1,000 MB", peak_mb < 1000)


if __name__ == "__main__":
    main()
