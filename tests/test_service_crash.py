"""Acknowledged feedback survives a crash: a real uvicorn is killed (SIGKILL) between writes."""

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

CORRECTION = {"text": "lampu jalan mati", "urgency": "medium", "reviewer": "petugas"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(database: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COMPLAINT_DATABASE_URL": f"sqlite:///{database}",
           "COMPLAINT_LOG_LEVEL": "WARNING"}  # fmt: skip
    server = subprocess.Popen(  # the command `make run` uses
        [sys.executable, "-m", "service", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx2.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the service did not start")


def test_acknowledged_feedback_survives_kill_and_restart(tmp_path: Path) -> None:
    database = tmp_path / "feedback.db"
    acknowledged: list[str] = []
    for round_ in range(3):
        port = _free_port()
        server = _start(database, port)
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
            server.send_signal(signal.SIGKILL)  # no shutdown: as a crash would
            server.wait(timeout=30)
    port = _free_port()
    server = _start(database, port)
    try:
        exported = httpx2.get(f"http://127.0.0.1:{port}/v1/feedback/export", timeout=10).text
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = [row["complaint_id"] for row in csv.DictReader(io.StringIO(exported))]
    assert len(acknowledged) == 30
    assert stored == acknowledged
