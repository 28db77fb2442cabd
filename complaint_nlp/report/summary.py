"""The headline numbers of the report's first page, and what loading the file left out."""

from __future__ import annotations

from typing import Any

from complaint_nlp.report.deadlines import SERVICE_MEASURES
from complaint_nlp.report.source import Source
from complaint_nlp.report.table import Table, query

__all__ = ["summary_table"]


def summary_table(source: Source, tables: dict[str, Table]) -> Table:
    """``summary``: one ``measure, value`` row per headline number."""
    periods = tables["volume_by_period"]
    counts = periods.column("complaints")
    names = periods.column("period")
    overall = query(
        source,
        "overall",
        """
        SELECT count(*) AS complaints,
            round(avg(needs_review::INT), 4) AS review_share,
            round(avg(duplicate::INT), 4) AS duplicate_share
        FROM complaints
        """,
    ).records()[0]
    # The service standard over the complaints with a deadline, as in deadline_by_unit.
    service = query(
        source,
        "service",
        f"SELECT {SERVICE_MEASURES} FROM complaints WHERE sla_hours IS NOT NULL",
    ).records()[0]
    values: dict[str, Any] = {**overall, **service}
    timed = source.has("received_at", "answered_at")
    behind = tables["deadline_by_unit"].records()[:1] if timed else []
    measures: dict[str, Any] = {
        "rows_read": source.rows_read,
        "rows_without_received_at": source.without_date,
        "unreadable_or_early_answers": source.bad_answers,
        "complaints_without_deadline": source.without_deadline,
        "complaints": values["complaints"],
        "periods": len(names),
        "first_period": names[0] if names else None,
        "previous_period": names[-2] if len(names) > 1 else None,
        "last_period": names[-1] if names else None,
        "as_of": source.as_of,
        "last_period_complaints": counts[-1] if counts else 0,
        "previous_period_complaints": counts[-2] if len(counts) > 1 else None,
        "change_against_previous": round(counts[-1] / counts[-2] - 1, 4)
        if len(counts) > 1 and counts[-2]
        else None,
        "review_share": values["review_share"],
        "duplicate_share": values["duplicate_share"],
        "due": values["due"] if timed else None,
        "on_time_share": values["on_time_share"] if timed else None,
        "median_hours": values["median_hours"] if timed else None,
        "p90_hours": values["p90_hours"] if timed else None,
        "furthest_behind_unit": behind[0]["unit_name"] if behind and behind[0]["late"] else None,
        "furthest_behind_late": behind[0]["late"] if behind and behind[0]["late"] else None,
    }
    return Table("summary", ("measure", "value"), tuple(measures.items()))
