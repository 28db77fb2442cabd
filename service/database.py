"""The service's database: one engine, its tables, and database faults as 503 answers.

SQLite by default, any SQLAlchemy URL otherwise (PostgreSQL is planned): tables register on
:data:`metadata` (feedback today; a review queue later) and every call goes through
:meth:`Database.transaction` or :meth:`Database.faults`, which turn a locked, read-only or
unreachable database into :class:`~service.errors.DatabaseUnavailableError` (503 with
``Retry-After``) within ``timeout`` seconds. Before (issue #12) a locked or read-only SQLite file
gave a plain-text 500 after up to 15 s while ``/readyz`` said ready.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from service.errors import DatabaseUnavailableError

log = logging.getLogger("complaint_nlp.service")

metadata = MetaData()
#: Seconds a caller is asked to wait after a database fault.
RETRY_AFTER = 2


class Database:
    """The engine for ``url``; calls wait at most ``timeout`` seconds for a lock or a connection.

    SQL parameters are never logged or put into error messages (``hide_parameters``): they are
    complaint texts and reviewer names.
    """

    def __init__(self, url: str, *, timeout: float) -> None:
        options: dict[str, Any] = {"hide_parameters": True, "pool_timeout": timeout}
        if url.startswith("sqlite"):
            # pysqlite's timeout is SQLite's busy timeout: how long a write waits for a lock.
            options["connect_args"] = {"timeout": timeout}
            options.pop("pool_timeout")  # SQLite's pool does not wait for connections
        self.engine: Engine = create_engine(url, **options)
        self.schema_ready = False
        if self.engine.dialect.name == "sqlite":

            @event.listens_for(self.engine, "connect")
            def _durable(connection: Any, _: Any) -> None:
                # A correction is acknowledged only once it is on disk (tests/test_service_crash).
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=FULL")
                cursor.close()

    @contextmanager
    def faults(self) -> Iterator[None]:
        """Database faults as :class:`DatabaseUnavailableError`; constraint violations pass."""
        try:
            yield
        except IntegrityError:
            raise
        except (DBAPIError, PoolTimeoutError) as exc:
            cause = getattr(exc, "orig", None) or exc
            log.error("database unavailable: %s: %s", type(cause).__name__, cause)
            raise DatabaseUnavailableError(
                "the database is unavailable (locked, read-only or unreachable); try again",
                retry_after=RETRY_AFTER,
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction, committed when the block ends (its tables created first)."""
        with self.faults():
            self.ensure_schema()
            with self.engine.begin() as connection:
                yield connection

    def ensure_schema(self) -> None:
        """Create missing tables (retried on every call until it once succeeds)."""
        if not self.schema_ready:
            with self.faults():
                metadata.create_all(self.engine)
            self.schema_ready = True

    def check_writable(self) -> None:
        """Raise :class:`DatabaseUnavailableError` unless a write could be made now: a statement
        that writes nothing takes the write lock, and is rolled back."""
        with self.faults():
            self.ensure_schema()
            with self.engine.connect() as connection, connection.begin() as transaction:
                table = next(iter(metadata.sorted_tables))
                connection.execute(text(f"DELETE FROM {table.name} WHERE 1 = 0"))
                transaction.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
