"""The loaded model's description."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from complaint_nlp.persistence import model_summary
from service.auth import Authorized
from service.dependencies import ModelMetadata
from service.guard import GuardedRoute
from service.schemas import problems

router = APIRouter(
    prefix="/v1",
    tags=["model"],
    dependencies=[Authorized],
    route_class=GuardedRoute,
    responses=problems(401, 503),
)


@router.get("/model")
async def model_info(meta: ModelMetadata) -> dict[str, Any]:
    """Name, version, backend, labels, thresholds, how it was fitted and its gold-test metrics
    (:func:`complaint_nlp.persistence.model_summary`)."""
    return model_summary(meta)
