"""``python -m service --workers 2``: two HTTP processes on one port share the duplicate window
(through the database), the metrics (through PROMETHEUS_MULTIPROC_DIR) and the desk's
sessions (one secret)."""

import asyncio
import os
import re
from pathlib import Path

import httpx2
import pytest

from service.observability import multiprocess_folder
from tests.fixtures import desk_sign_ins_held, free_port, start_service, stop_service

ORIGINALS = [
    f"lampu penerangan jalan nomor {i + 10} di gang melati {i * 13 + 10} mati sudah seminggu"
    for i in range(30)
]


async def _send(url: str, bodies: list[dict[str, str]]) -> list[httpx2.Response]:
    # A connection per request, all at once: each process accepts some of them.
    async def one(body: dict[str, str]) -> httpx2.Response:
        async with httpx2.AsyncClient(base_url=url, timeout=30) as client:
            return await client.post("/v1/classify", json=body)

    return await asyncio.gather(*(one(b) for b in bodies))


def _counted(metrics: str, route: str, status: int) -> float:
    pattern = rf'complaint_requests_total{{method="POST",route="{route}",status="{status}"}} (\S+)'
    return sum(float(v) for v in re.findall(pattern, metrics))


def test_two_processes_share_the_duplicate_window_and_the_metrics(
    database: str, tmp_path: Path
) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"from an earlier run")  # emptied at start
    port = free_port()
    server = start_service(database, port, "--workers", "2", PROMETHEUS_MULTIPROC_DIR=str(folder),
                           COMPLAINT_CLASSIFY_WORKERS="1")  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        first = asyncio.run(
            _send(url, [{"id": f"A-{i}", "text": t} for i, t in enumerate(ORIGINALS)])
        )
        again = asyncio.run(_send(url, [{"id": f"B-{i}", "text": t + ", mohon segera"}
                                        for i, t in enumerate(ORIGINALS)]))  # fmt: skip
        scrapes = [httpx2.get(f"{url}/metrics", timeout=10).text for _ in range(4)]
        # A connection per request, so that the desk's requests meet both processes.
        fresh = httpx2.Limits(max_keepalive_connections=0)
        with httpx2.Client(base_url=url, limits=fresh, timeout=30) as browser:
            signed_in = desk_sign_ins_held(browser, 8)
    finally:
        stop_service(server)
    assert [r.status_code for r in first + again] == [200] * 60
    assert all(r.json()["duplicate_of"] is None for r in first)
    assert [r.json()["duplicate_of"]["id"] for r in again] == [f"A-{i}" for i in range(30)]
    serving = {p.stem.split("_")[-1] for p in folder.glob("counter_*.db")}
    assert len(serving) == 2, "both processes answered requests"
    # Whichever process answers a scrape, it counts every process's requests.
    assert {_counted(text, "/v1/classify", 200) for text in scrapes} == {60.0}
    assert all("complaint_classify_busy_workers 0.0" in text for text in scrapes)
    assert signed_in == [True] * 8  # one session secret for both processes


def test_the_metrics_folder_is_made_and_removed_or_emptied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with multiprocess_folder(None) as made:
        assert made.is_dir()
        assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(made)  # for the processes it starts
    assert not made.exists()
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    (tmp_path / "gauge_livesum_7.db").write_bytes(b"")
    (tmp_path / "keep.txt").write_text("not prometheus'")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # what the settings read
    with multiprocess_folder(tmp_path) as given:
        assert given == tmp_path
        assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    assert tmp_path.exists()
