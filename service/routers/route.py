"""Route hand-labelled complaints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from complaint_nlp import route
from complaint_nlp.routing import manual_classification
from service.auth import Authorized
from service.dependencies import State
from service.guard import GuardedRoute
from service.schemas import ROUTE_EXAMPLES, RouteRequest, RouteResponse, problems

router = APIRouter(
    prefix="/v1",
    tags=["route"],
    dependencies=[Authorized],
    route_class=GuardedRoute,
    responses=problems(400, 401, 408, 413, 415, 422),
)


@router.post("/route", response_model=RouteResponse)
async def route_labels(
    body: Annotated[RouteRequest, ROUTE_EXAMPLES], state: State
) -> dict[str, object]:
    """The unit and deadline for labels a person chose."""
    # The request schema admits only known labels and unit codes.
    labels = manual_classification(body.category, body.urgency, body.unit)
    return route(labels, state.table).to_dict()
