"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST

import complaint_nlp
from complaint_nlp import DuplicateIndex, load_routing_table
from complaint_nlp.exceptions import ModelNotFoundError
from service import feedback
from service.dependencies import ServiceState
from service.observability import (
    BodyLimitMiddleware,
    LocalOnlyMiddleware,
    Metrics,
    MetricsMiddleware,
    configure_logging,
)
from service.routers import classify, health, model, route
from service.routers import feedback as feedback_router
from service.settings import Settings

log = logging.getLogger("complaint_nlp.service")  # configured by configure_logging()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; the model and routing table load once, when the app starts."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            loaded = complaint_nlp.load(settings.model_path)
        except ModelNotFoundError as exc:
            log.warning("no model: %s", exc)
            loaded = None
        if not settings.api_keys:
            log.warning("no API keys configured: answering callers on this machine only")
        app.state.service = ServiceState(
            settings=settings,
            model=loaded,
            table=load_routing_table(settings.routing_table),
            duplicates=DuplicateIndex(window=settings.duplicate_window),
            database=feedback.connect(settings.database_url),
            metrics=metrics,
        )
        yield
        app.state.service.database.dispose()

    configure_logging(settings.log_level)
    metrics = Metrics()
    app = FastAPI(
        title="complaint_nlp",
        version=complaint_nlp.__version__,
        description="Triage of Indonesian citizen complaints: category, urgency, unit, deadline.",
        lifespan=lifespan,
    )
    for module in (health, classify, route, feedback_router, model):
        app.include_router(module.router)
    app.state.metrics = metrics
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if not settings.api_keys:
        app.add_middleware(LocalOnlyMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=metrics)

    @app.get("/metrics", tags=["health"])
    async def prometheus() -> Response:
        """Prometheus metrics: requests, latency, predictions per label, needs-review count."""
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return app
