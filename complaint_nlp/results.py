"""What the library answers: a classification, a route, and a triage result holding both.

Plain frozen dataclasses with ``to_dict()``; this module imports nothing of the package, so the
classifier, routing and triage all build on it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Classification", "DuplicateMatch", "Route", "TriageResult"]


@dataclass(frozen=True)
class Classification:
    """What the classifier says about one complaint.

    ``escalate`` is ``True`` only for a ``high`` the model is confident enough about to page a
    unit (precision >= .60 on held-out months, see the model card); a ``high`` below that bar
    is flagged ``needs_review`` so that a person confirms it first. ``cues`` are the names of the
    facts of :mod:`complaint_nlp.cues` found in the text.
    """

    category: str
    category_confidence: float
    urgency: str
    urgency_confidence: float
    units: list[tuple[str, float]]
    needs_review: bool
    explanation: dict[str, list[str]]
    safety_signals: list[str]
    cues: list[str] = field(default_factory=list)
    escalate: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        # Written out rather than dataclasses.asdict, which deep-copies (5x slower in bulk).
        return {
            "category": self.category,
            "category_confidence": self.category_confidence,
            "urgency": self.urgency,
            "urgency_confidence": self.urgency_confidence,
            "escalate": self.escalate,
            "units": [{"code": code, "score": score} for code, score in self.units],
            "needs_review": self.needs_review,
            "explanation": {head: list(words) for head, words in self.explanation.items()},
            "safety_signals": list(self.safety_signals),
            "cues": list(self.cues),
        }


@dataclass(frozen=True)
class Route:
    """Who must act on a complaint, who is copied, by when, and why.

    ``rule`` names the routing-table rule that decided the route (``None``: the model's unit
    codes and category did); ``kind`` marks complaints that report no failure
    (``"appreciation"``, ``"resolved"``) so a desk can filter them; ``cc`` lists the ids of the
    units that are informed but do not lead.
    """

    unit_id: str
    unit_name: str
    sla_hours: float
    escalate: bool
    reasons: list[str]
    alternatives: list[dict[str, str]] = field(default_factory=list)
    best_guess: dict[str, str] | None = None
    cc: list[str] = field(default_factory=list)
    rule: str | None = None
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "sla_hours": self.sla_hours,
            "escalate": self.escalate,
            "cc": list(self.cc),
            "rule": self.rule,
            "kind": self.kind,
            "reasons": list(self.reasons),
            "alternatives": [dict(a) for a in self.alternatives],
            "best_guess": dict(self.best_guess) if self.best_guess else None,
        }


@dataclass(frozen=True)
class DuplicateMatch:
    """The earlier complaint a new one most likely repeats."""

    id: str
    similarity: float


@dataclass(frozen=True)
class TriageResult:
    """Everything a complaint system needs about one complaint.

    ``classification`` holds the labels after the routing table's rules (a praise or "already
    fixed" message becomes ``other`` / ``low``); ``route.reasons`` says when a rule changed them.
    """

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
