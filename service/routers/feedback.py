"""Corrections from reviewers, and their export for retraining."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, status
from fastapi.responses import StreamingResponse

from service import feedback
from service.dependencies import Authorized, State, key_matches
from service.schemas import FEEDBACK_EXAMPLES, FeedbackRequest, FeedbackResponse

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post(
    "/feedback",
    response_model=FeedbackResponse,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Authorized],
)
def post_feedback(
    body: Annotated[FeedbackRequest, FEEDBACK_EXAMPLES], state: State
) -> dict[str, object]:
    """Store a reviewer's correction (the text is stored PII-masked)."""
    stored = feedback.store(state.database, body.model_dump())
    return {"id": stored, "complaint_id": body.complaint_id}


@router.get("/feedback/export")
def export_feedback(
    state: State, x_api_key: Annotated[str | None, Header()] = None
) -> StreamingResponse:
    """Every correction as CSV, for ``scripts/build_dataset.py --feedback``. Needs the admin key
    (``COMPLAINT_ADMIN_KEY``); without one it is open only when no API keys are set either."""
    settings = state.settings
    if settings.admin_key:
        if not key_matches(x_api_key, [settings.admin_key]):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "the export needs the admin key")
    elif settings.api_keys:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "no admin key configured")
    return StreamingResponse(
        feedback.export_csv(state.database),
        media_type="text/csv",
        headers={"content-disposition": "attachment; filename=feedback.csv"},
    )
