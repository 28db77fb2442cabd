"""service/deploy's nginx site, run by Debian's nginx on loopback in front of two service
processes on one PostgreSQL database: TLS, body caps (413), per-key rate limits (429 with
Retry-After), both processes serving one duplicate window and one desk session."""

import asyncio
import json
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.databases import PostgresCluster
from tests.fixtures import desk_sign_ins_held, free_port, start_service, stop_service

DEPLOY = Path(__file__).parents[1] / "service" / "deploy"
SITE = DEPLOY / "nginx" / "complaint-nlp.conf"
LOCATIONS = DEPLOY / "nginx" / "complaint-nlp-locations.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
KEYS = ["kunci-desk-provinsi-01", "kunci-desk-provinsi-02"]
REVIEWER_KEY = "kunci-peninjau-provinsi-01"
#: What /etc/complaint-nlp/env gives every instance: a desk session signed by one is read by all.
SESSION_SECRET = "rahasia-sesi-bersama-kedua-instans-0001"
ORIGINAL = "Jembatan penyeberangan di depan pasar Rau retak dan goyang, mohon segera diperiksa"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (a day long)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def _site(upstreams: list[int], tls_port: int, http_port: int, cert: Path, key: Path) -> str:
    """The shipped site, with loopback ports, the test certificate and the snippet's path: each
    replaced line must be there exactly once, so a change to the file's shape fails here."""
    text = SITE.read_text(encoding="utf-8")
    replacements = {
        "server 127.0.0.1:8001 ": f"server 127.0.0.1:{upstreams[0]} ",
        "server 127.0.0.1:8002 ": f"server 127.0.0.1:{upstreams[1]} ",
        "    listen 80;\n    listen [::]:80;\n": f"    listen 127.0.0.1:{http_port};\n",
        "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n":
            f"    listen 127.0.0.1:{tls_port} ssl http2;\n",
        "/etc/letsencrypt/live/complaints.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/complaints.example.org/privkey.pem": str(key),
        "/etc/nginx/snippets/complaint-nlp-locations.conf": str(LOCATIONS),
    }  # fmt: skip
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    listens = re.findall(r"^\s*listen (\S+)", text, flags=re.MULTILINE)
    assert len(listens) == 2 and all(a.startswith("127.0.0.1:") for a in listens)
    return text


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.time() + 30
    while time.time() < deadline and process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    said = log.read_text() if log.exists() else ""
    raise AssertionError(f"nginx did not start: {said}")


@pytest.fixture(scope="module")
def deployment(postgres: PostgresCluster) -> Iterator[tuple[str, str, list[int], ssl.SSLContext]]:
    """nginx (HTTPS and HTTP base URLs) in front of two service processes (their ports)."""
    database = postgres.new_database()
    folder = Path(tempfile.mkdtemp(prefix="complaint-nlp-nginx-"))
    folder.chmod(0o755)  # nginx's workers (nobody, when the test runs as root) make temp files
    ports = [free_port(), free_port()]
    servers: list[subprocess.Popen[bytes]] = []
    starting = [
        threading.Thread(target=lambda p=port: servers.append(start_service(
            database, p, api_keys=json.dumps(KEYS), reviewer_keys=json.dumps([REVIEWER_KEY]),
            session_secret=SESSION_SECRET, classify_workers="1")))
        for port in ports
    ]  # fmt: skip
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join(timeout=120)
        assert len(servers) == 2, "a service process did not start"
        cert, key = _certificate(folder)
        tls_port, http_port = free_port(), free_port()
        (folder / "site.conf").write_text(_site(ports, tls_port, http_port, cert, key))
        (folder / "nginx.conf").write_text(
            f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\nworker_processes 1;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n access_log off;\n client_body_temp_path {folder}/body;\n"
            f" proxy_temp_path {folder}/proxy;\n fastcgi_temp_path {folder}/fastcgi;\n"
            f" uwsgi_temp_path {folder}/uwsgi;\n scgi_temp_path {folder}/scgi;\n"
            f" include {folder}/site.conf;\n}}\n"
        )
        nginx = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
             str(folder / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # it logs to error.log
        )  # fmt: skip
        _wait_for_port(tls_port, nginx, folder / "error.log")
        context = ssl.create_default_context(cafile=str(cert))
        yield f"https://127.0.0.1:{tls_port}", f"http://127.0.0.1:{http_port}", ports, context
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)  # graceful: finishes the requests in flight
            try:
                nginx.wait(timeout=30)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait(timeout=30)
        for thread in starting:
            thread.join(timeout=120)
        for server in servers:
            stop_service(server)
        shutil.rmtree(folder, ignore_errors=True)


