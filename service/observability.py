"""Prometheus metrics, request ids and structured JSON logs (which never hold request bodies, so
no PII).

Several HTTP processes (``python -m service --workers N``) count into one set of metrics through
prometheus_client's multiprocess mode: each process writes its values to files in
``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics``, whichever process answers it, adds up every
process's files. The variable must be set before the processes start, since prometheus_client
reads it when it is imported: :func:`multiprocess_folder` does that for ``python -m service``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complaint_nlp import Classification, mask_pii
from service._asgi import HttpMiddleware
from service.errors import REQUEST_ID

log = logging.getLogger("complaint_nlp.service")
#: A caller's request id is kept only if it is a plain token (it goes into logs and headers).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
#: Ten digits or more, one separator apart at most: a phone number or a NIK in a caller's id
#: ("36040112_0385_0001" passed mask_pii) unless the id is hexadecimal (a UUID, nginx's id).
_LONG_NUMBER = re.compile(r"\d(?:[._-]?\d){9}")
_HEX_ID = re.compile(r"(?=[0-9-]*[a-fA-F])[0-9a-fA-F-]+")
#: nginx's code for a client that closed its connection before the answer.
CLIENT_CLOSED = 499
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class Metrics:
    """The service's metrics, in a registry of its own (one per app); with ``multiprocess``, the
    folder of every process's values (``PROMETHEUS_MULTIPROC_DIR``), rendered summed."""

    def __init__(self, multiprocess: Path | None = None) -> None:
        self.multiprocess = multiprocess
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

        # Set by each process whenever its pool changes (a value read at scrape time would be
        # only the answering process's); "livesum" adds up the processes still running.
        self.waiting = Gauge(
            "complaint_classify_waiting", "Requests waiting for a classifier worker",
            registry=self.registry, multiprocess_mode="livesum",
        )  # fmt: skip
        self.busy = Gauge(
            "complaint_classify_busy_workers", "Classifier workers classifying now",
            registry=self.registry, multiprocess_mode="livesum",
        )  # fmt: skip

    def classifier_state(self, waiting: int, busy: int) -> None:
        """The classifier pool's queue and busy workers, as they change."""
        self.waiting.set(waiting)
        self.busy.set(busy)

    def observe(self, results: Iterable[Classification]) -> None:
        for c in results:
            self.predictions.labels("category", c.category).inc()
            self.predictions.labels("urgency", c.urgency).inc()
            self.reviews.labels(str(c.needs_review).lower()).inc()

    def render(self) -> bytes:
        if self.multiprocess is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self.multiprocess))  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    def close(self) -> None:
        """This process stops: its gauges leave the sums (its counters stay counted)."""
        if self.multiprocess is not None:
            mark_process_dead(os.getpid(), str(self.multiprocess))  # type: ignore[no-untyped-call]


@contextmanager
def multiprocess_folder(configured: Path | None) -> Iterator[Path]:
    """Set ``PROMETHEUS_MULTIPROC_DIR`` for the processes started within: ``configured`` (the
    variable's own value, read by the settings), emptied of an earlier run's files
    (prometheus_client would add them in), or a new temporary folder, removed afterwards; the
    variable is as before afterwards."""
    if configured is not None:
        for stale in configured.glob("*.db"):
            stale.unlink()
        folder = configured
    else:
        folder = Path(tempfile.mkdtemp(prefix="complaint-nlp-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    try:
        yield folder
    finally:
        if configured is None:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]
            shutil.rmtree(folder, ignore_errors=True)


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


class TracingMiddleware(HttpMiddleware):
    """Give every request an id (``X-Request-ID``: the caller's, if it is a plain token, else a
    new one), and count, time and log it with that id."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        given = Headers(scope=scope).get("x-request-id", "")
        # Not a caller's id with a phone number or a NIK in it ("WA-0812..."): it is logged.
        plain = (
            _REQUEST_ID.fullmatch(given)
            and mask_pii(given, names=False) == given
            and (_HEX_ID.fullmatch(given) or not _LONG_NUMBER.search(given))
        )
        request_id = given if plain else uuid.uuid4().hex
        scope[REQUEST_ID] = request_id
        status = 500  # if the app fails before it starts a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                if "x-request-id" not in headers:
                    headers["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            # The client left while its body was read: nothing failed, and nobody reads an
            # answer. Before: an ERROR with a traceback and a 500 in the metrics for each
            # connection opened and closed so, keyless callers too (a hostile probe, 2026-11-30).
            status = CLIENT_CLOSED
        finally:
            seconds = time.perf_counter() - start
            name = getattr(scope.get("route"), "path", "unmatched")
            # Any token is a method to HTTP: others share one label, so that made-up methods
            # cannot grow the metrics without bound.
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            self.metrics.requests.labels(method, name, str(status)).inc()
            self.metrics.latency.labels(name).observe(seconds)
            if log.isEnabledFor(logging.INFO):
                log.info("request", extra={"fields": {"method": method, "route": name,
                         "status": status, "ms": round(seconds * 1000, 2),
                         "request_id": request_id}})  # fmt: skip
