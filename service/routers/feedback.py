"""Corrections from reviewers, and their export for retraining."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status
from fastapi.responses import StreamingResponse

from service import feedback
from service.auth import Admin, Authorized
from service.dependencies import State
from service.guard import GuardedRoute
from service.limits import check_text_lengths
from service.schemas import FEEDBACK_EXAMPLES, FeedbackRequest, FeedbackResponse, problems

router = APIRouter(prefix="/v1", tags=["feedback"], route_class=GuardedRoute)

#: Visible ASCII, as RFC 9110 header values; a UUID per correction is the intended use.
IDEMPOTENCY_KEY = Header(
    min_length=1,
    max_length=255,
    pattern=r"^[\x21-\x7e]+$",
    description="Any unique string (a UUID) per correction: a retry with the same key and body "
    "is stored once and answered like the first request.",
)


@router.post(
    "/feedback",
    response_model=FeedbackResponse,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Authorized],
    responses=problems(400, 401, 408, 413, 415, 422, 503),
)
def post_feedback(
    body: Annotated[FeedbackRequest, FEEDBACK_EXAMPLES],
    state: State,
    response: Response,
    idempotency_key: Annotated[str | None, IDEMPOTENCY_KEY] = None,
) -> dict[str, object]:
    """Store a reviewer's correction (text, complaint id and reviewer are stored PII-masked).
    A plain ``def``: database calls block (up to COMPLAINT_DATABASE_TIMEOUT_SECONDS), so FastAPI
    runs it in a worker thread."""
    check_text_lengths([body.text], state.settings.max_text_chars, batch=False)
    stored = feedback.store(state.database, body.model_dump(), idempotency_key)
    if stored.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return {"id": stored.id, "complaint_id": stored.complaint_id}


@router.get(
    "/feedback/export",
    dependencies=[Admin],
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "the corrections as CSV"},
        **problems(401, 403, 503),
    },
)
def export_feedback(state: State) -> StreamingResponse:
    """Every correction as CSV, for ``scripts/build_dataset.py --feedback``. Needs the admin key
    (``COMPLAINT_ADMIN_KEY``); without one it is open only when no API keys are set either.
    Cells that a spreadsheet would run as formulas start with ``'``."""
    return StreamingResponse(
        feedback.export_csv(state.database),
        media_type="text/csv",
        headers={"content-disposition": "attachment; filename=feedback.csv"},
    )
