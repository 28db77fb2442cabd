"""The service's database: one engine, its tables, and database faults as 503 answers.

SQLite (the default: one machine) or PostgreSQL (psycopg 3, the ``postgres`` extra: several
machines). Tables register on :data:`metadata` (feedback, the review queue, the duplicate
window) and are made and changed only by migrations (:mod:`service.migrate`): the service checks
that the database is at this release's revision and refuses any other. Every call goes through
:meth:`Database.transaction` or :meth:`Database.faults`, which turn a locked, read-only or
unreachable database into :class:`~service.errors.DatabaseUnavailableError` (503 with
``Retry-After``) within ``timeout`` seconds. Before (issue #12) a locked or read-only SQLite file
gave a plain-text 500 after up to 15 s while ``/readyz`` said ready.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, MetaData, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from service import migrate
from service.engine import database_engine
from service.errors import DatabaseUnavailableError

log = logging.getLogger("complaint_nlp.service")

metadata = MetaData()
#: Seconds a caller is asked to wait after a database fault.
RETRY_AFTER = 2


class Database:
    """The engine for ``url`` (:func:`~service.engine.database_engine`); calls wait at most
    ``timeout`` seconds for a lock or a connection, and on PostgreSQL a statement runs at most
    ``statement_timeout`` seconds."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        durable: bool = True,
        statement_timeout: float | None = None,
    ) -> None:
        self.engine: Engine = database_engine(
            url, timeout=timeout, durable=durable, statement_timeout=statement_timeout
        )
        self.schema_ready = False

    @contextmanager
    def faults(self) -> Iterator[None]:
        """Database faults as :class:`DatabaseUnavailableError`; constraint violations pass."""
        try:
            yield
        except IntegrityError:
            raise
        except (DBAPIError, PoolTimeoutError) as exc:
            cause = getattr(exc, "orig", None) or exc
            said = " ".join(str(cause).split())  # libpq's message spans lines
            log.error("database unavailable: %s: %s", type(cause).__name__, said)
            raise DatabaseUnavailableError(
                "the database is unavailable (locked, read-only or unreachable); try again",
                retry_after=RETRY_AFTER,
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction, committed when the block ends (the schema checked first)."""
        with self.faults():
            self.check_schema()
            with self.engine.begin() as connection:
                yield connection

    def check_schema(self) -> None:
        """Raise :class:`~service.errors.SchemaMismatchError` unless the database is at this
        release's schema revision (checked on every call until it once succeeds: a database
        that is away when the service starts is checked when it comes back)."""
        if not self.schema_ready:
            with self.faults(), self.engine.connect() as connection:
                migrate.require_head(connection)
            self.schema_ready = True

    def check_writable(self) -> None:
        """Raise :class:`DatabaseUnavailableError` unless a write could be made now: a statement
        that writes nothing takes the write lock, and is rolled back."""
        with self.faults():
            self.check_schema()
            with self.engine.connect() as connection, connection.begin() as transaction:
                table = next(iter(metadata.sorted_tables))
                connection.execute(text(f"DELETE FROM {table.name} WHERE 1 = 0"))
                transaction.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
