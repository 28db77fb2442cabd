"""The service standard (complaint_nlp/report/deadlines.py); expected values worked by hand.

Answer hours: K01 6, K02 96, K03 24, K05 3, K06 24, K07 24. p90 is numpy's linear percentile:
for dpupr's [3, 6, 24, 96], position 0.9 * 3 = 2.7, so 24 + 0.7 * (96 - 24) = 74.4.
"""

import dataclasses
from datetime import date

from complaint_nlp.report.deadlines import deadline_tables
from complaint_nlp.report.source import Source

DPUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
TRIASE = "Meja Triase Pengaduan (Admin SP4N-LAPOR! Kota Serang)"
PDAM = "Perumda Air Minum (PDAM) Kota Serang"


def test_per_unit_furthest_behind_first(source: Source) -> None:
    table = deadline_tables(source)["deadline_by_unit"]
    assert table.columns == (
        "unit_id", "unit_name", "complaints", "due", "on_time", "late", "on_time_share",
        "answered", "median_hours", "p90_hours",
    )  # fmt: skip
    assert table.rows == (
        # K01 K02 K05 K06 K09 K11: K09 not due; on time K01 (6 h of 12), K05 (3 h of 12).
        ("dpupr", DPUPR, 6, 5, 2, 3, 0.4, 4, 15.0, 74.4),
        # K03 (24 h of 168) on time; K04 and K08 unanswered past 168 h and 72 h.
        ("triase", TRIASE, 3, 3, 1, 2, 0.3333, 1, 24.0, 24.0),
        ("pdam", PDAM, 1, 1, 1, 0, 1.0, 1, 24.0, 24.0),
    )


def test_per_period_and_per_urgency(source: Source) -> None:
    tables = deadline_tables(source)
    assert tables["deadline_by_period"].rows == (
        # [6, 24, 96]: median 24, p90 at 1.8 -> 24 + 0.8 * 72 = 81.6
        (date(2024, 1, 1), 4, 4, 2, 2, 0.5, 3, 24.0, 81.6),
        (date(2024, 2, 1), 6, 5, 2, 3, 0.4, 3, 24.0, 24.0),
    )
    high = tables["deadline_by_urgency"].where(urgency="high").rows
    # K01 6 h, K05 3 h on time; K06 24 h late; K11 unanswered: [3, 6, 24] -> p90 6 + 0.8 * 18
    assert high == (("high", 4, 4, 2, 2, 0.5, 3, 6.0, 20.4),)


def test_no_section_without_both_times(source: Source) -> None:
    narrowed = dataclasses.replace(source, present=frozenset({"received_at"}))
    assert deadline_tables(narrowed) == {}
