"""Model health: how confident the model was and how much it sent to review, period by period.

The drift signal is the population stability index (PSI) of each head's confidence against the
first period: ``sum((p - q) * ln(p / q))`` over ten bins of width 0.1, where ``p`` and ``q`` are
the period's and the first period's shares of complaints in a bin (floored at 0.0001 so that an
empty bin does not divide by zero). The usual reading: below 0.1 stable, 0.1 to 0.25 worth a
look, above 0.25 the complaints no longer look like those the model was checked on. A rising
review share says the same from the model's own bars.
"""

from __future__ import annotations

from complaint_nlp.report.source import Source
from complaint_nlp.report.table import Table, query

__all__ = ["PSI_ALERT", "health_tables"]

#: PSI above which the report calls a period's confidence shifted.
PSI_ALERT = 0.25
_FLOOR = 1e-4


def health_tables(source: Source) -> dict[str, Table]:
    """``confidence_histogram`` (period, head, bin, complaints, share) and ``health_by_period``
    (review share, median confidences and PSI per head against the first period)."""
    source.con.execute(
        """
        CREATE OR REPLACE TEMP TABLE confidence AS
        WITH conf AS (
            SELECT period, 'category' AS head, category_confidence AS c FROM complaints
            UNION ALL
            SELECT period, 'urgency' AS head, urgency_confidence AS c FROM complaints
        ), counts AS (
            SELECT period, head, CAST(least(floor(c * 10), 9) AS INTEGER) AS bin, count(*) AS n
            FROM conf WHERE c IS NOT NULL GROUP BY ALL
        ), grid AS (
            SELECT period, head, bin
            FROM (SELECT DISTINCT period, head FROM counts), range(10) AS r(bin)
        )
        SELECT g.period, g.head, g.bin, coalesce(c.n, 0) AS n,
            coalesce(c.n, 0) / sum(coalesce(c.n, 0)) OVER (PARTITION BY g.period, g.head) AS p
        FROM grid g LEFT JOIN counts c
            ON c.period IS NOT DISTINCT FROM g.period AND c.head = g.head AND c.bin = g.bin
        """
    )
    histogram = query(
        source,
        "confidence_histogram",
        """
        SELECT period, head, round(bin / 10, 1) AS bin_start, n AS complaints, round(p, 4) AS share
        FROM confidence ORDER BY period, head, bin
        """,
    )
    by_period = query(
        source,
        "health_by_period",
        f"""
        WITH reference AS (
            SELECT head, bin, p FROM confidence
            WHERE period IS NOT DISTINCT FROM (SELECT min(period) FROM confidence)
        ), psi AS (
            SELECT c.period,
                sum((greatest(c.p, {_FLOOR}) - greatest(r.p, {_FLOOR}))
                    * ln(greatest(c.p, {_FLOOR}) / greatest(r.p, {_FLOOR})))
                    FILTER (c.head = 'category') AS psi_category,
                sum((greatest(c.p, {_FLOOR}) - greatest(r.p, {_FLOOR}))
                    * ln(greatest(c.p, {_FLOOR}) / greatest(r.p, {_FLOOR})))
                    FILTER (c.head = 'urgency') AS psi_urgency
            FROM confidence c JOIN reference r USING (head, bin) GROUP BY c.period
        ), model AS (
            SELECT period, count(*) AS complaints,
                round(avg(needs_review::INT), 4) AS review_share,
                round(median(category_confidence), 4) AS median_category_confidence,
                round(median(urgency_confidence), 4) AS median_urgency_confidence
            FROM complaints GROUP BY period
        )
        SELECT m.*, round(psi_category, 4) AS psi_category, round(psi_urgency, 4) AS psi_urgency
        FROM model m LEFT JOIN psi ON psi.period IS NOT DISTINCT FROM m.period
        ORDER BY m.period
        """,
    )
    return {"confidence_histogram": histogram, "health_by_period": by_period}
