"""Input columns by name: the ``name=column`` lists that rename them, and the fields triage
carries from an input row into its output row (``complaint-nlp triage --keep-columns``).

Triage output holds labels, never the complaint, so a report cannot tell when or where a
complaint arrived, nor what it said. :class:`CarriedColumns` copies chosen input columns beside
the labels and, only when asked, the complaint text PII-masked with :func:`mask_pii`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from complaint_nlp.exceptions import InvalidInputError
from complaint_nlp.pii import mask_pii

__all__ = ["TEXT_FIELD", "CarriedColumns", "parse_columns"]

#: The output field that holds the masked complaint text.
TEXT_FIELD = "text"


def parse_columns(spec: str) -> dict[str, str]:
    """Read ``"name=column,column"`` into ``{name: column}``; a bare column keeps its name.

    >>> parse_columns("received_at=tanggal_keluhan, kecamatan")
    {'received_at': 'tanggal_keluhan', 'kecamatan': 'kecamatan'}
    """
    mapping: dict[str, str] = {}
    for item in spec.split(","):
        if not item.strip():
            continue
        name, _, column = item.partition("=")
        name, column = name.strip(), (column or name).strip()
        if not name or not column:
            raise InvalidInputError(f"column {item.strip()!r}: expected 'name=column' or 'column'")
        if name in mapping:
            raise InvalidInputError(f"column name {name!r} is given twice")
        mapping[name] = column
    return mapping


@dataclass(frozen=True)
class CarriedColumns:
    """Input fields written beside each output row: ``columns`` maps an output name to an input
    column; ``keep_text`` adds the complaint itself as ``text``, PII-masked."""

    columns: Mapping[str, str] = field(default_factory=dict)
    keep_text: bool = False

    def __post_init__(self) -> None:
        if self.keep_text and TEXT_FIELD in self.columns:
            raise InvalidInputError(
                f"{TEXT_FIELD!r} holds the masked complaint with keep_text: name the column "
                f"otherwise, e.g. 'input_{TEXT_FIELD}={self.columns[TEXT_FIELD]}'"
            )

    def __bool__(self) -> bool:
        return bool(self.columns) or self.keep_text

    def check_header(self, header: Sequence[str]) -> None:
        """Refuse a CSV header without every column to carry."""
        missing = [c for c in self.columns.values() if c not in header]
        if missing:
            raise InvalidInputError(
                f"no column {', '.join(map(repr, missing))} to keep in the header: {list(header)}"
            )

    def fields(self, record: Mapping[str, Any], text: str) -> dict[str, Any]:
        """The fields to carry from one input ``record`` (a missing JSON field is ``""``)."""
        out = {name: record.get(column, "") for name, column in self.columns.items()}
        out = {name: "" if value is None else value for name, value in out.items()}
        if self.keep_text:
            out[TEXT_FIELD] = mask_pii(text)
        return out

    @property
    def names(self) -> list[str]:
        """The output fields this adds."""
        return [*self.columns, *([TEXT_FIELD] if self.keep_text else [])]

    def check_output(self, fields: Iterable[str]) -> None:
        """Refuse, before any row is read, a kept name that the output already has."""
        self.merge(dict.fromkeys(fields, ""), dict.fromkeys(self.names, ""))

    def merge(self, row: dict[str, Any], carried: Mapping[str, Any]) -> dict[str, Any]:
        """``row`` with ``carried`` added after it; a name the output already has is refused
        rather than silently overwriting a label."""
        clash = [name for name in carried if name in row]
        if clash:
            name = clash[0]
            raise InvalidInputError(
                f"the output already has a field {name!r}: keep the column under another "
                f"name, e.g. 'input_{name}={self.columns.get(name, name)}'"
            )
        return {**row, **carried}
