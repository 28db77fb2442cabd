"""HTTP request and response bodies (kept apart from the library's domain objects)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Body
from pydantic import BaseModel, ConfigDict, Field, model_validator

from complaint_nlp.labels import UNITS

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
