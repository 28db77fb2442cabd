"""The loaded model's description."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

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
    """Name, version, backend, labels, thresholds and gold-test metrics of the model."""
    metrics = meta.get("metrics", {})
    return {
        "name": meta.get("name"),
        "version": meta.get("version"),
        "backend": meta.get("backend"),
        "labels": meta.get("labels"),
        "thresholds": meta.get("thresholds"),
        "data": meta.get("data"),
        "gold_test": {
            head: {k: metrics.get(head, {}).get(k) for k in ("accuracy", "macro_f1")}
            for head in ("category", "urgency")
        }
        | {"high_recall": metrics.get("urgency", {}).get("high_recall")},
        "library_versions": meta.get("library_versions"),
    }
