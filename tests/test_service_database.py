"""Feedback storage under database faults, retries, personal data and spreadsheet exports, on
SQLite and on PostgreSQL."""

import csv
import io
import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from complaint_nlp.dataset import read_feedback
from complaint_nlp.spreadsheet import escape_cell, unescape_cell
from service.database import Database
from service.errors import DatabaseUnavailableError
from service.observability import JsonFormatter
from tests.databases import PostgresCluster, read_only, write_locked
from tests.fixtures import service_client

REVIEWER = "Reviewer Rahasia Sekali"
CORRECTION = {"complaint_id": "K-1", "text": "lampu jalan mati", "urgency": "medium",
              "reviewer": REVIEWER}  # fmt: skip
#: What each database says when a write waited its whole timeout for a lock.
LOCKED = {"sqlite": "database is locked", "postgresql": "lock timeout"}


def _service_log() -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("complaint_nlp.service").addHandler(handler)
    return stream, handler


def test_a_locked_database_is_503_with_retry_after_within_the_busy_timeout(
    database: str, tmp_path: Path
) -> None:
    # Before (issue #12): a plain-text 500 after up to 15 s, while /readyz said ready.
    with (
        write_locked(database),
        service_client(tmp_path, database_url=database, database_timeout_seconds=2.0) as app,
    ):
        stream, handler = _service_log()  # after the app configured its logging
        try:
            start = time.perf_counter()
            response = app.post("/v1/feedback", json=CORRECTION)
            seconds = time.perf_counter() - start
            ready = app.get("/readyz")
            assert app.post("/v1/classify", json={"text": "jalan rusak"}).status_code == 200
        finally:
            logging.getLogger("complaint_nlp.service").removeHandler(handler)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json()["type"].endswith(":database-unavailable")
    assert 1.5 < seconds < 4.0
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"model": "ok", "database": "unavailable"}
    assert LOCKED[database.split(":")[0].split("+")[0]] in stream.getvalue()
    assert REVIEWER not in stream.getvalue()  # SQL parameters are never logged


def test_sql_parameters_never_reach_the_logs_even_at_info(
    database: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        service_client(tmp_path, database_url=database) as app,
        caplog.at_level(logging.INFO, logger="sqlalchemy.engine.Engine"),
    ):
        app.get("/readyz")
        engine = app.app.state.service.database.engine  # type: ignore[attr-defined]
        engine.echo = True  # as someone debugging would
        assert app.post("/v1/feedback", json=CORRECTION).status_code == 201
    assert "INSERT INTO feedback" in caplog.text
    assert REVIEWER not in caplog.text


def test_a_runaway_statement_is_cancelled_on_postgresql(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    # Before, only lock waits were bounded: a statement on a stalled disk or a runaway plan held
    # its connection and its request for as long as it ran.
    url = postgres.new_database()
    database = Database(url, timeout=2, statement_timeout=0.3)
    start = time.perf_counter()
    with pytest.raises(DatabaseUnavailableError), database.transaction() as connection:
        connection.execute(text("SELECT pg_sleep(5)"))
    assert time.perf_counter() - start < 2.0
    database.dispose()
    with service_client(tmp_path, database_url=url, database_statement_timeout_seconds=4) as app:
        engine = app.app.state.service.database.engine  # type: ignore[attr-defined]
        with engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "4s"


def test_a_read_only_database_is_503_at_once(database: str, tmp_path: Path) -> None:
    with service_client(tmp_path, database_url=read_only(database)) as app:
        start = time.perf_counter()
        response = app.post("/v1/feedback", json=CORRECTION)
        assert time.perf_counter() - start < 1.0
        assert app.get("/readyz").status_code == 503
        assert app.get("/v1/feedback/export").status_code == 200  # reading still works
    assert response.status_code == 503
    assert "retry-after" in response.headers


def test_an_idempotency_key_stores_a_retried_correction_once(database: str, tmp_path: Path) -> None:
    with service_client(tmp_path, database_url=database) as app:
        key = {"Idempotency-Key": "4f9c2a1e-7b1d-4c7e-9a57-1d2b3c4d5e6f"}
        first = app.post("/v1/feedback", json=CORRECTION, headers=key)
        again = app.post("/v1/feedback", json=CORRECTION, headers=key)
        other = app.post("/v1/feedback", json={**CORRECTION, "urgency": "high"}, headers=key)
        unkeyed = [app.post("/v1/feedback", json=CORRECTION) for _ in range(2)]
        bad_key = app.post("/v1/feedback", json=CORRECTION, headers={"Idempotency-Key": "a b"})
        two_keys = app.post(
            "/v1/feedback", json=CORRECTION,
            headers=[("Idempotency-Key", "kunci-a"), ("Idempotency-Key", "kunci-b")],
        )  # fmt: skip
        rows = list(csv.DictReader(io.StringIO(app.get("/v1/feedback/export").text)))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert other.status_code == 422
    assert "another correction" in other.json()["detail"]
    assert [r.status_code for r in unkeyed] == [201, 201]
    assert bad_key.status_code == 422
    assert two_keys.status_code == 400 and "one Idempotency-Key" in two_keys.json()["detail"]
    assert len(rows) == 3
    stored_at = datetime.fromisoformat(rows[0]["created_at"])  # alike from either database
    assert stored_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stored_at) < timedelta(minutes=5)


