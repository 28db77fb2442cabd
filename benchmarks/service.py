"""Service: a bounded load test against a real uvicorn on 127.0.0.1 (5,000 requests at 50 at a
time, then batches of 1,000); it stops by itself."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

from benchmarks._common import complaint_texts, report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
            try:
                response = await client.post(
                    "/v1/classify", json={"text": texts[i % len(texts)], "id": str(i)}
                )
                if response.status_code != 200:
                    errors += 1
            except httpx2.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - start)

    async with httpx2.AsyncClient(base_url=url, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies, errors


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


def main(total: int = 5000, concurrency: int = 50) -> None:
    print("== service")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    texts = [t[:200] for t in complaint_texts(2000, seed=4)]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "COMPLAINT_DATABASE_URL": f"sqlite:///{Path(folder) / 'f.db'}",
               "COMPLAINT_LOG_LEVEL": "WARNING"}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    if httpx2.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx2.HTTPError:
                    time.sleep(0.2)
            _batches(url, texts, 1)  # warm the stemmer cache
            latencies, errors = asyncio.run(_load(url, texts, total, concurrency))
            batch = _batches(url, texts)
        finally:
            server.terminate()
            server.wait(timeout=30)
    q = statistics.quantiles(latencies, n=100)
    p50, p95, p99 = q[49] * 1000, q[94] * 1000, q[98] * 1000
    print(f"/v1/classify, {total} requests, {concurrency} at a time: p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms, p99 {p99:.1f} ms, errors {errors}")  # fmt: skip
    report("/v1/classify p95 latency under load", f"{p95:.1f} ms", "< 15 ms", p95 < 15)
    report("/v1/classify errors", str(errors), "0", errors == 0)
    median_batch = statistics.median(batch)
    report(
        "/v1/classify/batch of 1,000 (median)", f"{median_batch:.2f} s", "< 1 s", median_batch < 1
    )
