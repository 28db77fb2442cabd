"""Schema migrations: they build exactly the tables the service defines, on SQLite and PostgreSQL;
older databases are taken over; the service refuses any other revision; a new table is one
command away."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import Column, Integer, String, Table, create_engine, insert, inspect, select

import service.app  # every table the service uses is on the metadata
from service import migrate, review
from service.database import metadata
from service.errors import SchemaMismatchError
from service.feedback import feedback, idempotency
from service.settings import Settings
from tests.databases import PostgresCluster
from tests.fixtures import LOCAL, service_client


def test_migrations_build_exactly_the_tables_the_service_defines(database: str) -> None:
    # A table added to the metadata without its migration fails here, on both databases.
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            assert migrate.current(connection) == migrate.head()
            assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "release", [[feedback, idempotency], [feedback, idempotency, review.items, review.decisions]]
)
def test_a_database_made_before_migrations_is_taken_over_with_its_rows(
    release: list[Table], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    row = {"complaint_id": "LAMA-1", "text": "jalan rusak", "category": "", "urgency": "high",
           "unit": "", "reviewer": "petugas", "created_at": datetime.now(UTC)}  # fmt: skip
    try:
        with engine.begin() as connection:  # as create_all made it before issue #15
            metadata.create_all(connection, tables=release)
            connection.execute(insert(feedback).values(**row))
        assert migrate.upgrade(url) == (None, migrate.head())
        with engine.connect() as connection:
            assert migrate.current(connection) == migrate.head()
            assert connection.execute(select(feedback.c.complaint_id)).scalars().all() == ["LAMA-1"]
    finally:
        engine.dispose()


def test_the_app_refuses_to_start_on_a_database_without_its_schema(tmp_path: Path) -> None:
    unmigrated = f"sqlite:///{tmp_path / 'new.db'}"
    app = service.app.create_app(Settings(database_url=unmigrated, classify_workers=1))
    with pytest.raises(SchemaMismatchError, match=r"run `python -m service\.migrate`"):
        TestClient(app, client=LOCAL).__enter__()


def test_the_service_command_refuses_in_one_line_naming_the_migration_command(
    postgres: PostgresCluster,
) -> None:
    url = postgres.empty_database()
    env = {"COMPLAINT_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "service"], env=env, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "error: the database has no schema (or one made before migrations); this release needs "
        f"revision {migrate.head()}: run `python -m service.migrate` with the same "
        "COMPLAINT_DATABASE_URL first"
    ]
    migrated = subprocess.run([sys.executable, "-m", "service.migrate"], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.endswith(f": revision none -> {migrate.head()}\n")
    assert postgres.password not in migrated.stdout  # the URL is shown without its password


@pytest.mark.parametrize("where", ["missing.db", "no-such-folder/x.db"])
def test_the_service_command_refuses_a_sqlite_file_that_is_not_there(
    tmp_path: Path, where: str
) -> None:
    # Before: an empty file made and left behind by the refusal; in a missing folder, a service
    # that started and logged "unable to open database file" for ever.
    path = tmp_path / where
    assert _refusal(path) == [
        f"error: COMPLAINT_DATABASE_URL: no database file {path}; make it with "
        "`python -m service.migrate` (make migrate)"
    ]
    assert not path.exists()


def test_the_service_command_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    # Before: it served, /readyz 503, logging "file is not a database" for ever (a probe).
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    assert _refusal(path) == [f"error: COMPLAINT_DATABASE_URL: {path} is not an SQLite database"]


def _refusal(database: Path) -> list[str]:
    """The lines `python -m service` prints when it refuses the SQLite file ``database``."""
    env = {"COMPLAINT_DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "service"], env=env, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert run.returncode == 2
    return run.stderr.splitlines()


def test_a_database_at_an_unknown_revision_is_refused(tmp_path: Path) -> None:
    with service_client(tmp_path):  # migrated
        pass
    engine = create_engine(f"sqlite:///{tmp_path / 'feedback.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(SchemaMismatchError, match="revision 9999, which this release does not"):
        service_client(tmp_path).__enter__()


@pytest.fixture
def scratch_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of service/migrations that a test may add revisions to."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS", folder)
    migrate.head.cache_clear()
    yield folder
    migrate.head.cache_clear()


def test_a_new_table_is_one_command_from_its_migration(
    scratch_migrations: Path, tmp_path: Path
) -> None:
    table = Table(  # as a new module (the review queue, say) would define its table
        "review_example", metadata,
        Column("id", Integer, primary_key=True), Column("reviewer", String(200), nullable=False),
    )  # fmt: skip
    try:
        written = migrate.new_revision("add review example")
    finally:
        metadata.remove(table)
    assert written.parent == scratch_migrations / "versions"
    assert written.name.startswith(f"{int(migrate.head()):04d}_add_review_example")
    assert 'op.create_table(\n        "review_example"' in written.read_text()
    url = f"sqlite:///{tmp_path / 'next.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        assert "review_example" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_no_table_change_writes_no_migration_unless_asked(scratch_migrations: Path) -> None:
    versions = sorted((scratch_migrations / "versions").glob("*.py"))
    with pytest.raises(migrate.NothingToMigrateError, match="no table changed since revision"):
        migrate.new_revision("add nothing")
    assert sorted((scratch_migrations / "versions").glob("*.py")) == versions
    written = migrate.new_revision("move data", empty=True)  # a data move, written by hand
    assert written.name.startswith(f"{int(migrate.head()):04d}_move_data")
    assert "op." not in written.read_text()


@pytest.mark.parametrize(
    "argv",
    [["-m", "service", "--port", "abc"], ["-m", "service.migrate", "nope"]],
)
def test_a_wrong_command_line_is_one_error_line(argv: list[str]) -> None:
    run = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr.startswith("error: ") and len(run.stderr.splitlines()) == 1


def test_migrating_an_unreachable_database_is_one_line() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "service.migrate"],
        env={**os.environ, "COMPLAINT_DATABASE_URL": "postgresql://desk:rahasia@127.0.0.1:1/x"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 1
    assert len(run.stderr.strip().splitlines()) == 1
    assert run.stderr.startswith(
        "error: cannot migrate postgresql+psycopg://desk:***@127.0.0.1:1/x"
    )
    assert "rahasia" not in run.stderr
