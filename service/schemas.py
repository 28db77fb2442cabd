"""HTTP request and response bodies (kept apart from the library's domain objects)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Body
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from complaint_nlp.labels import UNITS
from service.errors import PROBLEM_JSON
from service.limits import BodyLimits
from service.settings import Settings

Category = Literal[
    "infrastructure", "human_resources", "bureaucracy", "information_technology", "other"
]
Urgency = Literal["high", "medium", "low"]

_EXAMPLE = "Pohon besar tumbang menutup Jl. Ahmad Yani, kabel listrik putus. Mohon segera!"


def _examples(**named: tuple[str, Any]) -> Any:
    """A request body with named examples for the OpenAPI docs: name -> (summary, value)."""
    return Body(
        openapi_examples={
            name: {"summary": summary, "value": value} for name, (summary, value) in named.items()
        }
    )


#: Complaints as people write them (made up for the docs), one per kind of problem.
CLASSIFY_EXAMPLES = _examples(
    pohon_tumbang=(
        "Bahaya sekarang: infrastruktur, urgensi tinggi",
        {"id": "LAPOR-2025-000123", "text": _EXAMPLE},
    ),
    ktp_belum_jadi=(
        "Dokumen terlambat: birokrasi",
        {"id": "WA-0815", "text": "KTP-el saya belum jadi sudah 3 bulan, katanya blangko habis"},
    ),
    aplikasi_error=(
        "Layanan daring gagal: teknologi informasi",
        {"text": "Aplikasi antrean online puskesmas error terus, OTP tidak pernah masuk"},
    ),
    pungli=(
        "Perilaku petugas: SDM",
        {"text": "Petugas kelurahan minta uang 50 ribu supaya surat pengantar cepat selesai"},
    ),
    saran=(
        "Saran tanpa kerusakan: urgensi rendah",
        {"text": "Usul agar taman kota ditambah bangku dan tempat sampah"},
    ),
)
BATCH_EXAMPLES = _examples(
    dua_aduan=(
        "Dua aduan sekaligus; hasil kembali berurutan",
        {
            "items": [
                {"id": "A-1", "text": "Lampu PJU di depan masjid mati sudah seminggu"},
                {"id": "A-2", "text": "Air PDAM tidak mengalir 3 hari di RT 02 RW 05"},
            ]
        },
    ),
)
ROUTE_EXAMPLES = _examples(
    dukcapil=(
        "Label dipilih petugas",
        {"category": "bureaucracy", "urgency": "medium", "unit": "civil_registry"},
    ),
    tanpa_unit=(
        "Tanpa unit: tabel rute memilih",
        {"category": "infrastructure", "urgency": "high"},
    ),
)
FEEDBACK_EXAMPLES = _examples(
    koreksi_urgensi=(
        "Petugas menaikkan urgensi",
        {
            "complaint_id": "LAPOR-2025-000123",
            "text": "Pohon tumbang menutup jalan, warga tidak bisa lewat",
            "urgency": "high",
            "reviewer": "petugas-aduan-1",
        },
    ),
    koreksi_kategori_dan_unit=(
        "Petugas memperbaiki kategori dan unit",
        {
            "complaint_id": "WA-0815",
            "text": "Petugas loket dukcapil tidak ada di tempat saat jam kerja",
            "category": "human_resources",
            "unit": "civil_registry",
            "reviewer": "petugas-aduan-2",
        },
    ),
)


#: Unicode categories that show nothing: format (zero-width, direction marks), control, separators.
_INVISIBLE = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
#: Letters and symbols that are drawn blank: the Braille blank and the Hangul fillers (a probe,
#: 2026-12-01: a reviewer named "\u3164" was accepted and showed as nothing).
_BLANK_LOOKING = frozenset("\u2800\u115f\u1160\u3164\uffa0")


def _well_formed(value: str) -> str:
    # JSON may spell lone surrogates ("\ud800"), which no UTF-8 answer or database can hold.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode (it holds a lone surrogate)") from None
    if "\x00" in value:  # PostgreSQL refused it, answered as a database outage (503)
        raise ValueError("text holds a NUL character (U+0000)")
    if value and all(
        c in _BLANK_LOOKING or c.isspace() or unicodedata.category(c) in _INVISIBLE for c in value
    ):
        # As blank as whitespace, which is refused: zero-width spaces and direction marks.
        raise ValueError("text holds only invisible characters")
    return value


def is_well_formed(value: str) -> bool:
    """Whether ``value`` passes the checks of every text field (the desk's sign-in name too)."""
    try:
        _well_formed(value)
    except ValueError:
        return False
    return True


#: Control, format (direction overrides, zero-width) and line or paragraph separator characters.
_NOT_ONE_LINE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _one_line(value: str) -> str:
    """An id or a name: no line break or other control character (a reviewer's "a\r\nb" was
    stored, a cell of two lines in the export; a log line could be forged the same way)."""
    if any(unicodedata.category(c) in _NOT_ONE_LINE for c in value):
        raise ValueError("must be one line, without control or format characters")
    return value


def _known_unit(value: str) -> str:
    if value not in UNITS:
        raise ValueError("unknown unit code; use one of the codes of GET /v1/model labels.unit")
    return value


#: Text as people write it: any Unicode a UTF-8 answer can carry.
Text = Annotated[str, AfterValidator(_well_formed)]
#: A complaint id or a reviewer's name: one line, not blank (an id "" or "  " was answered as
#: given). The length is checked before ``_well_formed`` (a limit after it reads "at most 200
#: items after validation", for characters).
Name = Annotated[
    str,
    Field(min_length=1, max_length=200),
    AfterValidator(_well_formed),
    AfterValidator(_one_line),
]
UnitCode = Annotated[
    str, Field(max_length=40, json_schema_extra={"enum": list(UNITS)}), AfterValidator(_known_unit)
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @classmethod
    def limits(cls, settings: Settings) -> BodyLimits:
        """How large the body may be; checked before it is parsed (service.guard)."""
        return BodyLimits(settings.max_body_bytes)


class ClassifyRequest(_Request):
    text: Text = Field(
        min_length=1, examples=[_EXAMPLE], description="the complaint, as written (at most "
        "COMPLAINT_MAX_TEXT_CHARS characters, 20,000 by default)"
    )  # fmt: skip
    id: Name | None = Field(default=None, examples=["LAPOR-2025-000123"])


class BatchRequest(_Request):
    items: list[ClassifyRequest] = Field(
        min_length=1,
        description="at most COMPLAINT_MAX_BATCH_ITEMS (1,000 by default), "
        "holding at most COMPLAINT_MAX_BATCH_CHARS characters of text (1,000,000 by default)",
    )

    @classmethod
    def limits(cls, settings: Settings) -> BodyLimits:
        return BodyLimits(settings.max_batch_bytes, settings.max_batch_items)


class RouteRequest(_Request):
    category: Category
    urgency: Urgency
    unit: UnitCode | None = Field(default=None, examples=["public_works"])


class UnitScore(BaseModel):
    code: str
    score: float


class RouteResponse(BaseModel):
    unit_id: str
    unit_name: str
    sla_hours: float
    escalate: bool = Field(description="page the unit at once (a confident `high`, or a rule)")
    cc: list[str] = Field(description="ids of units informed beside the one that leads")
    rule: str | None = Field(description="the routing table's rule that decided, if any")
    kind: str | None = Field(description="'appreciation' or 'resolved': no failure reported")
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
    escalate: bool = Field(description="a `high` confident enough to page a unit at once")
    units: list[UnitScore]
    needs_review: bool
    explanation: dict[str, list[str]]
    safety_signals: list[str]
    cues: list[str] = Field(description="facts found in the text (complaint_nlp/data/cues.toml)")
    route: RouteResponse
    duplicate_of: DuplicateResponse | None


class BatchResponse(BaseModel):
    results: list[TriageResponse]


class FeedbackRequest(_Request):
    complaint_id: Name = Field(description="stored PII-masked")
    text: Text = Field(
        min_length=1, description="the complaint text (stored PII-masked; at most "
        "COMPLAINT_MAX_TEXT_CHARS characters)"
    )  # fmt: skip
    category: Category | None = None
    urgency: Urgency | None = None
    unit: UnitCode | None = Field(default=None, examples=["civil_registry"])
    reviewer: Name = Field(description="stored PII-masked")

    @model_validator(mode="after")
    def _something_corrected(self) -> FeedbackRequest:
        if self.category is None and self.urgency is None and self.unit is None:
            raise ValueError("give at least one of category, urgency, unit")
        return self


class FeedbackResponse(BaseModel):
    id: int
    complaint_id: str


# --- The review queue (service.review, service.routers.review) ---------------------------------

#: A unit of the routing table (``route.unit_id``), checked against the loaded table.
CityUnit = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
Reviewer = Annotated[Name, Field(description="stored PII-masked")]

DECISION_EXAMPLES = _examples(
    benar=("Label model benar", {"action": "confirm", "reviewer": "petugas-aduan-1"}),
    koreksi=(
        "Petugas memperbaiki urgensi dan unit",
        {"action": "correct", "urgency": "high", "unit_id": "dpupr", "reviewer": "petugas-aduan-1"},
    ),
)


class ReviewQueueParams(BaseModel):
    """The query of ``GET /v1/review/queue``; an empty filter (``category=``) means none."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "decided"] = "open"
    category: Category | None = None
    urgency: Urgency | None = None
    unit: CityUnit | None = Field(default=None, description="the proposed unit (unit_id)")
    order: Literal["oldest", "useful"] = Field(
        default="oldest",
        description="oldest first, or first those whose decision would teach the model most",
    )
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=200, description="next_cursor, as given")

    @field_validator("category", "urgency", "unit", "cursor", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


class Confidences(BaseModel):
    category: float
    urgency: float
    unit: float = Field(description="the unit head's score of its first unit code")


class ReviewDecisionView(BaseModel):
    action: Literal["confirm", "correct"]
    reviewer: str
    category: Category
    urgency: Urgency
    unit_id: str
    feedback_id: int | None = Field(description="the row of GET /v1/feedback/export")
    decided_at: datetime


class ReviewItem(BaseModel):
    id: int
    complaint_id: str | None = Field(description="the caller's complaint id, PII-masked")
    text: str = Field(description="PII-masked")
    category: Category
    urgency: Urgency
    unit_id: str = Field(description="the unit proposed: the route's, or its best guess")
    confidences: Confidences
    units: list[UnitScore]
    explanation: dict[str, list[str]] = Field(description="per head, the words behind it")
    safety_signals: list[str]
    cues: list[str]
    route: RouteResponse
    duplicate_of: DuplicateResponse | None
    usefulness: float = Field(description="what order=useful sorts by (service.review)")
    received_at: datetime
    due_at: datetime = Field(description="received_at plus the route's sla_hours")
    status: Literal["open", "decided"]
    decision: ReviewDecisionView | None


class ReviewQueue(BaseModel):
    items: list[ReviewItem]
    total: int = Field(description="items matching the filters, on every page")
    next_cursor: str | None = Field(description="the cursor of the next page; null on the last")


class DecisionRequest(_Request):
    action: Literal["confirm", "correct"]
    category: Category | None = None
    urgency: Urgency | None = None
    unit_id: CityUnit | None = Field(default=None, examples=["dpupr"])
    reviewer: Reviewer

    @model_validator(mode="after")
    def _labels_fit_the_action(self) -> DecisionRequest:
        corrected = (self.category, self.urgency, self.unit_id) != (None, None, None)
        if self.action == "confirm" and corrected:
            raise ValueError("confirm takes no labels; send action correct to change them")
        if self.action == "correct" and not corrected:
            raise ValueError("correct needs at least one of category, urgency, unit_id")
        return self


class UndoRequest(_Request):
    reviewer: Reviewer


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """An error answer (RFC 9457 problem details); nothing in it repeats the request."""

    type: str = Field(examples=["urn:complaint-nlp:problem:content-too-large"])
    title: str = Field(examples=["Content Too Large"])
    status: int = Field(examples=[413])
    detail: str = Field(examples=["request body over the limit of 262144 bytes"])
    request_id: str = Field(description="also in the X-Request-ID header; quote it in reports")
    errors: list[FieldError] | None = Field(
        default=None, description="for 422: where each problem is and what it is"
    )


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for error answers of these statuses."""
    meaning = {
        400: "the body is empty, cannot be decoded as JSON text or names a key twice in one object",
        401: "missing or unknown X-API-Key",
        403: "not allowed (the key lacks the role, or the caller is not on this machine)",
        404: "no such item",
        408: "no part of the body arrived for COMPLAINT_BODY_TIMEOUT_SECONDS (30 s by default)",
        409: "the item is decided already, or there is nothing to undo",
        413: "body, batch or text over a limit",
        415: "the body is not JSON",
        422: "the request is not valid (see errors)",
        503: "overloaded, over the time budget, database unavailable or no model (see Retry-After)",
    }
    return {
        status: {
            "description": meaning[status],
            # The schema is registered by service.app (FastAPI would also list it as JSON).
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
