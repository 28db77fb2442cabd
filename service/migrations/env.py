"""Alembic's entry point, run by :mod:`service.migrate` with an open connection."""

from __future__ import annotations

from alembic import context

# The app imports every module that defines a table, so this sees the whole schema: a table a
# module adds without a migration shows up in `python -m service.migrate revision` (and fails
# tests/test_migrations.py).
import service.app  # noqa: F401
from service.database import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite alters a table by copying it: "batch" operations do that where a migration changes
    # a column, so one migration serves both databases.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
