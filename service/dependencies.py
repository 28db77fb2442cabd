"""Shared request dependencies: the loaded state and API-key checking.

They are ``async def`` because none of them blocks: FastAPI runs a plain ``def`` dependency in
a worker thread, and those hops were most of a request's cost (measured: 20 thread hops and
7 ms of server CPU per ``/v1/classify``).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy import Engine

from complaint_nlp import ComplaintClassifier, DuplicateIndex, RoutingTable
from service.observability import Metrics
from service.settings import Settings


@dataclass
class ServiceState:
    """What the service loads once, when it starts."""

    settings: Settings
    model: ComplaintClassifier | None
    table: RoutingTable
    duplicates: DuplicateIndex
    database: Engine
    metrics: Metrics


async def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


State = Annotated[ServiceState, Depends(get_state)]


def key_matches(given: str | None, keys: Iterable[str]) -> bool:
    """Whether ``given`` is one of ``keys``, compared in constant time."""
    raw = (given or "").encode()
    return any(hmac.compare_digest(raw, key.encode()) for key in keys)


async def require_api_key(state: State, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """Accept the request when no keys are configured, or when ``X-API-Key`` is one of them."""
    keys = state.settings.api_keys
    if keys and not key_matches(x_api_key, keys):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or unknown X-API-Key")


async def require_model(state: State) -> ComplaintClassifier:
    if state.model is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no model loaded")
    return state.model


Model = Annotated[ComplaintClassifier, Depends(require_model)]
Authorized = Depends(require_api_key)
