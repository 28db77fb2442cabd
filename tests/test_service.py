"""The real app through its test client."""

import csv
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.observability import JsonFormatter
from service.settings import Settings
from tests.fixtures import ADMIN_KEY, KEY, LOCAL, service_client

TEXT = "Pohon besar tumbang menutup jalan, kabel listrik putus. Mohon segera!"


@pytest.fixture(scope="module")
def client(module_database: str) -> Iterator[TestClient]:
    settings = Settings(
        max_text_chars=2_000, max_batch_items=5, max_batch_chars=5_000,
        database_url=module_database, classify_workers=1,
    )  # fmt: skip
    with TestClient(create_app(settings), client=LOCAL) as test_client:
        yield test_client


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {
        "status": "ready",
        "checks": {"model": "ok", "database": "ok"},
    }


@pytest.mark.parametrize(
    "path", ["/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/v1/model", "/openapi.json"]
)
def test_head_answers_wherever_get_does(client: TestClient, path: str) -> None:
    # Before: 405 method not allowed (uptime checkers ask with HEAD, curl -I too).
    answer = client.head(path)
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-type"] == client.get(path).headers["content-type"]


def test_not_ready_without_a_model(tmp_path: Path) -> None:
    with service_client(tmp_path, model_path=tmp_path / "none") as no_model:
        assert no_model.get("/healthz").status_code == 200
        ready = no_model.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["model"] == "no usable model"
        assert no_model.post("/v1/classify", json={"text": TEXT}).status_code == 503


def test_classify_gives_one_triage_result(client: TestClient) -> None:
    response = client.post("/v1/classify", json={"text": TEXT, "id": "S-1"})
    assert response.status_code == 200
    body = response.json()
    assert body["complaint_id"] == "S-1"
    assert (body["category"], body["urgency"]) == ("infrastructure", "high")
    assert body["route"]["escalate"] is True
    assert body["units"][0]["code"]
    again = client.post("/v1/classify", json={"text": TEXT.lower(), "id": "S-2"}).json()
    assert again["duplicate_of"]["id"] == "S-1"


def test_batch_keeps_order(client: TestClient) -> None:
    items = [
        {"id": "b1", "text": "KTP saya belum jadi sudah tiga bulan"},
        {"id": "b2", "text": "aplikasi layanan error tidak bisa login"},
    ]
    response = client.post("/v1/classify/batch", json={"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["complaint_id"] for r in results] == ["b1", "b2"]
    assert [r["category"] for r in results] == ["bureaucracy", "information_technology"]


def test_route_for_hand_labels(client: TestClient) -> None:
    body = {"category": "bureaucracy", "urgency": "medium", "unit": "civil_registry"}
    response = client.post("/v1/route", json=body)
    assert response.status_code == 200
    assert response.json()["unit_id"] == "disdukcapil"
    assert response.json()["sla_hours"] == 72


def test_model_description(client: TestClient) -> None:
    body = client.get("/v1/model").json()
    assert body["backend"] == "linear"
    assert body["gold_test"]["category"]["macro_f1"] > 0.7


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/healthz", "GET, HEAD"),
        # Before: "GET" alone (the first route's), and 422 for POST /v1/review/queue (read as
        # an item id).
        ("DELETE", "/v1/review/2", "GET, HEAD, POST"),
        ("POST", "/v1/review/queue", "GET, HEAD"),
        ("GET", "/v1/review/undo", "POST"),
        ("PUT", "/v1/classify", "POST"),
    ],
)
def test_405_names_every_method_of_the_path(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    answer = client.request(method, path, json={})
    assert answer.status_code == 405, answer.text
    assert answer.headers["allow"] == allow
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("path", "payload", "code"),
    [
        ("/v1/classify", {"text": 42}, 422),
        ("/v1/classify", {"text": ""}, 422),
        ("/v1/classify", {"text": "   "}, 422),
        ("/v1/classify", {}, 422),
        ("/v1/classify", {"text": "jalan rusak", "extra": 1}, 422),
        ("/v1/classify", {"text": "x" * 2_001}, 413),
        ("/v1/classify", ["jalan rusak"], 422),
        ("/v1/classify/batch", {"items": []}, 422),
        ("/v1/classify/batch", {"items": [{"text": "jalan rusak"}] * 6}, 413),
        ("/v1/classify/batch", {"items": [{"text": None}]}, 422),
        ("/v1/route", {"category": "roads", "urgency": "high"}, 422),
        ("/v1/route", {"category": "other", "urgency": "high", "unit": "roads"}, 422),
    ],
)
def test_bad_input_gets_a_clear_4xx(
    client: TestClient, path: str, payload: object, code: int
) -> None:
    response = client.post(path, json=payload)
    assert response.status_code == code, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == code


