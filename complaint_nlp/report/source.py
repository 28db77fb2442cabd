"""Reading a triaged file (the CSV or JSONL of ``complaint-nlp triage``) into one DuckDB table.

Why DuckDB: the report is group-bys, exact medians and percentiles and window functions over up
to millions of rows. DuckDB reads the CSV or JSONL itself, in parallel and without a Python object
per row, computes ``median`` / ``quantile_cont`` exactly, and keeps to a memory limit by spilling
to disk, from one wheel and without a server. Polars would compute the same aggregates; SQL keeps
each number of the report beside its definition, and the memory bound is one setting. Measured:
``python -m benchmarks.report``.

Every rule about one complaint is decided here, once, as a column of ``complaints``: its period,
its deadline (from the routing table, not from the file), its answer time, whether it was due and
whether it was answered on time. The report's sections only count.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from complaint_nlp.exceptions import InvalidInputError
from complaint_nlp.labels import CATEGORIES, URGENCIES
from complaint_nlp.routing import RoutingTable

__all__ = ["OPTIONAL_COLUMNS", "PERIODS", "Source", "open_source"]

Period = Literal["week", "month"]
PERIODS: tuple[Period, ...] = ("week", "month")

#: Columns a triaged file may carry (``triage --keep-columns``, ``--keep-text``), by report name.
OPTIONAL_COLUMNS = ("received_at", "answered_at", "kecamatan", "kelurahan", "text")

# Where each required field is in the CLI's two output formats (JSONL nests the route).
_CSV_FIELDS = {
    "id": "id",
    "category": "category",
    "category_confidence": "category_confidence",
    "urgency": "urgency",
    "urgency_confidence": "urgency_confidence",
    "needs_review": "needs_review",
    "unit_id": "route_unit_id",
    "duplicate_of": "duplicate_of",
}
_JSONL_FIELDS = {**_CSV_FIELDS, "unit_id": "route.unit_id", "duplicate_of": "duplicate_of.id"}
_JSONL_TYPES = {
    "id": "VARCHAR",
    "category": "VARCHAR",
    "category_confidence": "DOUBLE",
    "urgency": "VARCHAR",
    "urgency_confidence": "DOUBLE",
    "needs_review": "BOOLEAN",
    "route": "STRUCT(unit_id VARCHAR)",
    "duplicate_of": "STRUCT(id VARCHAR)",
}

# DuckDB's own limit: past it, sorts and joins spill to a temporary folder. With Python and
# matplotlib this keeps the whole report of 1,000,000 rows under 1 GB (benchmarks/report.py).
_MEMORY_LIMIT = "500MB"


@dataclass(frozen=True)
class Source:
    """The table ``complaints`` in ``con`` and what loading it found.

    Columns: id, category, urgency, category_confidence, urgency_confidence, needs_review,
    duplicate (booleans never null), unit_id, unit_name, period (the first day of the complaint's
    week or month; null without ``received_at``), received_at, answered_at, kecamatan, kelurahan,
    text, sla_hours (null for a unit the routing table lacks), answer_hours, due (answered, or its
    deadline passed by ``as_of``), on_time.
    """

    con: duckdb.DuckDBPyConnection
    present: frozenset[str]
    period: Period
    rows_read: int
    without_date: int
    bad_answers: int
    without_deadline: int
    as_of: datetime | None

    def has(self, *columns: str) -> bool:
        return all(c in self.present for c in columns)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _header(path: Path, fmt: str) -> list[str]:
    # utf-8-sig: a CSV saved by a spreadsheet starts with a byte-order mark.
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        first = next((line for line in f if line.strip()), "")
    if fmt == "csv":
        return next(csv.reader([first]), [])
    try:
        item = json.loads(first) if first else {}
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: the first line is not JSON ({exc.msg})") from None
    return list(item) if isinstance(item, dict) else []


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _reader(path: Path, fmt: str, optional: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The table function reading ``path`` and each required field's expression in it."""
    if fmt == "csv":
        fields = {k: _ident(v) for k, v in _CSV_FIELDS.items()}
        return "read_csv(?, header = true, all_varchar = true)", fields
    types = {**_JSONL_TYPES, **{column: "VARCHAR" for column in optional.values()}}
    spec = ", ".join(f"{_quote(k)}: {_quote(v)}" for k, v in types.items())
    fields = {k: ".".join(_ident(p) for p in v.split(".")) for k, v in _JSONL_FIELDS.items()}
    return f"read_json(?, format = 'newline_delimited', columns = {{{spec}}})", fields


