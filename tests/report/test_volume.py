"""Volume per period (complaint_nlp/report/volume.py); expected values counted by hand."""

from datetime import date

from complaint_nlp.report.source import Source
from complaint_nlp.report.volume import volume_tables

JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)


def test_volume_review_and_duplicate_shares_per_period(source: Source) -> None:
    tables = volume_tables(source)
    # January: K01-K04, K03 for review, K04 a duplicate; February: K05-K09, K11, K12.
    assert tables["volume_by_period"].rows == (
        (JAN, 4, 1, 0.25, 1, 0.25),
        (FEB, 7, 1, round(1 / 7, 4), 1, round(1 / 7, 4)),
    )
    assert tables["volume_by_category"].where(period=FEB).rows == (
        (FEB, "infrastructure", 5, round(5 / 7, 4)),
        (FEB, "information_technology", 1, round(1 / 7, 4)),
        (FEB, "other", 1, round(1 / 7, 4)),
    )
    assert tables["volume_by_urgency"].where(period=JAN).rows == (
        (JAN, "low", 2, 0.5),
        (JAN, "high", 1, 0.25),
        (JAN, "medium", 1, 0.25),
    )
    assert tables["volume_by_unit"].where(period=JAN).column("unit_id") == ["dpupr", "triase"]
    assert tables["volume_by_unit"].where(period=FEB, unit_id="kelurahan_x").rows == (
        (FEB, "kelurahan_x", "kelurahan_x", 1, round(1 / 7, 4)),
    )