def _client(deployment: tuple[str, str, list[int], ssl.SSLContext], key: str) -> httpx2.Client:
    url, _, _, context = deployment
    return httpx2.Client(base_url=url, verify=context, headers={"X-API-Key": key}, timeout=30)


def test_https_only_and_both_processes_serve_one_duplicate_window(
    deployment: tuple[str, str, list[int], ssl.SSLContext],
) -> None:
    _, plain, ports, _ = deployment
    redirect = httpx2.get(f"{plain}/v1/model", timeout=10)
    with _client(deployment, KEYS[0]) as client:
        ready = client.get("/readyz")
        # nginx takes the two instances in turn: the re-send goes to the other process.
        first = client.post("/v1/classify", json={"id": "J-1", "text": ORIGINAL})
        again = client.post("/v1/classify", json={"id": "J-2", "text": ORIGINAL + " Tolong!"})
        for i in range(10):
            assert client.post("/v1/classify", json={"text": f"keluhan {i}"}).status_code == 200
        hidden = client.get("/metrics")
    with _client(deployment, KEYS[0]) as browser:  # nginx alternates: each step meets the other
        signed_in = desk_sign_ins_held(browser, 4, key=REVIEWER_KEY)
    assert redirect.status_code == 301
    assert redirect.headers["location"].startswith("https://")
    assert ready.status_code == 200
    assert ready.headers["strict-transport-security"] == "max-age=63072000"
    assert first.json()["duplicate_of"] is None
    assert again.json()["duplicate_of"]["id"] == "J-1"
    assert hidden.status_code == 404  # Prometheus scrapes each instance, not the public address
    assert hidden.headers["content-type"] == "application/problem+json"
    assert signed_in == [True] * 4
    for port in ports:  # each instance, scraped directly as Prometheus would
        metrics = httpx2.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        served = re.search(
            r'complaint_requests_total{method="POST",route="/v1/classify",status="200"} (\S+)',
            metrics,
        )
        assert served is not None and float(served.group(1)) >= 5


def test_bodies_over_the_caps_are_413_before_the_service(
    deployment: tuple[str, str, list[int], ssl.SSLContext],
) -> None:
    big_text = "jalan rusak " * 25_000  # 300 KB: over the 256 KiB cap of a single complaint
    items = [{"id": str(i), "text": "jalan rusak parah di depan sekolah " * 50} for i in range(100)]
    with _client(deployment, KEYS[0]) as client:
        refused = client.post("/v1/classify", json={"text": big_text})
        batch = client.post("/v1/classify/batch", json={"items": items})  # 170 KB: a batch's cap
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "urn:complaint-nlp:problem:content-too-large"
    assert problem["request_id"] == refused.headers["x-request-id"]
    assert batch.status_code == 200
    assert len(batch.json()["results"]) == 100


async def _burst(
    deployment: tuple[str, str, list[int], ssl.SSLContext], key: str, n: int
) -> list[httpx2.Response]:
    url, _, _, context = deployment
    headers = {"X-API-Key": key}
    async with httpx2.AsyncClient(base_url=url, verify=context, headers=headers, timeout=30) as c:
        return await asyncio.gather(*(c.get("/v1/model") for _ in range(n)))


def test_a_key_over_its_rate_gets_429_with_retry_after_and_other_keys_do_not(
    deployment: tuple[str, str, list[int], ssl.SSLContext],
) -> None:
    answers = asyncio.run(_burst(deployment, KEYS[1], 120))
    with _client(deployment, KEYS[0]) as client:
        other_key = client.get("/v1/model")
    statuses = [r.status_code for r in answers]
    assert set(statuses) == {200, 429}
    assert statuses.count(200) >= 40  # the burst is served at once
    limited = next(r for r in answers if r.status_code == 429)
    assert limited.headers["retry-after"] == "1"
    assert limited.json()["type"] == "urn:complaint-nlp:problem:too-many-requests"
    assert other_key.status_code == 200
