"""Throw-away databases at this release's schema: SQLite files, and databases of one PostgreSQL
cluster per test session that the tests start themselves on loopback.

The cluster is Debian's ``postgresql`` package (``make test`` installs it when missing): ``initdb``
in a temporary folder and ``pg_ctl start`` on a free loopback port, password authentication only,
stopped and removed when the session ends. PostgreSQL refuses to run as root, so as root both
commands run as the ``postgres`` user the package creates (``nobody`` where there is none). Each
test's database is a copy of one migrated once (``CREATE DATABASE ... TEMPLATE``), which takes
milliseconds where migrating each would take a tenth of a second.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import service.app  # noqa: F401  (every table the service uses is on the metadata)
from service import migrate
from service.database import metadata
from tests.fixtures import free_port

BACKENDS = ("sqlite", "postgresql")
_TEMPLATE = "migrated"
_USER = "complaint"


def migrated_sqlite(path: Path) -> str:
    """The URL of the SQLite database at ``path``, migrated when it does not exist yet."""
    url = f"sqlite:///{path}"
    if not path.exists():
        migrate.upgrade(url)
    return url


@contextmanager
def write_locked(url: str) -> Iterator[None]:
    """Within the block, another connection holds the lock every write needs (SQLite's one
    write lock; in PostgreSQL, locks on the service's tables that even reads wait for)."""
    if url.startswith("sqlite"):
        holder = sqlite3.connect(str(make_url(url).database))
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = ", ".join(t.name for t in metadata.sorted_tables)
            connection.execute(text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
            try:
                yield
            finally:
                connection.rollback()
    finally:
        engine.dispose()


def read_only(url: str) -> str:
    """A URL by which the database at ``url`` can be read but not written."""
    if url.startswith("sqlite"):
        return f"sqlite:///file:{make_url(url).database}?mode=ro&uri=true"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:  # for every later connection
            name = make_url(url).database
            connection.execute(
                text(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
            )
    finally:
        engine.dispose()
    return url


def _binaries() -> Path:
    """The folder of the newest installed PostgreSQL's server programs."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path is None:
        raise RuntimeError(
            "PostgreSQL's initdb is not installed: `make servers` installs Debian's postgresql"
        )
    return Path(on_path).parent


class PostgresCluster:
    """A PostgreSQL server of its own in a temporary folder, listening on 127.0.0.1 only."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="complaint-nlp-pg-"))
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self._bin = _binaries()
        self._owner: str | None = None
        if os.geteuid() == 0:
            self._owner = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(self.folder, self._owner)
        self._names = itertools.count(1)
        self.data = self.folder / "data"

    def start(self) -> None:
        password_file = self.folder / "password"
        password_file.write_text(self.password)
        if self._owner is not None:
            shutil.chown(password_file, self._owner)
        self._run(
            "initdb", "-D", str(self.data), "-U", _USER, f"--pwfile={password_file}",
            "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        password_file.unlink()
        settings = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            # Throw-away data: a crash of the machine may lose it. fsync off saves seconds of a
            # test run; it does not touch what the tests check (a killed service process, not a
            # killed server).
            "-c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-w", "-t", "60", "-o", settings,
        )  # fmt: skip
        self._admin(f"CREATE DATABASE {_TEMPLATE}")
        migrate.upgrade(self.url(_TEMPLATE))

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "60")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{_USER}:{self.password}@127.0.0.1:{self.port}/{name}"

    def new_database(self) -> str:
        """The URL of a new database at this release's schema."""
        name = f"test_{next(self._names)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE}")
        return self.url(name)

    def empty_database(self) -> str:
        """The URL of a new database without any table."""
        name = f"empty_{next(self._names)}"
        self._admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def _run(self, program: str, *args: str) -> None:
        command = [str(self._bin / program), *args]
        if self._owner is not None:
            command = ["runuser", "-u", self._owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