def _deadlines(con: duckdb.DuckDBPyConnection, table: RoutingTable) -> None:
    rows = [(u.id, u.name, g, table.sla(u, g)) for u in table.units for g in URGENCIES]
    con.execute("CREATE TEMP TABLE deadlines (unit_id VARCHAR, unit_name VARCHAR, urgency VARCHAR,"
                " sla_hours DOUBLE)")  # fmt: skip
    con.executemany("INSERT INTO deadlines VALUES (?, ?, ?, ?)", rows)


@contextmanager
def open_source(
    path: Path,
    *,
    table: RoutingTable,
    period: Period = "month",
    columns: Mapping[str, str] | None = None,
) -> Iterator[Source]:
    """Load the triaged file at ``path`` (CSV, or JSONL by its suffix) into DuckDB.

    ``columns`` maps a report name of :data:`OPTIONAL_COLUMNS` to the file's column when it is
    named otherwise. Rows whose ``received_at`` is missing or not an ISO date or time are left
    out and counted; so are answers that are unreadable or earlier than the complaint, which then
    count as unanswered. Time-zone offsets are ignored: times are compared as written.
    """
    if period not in PERIODS:
        raise InvalidInputError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    unknown = sorted(set(columns or {}) - set(OPTIONAL_COLUMNS))
    if unknown:
        raise InvalidInputError(
            f"unknown report column {', '.join(unknown)}; one of {', '.join(OPTIONAL_COLUMNS)}"
        )
    if not path.is_file():
        raise InvalidInputError(f"input file not found: {path}")
    fmt = "jsonl" if path.suffix in (".jsonl", ".ndjson", ".json") else "csv"
    header = _header(path, fmt)
    # A column named on purpose and absent is a typo, not an optional column left out.
    absent = sorted({column for column in (columns or {}).values() if column not in header})
    if absent:
        raise InvalidInputError(f"{path} has no column {', '.join(absent)} (named in columns)")
    mapping = {name: (columns or {}).get(name, name) for name in OPTIONAL_COLUMNS}
    optional = {name: column for name, column in mapping.items() if column in header}
    required = {
        "id", "category", "category_confidence", "urgency", "urgency_confidence", "needs_review",
        "duplicate_of",
    }  # fmt: skip
    required.add("route" if fmt == "jsonl" else "route_unit_id")
    missing = sorted(required - set(header))
    if missing:
        raise InvalidInputError(
            f"{path} has no {', '.join(missing)}: the report reads the output of "
            "`complaint-nlp triage` (CSV or JSONL)"
        )
    with tempfile.TemporaryDirectory(prefix="complaint-report-") as spill:
        con = duckdb.connect(config={"memory_limit": _MEMORY_LIMIT, "temp_directory": spill})
        try:
            yield _load(con, path, fmt, optional, table, period)
        finally:
            con.close()


