"""The review queue's JSON API: list, read, decide and undo (the desk page is service.routers.desk).

Every call needs a reviewer key or the admin key (``COMPLAINT_REVIEWER_KEYS``,
``COMPLAINT_ADMIN_KEY``), or a caller on this machine when no keys are set. The handlers are
plain ``def``: database calls block (up to COMPLAINT_DATABASE_TIMEOUT_SECONDS), so FastAPI runs
them in worker threads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from service import review
from service.auth import Reviewer
from service.dependencies import State
from service.guard import GuardedRoute
from service.schemas import (
    DECISION_EXAMPLES,
    DecisionRequest,
    ReviewItem,
    ReviewQueue,
    ReviewQueueParams,
    UndoRequest,
    problems,
)

router = APIRouter(
    prefix="/v1/review",
    tags=["review"],
    dependencies=[Reviewer],
    route_class=GuardedRoute,
    responses=problems(401, 403, 503),
)

ItemId = Annotated[int, Path(ge=1, le=2**62, description="the item's id")]


@router.get("/queue", response_model=ReviewQueue, responses=problems(422))
def queue(params: Annotated[ReviewQueueParams, Query()], state: State) -> dict[str, Any]:
    """Items of the queue, oldest first or most useful first, a page at a time (pass
    ``next_cursor`` back as ``cursor``); ``total`` counts every item the filters match."""
    page = review.queue_page(state.database, review.QueueQuery(**params.model_dump()))
    return {"items": page.items, "total": page.total, "next_cursor": page.next_cursor}


@router.post("/undo", response_model=ReviewItem, responses=problems(400, 408, 409, 413, 415, 422))
def undo_last(body: UndoRequest, state: State) -> dict[str, Any]:
    """Reopen the item this reviewer decided last (within 15 minutes) and delete that
    decision's feedback row: it leaves the export. Again, and the decision before is undone."""
    return review.undo(state.database, body.reviewer)


@router.get("/{item_id:int}", response_model=ReviewItem, responses=problems(404, 422))
def item(item_id: ItemId, state: State) -> dict[str, Any]:
    """One item, open or decided (with its decision)."""
    return review.get_item(state.database, item_id)


@router.post(
    "/{item_id:int}",
    response_model=ReviewItem,
    responses=problems(400, 404, 408, 409, 413, 415, 422),
)
def decide(
    item_id: ItemId, body: Annotated[DecisionRequest, DECISION_EXAMPLES], state: State
) -> dict[str, Any]:
    """Confirm the item's labels or correct them: the decision is stored as feedback (it
    appears in ``GET /v1/feedback/export``) and the item closes. An item decided already is
    409: of two reviewers deciding one item at once exactly one succeeds."""
    decision = review.Decision(**body.model_dump())
    return review.decide(state.database, item_id, decision, state.table)
