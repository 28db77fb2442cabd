"""HTTP request and response bodies (kept apart from the library's domain objects)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from complaint_nlp.labels import UNITS

Category = Literal[
    "infrastructure", "human_resources", "bureaucracy", "information_technology", "other"
]
Urgency = Literal["high", "medium", "low"]

_EXAMPLE = "Pohon besar tumbang menutup Jl. Ahmad Yani, kabel listrik putus. Mohon segera!"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ClassifyRequest(_Request):
    text: str = Field(min_length=1, examples=[_EXAMPLE], description="the complaint, as written")
    id: str | None = Field(default=None, max_length=200, examples=["LAPOR-2025-000123"])


class BatchRequest(_Request):
    items: list[ClassifyRequest] = Field(min_length=1)


class RouteRequest(_Request):
    category: Category
    urgency: Urgency
    unit: str | None = Field(default=None, examples=["public_works"])


class UnitScore(BaseModel):
    code: str
    score: float


class RouteResponse(BaseModel):
    unit_id: str
    unit_name: str
    sla_hours: float
    escalate: bool
    reasons: list[str]
    alternatives: list[dict[str, str]]
    best_guess: dict[str, str] | None


class DuplicateResponse(BaseModel):
    id: str
    similarity: float


class TriageResponse(BaseModel):
    complaint_id: str | None
    category: Category
    category_confidence: float
    urgency: Urgency
    urgency_confidence: float
    units: list[UnitScore]
    needs_review: bool
    explanation: dict[str, list[str]]
    safety_signals: list[str]
    route: RouteResponse
    duplicate_of: DuplicateResponse | None


class BatchResponse(BaseModel):
    results: list[TriageResponse]


class FeedbackRequest(_Request):
    complaint_id: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, description="the complaint text (stored PII-masked)")
    category: Category | None = None
    urgency: Urgency | None = None
    unit: str | None = Field(default=None, examples=["civil_registry"])
    reviewer: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _something_corrected(self) -> FeedbackRequest:
        if self.category is None and self.urgency is None and self.unit is None:
            raise ValueError("give at least one of category, urgency, unit")
        if self.unit is not None and self.unit not in UNITS:
            raise ValueError(f"unknown unit code {self.unit!r}")
        return self


class FeedbackResponse(BaseModel):
    id: int
    complaint_id: str