def _load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    optional: Mapping[str, str],
    table: RoutingTable,
    period: Period,
) -> Source:
    reader, f = _reader(path, fmt, optional)
    raw = {name: f"NULLIF(trim(CAST({_ident(c)} AS VARCHAR)), '')" for name, c in optional.items()}
    null = "CAST(NULL AS VARCHAR)"
    _deadlines(con, table)
    try:
        con.execute(
            f"""
            CREATE TEMP TABLE complaints AS
            WITH raw AS (
                SELECT
                    CAST({f["id"]} AS VARCHAR) AS id,
                    CAST({f["category"]} AS VARCHAR) AS category,
                    CAST({f["urgency"]} AS VARCHAR) AS urgency,
                    CASE WHEN isfinite(c) THEN c END AS category_confidence,
                    CASE WHEN isfinite(u) THEN u END AS urgency_confidence,
                    coalesce(TRY_CAST({f["needs_review"]} AS BOOLEAN), false) AS needs_review,
                    CAST({f["unit_id"]} AS VARCHAR) AS unit_id,
                    coalesce(CAST({f["duplicate_of"]} AS VARCHAR), '') <> '' AS duplicate,
                    {raw.get("received_at", null)} AS received_raw,
                    {raw.get("answered_at", null)} AS answered_raw,
                    {raw.get("kecamatan", null)} AS kecamatan,
                    {raw.get("kelurahan", null)} AS kelurahan,
                    {raw.get("text", null)} AS text
                FROM (
                    SELECT *,
                        TRY_CAST({f["category_confidence"]} AS DOUBLE) AS c,
                        TRY_CAST({f["urgency_confidence"]} AS DOUBLE) AS u
                    FROM {reader}
                )
            ), parsed AS (
                SELECT *,
                    TRY_CAST(received_raw AS TIMESTAMP) AS received_at,
                    TRY_CAST(answered_raw AS TIMESTAMP) AS answered_parsed
                FROM raw
            )
            SELECT p.* EXCLUDE (answered_parsed),
                -- An answer before the complaint is a data error: counted, then unanswered.
                CASE WHEN answered_parsed >= received_at THEN answered_parsed END AS answered_at,
                CAST(date_trunc('{period}', received_at) AS DATE) AS period,
                coalesce(d.unit_name, p.unit_id) AS unit_name,
                d.sla_hours
            FROM parsed p LEFT JOIN deadlines d USING (unit_id, urgency)
            """,
            [str(path)],
        )
    except duckdb.Error as exc:
        # DuckDB explains a failed read in up to 25 lines, one of them the row as written (a
        # complaint's text): its first line says where, and the encoding is named apart.
        said = str(exc).strip()
        first = " ".join(said.splitlines()[0].split()) if said else ""
        if "not utf-8" in said.lower():
            first += " (not UTF-8 text: save it as UTF-8)"
        raise InvalidInputError(f"{path}: cannot read it as {fmt.upper()}: {first}") from None
    for column, allowed in (("category", CATEGORIES), ("urgency", URGENCIES)):
        unknown = con.execute(
            f"SELECT {column}, id FROM complaints WHERE {column} IS NULL "
            f"OR {column} NOT IN ({', '.join('?' * len(allowed))}) LIMIT 1",
            list(allowed),
        ).fetchone()
        if unknown is not None:  # shown as a column of its own before
            raise InvalidInputError(
                f"{path}: {column} {unknown[0]!r} (id {unknown[1]}) is not one of "
                f"{', '.join(allowed)}: a file written by `complaint-nlp triage`?"
            )
    dated = "received_at" in optional
    rows_read, without_date, bad_answers = _one(
        con,
        """
        SELECT count(*), count(*) FILTER (received_at IS NULL),
            count(*) FILTER (answered_raw IS NOT NULL AND answered_at IS NULL)
        FROM complaints
        """,
    )
    if rows_read == 0:
        raise InvalidInputError(f"{path}: no complaints to report (the file has no rows)")
    if dated and without_date == rows_read:
        raise InvalidInputError(
            f"{path}: no complaints to report: none of its {rows_read:,} rows has a readable "
            "received_at (an ISO date or time, e.g. 2026-11-30 or 2026-11-30T08:15:00)"
        )
    if dated:
        con.execute("DELETE FROM complaints WHERE received_at IS NULL")
    without_deadline, as_of = _one(
        con,
        "SELECT count(*) FILTER (sla_hours IS NULL), max(greatest(received_at, answered_at)) "
        "FROM complaints",
    )
    # The data's own last moment stands for "now": a complaint is due once answered or once its
    # deadline has passed by then, so complaints still within their deadline count neither way,
    # and nor do those of a unit the routing table does not know (no deadline).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE complaints AS SELECT * EXCLUDE (received_raw, answered_raw),
            epoch(answered_at - received_at) / 3600.0 AS answer_hours,
            coalesce(
                sla_hours IS NOT NULL AND (answered_at IS NOT NULL
                    OR epoch(?::TIMESTAMP - received_at) / 3600.0 >= sla_hours),
                false
            ) AS due,
            coalesce(epoch(answered_at - received_at) / 3600.0 <= sla_hours, false) AS on_time
        FROM complaints
        """,
        [as_of],
    )
    return Source(
        con=con,
        present=frozenset(optional),
        period=period,
        rows_read=rows_read,
        without_date=without_date if dated else 0,
        bad_answers=bad_answers,
        without_deadline=without_deadline,
        as_of=as_of,
    )


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    row = con.execute(sql).fetchone()
    assert row is not None  # an aggregate without GROUP BY always gives one row
    return row
