"""The database schema's version: Alembic migrations in ``service/migrations``.

``python -m service.migrate`` brings the database at ``COMPLAINT_DATABASE_URL`` to this
release's schema; the service refuses a database at any other revision (one line that names this
command) rather than change a schema that other instances may be using. Migrating is a step of
its own, run once per release and database, so that two instances starting together never both
migrate.

``python -m service.migrate revision "add review queue"`` writes a new migration: the difference
between the tables the service's modules define on :data:`service.database.metadata` and the
schema the migrations so far build (on a scratch SQLite database). Read it before committing it.

A database made before migrations existed (its tables created by ``metadata.create_all``) is
recognised by its tables and recorded as at the revision that makes exactly those
(:data:`MADE_BEFORE_MIGRATIONS`).
"""

from __future__ import annotations

import functools
import sys
import tempfile
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from complaint_nlp.cli import OneLineParser
from service.engine import database_engine
from service.errors import SchemaMismatchError
from service.settings import ConfigurationError, load_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The tables ``metadata.create_all`` made before migrations, release by release, newest first,
#: and the revision that makes exactly those: such a database is taken over at that revision.
MADE_BEFORE_MIGRATIONS = {
    "0002": {"feedback", "feedback_idempotency", "review_items", "review_decisions"},
    "0001": {"feedback", "feedback_idempotency"},
}
COMMAND = "python -m service.migrate"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Revision files are named "<number>_<slug>.py" so that they sort in the order they apply.
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    # A new revision comes out as `make lint` wants it.
    hooks = {"format": "format --quiet", "fix": "check --fix --quiet"}
    config.set_section_option("post_write_hooks", "hooks", ", ".join(hooks))
    for hook, options in hooks.items():
        config.set_section_option("post_write_hooks", f"{hook}.type", "exec")
        config.set_section_option("post_write_hooks", f"{hook}.executable", sys.executable)
        config.set_section_option(
            "post_write_hooks", f"{hook}.options", f"-m ruff {options} REVISION_SCRIPT_FILENAME"
        )
    # The connection is handed over rather than a URL in the config, whose parser would read a
    # "%" in a password as an interpolation.
    config.attributes["connection"] = connection
    return config


@functools.cache
def head() -> str:
    """The revision this release's code needs."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None, "service/migrations has no revision"
    return revision


def current(connection: Connection) -> str | None:
    """The database's revision (``None``: no schema, or tables made before migrations)."""
    return MigrationContext.configure(connection).get_current_revision()


def require_head(connection: Connection) -> None:
    """Raise :class:`SchemaMismatchError` unless the database is at :func:`head`."""
    found, needed = current(connection), head()
    if found == needed:
        return
    if found is None:
        state = "has no schema (or one made before migrations)"
    else:
        known = {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}
        state = f"is at revision {found}" + (
            "" if found in known else ", which this release does not know (a newer release?)"
        )
    raise SchemaMismatchError(
        f"the database {state}; this release needs revision {needed}: run `{COMMAND}` with the "
        "same COMPLAINT_DATABASE_URL first"
    )


def _made_before_migrations(connection: Connection) -> str | None:
    """The revision whose tables a database made before migrations holds, if it is one."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:
        return None
    return next((rev for rev, made in MADE_BEFORE_MIGRATIONS.items() if made <= tables), None)


def upgrade(url: str) -> tuple[str | None, str]:
    """Bring the database at ``url`` to :func:`head`; the revisions before and after."""
    # No lock timeout worth the name: a migration waits for the tables it changes.
    engine = database_engine(url, timeout=60)
    try:
        with engine.begin() as connection:
            before = current(connection)
            taken_over = _made_before_migrations(connection)
            if taken_over is not None:
                command.stamp(_config(connection), taken_over)
            command.upgrade(_config(connection), "head")
            return before, head()
    finally:
        engine.dispose()


class NothingToMigrateError(Exception):
    """The tables the service defines are the ones the migrations already build."""


def new_revision(message: str, *, empty: bool = False) -> Path:
    """Write the migration from :func:`head` to the tables the service defines; its path.

    Raises :class:`NothingToMigrateError` when no table changed, unless ``empty`` asks for a
    migration to write by hand (a data move), which is then written with no operations.
    """

    def skip_unchanged(context: Any, revision: Any, directives: list[Any]) -> None:
        if not empty and directives[0].upgrade_ops.is_empty():
            directives[:] = []

    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        try:
            with engine.begin() as connection:
                config = _config(connection)
                command.upgrade(config, "head")
                latest = ScriptDirectory.from_config(config).get_current_head()
                number = f"{int(latest or 0) + 1:04d}"
                script = command.revision(
                    config, message=message, autogenerate=True, rev_id=number,
                    process_revision_directives=skip_unchanged,
                )  # fmt: skip
        finally:
            engine.dispose()
    if not script:  # the hook dropped it: alembic returns no script
        raise NothingToMigrateError(
            f"no table changed since revision {latest}, so no migration was written (pass "
            "--empty to write one by hand, for a data move)"
        )
    assert not isinstance(script, list)
    return Path(script.path)


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(
        prog=COMMAND, description="Bring the database at COMPLAINT_DATABASE_URL to this "
        "release's schema, or write a new migration.",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="command")
    revision = commands.add_parser("revision", help="write a new migration (for developers)")
    revision.add_argument("message", help='what it changes, e.g. "add review queue"')
    revision.add_argument(
        "--empty", action="store_true", help="write it even when no table changed (a data move)"
    )
    args = parser.parse_args(argv)
    if args.command == "revision":
        try:
            print(new_revision(args.message, empty=args.empty))
        except NothingToMigrateError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    try:
        url = load_settings().database_url
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        before, after = upgrade(url)
    except DBAPIError as exc:  # unreachable, refused, no permission: the driver says which
        cause = exc.orig or exc
        said = " ".join(str(cause).split())  # libpq's message spans lines
        print(f"error: cannot migrate {shown}: {type(cause).__name__}: {said}", file=sys.stderr)
        return 1
    print(f"{shown}: revision {before or 'none'} -> {after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
