"""Service: a bounded load test against a real uvicorn on 127.0.0.1; it stops by itself.

1. Closed loop: 5,000 requests, 50 clients each sending its next request as soon as the last one
   is answered. This measures saturation: one process on one core answers N requests/s, and
   each request waits behind the others in flight (p50 is about 50 / N seconds).
2. Open loop: requests arrive at a fixed rate (Poisson, seeded) with at most 50 in flight; a
   request's latency counts from its scheduled arrival, so waiting for a free slot is included.
   This is the latency a caller sees at that traffic.
3. The open loop at 100 requests/s again, twice, each with one pathological request mixed in:
   a batch of the maximal size (1,000 texts of 20,000 characters, about 20 MB), which takes far
   longer than the time budget whatever the speed of the text pipeline; and one text of 20,000
   characters of words never seen before (every one misses the stemmer's cache: about 0.65 s,
   however fast normalisation becomes). Their p95 is printed beside the clean run's:
   classification runs in worker processes, so a slow request should cost its own time and
   leave the others' latency within 2x.
4. Batches of 1,000 complaints.
5. One HTTP process beside two (``python -m service --workers 2``), side by side, on SQLite and
   on PostgreSQL (a throw-away cluster on loopback, as the tests start): the closed loop's
   requests/s and p95, and p95 of the open loop at 200 requests/s. Either way two classifier
   processes: two for the one HTTP process, one for each of two.

CPU per request is the server's CPU time (the main process and its classifier workers, read
from /proc) over the closed-loop run, divided by its requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

from benchmarks._common import complaint_texts, free_port, report, wait_ready
from service.settings import Settings
from tests.databases import PostgresCluster


async def _post(client: httpx2.AsyncClient, text: str, complaint_id: str) -> bool:
    """One /v1/classify call; whether it failed."""
    try:
        response = await client.post("/v1/classify", json={"text": text, "id": complaint_id})
    except httpx2.HTTPError:
        return True
    return response.status_code != 200


async def _load(
    url: str, texts: list[str], total: int, concurrency: int
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker(client: httpx2.AsyncClient) -> None:
        nonlocal errors
        for i in counter:
            start = time.perf_counter()
            errors += await _post(client, texts[i % len(texts)], str(i))
            latencies.append(time.perf_counter() - start)

    async with httpx2.AsyncClient(base_url=url, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies, errors


async def _open_loop(
    url: str,
    texts: list[str],
    total: int,
    rate: float,
    concurrency: int,
    slow: tuple[str, bytes] | None = None,
) -> tuple[list[float], int]:
    """``total`` requests arriving at ``rate`` per second (Poisson), at most ``concurrency`` in
    flight; latencies from the scheduled arrival. ``slow``: a (path, JSON body) sent at the
    start besides them (its answer is printed, not counted)."""
    rng = random.Random(7)
    latencies: list[float] = []
    errors = 0
    slots = asyncio.Semaphore(concurrency)

    async def pathological(client: httpx2.AsyncClient, path: str, body: bytes) -> None:
        start = time.perf_counter()
        response = await client.post(
            path, content=body, headers={"content-type": "application/json"}
        )
        print(f"  {path} ({len(body) / 1e6:.1f} MB): {response.status_code} after "
              f"{time.perf_counter() - start:.2f} s")  # fmt: skip

    async def one(client: httpx2.AsyncClient, i: int, due: float) -> None:
        nonlocal errors
        async with slots:
            errors += await _post(client, texts[i % len(texts)], f"o{i}")
        latencies.append(time.perf_counter() - due)

    limits = httpx2.Limits(max_connections=concurrency + 1)
    async with httpx2.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        tasks = [asyncio.create_task(pathological(client, *slow))] if slow else []
        due = time.perf_counter()
        for i in range(total):
            due += rng.expovariate(rate)
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(client, i, due)))
        await asyncio.gather(*tasks)
    return latencies, errors


def _percentiles(latencies: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(latencies, n=100)
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def _maximal_batch(texts: list[str], chars: int = 20_000) -> tuple[str, bytes]:
    """The largest batch the default limits admit: texts of ``chars`` characters, as many as
    COMPLAINT_MAX_BATCH_CHARS holds (50; 1,000 of them, 20 MB, were admitted until 2026-12-01)."""
    long = " ".join(texts)[:chars]
    defaults = Settings.model_fields
    items = min(defaults["max_batch_items"].default, defaults["max_batch_chars"].default // chars)
    items_ = [{"id": f"p{i}", "text": long} for i in range(items)]
    return "/v1/classify/batch", json.dumps({"items": items_}).encode()


def _unseen_words(chars: int = 20_000, seed: int = 11) -> tuple[str, bytes]:
    """One text of made-up Indonesian-looking words: each is stemmed from scratch."""
    rng = random.Random(seed)
    prefixes, suffixes = ("memper", "diper", "keber", "pengan", "menye", "ter"), ("kan", "an", "i")
    words = (
        rng.choice(prefixes) + "".join(rng.choices("aiueokrtmnslpgbd", k=rng.randint(5, 9)))
        + rng.choice(suffixes) for _ in range(chars)
    )  # fmt: skip
    text = " ".join(words)[:chars]
    return "/v1/classify", json.dumps({"text": text}).encode()


def _cpu_seconds(pid: int) -> float:
    """CPU time of ``pid`` and all its descendants (Linux /proc), in seconds."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        times[child] = (int(fields[11]) + int(fields[12])) / tick
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(p, 0.0) for p in tree)


