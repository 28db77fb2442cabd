"""``python -m service [--host H] [--port P]``: serve the shipped (or configured) model.

Settings come from ``COMPLAINT_*`` variables (:mod:`service.settings`), checked before anything
starts: a bad one is one ``error: ...`` line and exit code 2. With no API keys configured the
service answers anyone who can reach it, so it only listens on a loopback address: any other
``--host`` is refused unless keys are set.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

import complaint_nlp
from service.app import create_app
from service.auth import is_loopback
from service.settings import ConfigurationError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="Serve the complaint_nlp HTTP API. Settings come from COMPLAINT_* "
        "environment variables; without COMPLAINT_API_KEYS only a loopback address is allowed.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (8000)")
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
    # Requests are logged as JSON by the app itself (service.observability): no access log.
    # proxy_headers=False: the app never takes a caller's address from X-Forwarded-For.
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        access_log=False,
        proxy_headers=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