@pytest.mark.parametrize(
    ("path", "payload", "message"),
    [
        # Before: "item 0: text has ..." for a request with one text, and "at most 200 items
        # after validation" for 300 characters.
        ("/v1/classify", {"text": "x" * 2_001}, "text has 2001 characters, the limit is 2000"),
        ("/v1/classify/batch", {"items": [{"text": "ok"}, {"text": "x" * 2_001}]}, "item 1: text"),
        # Before: a full batch of long texts kept the workers past the budget (a probe).
        (
            "/v1/classify/batch",
            {"items": [{"text": "x" * 2_000}] * 3},
            "the batch's texts hold 6000 characters in all, the limit is 5000",
        ),
        ("/v1/classify", {"text": "jalan rusak", "id": "x" * 300}, "at most 200 characters"),
        ("/v1/classify/batch", {"items": [{"text": "ok", "id": "x" * 201}]}, "200 characters"),
        ("/v1/review/undo", {"reviewer": "x" * 201}, "at most 200 characters"),
        # Before: an id "" answered as given, a reviewer "a\r\nb" stored (a hostile probe)
        ("/v1/classify", {"text": "jalan rusak", "id": "  "}, "at least 1 character"),
        ("/v1/classify", {"text": "jalan rusak", "id": "A-1\nB-2"}, "must be one line"),
        ("/v1/review/undo", {"reviewer": "budi\r\nadmin"}, "must be one line"),
        ("/v1/classify", {"text": "jalan rusak", "id": "A-1\u2028B"}, "must be one line"),
        ("/v1/review/undo", {"reviewer": "\u202eninmda"}, "must be one line"),
    ],
)
def test_limits_are_told_in_the_requests_terms(
    client: TestClient, path: str, payload: object, message: str
) -> None:
    problem = client.post(path, json=payload).json()
    assert problem["detail"].startswith(message) or message in str(problem["errors"]), problem
    assert "item 0" not in str(problem) and "items after validation" not in str(problem)


