"""Classification off the event loop: a slow request costs its own time budget, nobody else's."""

import random
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.databases import migrated_sqlite
from tests.fixtures import (
    UNTRUSTWORTHY_MODELS,
    free_port,
    model_copy,
    service_client,
    start_service,
    stop_service,
)


def _made_up(seed: int, chars: int = 20_000) -> str:
    """A text at the length limit of words nobody wrote before, each stemmed afresh."""
    rng = random.Random(seed)
    words = (
        "".join(rng.choices("abdegikmnorstuy", k=rng.randint(3, 9))) for _ in range(chars // 4)
    )
    return " ".join(words)[:chars]


# A batch at the default limit of 1,000,000 characters: texts of never-seen words take the
# text pipeline about 80 ms each (2026-12-01), so the batch runs for seconds whatever the
# stemmer has cached (a legitimate long text repeats its words: 12 ms, and a batch of them
# finished too soon to show anything).
SLOW_BATCH = {"items": [{"id": str(i), "text": _made_up(i)} for i in range(50)]}


def _in_background(call: Callable[[], httpx2.Response]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(call()))
    thread.start()
    return thread, out


def test_healthz_and_other_requests_do_not_wait_behind_a_slow_batch(tmp_path: Path) -> None:
    # Before (issue #12): classification ran on the event loop; one slow request stalled all.
    with service_client(tmp_path, classify_workers=2, classify_timeout_seconds=60) as app:
        thread, out = _in_background(lambda: app.post("/v1/classify/batch", json=SLOW_BATCH))
        _wait_for_metric(app, "complaint_classify_busy_workers 1.0")  # the batch is in a worker
        start = time.perf_counter()
        assert app.get("/healthz").status_code == 200
        health_seconds = time.perf_counter() - start
        start = time.perf_counter()
        assert app.post("/v1/classify", json={"text": "lampu jalan mati"}).status_code == 200
        classify_seconds = time.perf_counter() - start
        still_running = thread.is_alive()
        thread.join()
    assert still_running, "the batch finished too soon to show anything"
    assert health_seconds < 0.5
    assert classify_seconds < 1.0
    assert out[0].status_code == 200


def test_over_the_time_budget_is_503_and_the_worker_is_replaced(tmp_path: Path) -> None:
    with service_client(tmp_path, classify_timeout_seconds=0.5) as app:
        start = time.perf_counter()
        response = app.post("/v1/classify/batch", json=SLOW_BATCH)
        seconds = time.perf_counter() - start
        deadline = time.time() + 60
        while app.get("/readyz").status_code != 200 and time.time() < deadline:
            time.sleep(0.1)  # the killed worker's replacement loads the model
        after = app.post("/v1/classify", json={"text": "lampu jalan mati"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"].endswith(":classify-timeout")
    assert seconds < 2.0
    assert after.status_code == 200


def test_a_full_queue_is_503_at_once(tmp_path: Path) -> None:
    with service_client(tmp_path, classify_queue=1, classify_timeout_seconds=60) as app:
        running = _in_background(lambda: app.post("/v1/classify/batch", json=SLOW_BATCH))
        _wait_for_metric(app, "complaint_classify_busy_workers 1.0")
        waiting = _in_background(lambda: app.post("/v1/classify/batch", json=SLOW_BATCH))
        _wait_for_metric(app, "complaint_classify_waiting 1.0")
        start = time.perf_counter()
        refused = app.post("/v1/classify", json={"text": "lampu jalan mati"})
        seconds = time.perf_counter() - start
        for thread, _ in (running, waiting):
            thread.join()
    assert refused.status_code == 503
    assert refused.json()["type"].endswith(":overloaded")
    assert seconds < 0.5
    assert [out[0].status_code for _, out in (running, waiting)] == [200, 200]


def test_a_large_batch_through_uvicorn(tmp_path: Path) -> None:
    # uvloop made the workers' pipes non-blocking, and a large answer then broke the pool:
    # only a real server shows that.
    port = free_port()
    server = start_service(migrated_sqlite(tmp_path / "feedback.db"), port)
    try:
        items = [{"id": str(i), "text": f"jalan rusak di gang {i} sudah lama"} for i in range(1000)]
        response = httpx2.post(
            f"http://127.0.0.1:{port}/v1/classify/batch", json={"items": items}, timeout=60
        )
    finally:
        stop_service(server)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1000


def _wait_for_metric(app: TestClient, line: str) -> None:
    deadline = time.time() + 30
    while line not in app.get("/metrics").text:
        assert time.time() < deadline, line
        time.sleep(0.02)


@pytest.mark.parametrize("edit", UNTRUSTWORTHY_MODELS)
def test_an_untrustworthy_model_is_not_ready_and_never_a_500(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None]
) -> None:
    # Before (issue #12): ready, then a 500 on every request.
    with service_client(tmp_path, model_path=model_copy(tmp_path, edit)) as app:
        ready = app.get("/readyz")
        classify = app.post("/v1/classify", json={"text": "lampu jalan mati"})
    assert ready.status_code == 503
    assert ready.json()["checks"]["model"] == "no usable model"
    assert classify.status_code == 503


def test_a_folder_beside_the_versions_does_not_stop_the_service(tmp_path: Path) -> None:
    # Before (issue #12): a "latest" folder made the version sort raise TypeError at start.
    folder = model_copy(tmp_path, lambda meta: None)
    shutil.copytree(folder, folder.parent / "latest")
    with service_client(tmp_path, model_path=folder.parent) as app:
        assert app.get("/readyz").status_code == 200
