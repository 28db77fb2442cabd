"""A table of the report: named columns and rows, written as ``tables/<name>.csv`` and shown in
the HTML from the same rows, so that every number on the page is in a CSV file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from complaint_nlp.report.source import Source

__all__ = ["Table", "query"]


@dataclass(frozen=True)
class Table:
    """``rows`` of values under ``columns``; ``name`` is the CSV file's name without suffix."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def where(self, **equal: Any) -> Table:
        """The rows whose columns equal the given values."""
        index = {self.columns.index(k): v for k, v in equal.items()}
        rows = tuple(r for r in self.rows if all(r[i] == v for i, v in index.items()))
        return Table(self.name, self.columns, rows)

    def write_csv(self, folder: Path) -> Path:
        """Write ``folder/<name>.csv`` (dates ISO, missing values empty)."""
        path = folder / f"{self.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(self.columns)
            writer.writerows([_cell(v) for v in row] for row in self.rows)
        return path


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def query(source: Source, name: str, sql: str, params: list[Any] | None = None) -> Table:
    """Run ``sql`` on the source's connection as the table ``name``."""
    result = source.con.execute(sql, params or [])
    columns = tuple(d[0] for d in result.description or ())
    return Table(name, columns, tuple(result.fetchall()))
