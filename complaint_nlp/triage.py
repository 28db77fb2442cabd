"""Triage: classify, apply the city's rules, route and check for duplicates, in one call.

The layer above the classifier and routing (neither knows the other)::

    >>> import complaint_nlp
    >>> triager = complaint_nlp.Triager(complaint_nlp.load())
    >>> result = triager.triage("Pohon tumbang menutup jalan raya, kabel listrik putus", "K-1")
    >>> result.route.unit_id, result.route.escalate
    ('dlh', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from complaint_nlp._validation import ensure_text, ensure_texts
from complaint_nlp.classifier import ComplaintClassifier
from complaint_nlp.duplicates import DuplicateIndex
from complaint_nlp.exceptions import InvalidInputError
from complaint_nlp.results import Classification, DuplicateMatch, TriageResult
from complaint_nlp.routing import RoutingTable, load_routing_table, route_with_rules

__all__ = ["TriageResult", "Triager", "triage_checked", "triage_classified"]


class Triager:
    """A classifier, a city's routing table and an index of recent complaints.

    ``table`` defaults to the shipped routing table and ``duplicates`` to a new index of the last
    10,000 complaints; ``check_duplicates=False`` skips the duplicate check.
    """

    def __init__(
        self,
        classifier: ComplaintClassifier,
        table: RoutingTable | None = None,
        duplicates: DuplicateIndex | None = None,
        *,
        check_duplicates: bool = True,
    ) -> None:
        self.classifier = classifier
        self.table = table or load_routing_table()
        if duplicates is None and check_duplicates:
            duplicates = DuplicateIndex()
        self.duplicates = duplicates if check_duplicates else None

    def triage(self, text: str, complaint_id: str | None = None) -> TriageResult:
        """Classify, route and duplicate-check one complaint."""
        return self.triage_batch([ensure_text(text)], [complaint_id])[0]

    def triage_batch(
        self, texts: Iterable[str], ids: Iterable[str | None] | None = None
    ) -> list[TriageResult]:
        """:meth:`triage` for many complaints at once, in order."""
        items = ensure_texts(texts)
        names = [None] * len(items) if ids is None else list(ids)
        if len(names) != len(items):
            raise InvalidInputError(f"{len(items)} texts but {len(names)} ids")
        return triage_classified(
            self.classifier.classify_batch(items),
            items,
            names,
            table=self.table,
            duplicates=self.duplicates,
        )


def triage_classified(
    classifications: Sequence[Classification],
    texts: Sequence[str],
    ids: Sequence[str | None],
    *,
    table: RoutingTable,
    duplicates: DuplicateIndex | None,
) -> list[TriageResult]:
    """Apply rules, route and duplicate-check complaints already classified (e.g. in other
    processes)."""
    matches = duplicates.check_batch(texts, ids) if duplicates is not None else [None] * len(texts)
    return triage_checked(classifications, ids, matches, table=table)


def triage_checked(
    classifications: Sequence[Classification],
    ids: Sequence[str | None],
    matches: Sequence[DuplicateMatch | None],
    *,
    table: RoutingTable,
) -> list[TriageResult]:
    """Apply rules and route complaints already classified and duplicate-checked (the service
    checks against the window its processes share, in a thread of its own)."""
    out = []
    for complaint_id, classification, match in zip(ids, classifications, matches, strict=True):
        effective, routed = route_with_rules(classification, table)
        out.append(TriageResult(complaint_id, effective, routed, match))
    return out
