"""The API's documentation pages work offline: nothing they load comes from anywhere else, in a
real browser too (Debian's headless Chromium against ``python -m service``)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import ConsoleMessage, Request, sync_playwright

from service.routers.docs import REDOC_LOGO
from tests.databases import migrated_sqlite
from tests.fixtures import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    service_client,
    start_service,
    stop_service,
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with service_client(tmp_path_factory.mktemp("docs")) as test_client:
        yield test_client


def test_the_root_leads_to_the_docs(client: TestClient) -> None:
    # Before: 404, while the banner of python -m service invites to open it.
    for method in ("GET", "HEAD"):
        answer = client.request(method, "/", follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (307, "/docs")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_pages_may_load_only_this_services_files(client: TestClient, page: str) -> None:
    answer = client.get(page)
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "http" not in policy
    assert "cdn" not in answer.text.lower()


def test_redoc_is_served_without_redoclys_logo(client: TestClient) -> None:
    shipped = resources.files("fastapi_offline").joinpath("static", "redoc.standalone.js")
    # The address this module removes is still in the package's bundle (else: look again).
    assert REDOC_LOGO in shipped.read_bytes()
    assert "/redoc/redoc.standalone.js" in client.get("/redoc").text
    served = client.get("/redoc/redoc.standalone.js")
    assert served.status_code == 200 and len(served.content) > 1_000_000
    assert b"cdn.redoc.ly" not in served.content


def test_the_pages_fetch_nothing_from_elsewhere_in_a_browser(tmp_path: Path) -> None:
    # Before: /redoc fetched https://cdn.redoc.ly/redoc/logo-mini.svg.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_service(migrated_sqlite(tmp_path / "f.db"), port)
    problems: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page()

            def request(sent: Request) -> None:
                # ReDoc's search worker comes from a blob: URL the page made itself.
                if not sent.url.startswith((base, f"blob:{base}/")):
                    problems.append(sent.url)

            page.on("request", request)

            def console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    problems.append(message.text)

            page.on("console", console)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"{base}/")  # to /docs
            page.get_by_text("/v1/classify/batch").first.wait_for()
            page.goto(f"{base}/redoc")
            page.get_by_text("API docs by Redocly").wait_for()
            page.get_by_role("heading", name="complaint_nlp").first.wait_for()
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        stop_service(server)
    assert problems == []
