"""Prometheus metrics and structured JSON logs (which never hold request bodies, so no PII)."""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complaint_nlp import Classification

log = logging.getLogger("complaint_nlp.service")


class Metrics:
    """The service's metrics, in a registry of its own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "complaint_requests", "HTTP requests", ["method", "route", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "complaint_request_seconds", "HTTP request latency", ["route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )  # fmt: skip
        self.predictions = Counter(
            "complaint_predictions", "Predicted labels", ["head", "label"], registry=self.registry
        )
        self.reviews = Counter(
            "complaint_needs_review", "Classified complaints by needs_review", ["needs_review"],
            registry=self.registry,
        )  # fmt: skip

    def observe(self, results: Iterable[Classification]) -> None:
        for c in results:
            self.predictions.labels("category", c.category).inc()
            self.predictions.labels("urgency", c.urgency).inc()
            self.reviews.labels(str(c.needs_review).lower()).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class JsonFormatter(logging.Formatter):
    """One JSON object per log line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    log.handlers[:] = [handler]
    log.setLevel(level.upper())
    log.propagate = False


class _HttpMiddleware:
    """A plain ASGI middleware that sees HTTP requests and passes everything else (lifespan)
    through. Starlette's ``BaseHTTPMiddleware`` (``app.middleware("http")``) runs each request
    through extra tasks and memory streams."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class MetricsMiddleware(_HttpMiddleware):
    """Count and time every request, and log its method, route, status and latency."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500  # if the app fails before it starts a response

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            seconds = time.perf_counter() - start
            name = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(method, name, str(status)).inc()
            self.metrics.latency.labels(name).observe(seconds)
            if log.isEnabledFor(logging.INFO):
                log.info("request", extra={"fields": {"method": method, "route": name,
                         "status": status, "ms": round(seconds * 1000, 2)}})  # fmt: skip


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an address or ``localhost``) is this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


async def send_json(send: Send, status: int, detail: str) -> None:
    """Answer an HTTP request with ``{"detail": ...}`` (FastAPI's error shape)."""
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class LocalOnlyMiddleware(_HttpMiddleware):
    """Refuses (403) every HTTP request that does not come from this machine: used when no API
    keys are configured, whatever address the server was told to listen on."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        # A Unix socket has no client address: only local processes can reach it.
        if client is None or is_loopback(client[0]):
            await self.app(scope, receive, send)
            return
        await send_json(
            send, 403, "no API keys configured: this service only answers local callers"
        )


class BodyLimitMiddleware(_HttpMiddleware):
    """Answers 413 to a request body over ``max_bytes``, announced (``Content-Length``) or
    streamed (chunked): it is never read into memory past the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body over the limit of {self.max_bytes} bytes"
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await send_json(send, 413, detail)
            return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request" and not too_large:
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True  # the app sees an empty, finished body
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            if not too_large:
                await send(message)
            elif message["type"] == "http.response.start":  # replace the app's answer
                await send_json(send, 413, detail)

        await self.app(scope, limited_receive, guarded_send)
