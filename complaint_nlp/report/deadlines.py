"""The service standard: how many complaints were answered within the routing table's deadline
for their unit and urgency, and how long answers took, per unit, period and urgency.

A complaint counts once it is *due*: answered, or unanswered past its deadline at the data's last
moment (see :mod:`complaint_nlp.report.source`). Answer times are exact medians and 90th
percentiles with linear interpolation (numpy's default), in hours.
"""

from __future__ import annotations

from complaint_nlp.report.source import Source
from complaint_nlp.report.table import Table, query

__all__ = ["SERVICE_MEASURES", "deadline_tables"]

#: The service-standard columns of a group of complaints (also used per kecamatan).
SERVICE_MEASURES = """
    count(*) FILTER (due) AS due,
    count(*) FILTER (on_time) AS on_time,
    count(*) FILTER (due AND NOT on_time) AS late,
    round(count(*) FILTER (on_time) / nullif(count(*) FILTER (due), 0), 4) AS on_time_share,
    count(answer_hours) AS answered,
    round(median(answer_hours), 2) AS median_hours,
    round(quantile_cont(answer_hours, 0.9), 2) AS p90_hours
"""


def deadline_tables(source: Source) -> dict[str, Table]:
    """``deadline_by_unit`` (furthest behind first: most late complaints, then the lowest share
    on time), ``deadline_by_period`` and ``deadline_by_urgency``; empty without both times."""
    if not source.has("received_at", "answered_at"):
        return {}
    groups = {
        "deadline_by_unit": ("unit_id, unit_name", "late DESC, on_time_share, unit_id"),
        "deadline_by_period": ("period", "period"),
        "deadline_by_urgency": ("urgency", "min(sla_hours), urgency"),
    }
    return {
        name: query(
            source,
            name,
            f"""
            SELECT {group}, count(*) AS complaints, {SERVICE_MEASURES}
            FROM complaints WHERE sla_hours IS NOT NULL
            GROUP BY {group} ORDER BY {order}
            """,
        )
        for name, (group, order) in groups.items()
    }
