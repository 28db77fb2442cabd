"""Liveness and readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from service.dependencies import State
from service.errors import DatabaseUnavailableError, NotReadyError, problem_response
from service.guard import GuardedRoute
from service.schemas import problems

router = APIRouter(tags=["health"], route_class=GuardedRoute)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive (it answers on the event loop, which classification never holds)."""
    return {"status": "ok"}


@router.get("/readyz", responses=problems(503))
async def readyz(request: Request, state: State) -> Response:
    """Ready to serve: the classifier workers loaded the model and classified a sample complaint
    when they started, and the database accepts a write now."""
    checks = {"model": "ok", "database": "ok"}
    if state.pool is None or not state.pool.ready:
        checks["model"] = "no usable model" if state.model_problem else "starting"
    try:
        await asyncio.to_thread(state.database.check_writable)
    except DatabaseUnavailableError:
        checks["database"] = "unavailable"
    if all(v == "ok" for v in checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    failing = ", ".join(f"{name}: {value}" for name, value in checks.items() if value != "ok")
    error = NotReadyError(f"not ready ({failing})", retry_after=5)
    return problem_response(
        request, error.status, error.kind, error.detail, headers=error.headers, checks=checks
    )
