"""Model health (complaint_nlp/report/health.py): PSI worked by hand on the fixture."""

import math
from datetime import date

import pytest

from complaint_nlp.report.health import health_tables
from complaint_nlp.report.source import Source


def test_histogram_and_psi_of_category_confidence(source: Source) -> None:
    tables = health_tables(source)
    histogram = tables["confidence_histogram"].where(period=date(2024, 1, 1), head="category")
    # January's category confidences .95 .90 .60 .85 -> bins 0.9, 0.9, 0.6, 0.8.
    assert [r[3:] for r in histogram.rows if r[3]] == [(1, 0.25), (1, 0.25), (2, 0.5)]
    # February: .97 .92 .88 .45 .80 .75 .70 -> bins 0.4: 1, 0.7: 2, 0.8: 2, 0.9: 2 (of 7).
    jan = {6: 1 / 4, 8: 1 / 4, 9: 2 / 4}
    feb = {4: 1 / 7, 7: 2 / 7, 8: 2 / 7, 9: 2 / 7}
    psi = 0.0
    for b in range(10):
        p, q = max(feb.get(b, 0), 1e-4), max(jan.get(b, 0), 1e-4)
        psi += (p - q) * math.log(p / q)
    by_period = tables["health_by_period"].records()
    assert by_period[0]["psi_category"] == 0.0
    assert by_period[1]["psi_category"] == pytest.approx(round(psi, 4))
    assert psi == pytest.approx(5.3898, abs=1e-4)
    assert by_period[1]["review_share"] == round(1 / 7, 4)
    assert by_period[1]["median_category_confidence"] == 0.8
