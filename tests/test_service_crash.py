"""Acknowledged feedback survives a crash: a real uvicorn is killed (SIGKILL) between writes, on
SQLite and on PostgreSQL."""

import csv
import io
import signal

import httpx2

from tests.fixtures import free_port, start_service, stop_service

CORRECTION = {"text": "lampu jalan mati", "urgency": "medium", "reviewer": "petugas"}


def test_acknowledged_feedback_survives_kill_and_restart(database: str) -> None:
    acknowledged: list[str] = []
    for round_ in range(3):
        port = free_port()
        server = start_service(database, port)
        try:
            for i in range(10):
                complaint_id = f"C-{round_}-{i}"
                body = {**CORRECTION, "complaint_id": complaint_id}
                response = httpx2.post(
                    f"http://127.0.0.1:{port}/v1/feedback", json=body, timeout=10
                )
                if response.status_code == 201:
                    acknowledged.append(complaint_id)
        finally:
            stop_service(server, signal.SIGKILL)  # no shutdown: as a crash would
    port = free_port()
    server = start_service(database, port)
    try:
        exported = httpx2.get(f"http://127.0.0.1:{port}/v1/feedback/export", timeout=10).text
    finally:
        stop_service(server)
    stored = [row["complaint_id"] for row in csv.DictReader(io.StringIO(exported))]
    assert len(acknowledged) == 30
    assert stored == acknowledged
