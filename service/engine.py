"""The SQLAlchemy engine for a database URL, set up alike for the service and its migrations.

SQL parameters are never logged or put into error messages (``hide_parameters``): they are
complaint texts and reviewer names.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Engine, create_engine, event


def database_engine(
    url: str, *, timeout: float, durable: bool = True, statement_timeout: float | None = None
) -> Engine:
    """The engine for ``url``; calls wait at most ``timeout`` seconds for a lock or a
    connection. A commit returns once it is on disk, unless not ``durable``: then a power cut
    (not a crash of the service) may lose the last commits, which saves a disk flush each.
    On PostgreSQL, a statement that runs longer than ``statement_timeout`` seconds is cancelled
    (SQLite has no such limit)."""
    options: dict[str, Any] = {"hide_parameters": True, "pool_timeout": timeout}
    if url.startswith("sqlite"):
        # pysqlite's timeout is SQLite's busy timeout: how long a write waits for a lock.
        options["connect_args"] = {"timeout": timeout}
        options.pop("pool_timeout")  # SQLite's pool does not wait for connections
    elif url.startswith("postgresql"):
        options["connect_args"] = {
            # libpq counts whole seconds, and no fewer than 2.
            "connect_timeout": max(2, math.ceil(timeout)),
            # PostgreSQL's counterpart of SQLite's busy timeout: a statement that waits this
            # long for a lock fails (and the request gets 503) instead of queueing forever.
            "options": f"-c lock_timeout={math.ceil(timeout * 1000)}"
            + ("" if durable else " -c synchronous_commit=off")
            # A statement stuck on a slow disk or a runaway plan would hold a connection and a
            # request until the client gave up; cancelled, the request gets 503.
            + ("" if statement_timeout is None else _statement_timeout(statement_timeout)),
        }
        # A connection the server closed (a restart, a failover) is replaced before use instead
        # of failing the request that drew it from the pool.
        options["pool_pre_ping"] = True
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _durable(connection: Any, _: Any) -> None:
            # WAL lets readers go on beside a writer; it is recorded in the file, so the
            # migration that creates a database sets it before any service opens it. FULL: a
            # correction is acknowledged only once it is on disk (tests/test_service_crash).
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            cursor.close()

    return engine


def _statement_timeout(seconds: float) -> str:
    return f" -c statement_timeout={math.ceil(seconds * 1000)}"