def _batches(url: str, texts: list[str], n: int = 5) -> list[float]:
    items = [{"id": str(i), "text": t} for i, t in enumerate(texts[:1000])]
    times = []
    with httpx2.Client(base_url=url, timeout=60) as client:
        for _ in range(n):
            start = time.perf_counter()
            response = client.post("/v1/classify/batch", json={"items": items})
            response.raise_for_status()
            times.append(time.perf_counter() - start)
    return times


@contextmanager
def _service(
    database_url: str, workers: int = 1, classify_workers: int = 2
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``python -m service`` on a free port of 127.0.0.1, its database migrated first; ready."""
    port = free_port()
    env = {**os.environ, "COMPLAINT_DATABASE_URL": database_url, "COMPLAINT_LOG_LEVEL": "WARNING",
           "COMPLAINT_CLASSIFY_WORKERS": str(classify_workers)}  # fmt: skip
    subprocess.run([sys.executable, "-m", "service.migrate"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url)
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):  # whatever outlived it
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def main(
    total: int = 5000, concurrency: int = 50, rates: tuple[int, ...] = (100, 200, 300, 400)
) -> None:
    print("== service")
    texts = [t[:200] for t in complaint_texts(2000, seed=4)]
    with (
        tempfile.TemporaryDirectory() as folder,
        _service(f"sqlite:///{Path(folder) / 'f.db'}") as (url, server),
    ):
        _batches(url, texts, 1)  # warm the stemmer cache
        cpu_before = _cpu_seconds(server.pid)
        latencies, errors = asyncio.run(_load(url, texts, total, concurrency))
        cpu_ms = (_cpu_seconds(server.pid) - cpu_before) / total * 1000
        seconds = [asyncio.run(_open_loop(url, texts, 2000, r, concurrency)) for r in rates]
        print("== service: one pathological request mixed in (open loop, 100 requests/s)")
        # Each mixed run right after a clean one, both under the same machine load: the
        # machine may be shared, and its load moves latency more than anything here.
        mixed = {}
        for name, slow in (
            ("one maximal batch", _maximal_batch(texts)),
            ("one text of unseen words", _unseen_words()),
        ):
            wait_ready(url)  # a worker killed by the last run has been replaced
            clean = asyncio.run(_open_loop(url, texts, 2000, 100, concurrency))
            load = os.getloadavg()[0]
            dirty = asyncio.run(_open_loop(url, texts, 2000, 100, concurrency, slow=slow))
            mixed[name] = (clean, dirty, (load + os.getloadavg()[0]) / 2)
        wait_ready(url)
        batch = _batches(url, texts)
    p50, p95, p99 = _percentiles(latencies)
    elapsed_rate = len(latencies) / sum(latencies) * concurrency
    print(f"/v1/classify closed loop, {total} requests, {concurrency} at a time (about "
          f"{elapsed_rate:,.0f} requests/s): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"p99 {p99:.1f} ms, errors {errors}")  # fmt: skip
    report("/v1/classify p95, 50 concurrent (closed loop)", f"{p95:.1f} ms", "< 15 ms", p95 < 15)
    report("/v1/classify server CPU per request (closed loop)", f"{cpu_ms:.2f} ms", "< 3 ms",
           cpu_ms < 3)  # fmt: skip
    for rate, (open_latencies, open_errors) in zip(rates, seconds, strict=True):
        p50, p95, p99 = _percentiles(open_latencies)
        print(f"/v1/classify open loop, 2000 requests at {rate}/s (<= {concurrency} in "
              f"flight): p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
              f"errors {open_errors}")  # fmt: skip
        report(f"/v1/classify p95 at {rate} requests/s (open loop)", f"{p95:.1f} ms", "< 15 ms",
               p95 < 15)  # fmt: skip
        errors += open_errors
    for name, ((clean_run, _), (mixed_run, dirty_errors), load) in mixed.items():
        clean_p95 = _percentiles(clean_run)[1]
        p50, p95, p99 = _percentiles(mixed_run)
        print(f"/v1/classify open loop at 100/s, clean vs {name} mixed in (machine load "
              f"average {load:.1f}): p95 {clean_p95:.1f} ms vs {p95:.1f} ms (mixed: p50 "
              f"{p50:.1f} ms, p99 {p99:.1f} ms, errors {dirty_errors})")  # fmt: skip
        report(f"/v1/classify p95 at 100/s, {name} mixed in / clean",
               f"{p95 / clean_p95:.2f}x", "<= 2x", p95 <= 2 * clean_p95)  # fmt: skip
        errors += dirty_errors
    report("/v1/classify errors (all runs)", str(errors), "0", errors == 0)
    median_batch = statistics.median(batch)
    report(
        "/v1/classify/batch of 1,000 (median)", f"{median_batch:.2f} s", "< 1 s", median_batch < 1
    )
    processes_side_by_side()


def processes_side_by_side(
    total: int = 3000, concurrency: int = 50, rate: int = 200, repeat: int = 2
) -> None:
    """One HTTP process beside two, on SQLite and on PostgreSQL; each pair run ``repeat`` times,
    alternating, so that the shared machine's load falls on both alike."""
    print("== service: one HTTP process or two (python -m service --workers 2)")
    texts = [t[:200] for t in complaint_texts(2000, seed=4)]
    cluster = PostgresCluster()  # the tests' throw-away cluster, on loopback
    cluster.start()
    runs: dict[tuple[str, int], list[tuple[float, float, float, int, float]]] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            fresh = {
                "SQLite": lambda: f"sqlite:///{Path(folder) / f'{time.monotonic_ns()}.db'}",
                "PostgreSQL": cluster.new_database,
            }
            for backend, new_database in fresh.items():
                for _, workers in itertools.product(range(repeat), (1, 2)):
                    with _service(new_database(), workers, 2 // workers) as (url, _):
                        _batches(url, texts, 1)  # warm every process's stemmer cache a little
                        start = time.perf_counter()
                        closed, errors = asyncio.run(_load(url, texts, total, concurrency))
                        per_second = total / (time.perf_counter() - start)
                        opened, open_errors = asyncio.run(
                            _open_loop(url, texts, 2000, rate, concurrency)
                        )
                        runs.setdefault((backend, workers), []).append((
                            per_second, _percentiles(closed)[1], _percentiles(opened)[1],
                            errors + open_errors, os.getloadavg()[0],
                        ))  # fmt: skip
    finally:
        cluster.stop()
    for (backend, workers), results in runs.items():
        shape = "1 HTTP process x 2 classifiers" if workers == 1 else "2 HTTP processes x 1"
        for per_second, closed_p95, open_p95, errors, load in results:
            print(f"{backend:<10} {shape:<31} closed loop ({concurrency} at a time): "
                  f"{per_second:,.0f} requests/s, p95 {closed_p95:.0f} ms; open loop at "
                  f"{rate}/s: p95 {open_p95:.1f} ms; errors {errors}; load {load:.1f}")  # fmt: skip
        report(f"{backend}, {shape}: errors", str(sum(r[3] for r in results)), "0",
               all(r[3] == 0 for r in results))  # fmt: skip


if __name__ == "__main__":
    main()
