"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.dependencies import State

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: State) -> JSONResponse:
    """The model is loaded and the service can classify."""
    if state.model is None:
        return JSONResponse({"status": "not ready", "reason": "no model"}, status_code=503)
    return JSONResponse({"status": "ready"})
