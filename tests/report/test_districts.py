"""Per kecamatan (complaint_nlp/report/districts.py); expected values worked by hand."""

from complaint_nlp.report.districts import district_tables
from complaint_nlp.report.source import Source


def test_volume_urgency_mix_and_answer_times_per_kecamatan(source: Source) -> None:
    table = district_tables(source)["by_kecamatan"]
    rows = {r[0]: r[1:] for r in table.rows}
    # Curug: K01 high, K02 medium, K05 high, K09 low; due K01 K02 K05, on time K01 K05;
    # answered [3, 6, 96] -> median 6, p90 6 + 0.8 * 90 = 78.
    assert rows["Curug"] == (4, 0.5, 0.25, 0.25, 3, 2, 1, 0.6667, 3, 6.0, 78.0)
    # Kasemen: K03, K04, K12 low; K12 has no deadline; answered K03 24 h, K12 1 h:
    # median 12.5, p90 1 + 0.9 * 23 = 21.7.
    assert rows["Kasemen"] == (3, 0.0, 0.0, 1.0, 2, 1, 1, 0.5, 2, 12.5, 21.7)
    assert rows["Walantaka"][:4] == (3, 0.6667, 0.3333, 0.0)
    assert rows[None][0] == 1  # K08 names no kecamatan
    assert table.column("kecamatan")[:3] == ["Curug", "Kasemen", "Walantaka"]


def test_kelurahan_inside_kecamatan(source: Source) -> None:
    table = district_tables(source)["by_kelurahan"]
    assert table.where(kecamatan="Curug").column("kelurahan") == ["Cilaku", "Curug Manis"]
    assert table.where(kelurahan="Banten").column("complaints") == [3]
