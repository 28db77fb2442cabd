"""``python -m service [--host H] [--port P] [--workers N]``: serve the shipped (or configured)
model.

Settings come from ``COMPLAINT_*`` variables (:mod:`service.settings`), checked before anything
starts: a bad one is one ``error: ...`` line and exit code 2, and so is a database that is not at
this release's schema (``python -m service.migrate`` brings it there). With no API keys
configured the service answers anyone who can reach it, so it only listens on a loopback
address: any other ``--host`` is refused unless keys are set.

``--workers N`` runs N HTTP processes on one port (uvicorn's supervisor restarts one that dies),
each with its own ``COMPLAINT_CLASSIFY_WORKERS`` classifier processes: they share the duplicate
window through the database (:mod:`service.duplicates`), their metrics through
``PROMETHEUS_MULTIPROC_DIR`` (:mod:`service.observability`) and the desk's session secret.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from typing import Any

import uvicorn

import complaint_nlp
from service.app import create_app
from service.auth import is_loopback
from service.database import Database
from service.errors import DatabaseUnavailableError, SchemaMismatchError
from service.observability import multiprocess_folder
from service.settings import ConfigurationError, Settings, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="Serve the complaint_nlp HTTP API. Settings come from COMPLAINT_* "
        "environment variables; without COMPLAINT_API_KEYS only a loopback address is allowed.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (8000)")
    parser.add_argument(
        "--workers", type=int, default=1, choices=range(1, 65), metavar="N",
        help="HTTP processes (1), each with COMPLAINT_CLASSIFY_WORKERS classifier processes",
    )  # fmt: skip
    parser.add_argument(
        "--version", action="version", version=f"complaint_nlp {complaint_nlp.__version__}"
    )
    args = parser.parse_args(argv)
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
    problem = _schema_problem(settings)
    if problem is not None:
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


def _schema_problem(settings: Settings) -> str | None:
    """Why the service must not start on its database; ``None`` also when the database cannot be
    reached now (the service then starts not ready, and checks again when it is back)."""
    database = Database(settings.database_url, timeout=settings.database_timeout_seconds)
    try:
        database.check_schema()
    except SchemaMismatchError as exc:
        return str(exc)
    except DatabaseUnavailableError:
        return None
    finally:
        database.dispose()
    return None


if __name__ == "__main__":
    sys.exit(main())
