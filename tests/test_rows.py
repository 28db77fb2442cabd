"""Reading rows of CSV and JSONL exports: every row is a Row or a malformed row naming its line."""

import csv
import io

import pytest

from complaint_nlp import InvalidInputError, MalformedRowError, UndecodableInputError
from complaint_nlp.rows import DEFAULT_ENCODING, MAX_LINE_CHARS, InputFormat, Row, read_rows


def rows(
    data: bytes,
    input_format: InputFormat = "csv",
    *,
    text_column: str = "text",
    id_column: str | None = None,
    encoding: str = DEFAULT_ENCODING,
) -> list[str]:
    found = read_rows(
        io.BytesIO(data), input_format, text_column=text_column, id_column=id_column,
        encoding=encoding,
    )  # fmt: skip
    return [str(r) for r in found]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"text\njalan rusak\n", ["Row(line=2, id='1', text='jalan rusak')"]),
        (b"\xef\xbb\xbftext\r\njalan rusak\r\n", ["Row(line=2, id='1', text='jalan rusak')"]),
        (
            b'text,kanal\n"baris satu\nbaris dua",wa\nlampu mati,wa\n',
            [
                "Row(line=3, id='1', text='baris satu\\nbaris dua')",
                "Row(line=4, id='2', text='lampu mati')",
            ],
        ),
        (
            b"text,kanal\na,b,c\nlampu mati,wa\n",
            ["line 2: 3 fields, the header has 2", "Row(line=3, id='2', text='lampu mati')"],
        ),
        (b'text\n   \n""\n', ["line 2: empty text", "line 3: empty text"]),
        # A quote never closed: before, the rows after it were read into its field, unreported.
        (
            b'nomor,text\nA,jalan rusak\nG,"tanpa tutup\nH,sampah menumpuk\nI,lampu mati\n',
            [
                "Row(line=2, id='1', text='jalan rusak')",
                "line 3: a quoted field is never closed; lines 3-5 were read as one field",
            ],
        ),
        (b"text\n" + b"x" * 20_001 + b"\n", ["line 2: a field is longer than 20,000 characters"]),
        (b"text\n \t" + b"x" * 19_996 + b"  \n", [f"Row(line=2, id='1', text='{'x' * 19_996}')"]),
        (b"text\n", []),
        (b"", []),
    ],
)
def test_csv(data: bytes, expected: list[str]) -> None:
    assert rows(data) == expected


def test_csv_ids_from_a_column() -> None:
    assert rows(b"nomor,isi\nK-1,lampu mati\n", text_column="isi", id_column="nomor") == [
        "Row(line=2, id='K-1', text='lampu mati')"
    ]


@pytest.mark.parametrize(("text_column", "id_column"), [("isi", None), ("text", "nomor")])
def test_csv_header_without_the_column(text_column: str, id_column: str | None) -> None:
    with pytest.raises(InvalidInputError, match="no column"):
        rows(b"text\nlampu mati\n", text_column=text_column, id_column=id_column)


def test_csv_field_limit_is_given_back() -> None:
    before = csv.field_size_limit()
    rows(b"text\n" + b"x" * 30_000 + b"\nok\n")
    assert csv.field_size_limit() == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'{"text": "jalan rusak"}\n\n{"text": "lampu mati"}\n',
            ["Row(line=1, id='1', text='jalan rusak')", "Row(line=3, id='2', text='lampu mati')"],
        ),
        (b'{"text": "a", "id": 7}\n', ["Row(line=1, id='7', text='a')"]),
        (b"{not json\n", ["line 1: not JSON (Expecting property name enclosed in double quotes)"]),
        (b"[" * 100_000 + b"\n", ["line 1: not JSON (nested too deeply)"]),
        (b'["a"]\n', ["line 1: expected a JSON object, got list"]),
        (b'{"text": 5}\n', ["line 1: field 'text' missing or not a string"]),
        (b'{"text": "\\udc80 rusak"}\n', ["line 1: not valid Unicode (an unpaired surrogate)"]),
        (b'{"text": " "}\n', ["line 1: empty text"]),
        # refused as the HTTP API refuses it (a hostile probe, 2026-12-01)
        (b'{"text": "a", "text": "b"}\n', ["line 1: names a key twice in one object"]),
        (
            b'{"text": "' + b"x" * (MAX_LINE_CHARS + 10) + b'"}\n{"text": "ok"}\n',
            [
                f"line 1: longer than {MAX_LINE_CHARS:,} characters",
                "Row(line=2, id='2', text='ok')",
            ],
        ),
    ],
)
def test_jsonl(data: bytes, expected: list[str]) -> None:
    assert rows(data, "jsonl", id_column="id" if b'"id"' in data else None) == expected


def test_jsonl_id_field_missing() -> None:
    assert rows(b'{"text": "a"}\n', "jsonl", id_column="id") == ["line 1: field 'id' missing"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"text\nlampu mati\ncaf\xe9\n", "line 3 is not UTF-8 text (byte 0xe9 at column 4)"),
        (b"\x89PNG\r\n\x1a\n", "line 1 is not UTF-8 text (byte 0x89 at column 1)"),
    ],
)
def test_bytes_that_are_not_text_stop_the_reading(data: bytes, message: str) -> None:
    with pytest.raises(
        UndecodableInputError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        rows(data)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_other_encodings(encoding: str) -> None:
    data = "text\npelayanan kafé lambat\n".encode(encoding)
    assert rows(data, encoding=encoding) == ["Row(line=2, id='1', text='pelayanan kafé lambat')"]


def test_unknown_encoding() -> None:
    with pytest.raises(InvalidInputError, match="unknown text encoding 'rot13'"):
        rows(b"text\na\n", encoding="rot13")


def test_the_stream_stays_open() -> None:
    stream = io.BytesIO(b"text\na\n")
    assert all(isinstance(r, Row | MalformedRowError) for r in read_rows(stream, "csv"))
    assert not stream.closed
