"""Reading complaints from a CSV or JSONL export, one row at a time.

:func:`read_rows` streams a binary file or pipe, so memory stays bounded whatever the input's
size (a physical line is read up to :data:`MAX_LINE_CHARS`). Each row comes back as a
:class:`Row`, or as a :class:`~complaint_nlp.MalformedRowError` naming its line when it cannot be
used: yielded, not raised, so that the caller decides whether to skip it or stop. Malformed are a
CSV row with the wrong number of fields or a field longer than the text limit, a JSONL line that is
not an object with a text, and a text that is blank or longer than
:data:`~complaint_nlp._validation.MAX_TEXT_CHARS` (the HTTP API's rule).

Bytes that are not text in the given encoding stop the reading with
:class:`~complaint_nlp.UndecodableInputError` naming the line: a wrong encoding garbles every
row, and replacing the bytes would alter the texts without a word.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from complaint_nlp._validation import (
    MAX_TEXT_CHARS,
    RepeatedKeyError,
    complaint_text,
    unique_keys,
)
from complaint_nlp.columns import CarriedColumns
from complaint_nlp.exceptions import InvalidInputError, MalformedRowError, UndecodableInputError

__all__ = ["DEFAULT_ENCODING", "MAX_LINE_CHARS", "InputFormat", "Row", "read_rows"]

#: UTF-8, skipping the byte-order mark that spreadsheet programs write first.
DEFAULT_ENCODING = "utf-8-sig"
#: A longer physical line is skipped, and its row reported, without being held in memory: room
#: for a text at the limit written with JSON escapes and the other fields of its row.
MAX_LINE_CHARS = 50 * MAX_TEXT_CHARS

InputFormat = Literal["csv", "jsonl"]

# Undecodable bytes, which the "surrogateescape" error handler turns into these code points.
_UNDECODED = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Row:
    """One complaint: the line it ends on, its id, its text (surrounding white space removed)
    and the input fields carried into the output (see :mod:`complaint_nlp.columns`)."""

    line: int
    id: str
    text: str
    carried: dict[str, Any] = field(default_factory=dict, repr=False)


class _LineTooLong(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}: longer than {MAX_LINE_CHARS:,} characters")
        self.line = line


class _Lines:
    """The numbered lines of a binary stream, decoded strictly. An over-long line raises
    :class:`_LineTooLong` (after skipping it) and iteration may go on; undecodable bytes raise
    :class:`UndecodableInputError`."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        try:
            self.text = io.TextIOWrapper(
                raw, encoding=encoding, errors="surrogateescape", newline=""
            )
        except LookupError:
            raise InvalidInputError(
                f"unknown text encoding {encoding!r}; name one such as utf-8, cp1252 or latin-1"
            ) from None
        self.encoding = "UTF-8" if encoding == DEFAULT_ENCODING else encoding
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._read()
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > MAX_LINE_CHARS:
            while line and not line.endswith(("\n", "\r")):
                line = self._read()
            raise _LineTooLong(self.number)
        if not line.isascii() and (bad := _UNDECODED.search(line)):
            byte = ord(bad.group()) - 0xDC00
            raise UndecodableInputError(
                f"line {self.number} is not {self.encoding} text (byte 0x{byte:02x} at "
                f"column {bad.start() + 1}); give the file's encoding, e.g. cp1252 or latin-1"
            )
        return line

    def _read(self) -> str:
        try:
            return self.text.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError as exc:  # bytes that surrogateescape cannot carry (UTF-16 ...)
            raise UndecodableInputError(
                f"after line {self.number}: not {self.encoding} text ({exc.reason}); give the "
                "file's encoding"
            ) from None


def read_rows(
    raw: IO[bytes],
    input_format: InputFormat,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    encoding: str = DEFAULT_ENCODING,
    carry: CarriedColumns | None = None,
) -> Generator[Row | MalformedRowError, None, None]:
    """The rows of ``raw``: a CSV file with a header, or JSONL (one object per line).

    Without ``id_column`` a row's id is its number (1 for the first row); ``carry`` names input
    fields to keep beside the labels. The stream is read but not closed. Raises
    :class:`~complaint_nlp.InvalidInputError` for an unknown encoding or a header without the
    columns, and :class:`~complaint_nlp.UndecodableInputError`.

    >>> rows = read_rows(io.BytesIO(b'{"text": "Jalan rusak"}\\n{"text": " "}\\n'), "jsonl")
    >>> [str(row) for row in rows]
    ["Row(line=1, id='1', text='Jalan rusak')", 'line 2: empty text']
    """
    lines = _Lines(raw, encoding)
    carry = carry or CarriedColumns()
    try:
        if input_format == "csv":
            yield from _csv_rows(lines, text_column, id_column, carry)
        else:
            yield from _jsonl_rows(lines, text_column, id_column, carry)
    finally:
        # The caller's stream stays open (detached, closing the wrapper leaves it alone); if the
        # caller closed it first, there is nothing left to keep.
        with contextlib.suppress(ValueError):
            lines.text.detach()


