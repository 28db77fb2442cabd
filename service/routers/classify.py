"""Classify (and triage) one complaint or a batch."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter

from complaint_nlp import TriageResult
from complaint_nlp.triage import triage_checked
from service import review
from service.auth import Authorized
from service.dependencies import Classifier, State
from service.guard import GuardedRoute
from service.limits import check_text_lengths
from service.schemas import (
    BATCH_EXAMPLES,
    CLASSIFY_EXAMPLES,
    BatchRequest,
    BatchResponse,
    ClassifyRequest,
    TriageResponse,
    problems,
)

router = APIRouter(
    prefix="/v1",
    tags=["classify"],
    dependencies=[Authorized],
    route_class=GuardedRoute,
    responses=problems(400, 401, 408, 413, 415, 422, 503),
)


async def _triage(
    state: State, classifier: Classifier, items: list[ClassifyRequest], *, batch: bool = True
) -> list[TriageResult]:
    texts = [item.text for item in items]
    settings = state.settings
    check_text_lengths(
        texts, settings.max_text_chars, batch=batch, max_total=settings.max_batch_chars
    )
    # In a worker process within the time budget (service.pool); the event loop only waits.
    classified, masked = await classifier.classify(texts)
    ids = [item.id for item in items]
    # In the duplicate checker's thread (a database transaction, which may wait for a lock; a
    # batch's takes up to seconds): the event loop goes on meanwhile.
    matches = await state.duplicates.check(texts, ids)
    results = triage_checked(classified, ids, matches, table=state.table)
    state.metrics.observe(r.classification for r in results)
    queued = any(review.needs_a_person(r.classification) for r in results)
    if queued and state.settings.review_queue:
        # Before answering: a complaint that needs a person is never lost between the answer
        # and the queue (a database fault is a 503, and a retry is queued once).
        await asyncio.to_thread(
            review.enqueue, state.database, results, masked, state.table, masked=True
        )
    return results


@router.post("/classify", response_model=TriageResponse)
async def classify(
    body: Annotated[ClassifyRequest, CLASSIFY_EXAMPLES], state: State, classifier: Classifier
) -> dict[str, object]:
    """Category, urgency, units, confidences, explanation, route and duplicate check."""
    return (await _triage(state, classifier, [body], batch=False))[0].to_dict()


@router.post("/classify/batch", response_model=BatchResponse)
async def classify_batch(
    body: Annotated[BatchRequest, BATCH_EXAMPLES], state: State, classifier: Classifier
) -> dict[str, object]:
    """:func:`classify` for many complaints; results come back in order."""
    results = await _triage(state, classifier, body.items)
    return {"results": [r.to_dict() for r in results]}
