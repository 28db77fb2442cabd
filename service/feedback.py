"""Durable storage of reviewers' corrections, and their export for retraining.

Each correction is committed in its own transaction before the request returns (SQLite runs with
``synchronous=FULL``), so a stored correction survives a crash or a restart. The text, the
complaint id and the reviewer are stored PII-masked. A correction sent with an
``Idempotency-Key`` is stored once however often it is retried: the key and a hash of the
correction are kept beside it, and a retry gets the first answer back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from complaint_nlp import mask_pii
from complaint_nlp.spreadsheet import escape_cell
from service.database import Database, metadata
from service.errors import InvalidRequestError

EXPORT_COLUMNS = ("complaint_id", "text", "category", "urgency", "unit", "reviewer", "created_at")

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("complaint_id", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("category", String(40), nullable=False, default=""),
    Column("urgency", String(10), nullable=False, default=""),
    Column("unit", String(40), nullable=False, default=""),
    Column("reviewer", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
# A table of its own rather than a column of feedback: it came before migrations, when
# create_all added a missing table but never a missing column.
idempotency = Table(
    "feedback_idempotency",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("request_sha256", String(64), nullable=False),
    Column("feedback_id", Integer, ForeignKey("feedback.id"), nullable=False),
)


@dataclass(frozen=True)
class Stored:
    """A stored correction: its row id, its (masked) complaint id, and whether this request
    only repeated an earlier one with the same ``Idempotency-Key``."""

    id: int
    complaint_id: str
    replayed: bool = False


def store(database: Database, correction: dict[str, Any], idempotency_key: str | None) -> Stored:
    """Store one correction, masked; with a key already used, return what it stored."""
    digest = hashlib.sha256(json.dumps(correction, sort_keys=True).encode()).hexdigest()
    row = {
        **{k: correction.get(k) or "" for k in ("category", "urgency", "unit")},
        **{k: mask_pii(correction[k]) for k in ("complaint_id", "text")},
        "reviewer": mask_pii(correction["reviewer"], names=False),
        "created_at": datetime.now(UTC),
    }
    try:
        return _store(database, row, idempotency_key, digest)
    except IntegrityError:
        if idempotency_key is None:
            raise
        # The same key was committed by a concurrent request between our read and our insert.
        return _store(database, row, idempotency_key, digest)


def _store(database: Database, row: dict[str, Any], key: str | None, digest: str) -> Stored:
    with database.transaction() as connection:
        if key is not None:
            earlier = connection.execute(
                select(idempotency.c.request_sha256, feedback.c.id, feedback.c.complaint_id)
                .join(feedback, feedback.c.id == idempotency.c.feedback_id)
                .where(idempotency.c.key == key)
            ).first()
            if earlier is not None:
                if earlier.request_sha256 != digest:
                    raise InvalidRequestError(
                        "this Idempotency-Key was used for another correction; use a new key "
                        "for each correction"
                    )
                return Stored(earlier.id, earlier.complaint_id, replayed=True)
        stored_id = insert_row(connection, row)
        if key is not None:
            connection.execute(
                insert(idempotency).values(key=key, request_sha256=digest, feedback_id=stored_id)
            )
        return Stored(stored_id, row["complaint_id"])


def insert_row(connection: Connection, row: dict[str, Any]) -> int:
    """Insert one correction, already masked, in the caller's transaction; its id."""
    return int(
        connection.execute(insert(feedback).values(**row).returning(feedback.c.id)).scalar_one()
    )


def export_csv(database: Database) -> Iterator[str]:
    """The corrections as CSV, oldest first, streamed row by row; cells that a spreadsheet would
    run as formulas are escaped (:mod:`complaint_nlp.spreadsheet`). The query runs before this
    returns, so a database fault is a 503, not a broken download."""
    with database.faults():
        database.check_schema()
        connection = database.engine.connect()
        try:
            rows = connection.execute(select(feedback).order_by(feedback.c.id))
        except BaseException:
            connection.close()
            raise
    return _csv_lines(connection, rows)


def _csv_lines(connection: Any, rows: Any) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    with connection:
        writer.writerow(EXPORT_COLUMNS)
        yield flush()
        for row in rows:
            writer.writerow([_cell(getattr(row, c)) for c in EXPORT_COLUMNS])
            yield flush()


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        # SQLite gives the stored UTC time back without its zone, PostgreSQL with it: the export
        # is the same ISO 8601 text from either.
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    return escape_cell(str(value))
