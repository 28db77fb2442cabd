"""HTTP request and response bodies (kept apart from the library's domain objects)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
