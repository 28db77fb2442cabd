"""Who may call: keys checked before a body is read, and no trust in proxy headers."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from service.settings import Settings
from tests.fixtures import KEY, service_client

TEXT = "Lampu jalan mati sudah seminggu"


@pytest.mark.parametrize("keys", [[""], ["", KEY], ["pendek"], [" " * 15]])
def test_empty_or_short_keys_are_refused(keys: list[str]) -> None:
    # Before (issue #12): COMPLAINT_API_KEYS='["","k"]' let requests without a key through and
    # turned the loopback guard off.
    with pytest.raises(ValidationError, match=r"at least 16 characters|only visible ASCII"):
        Settings(api_keys=keys)  # type: ignore[arg-type]


def test_a_missing_key_never_matches_even_an_empty_one() -> None:
    from service.auth import key_matches

    assert not key_matches(None, [""])
    assert not key_matches("", [""])


def test_unauthenticated_bodies_are_never_read(tmp_path: Path) -> None:
    read: list[bytes] = []

    def body() -> Iterator[bytes]:
        for chunk in (b'{"items": [', b'{"text": "jalan rusak"}', b"]}"):
            read.append(chunk)
            yield chunk

    with service_client(tmp_path, api_keys=[KEY]) as app:
        for path in ("/v1/classify/batch", "/v1/classify", "/v1/feedback", "/v1/route"):
            response = app.post(path, content=body(), headers={"content-type": "application/json"})
            assert response.status_code == 401, path
            assert response.headers["content-type"] == "application/problem+json"
        announced = app.post(  # a huge announced body is refused as unauthenticated, unread
            "/v1/classify/batch",
            content=b"{}",
            headers={"content-type": "application/json", "content-length": str(10**12)},
        )
        assert announced.status_code == 401
    assert read == []


@pytest.mark.parametrize(
    ("caller", "headers", "code"),
    [
        ("127.0.0.1", {}, 200),
        ("::ffff:127.0.0.1", {}, 200),  # a dual-stack socket reports IPv4 callers so
        ("::1", {}, 200),
        ("::ffff:10.0.0.7", {}, 403),
        ("127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}, 403),  # a local proxy forwarding
        ("127.0.0.1", {"Forwarded": "for=127.0.0.1"}, 403),
        ("127.0.0.1", {"X-Real-IP": "127.0.0.1"}, 403),
    ],
)
def test_without_keys_only_direct_local_callers_are_answered(
    tmp_path: Path, caller: str, headers: dict[str, str], code: int
) -> None:
    with service_client(tmp_path, caller=(caller, 40000)) as app:
        response = app.post("/v1/classify", json={"text": TEXT}, headers=headers)
        assert response.status_code == code, response.text
        assert app.get("/healthz", headers=headers).status_code == code


def test_a_forged_forwarded_for_does_not_make_a_remote_caller_local(tmp_path: Path) -> None:
    # uvicorn --proxy-headers --forwarded-allow-ips='*' rewrites the client address from the
    # header, so the app must not trust the address once a forwarding header is present.
    with service_client(tmp_path, caller=("203.0.113.5", 40000)) as app:
        app.app = ProxyHeadersMiddleware(app.app, trusted_hosts="*")  # type: ignore[arg-type,assignment]
        response = app.post(
            "/v1/classify", json={"text": TEXT}, headers={"X-Forwarded-For": "127.0.0.1"}
        )
    assert response.status_code == 403
    assert "not through a proxy" in response.json()["detail"]


def test_reviewer_keys_open_the_network_the_admin_key_alone_does_not() -> None:
    assert Settings(reviewer_keys=[KEY]).serves_network  # type: ignore[list-item]
    assert Settings(api_keys=[KEY]).serves_network  # type: ignore[list-item]
    assert not Settings(admin_key=KEY).serves_network  # type: ignore[arg-type]
    assert not Settings().serves_network
