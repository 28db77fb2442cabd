"""The decision makers' report: ``build_report`` turns a triaged file into ``index.html`` (one
self-contained page, charts as SVG, printable on A4, in Indonesian) and ``tables/*.csv`` with
every number the page shows.

Sections, one module each: :mod:`.volume` (complaints per period by category, unit and urgency,
review and duplicate shares), :mod:`.deadlines` (the service standard per unit), :mod:`.emerging`
(rising words with a log-likelihood test), :mod:`.districts` (per kecamatan and kelurahan) and
:mod:`.health` (model confidence and drift). :mod:`.source` loads the file into DuckDB and decides
every per-complaint rule once; :mod:`.render` draws and writes the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from complaint_nlp._resources import PathLike
from complaint_nlp.report.deadlines import deadline_tables
from complaint_nlp.report.districts import district_tables
from complaint_nlp.report.emerging import emerging_terms
from complaint_nlp.report.health import health_tables
from complaint_nlp.report.render import load_labels, render_html
from complaint_nlp.report.source import OPTIONAL_COLUMNS, PERIODS, Period, open_source
from complaint_nlp.report.summary import summary_table
from complaint_nlp.report.table import Table
from complaint_nlp.report.volume import volume_tables
from complaint_nlp.routing import load_routing_table

__all__ = ["OPTIONAL_COLUMNS", "PERIODS", "REPORT_TABLES", "Report", "Table", "build_report"]

#: Every table a report may write. One that a run does not write (its column is missing, or only
#: one period) is removed from ``tables/``: left there, an earlier report's table read as part of
#: the new one. Other files in the folder are left alone.
REPORT_TABLES = (
    "volume_by_period", "volume_by_category", "volume_by_urgency", "volume_by_unit",
    "deadline_by_period", "deadline_by_unit", "deadline_by_urgency", "by_kecamatan",
    "by_kelurahan", "health_by_period", "confidence_histogram", "emerging_terms", "summary",
)  # fmt: skip


@dataclass(frozen=True)
class Report:
    """What :func:`build_report` wrote: the page, the tables, and the rows it counted."""

    html: Path
    tables: dict[str, Table]
    csv: list[Path]
    complaints: int
    periods: int


def build_report(
    input_path: PathLike,
    output_dir: PathLike,
    *,
    period: Period = "month",
    routing_table: PathLike | None = None,
    columns: Mapping[str, str] | None = None,
    examples: int = 3,
    labels_path: PathLike | None = None,
) -> Report:
    """Write the report of the triaged CSV / JSONL at ``input_path`` into ``output_dir``.

    ``columns`` maps a report column (:data:`OPTIONAL_COLUMNS`) to the file's name for it;
    deadlines come from ``routing_table`` (default: the shipped one); ``examples`` masked
    complaints are shown per rising term (0: none).
    """
    table = load_routing_table(routing_table)
    labels = load_labels(labels_path)
    with open_source(Path(input_path), table=table, period=period, columns=columns) as source:
        tables = {
            **volume_tables(source),
            **deadline_tables(source),
            **district_tables(source),
            **health_tables(source),
        }
        emerging = emerging_terms(source, examples=examples)
        if emerging is not None:
            tables["emerging_terms"] = emerging.table
        tables["summary"] = summary_table(source, tables)
        present = source.present
    summary = dict(tables["summary"].rows)
    html = render_html(
        tables=tables,
        examples=emerging.examples if emerging is not None else {},
        summary=summary,
        labels=labels,
        period=period,
        city=table.city,
        present=present,
    )
    out = Path(output_dir)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    for name in set(REPORT_TABLES) - tables.keys():
        (out / "tables" / f"{name}.csv").unlink(missing_ok=True)
    csv = [t.write_csv(out / "tables") for t in tables.values()]
    page = out / "index.html"
    page.write_text(html, encoding="utf-8")
    return Report(page, tables, csv, summary["complaints"], summary["periods"])
