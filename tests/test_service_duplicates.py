"""The duplicate window shared through the database: a re-send is caught whichever process gets
it, on SQLite and on PostgreSQL."""

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service import duplicates
from service.database import Database
from service.duplicates import PRUNE_EVERY, SharedDuplicates, signatures
from tests.databases import write_locked
from tests.fixtures import service_client

ORIGINAL = "Air PDAM tidak mengalir 3 hari di RW 05 Kelurahan Cipare, mohon segera diperbaiki"
RESENT = "air PDAM tidak mengalir sudah 3 hari di RW 05 kelurahan cipare!! mohon segera diperbaiki"


def _complaint(i: int) -> str:
    # Numbers of two digits or more: the word-pair tokens leave out single characters.
    return f"lampu jalan nomor {i + 10} di gang mawar {i * 7 + 10} mati sejak minggu lalu mohon"


def test_a_resend_to_another_process_is_caught(database: str, tmp_path: Path) -> None:
    # Two apps on one database stand for two processes (tests/test_deploy.py runs real ones).
    with (
        service_client(tmp_path, database_url=database) as first,
        service_client(tmp_path, database_url=database) as second,
    ):
        assert (
            first.post("/v1/classify", json={"text": ORIGINAL, "id": "K-1"}).json()["duplicate_of"]
            is None
        )
        again = second.post("/v1/classify", json={"text": RESENT, "id": "K-2"}).json()
        unrelated = first.post("/v1/classify", json={"text": _complaint(1)}).json()
        without_id = second.post("/v1/classify", json={"text": _complaint(1) + " tolong"}).json()
    assert again["duplicate_of"]["id"] == "K-1"
    assert again["duplicate_of"]["similarity"] >= 0.75
    assert unrelated["duplicate_of"] is None
    assert without_id["duplicate_of"]["id"] == "auto-3"  # named by its number, in every process


def test_the_window_outlives_a_restart(database: str, tmp_path: Path) -> None:
    with service_client(tmp_path, database_url=database) as app:
        app.post("/v1/classify", json={"text": ORIGINAL, "id": "K-1"})
    with service_client(tmp_path, database_url=database) as app:
        again = app.post("/v1/classify", json={"text": RESENT, "id": "K-2"}).json()
    assert again["duplicate_of"]["id"] == "K-1"


def test_concurrent_checks_of_two_processes_miss_no_resend(database: str) -> None:
    processes = [SharedDuplicates(Database(database, timeout=10), window=1_000) for _ in range(2)]
    missed: list[int] = []

    def send(worker: int) -> None:
        mine = processes[worker % 2]
        for i in range(worker, 120, 4):
            mine.check_batch([_complaint(i)], [f"A-{i}"])
        for i in range(worker, 120, 4):  # the re-sends, to the other process
            found = processes[(worker + 1) % 2].check_batch([_complaint(i) + " !!"], [f"B-{i}"])
            if found[0] is None or found[0].id != f"A-{i}":
                missed.append(i)

    threads = [threading.Thread(target=send, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for process in processes:
        process.database.dispose()
    assert missed == []
    assert processes[0].seen + processes[1].seen > 0


def test_the_table_keeps_only_the_window_and_no_text(database: str) -> None:
    shared = SharedDuplicates(Database(database, timeout=10, durable=False), window=10)
    for i in range(3 * PRUNE_EVERY):
        shared.check_batch([_complaint(i)], [f"WA 0812345678{i % 10}"])
    with shared.database.engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(signatures)).scalar_one()
        rows = connection.execute(select(signatures)).all()
    shared.database.dispose()
    assert stored <= 10 + 2 * PRUNE_EVERY
    assert {r.complaint_id for r in rows} == {"WA [TELEPON]"}  # ids are stored masked
    assert not any(b"lampu" in r.features for r in rows)


def test_a_locked_database_leaves_classification_answered_and_checks_local(
    database: str, tmp_path: Path
) -> None:
    with service_client(tmp_path, database_url=database, database_timeout_seconds=0.5) as app:
        with write_locked(database):
            first = app.post("/v1/classify", json={"text": ORIGINAL, "id": "K-1"})
            again = app.post("/v1/classify", json={"text": RESENT, "id": "K-2"})
        assert first.status_code == again.status_code == 200
        assert again.json()["duplicate_of"]["id"] == "K-1"  # this process's window


def test_a_hung_database_is_503_within_the_check_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(duplicates, "CHECK_SECONDS", 0.3)
    with service_client(tmp_path) as app:
        shared = app.app.state.service.duplicates  # type: ignore[attr-defined]
        hung = threading.Event()
        monkeypatch.setattr(shared, "_check", lambda group: hung.wait(10))
        start = time.perf_counter()
        answer = app.post("/v1/classify", json={"text": ORIGINAL})
        seconds = time.perf_counter() - start
        hung.set()
    assert answer.status_code == 503
    assert answer.json()["type"].endswith(":database-unavailable")
    assert seconds < 2.0
