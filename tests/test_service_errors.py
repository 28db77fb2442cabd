"""One error shape (RFC 9457 problem details) that never repeats the request."""

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.databases import migrated_sqlite
from tests.fixtures import free_port, service_client, start_service, stop_service

SECRET_TEXT = "Nama saya Siti Aminah, HP 081234567890"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with service_client(tmp_path_factory.mktemp("errors")) as test_client:
        yield test_client


#: Inputs that were answered 500 text/plain: the default 422 handler echoed them and could not
#: encode them (issue #12).
HOSTILE_BODIES = [
    b'{"text": "\\ud800"}',  # a lone surrogate, JSON-escaped
    b'{"text": "\xed\xa0\x80"}',  # the same as raw (invalid) UTF-8 bytes
    b'{"text": NaN}',
    b'{"text": Infinity}',
    b'{"text": -Infinity, "id": NaN}',
    b'{"text": "jalan rusak", "\\udfff": 1}',
    b'{"text": "jalan rusak", "id": "\\ud83d"}',
    b'{"text": 1e999}',
    b'{"text": ' + b"9" * 5000 + b"}",
    b"[" * 5000 + b"]" * 5000,
    b'{"text": "\xff\xfe"}',
]


@pytest.mark.parametrize("raw", HOSTILE_BODIES)
@pytest.mark.parametrize("path", ["/v1/classify", "/v1/feedback", "/v1/route"])
def test_hostile_bodies_get_a_problem_never_a_500(
    client: TestClient, path: str, raw: bytes
) -> None:
    response = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == response.status_code
    assert problem["type"].startswith("urn:complaint-nlp:problem:")
    assert problem["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        # Before: PostgreSQL refused the NUL and the service answered 503 database-unavailable
        # (retry in 2 s, for ever); the duplicate window fell back to one process's.
        ("/v1/feedback", {"complaint_id": "N-1", "text": "jalan\x00rusak", "urgency": "low",
                          "reviewer": "r"}, "NUL character"),
        ("/v1/classify", {"text": "jalan rusak", "id": "A\x00"}, "NUL character"),
        ("/v1/review/undo", {"reviewer": "r\x00"}, "NUL character"),
        # Before: 200, and an apparently empty complaint on the review desk.
        ("/v1/classify", {"text": "\u200b\u200b\u200f\u202e"}, "only invisible characters"),
        ("/v1/classify/batch", {"items": [{"text": "\u2060\ufeff \u00a0"}]}, "invisible"),
        # Letters drawn blank (Braille blank, Hangul filler): a reviewer "\u3164" was stored.
        ("/v1/review/undo", {"reviewer": "\u3164"}, "only invisible characters"),
        ("/v1/classify", {"text": "jalan rusak", "id": "\u2800 \uffa0"}, "invisible"),
    ],
)  # fmt: skip
def test_text_no_database_or_reader_can_take_is_422(
    client: TestClient, path: str, body: dict[str, object], message: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert message in str(response.json()["errors"])


@pytest.mark.parametrize(
    "raw", [b'{"text": "\xff\xfe"}', b'{"text": "x", "id": ' + b"9" * 5000 + b"}", b"[" * 20_000]
)
def test_a_body_json_cannot_read_says_why(client: TestClient, raw: bytes) -> None:
    # Before: FastAPI's "There was an error parsing the body".
    response = client.post(
        "/v1/classify", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("the body is not JSON text this service reads")


#: Every endpoint that takes a JSON body.
JSON_ENDPOINTS = [
    "/v1/classify", "/v1/classify/batch", "/v1/route", "/v1/feedback", "/v1/review/1",
    "/v1/review/undo",
]  # fmt: skip


@pytest.mark.parametrize(
    "raw",
    [
        b"this is not json " + SECRET_TEXT.encode(),
        b'{"text": "' + SECRET_TEXT.encode(),  # truncated
        b'{"text": "jalan rusak",}',
        b"",
        b"  \n",
    ],
)
@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_a_body_that_is_not_json_text_is_400_bad_request(
    client: TestClient, path: str, raw: bytes
) -> None:
    # Before: 422 invalid-request with errors [{"msg": "JSON decode error"}] (or, for an empty
    # body, "Field required"), while the README and the OpenAPI promise 400.
    response = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["title"]) == (
        "urn:complaint-nlp:problem:bad-request",
        "Bad Request",
    )
    assert "errors" not in problem
    assert "Siti" not in response.text and "not json" not in response.text


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/v1/classify", b'{"text": "jalan rusak", "text": "' + SECRET_TEXT.encode() + b'"}'),
        ("/v1/classify/batch", b'{"items": [{"text": "a", "id": "1", "id": "2"}]}'),
        ("/v1/feedback", b'{"complaint_id": "K-1", "text": "x", "urgency": "low", '
                         b'"urgency": "high", "reviewer": "r"}'),
        ("/v1/review/1", b'{"reviewer": "a", "reviewer": "b"}'),
    ],
)  # fmt: skip
def test_a_key_named_twice_is_400_not_the_last_value(
    client: TestClient, path: str, raw: bytes
) -> None:
    # Before: the last value counted, silently; a proxy or a log reading the first would see
    # another complaint than the one classified.
    response = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == (
        "the body names a key twice in one object; send each key once"
    )
    assert "Siti" not in response.text


