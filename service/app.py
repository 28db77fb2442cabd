"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from service.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. Until a model is shipped, ``/readyz`` answers 503 "no model yet"."""
    settings = settings or Settings()
    app = FastAPI(title="complaint_nlp", version="0.1.0")
    app.state.settings = settings
    app.state.model = None

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        if app.state.model is None:
            return JSONResponse({"status": "not ready", "reason": "no model yet"}, status_code=503)
        return JSONResponse({"status": "ready"})

    return app
