"""Review queue: ``GET /v1/review/queue`` with 100,000 open items, against a real service.

Run alone with ``python -m benchmarks.review``. The items are made up (random labels,
confidences and unit scores; texts strung from made-up words, so no complaint leaves ../shared)
and stored through :func:`service.review.enqueue`, as the classify path stores them, into a
SQLite file; then 50 more one at a time, as single classifications add them. Then
``python -m service`` (uvicorn, what ``make run`` runs) serves that file on a loopback port and
each listing below is asked for 50 times over one keep-alive connection. The latency is the
client's, request to parsed answer: the query, the count of matching items and the JSON of a
page of 50. Last, the desk page itself, signed in. Other engineers' jobs share this machine's
two cores, so the load average is printed beside the numbers.

Measured 2026-11-30, two runs at load average 3.6 and 3.9: the listings p50 5-16 ms, p95
7-31 ms; the desk page p50 40-70 ms, p95 65-99 ms; one more item stored p50 1.3 ms, p95 5.0 ms
(README, Capacity).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

from benchmarks._common import free_port, report, wait_ready
from complaint_nlp import Classification, TriageResult, load_routing_table
from complaint_nlp.labels import CATEGORIES, UNITS, URGENCIES
from complaint_nlp.routing import route_with_rules
from service import migrate, review
from service.database import Database

_SYLLABLES = ["ba", "ka", "ra", "ma", "sa", "ti", "lu", "pe", "jo", "nu", "di", "wa"]
_WORDS = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES[:6]]
GOAL_MS = 50.0
#: The desk page also counts the open items per filter value and claims the next one.
PAGE_GOAL_MS = 200.0


def fill(database: Database, count: int, seed: int = 0) -> None:
    """``count`` open items, enqueued in batches of 1,000 as a batch classification would."""
    rng = random.Random(seed)
    table = load_routing_table()
    for start in range(0, count, 1_000):
        results, texts = [], []
        for i in range(start, min(count, start + 1_000)):
            first, second = rng.sample(UNITS, 2)
            top = rng.uniform(0.2, 0.95)
            words = rng.choices(_WORDS, k=rng.randint(8, 30))
            c = Classification(
                category=rng.choice(CATEGORIES), category_confidence=rng.uniform(0.3, 1),
                urgency=rng.choice(URGENCIES), urgency_confidence=rng.uniform(0.3, 1),
                units=[(first, top), (second, rng.uniform(0, 1 - top))], needs_review=True,
                explanation={"category": words[:3], "urgency": words[3:6]}, safety_signals=[],
            )  # fmt: skip
            effective, route = route_with_rules(c, table)
            results.append(TriageResult(f"BENCH-{i}", effective, route, None))
            texts.append(" ".join(words))
        review.enqueue(database, results, texts, table)


def _enqueue_one(database: Database, repeat: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of storing one flagged complaint, as /v1/classify does."""
    table = load_routing_table()
    c = Classification("infrastructure", 0.6, "high", 0.4, [("public_works", 0.5)], True, {}, [])
    effective, route = route_with_rules(c, table)
    times = []
    for i in range(repeat):
        result = TriageResult(f"ONE-{i}", effective, route, None)
        begin = time.perf_counter()
        review.enqueue(database, [result], ["jalan rusak parah di depan pasar"], table)
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def _serve(database: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COMPLAINT_")},
        "COMPLAINT_DATABASE_URL": f"sqlite:///{database}",
        "COMPLAINT_LOG_LEVEL": "WARNING",
        "COMPLAINT_CLASSIFY_WORKERS": "1",
    }
    server = subprocess.Popen(  # what `make run` runs
        [sys.executable, "-m", "service", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{port}", 120)
    except BaseException:
        server.kill()
        raise
    return server


#: The listings timed: filters and orders as a desk asks for them.
LISTINGS: dict[str, dict[str, str]] = {
    "oldest": {},
    "useful": {"order": "useful"},
    "category": {"category": "bureaucracy"},
    "urgency + unit, useful": {"urgency": "high", "unit": "triase", "order": "useful"},
    "category + urgency, useful": {
        "category": "information_technology",
        "urgency": "low",
        "order": "useful",
    },
}


def _deep_cursor(client: httpx2.Client, pages: int = 21) -> str:
    """The cursor after ``pages`` pages of 200 items."""
    cursor: str | None = None
    for _ in range(pages):
        params = {"limit": "200"} | ({"cursor": cursor} if cursor else {})
        cursor = client.get("/v1/review/queue", params=params).json()["next_cursor"]
    assert cursor is not None
    return cursor


def _time(client: httpx2.Client, params: dict[str, str], repeat: int) -> tuple[float, float, int]:
    """p50 and p95 in milliseconds of ``repeat`` pages of 50, and the items matching."""
    times, total = [], 0
    for _ in range(repeat):
        begin = time.perf_counter()
        answer = client.get("/v1/review/queue", params={"limit": "50", **params})
        answer.raise_for_status()
        total = answer.json()["total"]
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18], total


def _desk(client: httpx2.Client, repeat: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of the desk page (/review, signed in): the counts per
    filter, the next complaint claimed, the page rendered."""
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/review").text)
    assert token is not None
    client.post("/review/signin", data={"csrf": token.group(1), "reviewer": "bench"})
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        page = client.get("/review")
        times.append((time.perf_counter() - begin) * 1000)
        assert 'id="aduan"' in page.text
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def main(count: int = 100_000, repeat: int = 50) -> None:
    print("== review queue")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "review.db"
        migrate.upgrade(f"sqlite:///{path}")
        database = Database(f"sqlite:///{path}", timeout=10)
        start = time.perf_counter()
        fill(database, count)
        print(f"{count:,} open items enqueued in {time.perf_counter() - start:.1f} s "
              f"(load average {os.getloadavg()[0]:.1f})")  # fmt: skip
        p50, p95 = _enqueue_one(database, repeat)
        database.dispose()
        print(f"  {'one more, alone':<44}p50 {p50:5.1f} ms   p95 {p95:5.1f} ms")
        port = free_port()
        server = _serve(path, port)
        try:
            with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                listings = LISTINGS | {"cursor 4,200 items deep": {"cursor": _deep_cursor(client)}}
                for name, params in listings.items():
                    p50, p95, total = _time(client, params, repeat)
                    print(f"  {name:<28} {total:>7,} items   p50 {p50:5.1f} ms   p95 {p95:5.1f} ms")
                    report(f"review queue, {count:,} open: {name}", f"p95 {p95:.1f} ms",
                           f"< {GOAL_MS:.0f} ms", p95 < GOAL_MS)  # fmt: skip
                p50, p95 = _desk(client, repeat)
                print(f"  {'desk page /review':<44}p50 {p50:5.1f} ms   p95 {p95:5.1f} ms")
                page = f"< {PAGE_GOAL_MS:.0f} ms"
                report(f"desk page, {count:,} open", f"p95 {p95:.1f} ms", page, p95 < PAGE_GOAL_MS)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
