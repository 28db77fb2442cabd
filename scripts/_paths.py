"""Default locations shared by the scripts (all overridable by arguments)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
COMPLAINTS = SHARED / "external" / "surabaya-mediacenter" / "complaints.csv"
ANNOTATIONS = SHARED / "annotations" / "surabaya-mediacenter.csv"
TOPIC_MAP = ROOT / "datasets" / "mappings" / "topic_to_category.csv"
AGENCY_MAP = ROOT / "datasets" / "mappings" / "agency_to_unit.csv"
PROCESSED = ROOT / "datasets" / "processed" / "complaints.csv"
MODELS = ROOT / "models"
REPORTS = ROOT / "reports"