def test_a_body_is_parsed_as_before_when_its_keys_are_unique(client: TestClient) -> None:
    raw = b'{"text": "Pohon tumbang menutup jalan", "id": "K-7"}'
    response = client.post(
        "/v1/classify", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["complaint_id"] == "K-7"


@pytest.mark.parametrize(
    "body",
    [
        {"text": SECRET_TEXT, "extra": SECRET_TEXT},
        {"text": 5, "id": SECRET_TEXT * 10},
        {SECRET_TEXT: 1},
        {"items": [{"text": SECRET_TEXT}]},
        {"text": "jalan rusak", "hp081234567890": 1},  # a field name with digits (a probe)
    ],
)
def test_error_answers_never_repeat_the_request(client: TestClient, body: object) -> None:
    response = client.post("/v1/classify", json=body)
    assert response.status_code == 422
    assert "Siti" not in response.text and "0812" not in response.text
    assert all(set(e) == {"loc", "msg"} for e in response.json()["errors"])


def test_route_never_echoes_an_unknown_unit(client: TestClient) -> None:
    unit = "x" * 30_000
    response = client.post("/v1/route", json={"category": "other", "urgency": "low", "unit": unit})
    assert response.status_code == 422
    assert len(response.content) < 2_000


def test_wrong_content_type_is_415(client: TestClient) -> None:
    body = json.dumps({"text": "jalan rusak"})
    for headers in (
        {"content-type": "text/plain"},
        {"content-type": "application/x-www-form-urlencoded"},
        {},
    ):
        response = client.post("/v1/classify", content=body, headers=headers)
        assert response.status_code == 415, headers
        assert response.json()["type"].endswith(":unsupported-media-type")
    for charset in ("utf-8", "UTF-8", '"utf-8"', "utf8"):
        ok = client.post(
            "/v1/classify", content=body,
            headers={"content-type": f"application/json; charset={charset}"},
        )  # fmt: skip
        assert ok.status_code == 200, charset
    # Before: read as UTF-8 whatever the charset said.
    latin = client.post(
        "/v1/classify", content='{"text": "jalan rusak di caf\xe9"}'.encode("latin-1"),
        headers={"content-type": "application/json; charset=ISO-8859-1"},
    )  # fmt: skip
    assert latin.status_code == 415
    assert "charset=iso-8859-1 is not UTF-8" in latin.json()["detail"]
    # Before: UTF-16 without a charset was read anyway (the json module guesses encodings).
    for encoding in ("utf-16", "utf-16-le", "utf-32"):
        wide = client.post(
            "/v1/classify", content='{"text": "jalan rusak"}'.encode(encoding),
            headers={"content-type": "application/json"},
        )  # fmt: skip
        assert wide.status_code == 400, encoding
        assert "not UTF-8 JSON" in wide.json()["detail"]


def test_every_answer_has_a_request_id_and_a_plain_caller_id_is_kept(client: TestClient) -> None:
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "lapor-2025.abc_1"})
    assert kept.headers["x-request-id"] == "lapor-2025.abc_1"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert replaced.headers["x-request-id"] != "bad id\twith spaces"
    # A caller's id with a phone number would be logged as it is: a new id instead.
    phone = client.get("/healthz", headers={"X-Request-ID": "WA-081234567890"})
    assert len(phone.headers["x-request-id"]) == 32
    # ... or a NIK the masking does not read as one (a hostile probe, 2026-12-01)
    for personal in ("36040112_0385_0001", "nik-3604011203850001", "0812.3456.7890"):
        answer = client.get("/healthz", headers={"X-Request-ID": personal})
        assert answer.headers["x-request-id"] != personal
    uuid = "550e8400-e29b-41d4-a716-446655440000"  # twelve digits in a row, but hexadecimal
    assert client.get("/healthz", headers={"X-Request-ID": uuid}).headers["x-request-id"] == uuid
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.json()["request_id"] == missing.headers["x-request-id"]


def test_openapi_lists_error_answers_and_the_api_key_scheme(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schema["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    classify = schema["paths"]["/v1/classify"]["post"]
    assert {"ApiKey": []} in classify["security"]
    for status in ("401", "413", "415", "422", "503"):
        content = classify["responses"][status]["content"]
        assert set(content) == {"application/problem+json"}, status
    assert "request_id" in schema["components"]["schemas"]["Problem"]["properties"]
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/static-offline-docs/{asset}" in page.text
        served = client.get(f"/static-offline-docs/{asset}")
        assert served.status_code == 200 and len(served.content) > 100_000


def test_a_client_that_leaves_mid_body_is_no_internal_error(tmp_path: Path) -> None:
    # Before: an ERROR line with a traceback and a 500 in the metrics for each such connection,
    # keyless callers included (a hostile probe, 2026-11-30).
    port = free_port()
    server = start_service(migrated_sqlite(tmp_path / "f.db"), port)
    try:
        for path, media in (
            ("/review/signin", "application/x-www-form-urlencoded"),
            ("/v1/classify", "application/json"),
        ):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(
                    f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {media}\r\n"
                    "Content-Length: 100\r\n\r\nkey=a".encode()
                )
                time.sleep(0.3)
        time.sleep(0.3)
        metrics = httpx2.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        answered = httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code
    finally:
        stop_service(server)
    assert answered == 200
    assert 'status="500"' not in metrics
    assert 'route="/v1/classify",status="499"' in metrics
