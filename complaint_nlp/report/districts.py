"""Per kecamatan (and kelurahan): volume, urgency mix and the service standard."""

from __future__ import annotations

from complaint_nlp.labels import URGENCIES
from complaint_nlp.report.deadlines import SERVICE_MEASURES
from complaint_nlp.report.source import Source
from complaint_nlp.report.table import Table, query

__all__ = ["district_tables"]


def district_tables(source: Source) -> dict[str, Table]:
    """``by_kecamatan`` (most complaints first; answer times with both times in the file) and
    ``by_kelurahan``; complaints without a kecamatan form the group with an empty name."""
    if not source.has("kecamatan"):
        return {}
    mix = ", ".join(f"round(avg((urgency = '{u}')::INT), 4) AS {u}_share" for u in URGENCIES)
    service = f", {SERVICE_MEASURES}" if source.has("received_at", "answered_at") else ""
    groups = {"by_kecamatan": "kecamatan"}
    if source.has("kelurahan"):
        groups["by_kelurahan"] = "kecamatan, kelurahan"
    return {
        name: query(
            source,
            name,
            f"""
            SELECT {group}, count(*) AS complaints, {mix}{service}
            FROM complaints GROUP BY {group}
            ORDER BY complaints DESC, {group} NULLS LAST
            """,
        )
        for name, group in groups.items()
    }
