import csv
from datetime import date
from pathlib import Path

import pytest

from complaint_nlp.dataset import DatasetStats, Record, build_dataset, read_dataset, write_dataset
from complaint_nlp.exceptions import DataFileError
from tests.fixtures import write_csv

COMPLAINT_COLUMNS = ["id", "tanggal_keluhan", "keluhan", "topik", "instansi"]


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    complaints = write_csv(tmp_path / "c.csv", COMPLAINT_COLUMNS, [
        ["1", "2024-01-05 08:00:00", "Jalan berlubang di Cipocok, 0812-3456-7890", "Jalan", "PU"],
        ["2", "2024-01-06 09:00:00", "Jalan berlubang di Cipocok, 0812 3456 7890!", "Jalan", "PU"],
        ["3", "2024-02-10 10:00:00.000", "KTP belum jadi 3 bulan", "KTP", "Capil"],
        ["4", "2024-03-15 10:00:00", "Petugas tidak ramah", "", "Kelurahan X"],
        ["5", "2024-04-20 10:00:00", "Aplikasi error tidak bisa login", "Aplikasi", "Kominfo"],
        ["6", "2024-04-21 10:00:00", "   ", "Jalan", "PU"],
    ])  # fmt: skip
    annotations = write_csv(tmp_path / "a.csv", ["id", "category", "urgency"], [
        ["2", "infrastructure", "medium"],
        ["4", "human_resources", "medium"],
    ])  # fmt: skip
    topics = write_csv(tmp_path / "t.csv", ["topik", "category"], [
        ["Jalan", "infrastructure"], ["KTP", "bureaucracy"], ["Aplikasi", "information_technology"],
    ])  # fmt: skip
    agencies = write_csv(tmp_path / "g.csv", ["instansi", "unit"], [
        ["PU", "public_works"], ["Capil", "civil_registry"], ["Kelurahan X", "sub_district"],
        ["Kominfo", "communication_it"],
    ])  # fmt: skip
    return {"complaints": complaints, "annotations": annotations, "topics": topics,
            "agencies": agencies}  # fmt: skip


def _build(s: dict[str, Path], feedback: Path | None = None) -> tuple[list[Record], DatasetStats]:
    return build_dataset(
        s["complaints"], s["annotations"], s["topics"], s["agencies"],
        feedback=feedback, test_months=1, validation_months=1,
    )  # fmt: skip


def _corrections(tmp_path: Path, rows: list[list[str]]) -> Path:
    """A corrections export (``complaint_id,text,category,urgency,unit``) of ``rows``."""
    return write_csv(
        tmp_path / "f.csv", ["complaint_id", "text", "category", "urgency", "unit"], rows
    )


def test_build_masks_dedupes_labels_and_splits(sources: dict[str, Path], tmp_path: Path) -> None:
    records, stats = _build(sources)
    by_id = {r.id: r for r in records}
    # 1 and 2 are the same complaint once normalised: the annotated copy (2) is kept.
    assert set(by_id) == {"2", "3", "4", "5"}
    assert stats.duplicates == 1 and stats.empty == 1
    assert "0812" not in by_id["2"].text and "[TELEPON]" in by_id["2"].text
    assert by_id["2"].label_source == "annotation"
    assert (by_id["3"].category, by_id["3"].label_source) == ("bureaucracy", "topic_mapping")
    assert by_id["3"].urgency == ""
    assert (by_id["4"].category, by_id["4"].unit) == ("human_resources", "sub_district")
    assert by_id["3"].date == date(2024, 2, 10)
    assert [by_id[i].split for i in ("2", "3", "4", "5")] == [
        "train",
        "train",
        "validation",
        "test",
    ]
    path = tmp_path / "out" / "processed.csv"
    write_dataset(records, path)
    assert read_dataset(path) == records
    assert read_dataset(str(path)) == records  # plain string paths work too


def test_feedback_overrides_labels(sources: dict[str, Path], tmp_path: Path) -> None:
    row = ["3", "KTP belum jadi 3 bulan, NIK 3604011203850001", "human_resources", "high", ""]
    records, stats = _build(sources, feedback=_corrections(tmp_path, [row]))
    fixed = next(r for r in records if r.id == "3")
    assert (fixed.category, fixed.urgency, fixed.unit) == (
        "human_resources",
        "high",
        "civil_registry",
    )
    assert fixed.label_source == "feedback" and "[NIK]" in fixed.text
    assert stats.feedback == 1


