"""Limits answered before the body is parsed: per-endpoint body sizes and batch items."""

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.errors import ContentTooLargeError
from service.limits import check_items
from tests.databases import migrated_sqlite
from tests.fixtures import free_port, service_client, start_service, stop_service

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with service_client(tmp_path_factory.mktemp("limits")) as test_client:
        yield test_client


def test_a_batch_of_millions_of_tiny_items_is_refused_before_parsing(client: TestClient) -> None:
    # Before (issue #12): 32 MB of 2.5 million items cost 2 GB of memory and an 8 s stall.
    body = b'{"items": [' + b",".join([b'{"text":"a"}'] * 2_500_000) + b"]}"
    assert len(body) < 32 * 1024 * 1024
    start = time.perf_counter()
    response = client.post("/v1/classify/batch", content=body, headers=JSON)
    seconds = time.perf_counter() - start
    assert response.status_code == 413
    assert "more than 1000 items" in response.json()["detail"]
    assert seconds < 2.0


@pytest.mark.parametrize(
    "body",
    [
        b'{"items": [' + b",".join([b"[]"] * 1_000_000) + b"]}",  # no objects at all
        b'{"items": [{"text": "a", "id": [' + b",".join([b"1"] * 1_000_000) + b"]}]}",
        b'{"items": [' + b",".join([b'"ab"'] * 1_000_000) + b"]}",
    ],
)
def test_batches_of_junk_values_are_bounded_too(client: TestClient, body: bytes) -> None:
    start = time.perf_counter()
    response = client.post("/v1/classify/batch", content=body, headers=JSON)
    assert response.status_code == 413
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "body",
    [
        b'{"items": [' + b'"\\' * 24_000,  # strings never closed: 6 s of a frozen service before
        b'{"items": ["' + b'\\"' * 500_000 + b"\\",  # ... ending in a lone backslash
        b'{"items": [' + b'"\\' * 600_000,  # over 1 MB: scanned in a thread, which froze too
        b'{"items": [' + b'"\\' * 15_500_000,  # 31 MB: 5.7 s of one regular expression call
    ],
)
def test_unclosed_strings_are_scanned_in_linear_time(client: TestClient, body: bytes) -> None:
    start = time.perf_counter()
    check_items(body, 1000)  # one string to the end of the body: no item over the limit
    response = client.post("/v1/classify/batch", content=body, headers=JSON)
    assert response.status_code == 400
    assert time.perf_counter() - start < 2.0


def test_item_counting_ignores_commas_and_brackets_inside_texts() -> None:
    texts = [{"id": f"{i}", "text": 'jalan [rusak], {parah}, \\" koma, "x"'} for i in range(3)]
    body = json.dumps({"items": texts}).encode()
    check_items(body, 3)
    with pytest.raises(ContentTooLargeError):
        check_items(body, 2)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/classify", {"text": "jalan rusak " * 25_000}),  # 300 KB
        (
            "/v1/feedback",
            {"complaint_id": "K", "text": "x" * 10_000_000, "urgency": "low", "reviewer": "r"},
        ),
        ("/v1/route", {"category": "other", "urgency": "low", "unit": "x" * 30_000_000}),
    ],
)
def test_single_request_bodies_are_capped_at_256_kib(
    client: TestClient, path: str, body: dict[str, object]
) -> None:
    raw = json.dumps(body).encode()
    announced = client.post(path, content=raw, headers=JSON)
    streamed = client.post(
        path, content=(raw[i : i + 65_536] for i in range(0, len(raw), 65_536)), headers=JSON
    )
    for response in (announced, streamed):
        assert response.status_code == 413
        assert response.json()["detail"] == "request body over the limit of 262144 bytes"
        assert response.json()["title"] == "Content Too Large"  # RFC 9110's name on any Python
        assert len(response.content) < 1_000  # nothing of the body comes back


def test_a_full_batch_is_accepted(client: TestClient) -> None:
    body = json.dumps({"items": [{"text": "jalan rusak"}] * 1000}).encode()
    response = client.post("/v1/classify/batch", content=body, headers=JSON)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1000


def test_a_text_at_the_character_limit_fits_however_json_escapes_it(client: TestClient) -> None:
    # Before: Python's json.dumps writes an emoji as two escapes (12 bytes); 11,000 of them
    # were refused (413) under 20,000 characters, and accepted sent as UTF-8.
    text = "jalan rusak 😀" + "😀" * 19_987
    assert len(text) == 20_000
    raw = json.dumps({"text": text}).encode()
    assert len(raw) > 128 * 1024
    assert client.post("/v1/classify", content=raw, headers=JSON).status_code == 200


def test_a_body_that_stops_arriving_is_408_and_the_connection_closed(tmp_path: Path) -> None:
    # Before: "Content-Length: 100" and one byte held the connection open for good (a probe).
    port = free_port()
    server = start_service(migrated_sqlite(tmp_path / "f.db"), port, body_timeout_seconds="1")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
            connection.sendall(
                b"POST /v1/classify HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            start, answer = time.monotonic(), b""
            while chunk := connection.recv(65536):  # until the service closes it
                answer += chunk
            seconds = time.monotonic() - start
    finally:
        stop_service(server)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:100]
    assert b"no part of the body arrived for 1 s" in answer
    assert 0.9 < seconds < 15
