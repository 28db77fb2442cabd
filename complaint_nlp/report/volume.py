"""Volume: complaints per period by category, unit and urgency, and the shares the model flagged
for review or found to be duplicates."""

from __future__ import annotations

from complaint_nlp.report.source import Source
from complaint_nlp.report.table import Table, query

__all__ = ["volume_tables"]

# Each dimension and the columns that name one of its groups.
_DIMENSIONS = {
    "volume_by_category": "category",
    "volume_by_urgency": "urgency",
    "volume_by_unit": "unit_id, unit_name",
}


def volume_tables(source: Source) -> dict[str, Table]:
    """``volume_by_period`` (complaints, review and duplicate counts and shares) and, per period,
    the complaints and their share of the period by category, urgency and unit."""
    tables = {
        "volume_by_period": query(
            source,
            "volume_by_period",
            """
            SELECT period, count(*) AS complaints,
                count(*) FILTER (needs_review) AS needs_review,
                round(avg(needs_review::INT), 4) AS review_share,
                count(*) FILTER (duplicate) AS duplicates,
                round(avg(duplicate::INT), 4) AS duplicate_share
            FROM complaints GROUP BY period ORDER BY period
            """,
        )
    }
    for name, group in _DIMENSIONS.items():
        tables[name] = query(
            source,
            name,
            f"""
            SELECT period, {group}, count(*) AS complaints,
                round(count(*) / sum(count(*)) OVER (PARTITION BY period), 4) AS share
            FROM complaints GROUP BY period, {group}
            ORDER BY period, complaints DESC, {group}
            """,
        )
    return tables