def _csv_rows(
    lines: _Lines, text_column: str, id_column: str | None, carry: CarriedColumns
) -> Iterator[Row | MalformedRowError]:
    # The csv module's limit is process-wide: set for this reading only, then given back.
    previous = csv.field_size_limit(MAX_TEXT_CHARS)
    try:
        try:
            first = next(lines, "")
        except _LineTooLong as exc:
            raise InvalidInputError(f"line 1: not a CSV header ({exc})") from None
        if not first:
            return
        reader = csv.reader(
            itertools.chain([first], lines), delimiter=_delimiter(first), strict=True
        )
        try:
            header = next(reader)
        except csv.Error as exc:
            raise InvalidInputError(f"line 1: not a CSV header ({exc})") from None
        for column in (text_column, id_column):
            if column is not None and column not in header:
                raise InvalidInputError(_missing_column(column, header))
        carry.check_header(header)
        t = header.index(text_column)
        k = header.index(id_column) if id_column else None
        number = 0
        while True:
            start = lines.number + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except _LineTooLong as exc:
                fields, problem = [], str(exc)
            except csv.Error as exc:
                message = str(exc)
                if "field limit" in message:
                    message = f"a field is longer than {MAX_TEXT_CHARS:,} characters"
                if "unexpected end of data" in message:
                    # strict: without it, a quote never closed took every later row into its
                    # field, and the file read as fewer rows without a word.
                    message = (
                        f"line {start}: a quoted field is never closed; lines {start}-"
                        f"{lines.number} were read as one field"
                    )
                else:
                    message = f"line {lines.number}: {message}"
                fields, problem = [], message
            else:
                problem = ""
            number += 1
            if not problem and len(fields) != len(header):
                problem = f"line {lines.number}: {len(fields)} fields, the header has {len(header)}"
            if problem:
                yield MalformedRowError(problem)
                continue
            record = dict(zip(header, fields, strict=True)) if carry else {}
            yield _row(
                lines.number, fields[k] if k is not None else str(number), fields[t], carry, record
            )
    finally:
        csv.field_size_limit(previous)


def _delimiter(header: str) -> str:
    """The header's field separator: a comma, or the semicolon or tab that spreadsheets set to
    an Indonesian locale write, whichever occurs most outside quotes."""
    unquoted = header.split('"')[::2]
    counts = {d: sum(part.count(d) for part in unquoted) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _missing_column(column: str, header: list[str]) -> str:
    # The first line may be a complaint (a JSONL file, or a CSV without a header): never echo
    # what does not look like column names.
    if header and header[0].lstrip().startswith("{"):
        return (
            f"no column {column!r}: the first line looks like JSONL, not a CSV header; pass "
            "--input-format jsonl (or name the file .jsonl)"
        )
    if any(len(name) > 40 for name in header):
        return f"no column {column!r}: the first line does not look like a CSV header"
    more = f" and {len(header) - 10} more" if len(header) > 10 else ""
    return f"no column {column!r} in the header (columns: {', '.join(header[:10])}{more})"


def _jsonl_rows(
    lines: _Lines, text_column: str, id_column: str | None, carry: CarriedColumns
) -> Iterator[Row | MalformedRowError]:
    number = 0
    while True:
        try:
            raw = next(lines)
        except StopIteration:
            return
        except _LineTooLong as exc:
            number += 1
            yield MalformedRowError(str(exc))
            continue
        if not raw.strip():
            continue
        number, line = number + 1, lines.number
        try:
            item = json.loads(raw, object_pairs_hook=unique_keys)
        except RepeatedKeyError as exc:  # as the HTTP API refuses it
            yield MalformedRowError(f"line {line}: {exc}")
            continue
        except json.JSONDecodeError as exc:
            yield MalformedRowError(f"line {line}: not JSON ({exc.msg})")
            continue
        except RecursionError:
            yield MalformedRowError(f"line {line}: not JSON (nested too deeply)")
            continue
        if not isinstance(item, dict):
            yield MalformedRowError(
                f"line {line}: expected a JSON object, got {type(item).__name__}"
            )
            continue
        text = item.get(text_column)
        if not isinstance(text, str):
            yield MalformedRowError(f"line {line}: field {text_column!r} missing or not a string")
            continue
        key = item.get(id_column) if id_column else number
        if id_column and key is None:
            yield MalformedRowError(f"line {line}: field {id_column!r} missing")
            continue
        yield _row(line, str(key), text, carry, item)


def _row(
    line: int, key: str, text: str, carry: CarriedColumns, record: dict[str, Any]
) -> Row | MalformedRowError:
    # JSON escapes can write unpaired surrogates, which no output file can hold.
    if _SURROGATE.search(key) or _SURROGATE.search(text):
        return MalformedRowError(f"line {line}: not valid Unicode (an unpaired surrogate)")
    try:
        return Row(line, key, complaint_text(text), carry.fields(record, text) if carry else {})
    except InvalidInputError as exc:
        return MalformedRowError(f"line {line}: {exc}")
