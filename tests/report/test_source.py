"""Loading a triaged file (complaint_nlp/report/source.py), on the hand-made fixture."""

from datetime import datetime
from pathlib import Path

import pytest

from complaint_nlp.exceptions import InvalidInputError
from complaint_nlp.report.source import Source, open_source
from complaint_nlp.routing import load_routing_table
from tests.report.fixture import write_jsonl, write_labels_only

_COLUMNS = "id, unit_name, period, sla_hours, answer_hours, due, on_time, duplicate, needs_review"


def test_what_loading_leaves_out_is_counted(source: Source) -> None:
    assert source.rows_read == 12
    assert source.without_date == 1  # K10
    assert source.bad_answers == 1  # K11, answered before it was sent
    assert source.without_deadline == 1  # K12, a unit the table lacks
    assert source.as_of == datetime(2024, 2, 28, 13, 0)
    assert source.present == {"received_at", "answered_at", "kecamatan", "kelurahan", "text"}


def test_each_complaint_gets_its_deadline_and_whether_it_was_due(source: Source) -> None:
    rows = {r[0]: r[1:] for r in source.rows(f"SELECT {_COLUMNS} FROM complaints ORDER BY id")}
    assert "K10" not in rows
    name, period, sla, hours, due, on_time, _, _ = rows["K02"]
    assert (name, str(period), sla, hours, due, on_time) == (
        "Dinas Pekerjaan Umum dan Penataan Ruang", "2024-01-01", 72.0, 96.0, True, False
    )  # fmt: skip
    assert rows["K04"][3:6] == (None, True, False)  # unanswered, 168 h long past: late
    assert rows["K09"][3:6] == (None, False, False)  # unanswered, 28 h of 168: not due yet
    assert rows["K11"][3:6] == (None, True, False)  # its early answer does not count
    assert rows["K12"][2:6] == (None, 1.0, False, False)  # no deadline: never due
    assert rows["K04"][6] and rows["K03"][7]


def test_jsonl_output_of_triage_loads_the_same(source: Source, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "triase.jsonl")
    with open_source(path, table=load_routing_table()) as jsonl:
        assert jsonl.rows(f"SELECT {_COLUMNS} FROM complaints ORDER BY id") == source.rows(
            f"SELECT {_COLUMNS} FROM complaints ORDER BY id"
        )


def test_a_file_with_labels_only_is_one_period(tmp_path: Path) -> None:
    path = write_labels_only(tmp_path / "labels.csv")  # quoted names after a byte-order mark
    with open_source(path, table=load_routing_table(), period="week") as loaded:
        assert loaded.present == frozenset()
        assert loaded.rows("SELECT period, count(*) FROM complaints GROUP BY ALL") == [(None, 2)]


@pytest.mark.parametrize(
    ("content", "columns", "message"),
    [
        (
            "id,category\n1,other\n",
            None,
            "has no category_confidence, duplicate_of, needs_review, route_unit_id, urgency",
        ),
        ("id,category\n", {"tanggal": "x"}, "unknown report column tanggal"),
        # Before: a misspelt file column was dropped without a word (no times in the report).
        ("id,tanggal\n", {"received_at": "tangal"}, "has no column tangal"),
    ],
)
def test_refuses_what_is_not_triage_output(
    tmp_path: Path, content: str, columns: dict[str, str] | None, message: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    with (
        pytest.raises(InvalidInputError, match=message),
        open_source(path, table=load_routing_table(), columns=columns),
    ):
        pass


_HEADER = (
    "id,category,category_confidence,urgency,urgency_confidence,needs_review,route_unit_id,"
    "duplicate_of"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Before: an IndexError ("please report this") and no page, on a quiet week's file.
        (f"{_HEADER}\n", "no complaints to report \\(the file has no rows\\)"),
        (
            f"{_HEADER},received_at\nA,other,0.9,low,0.9,false,triase,,kemarin\n"
            "B,other,0.9,low,0.9,false,triase,,\n",
            "none of its 2 rows has a readable received_at",
        ),
    ],
)
def test_a_file_with_nothing_to_report_is_one_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "triase.csv"
    path.write_text(content, encoding="utf-8")
    with (
        pytest.raises(InvalidInputError, match=message),
        open_source(path, table=load_routing_table()),
    ):
        pass


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Before: a column of its own on the page and in volume_by_category.csv (a probe).
        (f"{_HEADER},text\nA,NOTACAT,0.9,low,0.9,false,triase,,ok\n", "category 'NOTACAT' \\(id A"),
        (f"{_HEADER},text\nA,other,0.9,,0.9,false,triase,,ok\n", "urgency None \\(id A\\) is not"),
        # Before: DuckDB's 25 lines, one of them the row as written.
        (
            f"{_HEADER},text\nA,other,0.9,low,0.9,false,triase,,caf\xe9\n",
            "Line: 2 \\(not UTF-8 text: save it as UTF-8\\)$",
        ),
    ],
)
def test_a_file_that_triage_did_not_write_is_one_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "triase.csv"
    path.write_bytes(content.encode("latin-1"))
    with (
        pytest.raises(InvalidInputError, match=message) as raised,
        open_source(path, table=load_routing_table(), columns={"text": "text"}),
    ):
        pass
    assert "\n" not in str(raised.value) and "caf" not in str(raised.value)


def test_a_confidence_that_is_not_a_number_counts_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "triase.csv"
    path.write_text(
        f"{_HEADER}\nA,other,nan,low,inf,false,triase,\nB,other,0.5,low,0.5,false,triase,\n",
        encoding="utf-8",
    )
    with open_source(path, table=load_routing_table()) as loaded:
        assert loaded.rows(
            "SELECT id, category_confidence, urgency_confidence FROM complaints ORDER BY id"
        ) == [("A", None, None), ("B", 0.5, 0.5)]
