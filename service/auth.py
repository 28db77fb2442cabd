"""Who may call: keys (``X-API-Key``) and their roles, and the guard that keeps a keyless
service to callers on this machine.

Each key has one role, by the settings list it is in: ``COMPLAINT_API_KEYS`` (classify, route,
feedback, model), ``COMPLAINT_REVIEWER_KEYS`` (those and the review queue) and
``COMPLAINT_ADMIN_KEY`` (everything, the feedback export too). Routes name what they need
through :data:`Authorized`, :data:`Reviewer` and :data:`Admin`.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from starlette.types import Receive, Scope, Send

from service._asgi import HttpMiddleware
from service.errors import ForbiddenError, UnauthorizedError, send_problem
from service.settings import Settings

#: The OpenAPI security scheme (Swagger's Authorize button); checking is done below.
api_key_header = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="One of COMPLAINT_API_KEYS (or the admin key); not needed when the service has "
    "no keys and is called from its own machine.",
    auto_error=False,
)


def key_matches(given: str | None, keys: Iterable[str]) -> bool:
    """Whether ``given`` is one of ``keys``, compared in constant time; no key never matches."""
    if not given:
        return False
    raw = given.encode()
    return any(hmac.compare_digest(raw, key.encode()) for key in keys)


def _admin_keys(settings: Settings) -> list[str]:
    return [settings.admin_key.get_secret_value()] if settings.admin_key else []


def reviewing_keys(settings: Settings) -> list[str]:
    """The keys of the reviewer and admin roles."""
    return [k.get_secret_value() for k in settings.reviewer_keys] + _admin_keys(settings)


def all_keys(settings: Settings) -> list[str]:
    """Every configured key, whatever its role."""
    return [k.get_secret_value() for k in settings.api_keys] + reviewing_keys(settings)


def check_api_key(settings: Settings, given: str | None) -> None:
    """Raise :class:`UnauthorizedError` unless no keys are configured or ``given`` is one of
    them. Called before a request body is read (service.guard)."""
    keys = all_keys(settings)
    if keys and not key_matches(given, keys):
        raise UnauthorizedError("missing or unknown X-API-Key")


def may_review(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is a reviewer's or the admin key, or no keys are configured at all."""
    return not all_keys(settings) or key_matches(given, reviewing_keys(settings))


def check_reviewer_key(settings: Settings, given: str | None) -> None:
    """401 for a missing or unknown key, 403 for a key without the reviewer role; before the
    body is read, like :func:`check_api_key`."""
    check_api_key(settings, given)
    if not may_review(settings, given):
        raise ForbiddenError("this needs a reviewer key (COMPLAINT_REVIEWER_KEYS) or the admin key")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def require_api_key(
    request: Request, x_api_key: Annotated[str | None, Security(api_key_header)]
) -> None:
    check_api_key(_settings(request), x_api_key)


async def require_reviewer_key(
    request: Request, x_api_key: Annotated[str | None, Security(api_key_header)]
) -> None:
    check_reviewer_key(_settings(request), x_api_key)


async def require_admin_key(
    request: Request, x_api_key: Annotated[str | None, Security(api_key_header)]
) -> None:
    """The admin key (401 for a missing or unknown key, 403 for another role's); without one
    configured, open only when no API keys are set either."""
    settings = _settings(request)
    if settings.admin_key:
        if key_matches(x_api_key, _admin_keys(settings)):
            return
        # Who is asking comes first (401), what they may do second (403).
        check_api_key(settings, x_api_key)
        raise ForbiddenError("this needs the admin key")
    if all_keys(settings):
        raise ForbiddenError("no admin key configured (COMPLAINT_ADMIN_KEY)")


Authorized = Depends(require_api_key)
Reviewer = Depends(require_reviewer_key)
Admin = Depends(require_admin_key)
#: What each dependency checks before a request body is read (service.guard).
BEFORE_BODY = {require_api_key: check_api_key, require_reviewer_key: check_reviewer_key}


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an address or ``localhost``) is this machine; an IPv4-mapped IPv6
    address (``::ffff:127.0.0.1``, as a dual-stack socket reports IPv4 callers) counts as its
    IPv4 address."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


#: Headers a proxy adds to say whom it forwards. A request carrying one came through a proxy
#: (or claims to): its socket address is the proxy's, and the header is the caller's word.
FORWARDING_HEADERS = frozenset({b"forwarded", b"x-forwarded-for", b"x-real-ip"})


class LocalOnlyMiddleware(HttpMiddleware):
    """Refuses (403) every HTTP request that does not come from this machine: used when no API
    keys are configured, whatever address the server was told to listen on.

    The caller's address is never taken from proxy headers: uvicorn's ``--proxy-headers`` with
    ``--forwarded-allow-ips='*'`` would let anyone claim ``X-Forwarded-For: 127.0.0.1``. So a
    request with a forwarding header is refused whatever its socket address: behind a reverse
    proxy, set API keys."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        proxied = any(name in FORWARDING_HEADERS for name, _ in scope["headers"])
        # A Unix socket has no client address: only local processes can reach it.
        if not proxied and (client is None or is_loopback(client[0])):
            await self.app(scope, receive, send)
            return
        detail = "no API keys configured: this service only answers local callers"
        if proxied:
            detail += ", and not through a proxy (set COMPLAINT_API_KEYS)"
        await send_problem(scope, send, ForbiddenError(detail))