def test_ids_and_reviewers_are_stored_masked(database: str, tmp_path: Path) -> None:
    correction = {**CORRECTION, "complaint_id": "WA 081234567890",
                  "reviewer": "petugas budi@contoh.go.id"}  # fmt: skip
    with service_client(tmp_path, database_url=database) as app:
        stored = app.post("/v1/feedback", json=correction)
        rows = list(csv.DictReader(io.StringIO(app.get("/v1/feedback/export").text)))
    assert stored.json()["complaint_id"] == "WA [TELEPON]"
    assert (rows[0]["complaint_id"], rows[0]["reviewer"]) == ("WA [TELEPON]", "petugas [EMAIL]")


def test_formula_cells_are_escaped_in_the_export_and_read_back(
    database: str, tmp_path: Path
) -> None:
    formulas = {
        "complaint_id": '=HYPERLINK("http://contoh.id/x","klik")',
        "text": "+62 jalan rusak",
        "reviewer": "@petugas",
    }
    with service_client(tmp_path, database_url=database) as app:
        assert app.post("/v1/feedback", json={**CORRECTION, **formulas}).status_code == 201
        assert app.post("/v1/feedback", json={**CORRECTION, "text": "-5 derajat"}).status_code
        exported = app.get("/v1/feedback/export").text
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows[0]["complaint_id"] == "'" + formulas["complaint_id"]
    assert rows[0]["text"] == "'+62 jalan rusak"
    assert rows[0]["reviewer"] == "'@petugas"
    assert rows[1]["text"] == "'-5 derajat"
    export = tmp_path / "feedback.csv"
    export.write_text(exported, encoding="utf-8")
    read = read_feedback(export)
    assert read[formulas["complaint_id"]]["text"] == "+62 jalan rusak"


@given(st.text())
def test_escaping_a_cell_round_trips(value: str) -> None:
    escaped = escape_cell(value)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_cell(escaped) == value


def test_feedback_texts_obey_the_text_limit(tmp_path: Path) -> None:
    with service_client(tmp_path, max_text_chars=100) as app:
        long = app.post("/v1/feedback", json={**CORRECTION, "text": "x" * 101})
        huge = app.post("/v1/feedback", json={**CORRECTION, "text": "x" * 10_000_000})
    assert long.status_code == 413
    assert "limit is 100" in long.json()["detail"]
    assert huge.status_code == 413  # refused on its size before it is read (a 10 MB text was)


def test_a_complaint_that_needs_review_is_not_answered_unless_queued(
    database: str, tmp_path: Path
) -> None:
    flagged = {
        "id": "K-9",
        "text": "Anak saya belum dapat kartu KIS padahal sudah daftar, besok mau operasi",
    }
    with (
        write_locked(database),
        service_client(tmp_path, database_url=database, database_timeout_seconds=0.5) as app,
    ):
        response = app.post("/v1/classify", json=flagged)
        assert response.status_code == 503
        assert response.json()["type"].endswith(":database-unavailable")
        assert app.post("/v1/classify", json={"text": "jalan rusak"}).status_code == 200
