"""Column lists and the fields triage carries through (complaint_nlp/columns.py)."""

import pytest

from complaint_nlp.columns import CarriedColumns, parse_columns
from complaint_nlp.exceptions import InvalidInputError


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("", {}),
        ("kecamatan", {"kecamatan": "kecamatan"}),
        (
            "received_at=tanggal_keluhan, answered_at = tanggal_ditanggapi,kelurahan,",
            {
                "received_at": "tanggal_keluhan",
                "answered_at": "tanggal_ditanggapi",
                "kelurahan": "kelurahan",
            },
        ),
    ],
)
def test_parse_columns(spec: str, expected: dict[str, str]) -> None:
    assert parse_columns(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"), [("a=b,a=c", "given twice"), ("=tanggal", "expected 'name=column'")]
)
def test_parse_columns_refuses(spec: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_columns(spec)


def test_fields_rename_mask_and_fill_missing_values() -> None:
    carry = CarriedColumns({"received_at": "tanggal", "kecamatan": "kec"}, keep_text=True)
    text = "Lampu jalan mati, hubungi Pak Budi 0812-3456-7890"
    fields = carry.fields({"tanggal": "2024-03-01", "kec": None, "isi": text}, text)
    assert fields == {
        "received_at": "2024-03-01",
        "kecamatan": "",
        "text": "Lampu jalan mati, hubungi Pak [NAMA] [TELEPON]",
    }
    assert not CarriedColumns()


def test_check_header_names_the_missing_column() -> None:
    with pytest.raises(InvalidInputError, match="'kec'"):
        CarriedColumns({"kecamatan": "kec"}).check_header(["id", "isi"])


def test_merge_refuses_to_overwrite_a_label() -> None:
    carry = CarriedColumns({"category": "kategori"})
    with pytest.raises(InvalidInputError, match="input_category=kategori"):
        carry.merge({"id": "1", "category": "other"}, {"category": "x"})
    with pytest.raises(InvalidInputError, match="keep_text"):
        CarriedColumns({"text": "isi"}, keep_text=True)
