"""Triage: classify, route and check for duplicates in one call, with one JSON-ready result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from complaint_nlp.classifier import Classification
from complaint_nlp.duplicates import DuplicateIndex, DuplicateMatch
from complaint_nlp.routing import Route, RoutingTable, route

if TYPE_CHECKING:
    from complaint_nlp.classifier import ComplaintClassifier

__all__ = ["TriageResult", "triage_batch", "triage_classified"]


@dataclass(frozen=True)
class TriageResult:
    """Everything a complaint system needs about one complaint."""

    complaint_id: str | None
    classification: Classification
    route: Route
    duplicate_of: DuplicateMatch | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "complaint_id": self.complaint_id,
            **self.classification.to_dict(),
            "route": self.route.to_dict(),
            "duplicate_of": (
                {"id": self.duplicate_of.id, "similarity": self.duplicate_of.similarity}
                if self.duplicate_of
                else None
            ),
        }


def triage_batch(
    classifier: ComplaintClassifier,
    texts: Sequence[str],
    ids: Sequence[str | None],
    *,
    table: RoutingTable,
    duplicates: DuplicateIndex | None,
) -> list[TriageResult]:
    """Classify, route and (when ``duplicates`` is given) duplicate-check ``texts``."""
    return triage_classified(
        classifier.classify_batch(texts), texts, ids, table=table, duplicates=duplicates
    )


def triage_classified(
    classifications: Sequence[Classification],
    texts: Sequence[str],
    ids: Sequence[str | None],
    *,
    table: RoutingTable,
    duplicates: DuplicateIndex | None,
) -> list[TriageResult]:
    """Route and duplicate-check complaints already classified (e.g. in other processes)."""
    matches = duplicates.check_batch(texts, ids) if duplicates is not None else [None] * len(texts)
    return [
        TriageResult(i, c, route(c, table), m)
        for i, c, m in zip(ids, classifications, matches, strict=True)
    ]
