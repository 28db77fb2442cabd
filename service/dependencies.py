"""Shared request dependencies: the state loaded at start and the classifier pool.

They are ``async def`` because none of them blocks: FastAPI runs a plain ``def`` dependency in
a worker thread, and those hops were most of a request's cost (measured: 20 thread hops and
7 ms of server CPU per ``/v1/classify``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from complaint_nlp import RoutingTable
from service.database import Database
from service.duplicates import SharedDuplicates
from service.errors import NotReadyError
from service.observability import Metrics
from service.pool import ClassifierPool
from service.settings import Settings


@dataclass
class ServiceState:
    """What the service loads once, when it starts. The model itself lives in the worker
    processes of ``pool``; this process reads only its ``metadata``. ``model_problem`` says
    why there is no usable model."""

    settings: Settings
    model_dir: Path | None
    metadata: dict[str, Any] | None
    model_problem: str | None
    pool: ClassifierPool | None
    table: RoutingTable
    duplicates: SharedDuplicates
    database: Database
    metrics: Metrics


async def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


State = Annotated[ServiceState, Depends(get_state)]


async def require_pool(state: State) -> ClassifierPool:
    if state.pool is None:
        raise NotReadyError("no usable model is loaded", retry_after=30)
    return state.pool


async def require_metadata(state: State) -> dict[str, Any]:
    if state.metadata is None:
        raise NotReadyError("no usable model is loaded", retry_after=30)
    return state.metadata


Classifier = Annotated[ClassifierPool, Depends(require_pool)]
ModelMetadata = Annotated[dict[str, Any], Depends(require_metadata)]
