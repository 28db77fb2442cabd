"""Durable storage of reviewers' corrections (SQLite by default, any SQLAlchemy URL).

Each correction is committed in its own transaction before the request returns, and SQLite runs
with ``synchronous=FULL``, so a stored correction survives a crash or a restart. Texts are stored
PII-masked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)

from complaint_nlp import mask_pii

EXPORT_COLUMNS = ("complaint_id", "text", "category", "urgency", "unit", "reviewer", "created_at")

metadata = MetaData()
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


def connect(url: str) -> Engine:
    """An engine for ``url`` with the table created."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _durable(connection: Any, _: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

    metadata.create_all(engine)
    return engine


def store(engine: Engine, correction: dict[str, Any]) -> int:
    """Store one correction (its text masked first); returns its row id."""
    row = {
        **{k: correction.get(k) or "" for k in ("category", "urgency", "unit")},
        "complaint_id": correction["complaint_id"],
        "text": mask_pii(correction["text"]),
        "reviewer": correction["reviewer"],
        "created_at": datetime.now(UTC),
    }
    with engine.begin() as connection:
        result = connection.execute(insert(feedback).values(**row).returning(feedback.c.id))
        return int(result.scalar_one())


def export_csv(engine: Engine) -> Iterator[str]:
    """The corrections as CSV, oldest first, streamed row by row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(EXPORT_COLUMNS)
    yield flush()
    with engine.connect() as connection:
        rows = connection.execute(select(feedback).order_by(feedback.c.id))
        for row in rows:
            writer.writerow([getattr(row, c) for c in EXPORT_COLUMNS])
            yield flush()
