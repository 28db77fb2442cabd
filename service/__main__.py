"""``python -m service [--host H] [--port P] [--workers N]``: serve the shipped (or configured)
model.

Settings come from ``COMPLAINT_*`` variables (:mod:`service.settings`), checked before anything
starts: a bad one is one ``error: ...`` line and exit code 2, and so are a port outside 1-65535,
a routing table that cannot be read or is invalid, a ``COMPLAINT_MODEL_PATH`` whose model cannot
be loaded, and a database that is not at this release's schema (``python -m service.migrate``
brings it there). With no API keys
configured the service answers anyone who can reach it, so it only listens on a loopback
address: any other ``--host`` is refused unless keys are set.

``--workers N`` runs N HTTP processes on one port (uvicorn's supervisor restarts one that dies),
each with its own ``COMPLAINT_CLASSIFY_WORKERS`` classifier processes: they share the duplicate
window through the database (:mod:`service.duplicates`), their metrics through
``PROMETHEUS_MULTIPROC_DIR`` (:mod:`service.observability`) and the desk's session secret.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy.engine import make_url

import complaint_nlp
from complaint_nlp import ComplaintNLPError, DataFileError, load_routing_table
from complaint_nlp.cli import OneLineParser
from service.app import create_app
from service.auth import is_loopback
from service.database import Database
from service.errors import DatabaseUnavailableError, SchemaMismatchError
from service.observability import multiprocess_folder
from service.settings import ConfigurationError, Settings, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(
        prog="python -m service",
        description="Serve the complaint_nlp HTTP API. Settings come from COMPLAINT_* "
        "environment variables; without COMPLAINT_API_KEYS only a loopback address is allowed.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port, 1-65535 (8000)")
    parser.add_argument(
        "--workers", type=int, default=1, metavar="N",
        help="HTTP processes, 1-64 (1), each with COMPLAINT_CLASSIFY_WORKERS classifier processes",
    )  # fmt: skip
    parser.add_argument(
        "--version", action="version", version=f"complaint_nlp {complaint_nlp.__version__}"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:  # uvicorn would listen on another (99999 mod 65536)
        print(f"error: --port {args.port} is not a TCP port (1-65535)", file=sys.stderr)
        return 2
    if not 1 <= args.workers <= 64:  # argparse's choices listed all 64 numbers
        print(f"error: --workers {args.workers}: give 1 to 64 processes", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not settings.serves_network and not is_loopback(args.host):
        print(
            f"error: refusing to listen on {args.host}: no API keys configured, so anyone who "
            "can reach the service could use it. Set COMPLAINT_API_KEYS or COMPLAINT_REVIEWER_KEYS "
            "(JSON lists) or listen on 127.0.0.1.",
            file=sys.stderr,
        )
        return 2
    for check in (_routing_problem, _schema_problem, _model_problem):
        problem = check(settings)
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    problem = _address_problem(args.host, args.port)
    if problem is not None:  # else uvicorn's "[Errno 98] ..." line and exit code 3
        print(f"error: {problem}", file=sys.stderr)
        return 2
    # Requests are logged as JSON by the app itself (service.observability): no access log.
    # proxy_headers=False: the app never takes a caller's address from X-Forwarded-For.
    options: dict[str, Any] = {
        "host": args.host, "port": args.port, "log_level": settings.log_level.lower(),
        "access_log": False, "proxy_headers": False,
    }  # fmt: skip
    if args.workers == 1:
        uvicorn.run(create_app(settings), **options)
        return 0
    # Each process builds its own app from the same COMPLAINT_* variables (checked above). A
    # desk session signed by one must be read by the others: without a configured secret, one
    # random secret for all of them (sessions still end when the service restarts).
    if settings.session_secret is None:
        os.environ["COMPLAINT_SESSION_SECRET"] = secrets.token_urlsafe(48)
    with multiprocess_folder(settings.prometheus_multiproc_dir):
        uvicorn.run("service.app:create_app", factory=True, workers=args.workers, **options)
    return 0


def _one_line(message: str) -> str:
    """A message of several lines (a problem per line) as one."""
    first, *rest = [line.strip() for line in message.splitlines() if line.strip()]
    return " ".join([first, "; ".join(rest)]) if rest else first


def _address_problem(host: str, port: int) -> str | None:
    """Why the service cannot listen on ``host``:``port`` (taken, or no such address)."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def _routing_problem(settings: Settings) -> str | None:
    """Why the routing table cannot be used: the app would fail while starting, with a
    traceback of the server's."""
    try:
        load_routing_table(settings.routing_table)
    except DataFileError as exc:
        return f"COMPLAINT_ROUTING_TABLE: {_one_line(str(exc))}"
    return None


def _model_problem(settings: Settings) -> str | None:
    """Why the model of ``COMPLAINT_MODEL_PATH`` cannot be loaded. A service built by
    :func:`~service.app.create_app` starts without a usable model and answers 503 until it has
    one; but a path set on purpose that is wrong would then answer 503 forever. Loaded here in
    full, as a worker would (hashes, library versions, every file, a sample classification):
    0.16 s for the shipped model, and this process keeps about 22 MB of it (measured
    2026-11-30)."""
    if settings.model_path is None:
        return None
    try:
        complaint_nlp.load(settings.model_path)
    except ComplaintNLPError as exc:
        return f"COMPLAINT_MODEL_PATH: {_one_line(str(exc))}"
    return None


def _sqlite_or_empty(file: Path) -> bool:
    """Whether ``file`` starts as an SQLite database does (or is empty: no schema yet)."""
    try:
        with file.open("rb") as f:
            head = f.read(16)
    except OSError:  # no permission, say: connecting tells which
        return True
    return not head or head == b"SQLite format 3\x00"


def _schema_problem(settings: Settings) -> str | None:
    """Why the service must not start on its database; ``None`` also when the database cannot be
    reached now (the service then starts not ready, and checks again when it is back)."""
    url = make_url(settings.database_url)
    # Connecting would make an empty SQLite file (left behind by the refusal below); in a folder
    # that does not exist, the service started and logged "unable to open" for ever.
    file = url.database if url.get_backend_name() == "sqlite" else None
    if file not in (None, "", ":memory:") and not Path(str(file)).is_file():
        return (
            f"COMPLAINT_DATABASE_URL: no database file {file}; make it with "
            "`python -m service.migrate` (make migrate)"
        )
    if file not in (None, "", ":memory:") and not _sqlite_or_empty(Path(str(file))):
        # It started, answered 503 on /readyz and logged "file is not a database" for ever.
        return f"COMPLAINT_DATABASE_URL: {file} is not an SQLite database"
    database = Database(settings.database_url, timeout=settings.database_timeout_seconds)
    quiet = logging.getLogger("complaint_nlp.service")
    quiet.disabled = True  # logging is not set up yet: the warning below says it in one line
    try:
        database.check_schema()
    except SchemaMismatchError as exc:
        return str(exc)
    except DatabaseUnavailableError:
        shown = url.render_as_string(hide_password=True)
        print(
            f"warning: the database {shown} cannot be reached now; the service starts not ready "
            "(/readyz and the database routes answer 503) and connects when it is back",
            file=sys.stderr,
        )
        return None
    finally:
        quiet.disabled = False
        database.dispose()
    return None


if __name__ == "__main__":
    sys.exit(main())
