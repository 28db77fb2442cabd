"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

import complaint_nlp
from complaint_nlp.exceptions import ModelNotFoundError
from service.settings import Settings

log = logging.getLogger("complaint_nlp.service")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; the model loads once, when the app starts."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            app.state.model = complaint_nlp.load(settings.model_path)
        except ModelNotFoundError as exc:
            log.warning("no model: %s", exc)
            app.state.model = None
        yield

    app = FastAPI(title="complaint_nlp", version=complaint_nlp.__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.model = None

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        if app.state.model is None:
            return JSONResponse({"status": "not ready", "reason": "no model"}, status_code=503)
        return JSONResponse({"status": "ready"})

    return app
