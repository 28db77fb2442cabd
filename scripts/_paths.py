"""Default locations shared by the scripts (all overridable by arguments), and their entry
point."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from complaint_nlp.exceptions import ComplaintNLPError, DataFileError

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
COMPLAINTS = SHARED / "external" / "surabaya-mediacenter" / "complaints.csv"
ANNOTATIONS = SHARED / "annotations" / "surabaya-mediacenter.csv"
TOPIC_MAP = ROOT / "datasets" / "mappings" / "topic_to_category.csv"
AGENCY_MAP = ROOT / "datasets" / "mappings" / "agency_to_unit.csv"
PROCESSED = ROOT / "datasets" / "processed" / "complaints.csv"
MODELS = ROOT / "models"
REPORTS = ROOT / "reports"


def run(main: Callable[[], int]) -> NoReturn:
    """Run a script's ``main``: a bad input file, folder or setting ends it with one ``error:``
    line and exit code 2, never a traceback (a bug still shows its traceback)."""
    try:
        code = main()
    except (ComplaintNLPError, OSError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    raise SystemExit(code)


def read_rows(path: Path, columns: Iterable[str]) -> list[dict[str, str]]:
    """The rows of the CSV at ``path``, which must have ``columns`` and a row."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise DataFileError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        rows = list(reader)
    if not rows:
        raise DataFileError(f"{path}: no rows")
    return rows
