"""Classify (and triage) one complaint or a batch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, status

from complaint_nlp import Triager
from service.dependencies import Authorized, Model, State
from service.schemas import (
    BATCH_EXAMPLES,
    CLASSIFY_EXAMPLES,
    BatchRequest,
    BatchResponse,
    ClassifyRequest,
    TriageResponse,
)

router = APIRouter(prefix="/v1", tags=["classify"], dependencies=[Authorized])


def _check_length(state: State, items: list[ClassifyRequest]) -> None:
    limit = state.settings.max_text_chars
    for i, item in enumerate(items):
        if len(item.text) > limit:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"item {i}: text has {len(item.text)} characters, the limit is {limit}",
            )


@router.post("/classify", response_model=TriageResponse)
async def classify(
    body: Annotated[ClassifyRequest, CLASSIFY_EXAMPLES], state: State, model: Model
) -> dict[str, object]:
    """Category, urgency, units, confidences, explanation, route and duplicate check."""
    # Runs on the event loop: about a millisecond of CPU under the GIL, where a worker thread
    # would add its hand-over cost and no parallelism. Batches (up to a second) use threads.
    _check_length(state, [body])
    result = Triager(model, state.table, state.duplicates).triage(body.text, body.id)
    state.metrics.observe([result.classification])
    return result.to_dict()


@router.post("/classify/batch", response_model=BatchResponse)
def classify_batch(
    body: Annotated[BatchRequest, BATCH_EXAMPLES], state: State, model: Model
) -> dict[str, object]:
    """:func:`classify` for many complaints; results come back in order."""
    limit = state.settings.max_batch_items
    if len(body.items) > limit:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"{len(body.items)} items, the limit is {limit} per request",
        )
    _check_length(state, body.items)
    results = Triager(model, state.table, state.duplicates).triage_batch(
        [i.text for i in body.items], [i.id for i in body.items]
    )
    state.metrics.observe(r.classification for r in results)
    return {"results": [r.to_dict() for r in results]}
