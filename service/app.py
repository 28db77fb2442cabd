"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Response
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST

import complaint_nlp
from complaint_nlp import load_routing_table
from complaint_nlp.exceptions import ModelIntegrityError, ModelNotFoundError
from complaint_nlp.persistence import CANARY, read_metadata
from service._asgi import HeadAsGet
from service.auth import LocalOnlyMiddleware
from service.database import Database
from service.dependencies import ServiceState
from service.duplicates import SharedDuplicates
from service.errors import (
    DatabaseUnavailableError,
    SchemaMismatchError,
    ServiceError,
    install_error_handlers,
)
from service.observability import Metrics, TracingMiddleware, configure_logging
from service.pool import ClassifierPool
from service.routers import classify, desk, docs, health, model, route
from service.routers import feedback as feedback_router
from service.routers import review as review_router
from service.schemas import Problem
from service.session import Sessions
from service.settings import Settings, load_settings, unknown_variables

log = logging.getLogger("complaint_nlp.service")  # configured by configure_logging()


async def _start_classifier(
    settings: Settings, metrics: Metrics
) -> tuple[Path | None, dict[str, Any] | None, ClassifierPool | None, str | None]:
    """The model's folder, metadata and worker pool, and why there is no usable model."""
    try:
        folder, meta = read_metadata(settings.model_path)
    except (ModelNotFoundError, ModelIntegrityError) as exc:
        log.error("no usable model: %s", exc)
        return None, None, None, str(exc)
    pool = ClassifierPool(
        folder, meta.get("model_sha256"), workers=settings.classify_workers,
        queue=settings.classify_queue, timeout=settings.classify_timeout_seconds,
    )  # fmt: skip
    await pool.start()
    pool.on_change = metrics.classifier_state
    if pool.failure is None:
        try:  # end to end, through a worker's pipe, as requests will go
            await pool.classify([CANARY])
        except ServiceError as exc:
            pool.failure = f"the sample classification failed: {exc}"
    if pool.failure is not None:
        log.error("no usable model: %s", pool.failure)
    return folder, meta, pool, pool.failure


def _database(settings: Settings, *, durable: bool = True) -> Database:
    return Database(
        settings.database_url,
        timeout=settings.database_timeout_seconds,
        statement_timeout=settings.database_statement_timeout_seconds,
        durable=durable,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; the model, routing table and database open when the app starts."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # First: a bad table stops the start before any worker or thread is started.
        table = load_routing_table(settings.routing_table)
        database = _database(settings)
        try:
            database.check_schema()  # every database call checks again until it once succeeds
        except SchemaMismatchError as exc:  # the service never runs on another schema
            log.error("%s", exc)
            database.dispose()
            raise
        except DatabaseUnavailableError:  # logged; /readyz reports it
            pass
        signature_store = _database(settings, durable=False)
        duplicates = SharedDuplicates(signature_store, window=settings.duplicate_window)
        with contextlib.suppress(DatabaseUnavailableError):  # else the first check loads it
            await asyncio.to_thread(duplicates.load)
        duplicates.start()
        folder, meta, pool, problem = await _start_classifier(settings, metrics)
        if not settings.serves_network:
            log.warning("no API or reviewer keys: answering callers on this machine only")
        for name, closest in unknown_variables():
            log.warning("%s is not a setting and is ignored; did you mean %s?", name, closest)
        app.state.service = ServiceState(
            settings=settings,
            model_dir=folder,
            metadata=meta if problem is None else None,
            model_problem=problem,
            pool=pool,
            table=table,
            duplicates=duplicates,
            database=database,
            metrics=metrics,
        )
        try:
            yield
        finally:
            if pool is not None:
                await pool.close()
            duplicates.close()
            database.dispose()
            signature_store.dispose()
            metrics.close()

    configure_logging(settings.log_level)
    metrics = Metrics(settings.prometheus_multiproc_dir)
    # The files of Swagger UI and ReDoc, which fastapi-offline ships; the pages that load them
    # are service.routers.docs'.
    app = FastAPIOffline(
        docs_url=None,
        redoc_url=None,
        title="complaint_nlp",
        version=complaint_nlp.__version__,
        description="Triage of Indonesian citizen complaints: category, urgency, unit, deadline. "
        "Every error answer is an RFC 9457 problem (application/problem+json).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    for module in (health, classify, route, feedback_router, model, review_router, desk, docs):
        app.include_router(module.router)
    app.state.sessions = Sessions.from_settings(settings)
    app.state.error_pages = {desk.router.prefix: desk.routing_error_page}
    install_error_handlers(app)
    app.add_middleware(HeadAsGet)  # innermost: the request log still says HEAD
    if not settings.serves_network:
        app.add_middleware(LocalOnlyMiddleware)
    app.add_middleware(TracingMiddleware, metrics=metrics)

    @app.get(
        "/metrics",
        tags=["health"],
        response_class=Response,
        responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
    )
    async def prometheus() -> Response:
        """Prometheus metrics: requests, latency, predictions per label, needs-review count."""
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description,
                routes=app.routes,
            )  # fmt: skip
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