@pytest.mark.parametrize(
    "raw", [b"{not json", b"\xff\xfe\x00garbage", b"", b'{"text": "\xff\xff"}']
)
def test_broken_bodies_are_4xx_never_500(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/v1/classify", content=raw, headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500


def test_api_keys_when_configured(tmp_path: Path) -> None:
    with service_client(tmp_path, api_keys=[KEY]) as secured:
        assert secured.post("/v1/classify", json={"text": TEXT}).status_code == 401
        wrong = secured.post("/v1/classify", json={"text": TEXT}, headers={"X-API-Key": "x"})
        assert wrong.status_code == 401
        ok = secured.post("/v1/classify", json={"text": TEXT}, headers={"X-API-Key": KEY})
        assert ok.status_code == 200
        assert secured.get("/healthz").status_code == 200


@pytest.mark.parametrize("caller", ["127.0.0.1", "::1", "10.0.0.7", "203.0.113.5", "testclient"])
def test_without_api_keys_only_local_callers_are_answered(tmp_path: Path, caller: str) -> None:
    local = caller in ("127.0.0.1", "::1")
    with service_client(tmp_path, caller=(caller, 40000)) as app:
        for response in (
            app.post("/v1/classify", json={"text": TEXT}),
            app.get("/healthz"),
            app.get("/metrics"),
        ):
            assert response.status_code == (200 if local else 403)
        if not local:
            assert "only answers local callers" in response.json()["detail"]
    # With keys: anyone who has one.
    with service_client(tmp_path, caller=(caller, 40000), api_keys=[KEY]) as app:
        assert app.post("/v1/classify", json={"text": TEXT}, headers={"X-API-Key": KEY}).is_success


def test_oversized_bodies_get_413_announced_or_streamed(tmp_path: Path) -> None:
    big = json.dumps({"items": [{"text": "jalan rusak " * 50}] * 5}).encode()
    with service_client(tmp_path, max_body_bytes=1_024, max_batch_bytes=2_000) as app:
        announced = app.post(
            "/v1/classify/batch", content=big, headers={"content-type": "application/json"}
        )
        streamed = app.post(  # chunked: no Content-Length to trust
            "/v1/classify/batch",
            content=(big[i : i + 256] for i in range(0, len(big), 256)),
            headers={"content-type": "application/json"},
        )
        small = app.post("/v1/classify", json={"text": TEXT})
        counted = app.get("/metrics").text
    for response in (announced, streamed):
        assert response.status_code == 413
        assert "over the limit of 2000 bytes" in response.json()["detail"]
    assert small.status_code == 200
    assert 'route="/v1/classify/batch",status="413"' in counted


def test_service_command_refuses_a_public_address_without_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.__main__ import main

    monkeypatch.delenv("COMPLAINT_API_KEYS", raising=False)
    assert main(["--host", "0.0.0.0", "--port", "1"]) == 2
    assert "refusing to listen on 0.0.0.0" in capsys.readouterr().err


def test_feedback_is_stored_masked_and_exported(database: str, tmp_path: Path) -> None:
    correction = {
        "complaint_id": "F-1",
        "text": "KTP belum jadi, NIK 3604011203850001 hp 081234567890",
        "category": "human_resources",
        "urgency": "high",
        "reviewer": "petugas-1",
    }
    with service_client(tmp_path, database_url=database) as app:
        response = app.post("/v1/feedback", json=correction)
        assert response.status_code == 201
        assert response.json()["complaint_id"] == "F-1"
        assert (
            app.post(
                "/v1/feedback", json={**correction, "category": None, "urgency": None}
            ).status_code
            == 422
        )
        exported = app.get("/v1/feedback/export")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 1
    assert rows[0]["text"] == "KTP belum jadi, NIK [NIK] hp [TELEPON]"
    assert (rows[0]["category"], rows[0]["urgency"], rows[0]["unit"]) == (
        "human_resources",
        "high",
        "",
    )


def test_feedback_survives_restarts(database: str, tmp_path: Path) -> None:
    body = {"complaint_id": "R", "text": "jalan rusak", "urgency": "medium", "reviewer": "r"}
    for round_ in range(3):
        with service_client(tmp_path, database_url=database) as app:
            assert (
                app.post("/v1/feedback", json={**body, "complaint_id": f"R-{round_}"}).status_code
                == 201
            )
    with service_client(tmp_path, database_url=database) as app:
        rows = list(csv.DictReader(io.StringIO(app.get("/v1/feedback/export").text)))
    assert [r["complaint_id"] for r in rows] == ["R-0", "R-1", "R-2"]


def test_two_api_key_headers_are_refused(database: str, tmp_path: Path) -> None:
    # Before: the first header decided (a valid key then a wrong one: 200).
    with service_client(tmp_path, database_url=database, api_keys=[KEY]) as app:
        for pair in ((KEY, "wrong"), ("wrong", KEY), (KEY, KEY)):
            headers = [("X-API-Key", pair[0]), ("X-API-Key", pair[1])]
            answer = app.get("/v1/model", headers=headers)
            assert answer.status_code == 400 and "one X-API-Key" in answer.json()["detail"]


def test_export_needs_the_admin_key(database: str, tmp_path: Path) -> None:
    keys: dict[str, Any] = {"api_keys": [KEY], "admin_key": ADMIN_KEY}
    with service_client(tmp_path, database_url=database, **keys) as app:
        assert app.get("/v1/feedback/export", headers={"X-API-Key": KEY}).status_code == 403
        assert app.get("/v1/feedback/export", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
        # No key or an unknown one: who is asking is not known (before: 403).
        for headers in ({}, {"X-API-Key": "not-a-key"}):
            answer = app.get("/v1/feedback/export", headers=headers)
            assert answer.status_code == 401, headers
            assert answer.headers["www-authenticate"]
    with service_client(tmp_path, database_url=database, api_keys=[KEY]) as app:
        assert app.get("/v1/feedback/export", headers={"X-API-Key": KEY}).status_code == 403


def test_metrics_count_requests_and_predictions(client: TestClient) -> None:
    client.post("/v1/classify", json={"text": "lampu jalan mati sudah seminggu"})
    text = client.get("/metrics").text
    assert 'complaint_requests_total{method="POST",route="/v1/classify",status="200"}' in text
    assert "complaint_request_seconds_bucket" in text
    assert 'complaint_predictions_total{head="category",label="infrastructure"}' in text
    assert "complaint_needs_review_total" in text


def test_metrics_count_rejected_and_unknown_requests(client: TestClient) -> None:
    assert client.post("/v1/classify", json={"text": ""}).status_code == 422
    assert client.get("/v1/nothing-here").status_code == 404
    text = client.get("/metrics").text
    assert 'complaint_requests_total{method="POST",route="/v1/classify",status="422"}' in text
    assert 'complaint_requests_total{method="GET",route="unmatched",status="404"}' in text


def test_logs_are_json_and_hold_no_complaint_text(client: TestClient) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("complaint_nlp.service")
    logger.addHandler(handler)
    try:
        client.post("/v1/classify", json={"text": "Nama saya Siti, HP 081234567890, jalan rusak"})
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]
    assert any(e.get("route") == "/v1/classify" and e.get("status") == 200 for e in entries)
    assert all("Siti" not in line and "0812" not in line for line in lines)


EXPECTED = {  # what each documented classify example claims in its summary
    "pohon_tumbang": ("infrastructure", "high"),
    "ktp_belum_jadi": ("bureaucracy", None),
    "aplikasi_error": ("information_technology", None),
    "pungli": ("human_resources", None),
    "saran": (None, "low"),
}


def test_documented_examples_work_and_say_what_they_show(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/classify", "/v1/classify/batch", "/v1/route", "/v1/feedback"):
        body = paths[path]["post"]["requestBody"]["content"]["application/json"]
        assert body["examples"], path
        for name, example in body["examples"].items():
            response = client.post(path, json=example["value"])
            assert response.is_success, (path, name, response.text)
            if path == "/v1/classify":
                category, urgency = EXPECTED[name]
                result = response.json()
                assert category in (None, result["category"]), name
                assert urgency in (None, result["urgency"]), name
