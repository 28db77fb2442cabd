"""Rising words (complaint_nlp/report/emerging.py), checked against G² worked by hand."""

import dataclasses
import math

import pytest

from complaint_nlp.report.emerging import emerging_terms, log_likelihood, p_value
from complaint_nlp.report.source import Source


def _g2_by_hand(observed: list[float], expected: list[float]) -> float:
    return 2 * sum(o * math.log(o / e) for o, e in zip(observed, expected, strict=True) if o)


def test_banjir_rises_with_its_log_likelihood(source: Source) -> None:
    found = emerging_terms(source)
    assert found is not None
    # "banjir": in all 7 February complaints, none of the 4 of January. Expected counts of the
    # 2x2 table under "no change": 7 * 7/11, 4 * 7/11 with it; 7 * 4/11, 4 * 4/11 without.
    g2 = _g2_by_hand([7, 0, 0, 4], [49 / 11, 28 / 11, 28 / 11, 16 / 11])
    assert g2 == pytest.approx(14.4206, abs=1e-4)  # 2 * (7 ln(11/7) + 4 ln(11/4))
    # Only "banjir" is in five or more February complaints.
    assert found.table.rows == (
        ("banjir", "word", 0, 7, 0.0, 1.0, None, round(g2, 2), pytest.approx(p_value(g2))),
    )
    assert p_value(g2) == pytest.approx(math.erfc(math.sqrt(g2 / 2)))


def test_examples_are_the_first_three_masked(source: Source) -> None:
    found = emerging_terms(source)
    assert found is not None
    assert found.examples["banjir"] == [
        "Banjir setinggi lutut di jalan utama",
        "Banjir lagi, jalan tergenang. Hubungi saya [TELEPON]",
        "Air PDAM keruh sejak banjir <script>alert(1)</script>",  # escaped by the page
    ]


def test_pairs_and_lower_bars(source: Source) -> None:
    found = emerging_terms(source, min_complaints=2, min_g2=0, examples=0)
    assert found is not None and found.examples == {}
    rows = {r[0]: r for r in found.table.rows}
    # "jalan": 3 of 7 now, 2 of 4 before: its share fell (0.43 < 0.5), so it is not listed.
    assert "jalan" not in rows
    assert rows["banjir"][7] == round(log_likelihood(7, 0, 7, 4), 2)


def test_log_likelihood_is_symmetric_and_zero_without_change() -> None:
    assert log_likelihood(10, 10, 100, 100) == pytest.approx(0.0)
    assert log_likelihood(30, 10, 100, 100) == pytest.approx(log_likelihood(10, 30, 100, 100))


def test_nothing_without_texts(source: Source) -> None:
    narrowed = dataclasses.replace(source, present=frozenset({"received_at"}))
    assert emerging_terms(narrowed) is None


def test_markup_is_not_read_as_words(source: Source) -> None:
    found = emerging_terms(source, min_complaints=1, min_g2=0, examples=0)
    assert found is not None
    terms = {r[0] for r in found.table.rows}
    # K07: "... sejak banjir <script>alert(1)</script>": the tag's name is no word of the writer.
    assert "alert" in terms and not any("script" in t for t in terms)