def test_feedback_of_two_complaints_under_one_masked_id_keeps_both(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    feedback = _corrections(tmp_path, [
        ["WA-[TELEPON]", "Lampu jalan mati di gang mawar", "infrastructure", "medium", ""],
        ["WA-[TELEPON]", "Petugas kelurahan membentak warga", "human_resources", "medium", ""],
        ["WA-[TELEPON]", "Lampu jalan mati di gang mawar!", "infrastructure", "high", ""],
    ])  # fmt: skip
    records, stats = _build(sources, feedback=feedback)
    fed = {r.id: r for r in records if r.label_source == "feedback"}
    # Before: the second complaint replaced the first (ids are stored PII-masked).
    assert set(fed) == {"WA-[TELEPON]", "WA-[TELEPON]#2"}
    assert fed["WA-[TELEPON]"].urgency == "high"  # the later correction of the same complaint
    assert fed["WA-[TELEPON]#2"].category == "human_resources"
    assert stats.feedback == 2


def test_feedback_made_by_hand_in_a_spreadsheet(sources: dict[str, Path], tmp_path: Path) -> None:
    feedback = _corrections(tmp_path, [
        ["WA-081298765432", "Lampu jalan mati di gang mawar", "infrastructure", "medium", ""],
    ])  # fmt: skip
    # "CSV UTF-8" of a spreadsheet: a byte-order mark and CRLF (before: "missing column(s)
    # complaint_id", a column plainly there).
    content = feedback.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    feedback.write_bytes(b"\xef\xbb\xbf" + content.encode())
    records, _ = _build(sources, feedback=feedback)
    # The id masked as the service stores ids (before: written to datasets/processed/ as is).
    assert [r.id for r in records if r.label_source == "feedback"] == ["WA-[TELEPON]"]


def test_feedback_with_a_source_complaints_text_corrects_that_complaint(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    feedback = _corrections(tmp_path, [
        # complaint 5 (a test month) sent again through the service under another id
        ["LAPOR-77", "Aplikasi error, tidak bisa login!", "information_technology", "high", ""],
        ["LAPOR-78", "Lampu taman mati sejak kemarin", "infrastructure", "low", ""],
    ])  # fmt: skip
    records, stats = _build(sources, feedback=feedback)
    by_id = {r.id: r for r in records}
    # Before: LAPOR-77 was a new training row beside test complaint 5, the same text twice.
    assert "LAPOR-77" not in by_id
    assert (by_id["5"].urgency, by_id["5"].label_source, by_id["5"].split) == (
        "high",
        "feedback",
        "test",
    )
    assert by_id["LAPOR-78"].split == "train"  # a new complaint stays new training data
    assert (stats.feedback, stats.feedback_by_text, len(records)) == (2, 1, 5)


def test_unknown_label_in_mapping_names_the_line(sources: dict[str, Path], tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "t.csv", ["topik", "category"], [["Jalan", "roads"]])
    with pytest.raises(DataFileError, match=r"t.csv:2: unknown category 'roads'"):
        build_dataset(sources["complaints"], sources["annotations"], bad, sources["agencies"])


def test_missing_column_and_missing_file(sources: dict[str, Path], tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "x.csv", ["id", "text"], [["1", "x"]])
    with pytest.raises(DataFileError, match="missing column"):
        build_dataset(bad, sources["annotations"], sources["topics"], sources["agencies"])
    with pytest.raises(DataFileError, match="not found"):
        missing = tmp_path / "none.csv"
        build_dataset(missing, sources["annotations"], sources["topics"], sources["agencies"])


def test_shipped_mappings_cover_their_label_sets() -> None:
    root = Path(__file__).parents[1] / "datasets" / "mappings"
    from complaint_nlp.labels import CATEGORIES, UNITS

    with (root / "topic_to_category.csv").open(encoding="utf-8") as f:
        assert {row["category"] for row in csv.DictReader(f)} <= set(CATEGORIES)
    with (root / "agency_to_unit.csv").open(encoding="utf-8") as f:
        assert {row["unit"] for row in csv.DictReader(f)} <= set(UNITS)
