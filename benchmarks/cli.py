"""CLI: triage throughput over a generated 100,000-row CSV with one and two workers, and peak
memory, measured side by side in one run."""

from __future__ import annotations

import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import complaint_texts, report


def _triage(path: Path, out: Path, workers: int) -> tuple[float, float]:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "complaint_nlp.cli", "triage", str(path), "--id-column", "id",
         "--workers", str(workers), "--output", str(out), "--no-progress"],
        check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mb


def main(rows: int = 100_000) -> None:
    print("== CLI")
    texts = [t[:200] for t in complaint_texts(5000, seed=3)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "complaints.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "text"])
            for i in range(rows):
                # Vary each copy so that the duplicate index sees mostly distinct complaints.
                writer.writerow([f"C{i}", f"{texts[i % len(texts)]} rt {i % 97} no {i}"])
        one, peak_one = _triage(path, Path(folder) / "one.jsonl", 1)
        two, peak_two = _triage(path, Path(folder) / "two.jsonl", 2)
    print(f"triage of {rows:,} rows: 1 worker {one:.1f} s, 2 workers {two:.1f} s")
    report(
        "CLI triage throughput, 1 worker",
        f"{rows / one:,.0f} rows/s",
        ">= 2,000/s",
        rows / one >= 2000,
    )
    speedup = one / two
    report("CLI speed-up with 2 workers", f"{speedup:.2f}x", "near 2x", speedup >= 1.6)
    peak = max(peak_one, peak_two)
    report("CLI peak memory (largest process)", f"{peak:,.0f} MB", "< 500 MB", peak < 500)
