"""The whole report (complaint_nlp/report/__init__.py, render.py and its template): the numbers
of its first page checked by hand, hostile text escaped, and the page opened in headless
Chromium (Debian's, driven by Playwright through scripts/screenshot_report.py) without console
errors or network requests."""

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from complaint_nlp.report import REPORT_TABLES, Report, build_report
from tests.report.fixture import CSV_NAMES, write_csv, write_labels_only

SCRIPT = Path(__file__).parents[2] / "scripts" / "screenshot_report.py"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("report")
    return build_report(write_csv(folder / "triase.csv"), folder / "out", columns=CSV_NAMES)


def _csv(report: Report, name: str) -> list[dict[str, str]]:
    with (report.html.parent / "tables" / f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_table_is_written(report: Report) -> None:
    names = {p.stem for p in (report.html.parent / "tables").glob("*.csv")}
    assert names == set(report.tables) == set(REPORT_TABLES) == {
        "summary", "volume_by_period", "volume_by_category", "volume_by_urgency",
        "volume_by_unit", "deadline_by_unit", "deadline_by_period", "deadline_by_urgency",
        "by_kecamatan", "by_kelurahan", "confidence_histogram", "health_by_period",
        "emerging_terms",
    }  # fmt: skip
    assert _csv(report, "volume_by_period")[1] == {
        "period": "2024-02-01", "complaints": "7", "needs_review": "1", "review_share": "0.1429",
        "duplicates": "1", "duplicate_share": "0.1429",
    }  # fmt: skip


def test_summary_numbers_by_hand(report: Report) -> None:
    summary = {r["measure"]: r["value"] for r in _csv(report, "summary")}
    assert (report.complaints, report.periods) == (11, 2)
    assert summary["rows_read"] == "12"
    assert summary["rows_without_received_at"] == "1"
    assert summary["change_against_previous"] == "0.75"  # 7 against 4
    assert summary["review_share"] == summary["duplicate_share"] == "0.1818"  # 2 of 11
    # With a deadline: 9 due (not K09, not K12), on time K01 K03 K05 K07; answered hours
    # [3, 6, 24, 24, 24, 96]: median 24, p90 at 4.5 -> 24 + 0.5 * 72 = 60.
    assert (summary["due"], summary["on_time_share"]) == ("9", "0.4444")
    assert (summary["median_hours"], summary["p90_hours"]) == ("24.0", "60.0")
    assert summary["furthest_behind_unit"] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    assert summary["furthest_behind_late"] == "3"
    assert summary["as_of"] == "2024-02-28T13:00:00"


def test_page_shows_the_numbers_and_escapes_the_file(report: Report) -> None:
    page = report.html.read_text(encoding="utf-8")
    assert '<html lang="id">' in page and "Laporan Pengaduan Warga" in page
    assert "44,4 %" in page  # on time, Indonesian decimal comma
    assert page.count("<svg") == 8
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Pipitan" not in page and "&lt;b&gt;Pipitan&lt;/b&gt;" in page
    assert "0812-3456-7890" not in page and "[TELEPON]" in page
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?https?:""", page)  # nothing to fetch


def test_examples_can_be_left_out(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "triase.csv")
    done = build_report(path, tmp_path / "out", columns=CSV_NAMES, examples=0)
    page = done.html.read_text(encoding="utf-8")
    assert "<td>banjir</td>" in page and "Banjir setinggi lutut" not in page


def test_weekly_periods(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "triase.csv")
    done = build_report(path, tmp_path / "out", columns=CSV_NAMES, period="week")
    # Weeks (from Monday) holding a complaint: 1, 8, 15, 29 Jan; 5, 12, 19, 26 Feb.
    assert done.periods == 8
    assert _csv(done, "volume_by_period")[3] == {
        "period": "2024-01-29", "complaints": "2", "needs_review": "0", "review_share": "0.0",
        "duplicates": "0", "duplicate_share": "0.0",
    }  # fmt: skip


def test_page_opens_in_headless_chromium(report: Report, tmp_path: Path) -> None:
    png, pdf = tmp_path / "first-page.png", tmp_path / "laporan.pdf"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(report.html), str(png), "--pdf", str(pdf)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    # Exit 1 on any console message, page error or request for anything but the page itself.
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_sections_without_their_columns_say_what_they_need(tmp_path: Path) -> None:
    path = write_labels_only(tmp_path / "labels.csv")
    done = build_report(path, tmp_path / "out")
    page = done.html.read_text(encoding="utf-8")
    assert (done.complaints, done.periods) == (2, 1)
    assert page.count('class="missing"') == 3  # service standard, emerging problems, kecamatan
    assert "deadline_by_unit" not in done.tables and "emerging_terms" not in done.tables


def test_a_report_written_over_another_leaves_none_of_its_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_report(write_csv(tmp_path / "triase.csv"), out, columns=CSV_NAMES)
    (out / "tables" / "catatan_saya.csv").write_text("mine\n", encoding="utf-8")
    # Before: the first report's deadline and district tables stayed, read as the new one's.
    done = build_report(write_labels_only(tmp_path / "labels.csv"), out)
    names = {p.stem for p in (out / "tables").glob("*.csv")}
    assert names == set(done.tables) | {"catatan_saya"}
