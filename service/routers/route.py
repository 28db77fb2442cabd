"""Route hand-labelled complaints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, status

from complaint_nlp import InvalidInputError, route
from complaint_nlp.routing import manual_classification
from service.dependencies import Authorized, State
from service.schemas import ROUTE_EXAMPLES, RouteRequest, RouteResponse

router = APIRouter(prefix="/v1", tags=["route"], dependencies=[Authorized])


@router.post("/route", response_model=RouteResponse)
async def route_labels(
    body: Annotated[RouteRequest, ROUTE_EXAMPLES], state: State
) -> dict[str, object]:
    """The unit and deadline for labels a person chose."""
    try:
        labels = manual_classification(body.category, body.urgency, body.unit)
    except InvalidInputError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return route(labels, state.table).to_dict()
