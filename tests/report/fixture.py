"""A small triaged file written for the report's tests, with every number worked out by hand.

Twelve complaints of January and February 2024 (Kota Serang's shipped routing table gives the
deadlines: dpupr high 12 h, medium 72 h, low 168 h; pdam medium 72 h; triase 24 / 72 / 168 h).
K10 has no date (left out), K11's answer is earlier than the complaint (counted as unanswered),
K12 goes to a unit the table lacks (no deadline). The data's last moment is K12's answer,
2024-02-28 13:00. Every February complaint says "banjir", no January one does.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

COLUMNS = (
    "id", "category", "category_confidence", "urgency", "urgency_confidence", "needs_review",
    "route_unit_id", "duplicate_of", "received_at", "answered_at", "kecamatan", "kelurahan",
    "text",
)  # fmt: skip

ROWS: list[tuple[Any, ...]] = [
    ("K01", "infrastructure", 0.95, "high", 0.80, False, "dpupr", "",
     "2024-01-02 08:00", "2024-01-02 14:00", "Curug", "Cilaku",
     "Jalan rusak di depan sekolah, mohon diperbaiki"),
    ("K02", "infrastructure", 0.90, "medium", 0.70, False, "dpupr", "",
     "2024-01-05 09:00", "2024-01-09 09:00", "Curug", "Cilaku", "Lampu jalan mati sudah seminggu"),
    ("K03", "bureaucracy", 0.60, "low", 0.55, True, "triase", "",
     "2024-01-10 10:00", "2024-01-11 10:00", "Kasemen", "Banten",
     "KTP belum jadi padahal sudah rekam"),
    ("K04", "other", 0.85, "low", 0.90, False, "triase", "K03",
     "2024-01-20", "", "Kasemen", "Banten", "KTP belum jadi, sudah lama menunggu"),
    ("K05", "infrastructure", 0.97, "high", 0.85, False, "dpupr", "",
     "2024-02-01 07:00", "2024-02-01 10:00", "Curug", "Curug Manis",
     "Banjir setinggi lutut di jalan utama"),
    ("K06", "infrastructure", 0.92, "high", 0.75, False, "dpupr", "",
     "2024-02-03 07:00", "2024-02-04 07:00", "Walantaka", "Pipitan",
     "Banjir lagi, jalan tergenang. Hubungi saya 0812-3456-7890"),
    ("K07", "infrastructure", 0.88, "medium", 0.65, False, "pdam", "",
     "2024-02-10", "2024-02-11", "Walantaka", "<b>Pipitan</b>",
     "Air PDAM keruh sejak banjir <script>alert(1)</script>"),
    ("K08", "information_technology", 0.45, "medium", 0.50, True, "triase", "",
     "2024-02-20 12:00", "", "", "", "Aplikasi lapor banjir tidak bisa dibuka"),
    ("K09", "infrastructure", 0.80, "low", 0.60, False, "dpupr", "K05",
     "2024-02-27 09:00", "", "Curug", "Curug Manis", "Sisa banjir membuat jalan berlumpur"),
    ("K10", "other", 0.70, "low", 0.70, False, "triase", "",
     "", "", "Curug", "Cilaku", "Sampah menumpuk di pinggir kali"),
    ("K11", "infrastructure", 0.75, "high", 0.70, False, "dpupr", "",
     "2024-02-15 10:00", "2024-02-14 10:00", "Walantaka", "Pipitan",
     "Tanggul jebol, banjir masuk rumah warga"),
    ("K12", "other", 0.70, "low", 0.70, False, "kelurahan_x", "",
     "2024-02-28 12:00", "2024-02-28 13:00", "Kasemen", "Banten",
     "Terima kasih, banjir sudah surut"),
]  # fmt: skip

#: What the CSV calls the two times (the report maps them with ``columns``).
CSV_NAMES = {"received_at": "tanggal_keluhan", "answered_at": "tanggal_ditanggapi"}


def write_csv(path: Path) -> Path:
    """The fixture as ``triage --format csv`` writes it, the times under Indonesian names."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([CSV_NAMES.get(c, c) for c in COLUMNS])
        writer.writerows(ROWS)
    return path


def write_jsonl(path: Path) -> Path:
    """The fixture as ``triage`` writes JSONL: the route and the duplicate match nested."""
    lines = []
    for row in ROWS:
        item = dict(zip(COLUMNS, row, strict=True))
        item["route"] = {"unit_id": item.pop("route_unit_id"), "reasons": ["fixture"]}
        duplicate = item.pop("duplicate_of")
        item["duplicate_of"] = {"id": duplicate, "similarity": 0.9} if duplicate else None
        item["units"] = [["public_works", 0.9], ["transport", 0.05]]
        lines.append(json.dumps(item))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_labels_only(path: Path) -> Path:
    """Two triaged complaints with no kept column: no times, districts or text."""
    path.write_text(
        '\ufeff"id","category",category_confidence,urgency,urgency_confidence,needs_review,'
        "route_unit_id,duplicate_of\n"
        "1,other,0.9,low,0.8,False,triase,\n2,other,0.5,high,0.4,True,dlh,1\n",
        encoding="utf-8",
    )
    return path
