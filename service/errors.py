"""One shape for every error answer: RFC 9457 problem details (``application/problem+json``).

Every 4xx and 5xx answer of the service, whatever raised it (a request check, FastAPI's
validation, a middleware, a database fault, a bug), is one JSON object (the review desk's
pages under ``/review`` answer with a page of the desk instead: ``app.state.error_pages``)::

    {"type": "urn:complaint-nlp:problem:content-too-large", "title": "Content Too Large",
     "status": 413, "detail": "request body over the limit of 262144 bytes",
     "request_id": "3f2c...", "errors": [...]}

``errors`` (only for invalid requests) lists each problem's ``loc`` and ``msg``. No answer ever
repeats what the caller sent: complaint texts carry personal data, and echoing input is how
lone surrogates and NaN once turned a 422 into a plain-text 500.

The service's exceptions, all under :class:`~complaint_nlp.ComplaintNLPError`::

    ServiceError                                 answered with its status and problem type
    ├── BadRequestError(ValueError)              400 a body that is not JSON text
    ├── InvalidRequestError(ValueError)          422
    ├── UnauthorizedError(PermissionError)       401 missing or unknown X-API-Key
    ├── ForbiddenError(PermissionError)          403
    ├── NotFoundError(LookupError)               404 no such review item
    ├── RequestTimeoutError(TimeoutError)        408 a body that stopped arriving
    ├── ConflictError(RuntimeError)              409 a review item decided already, nothing to undo
    ├── ContentTooLargeError(ValueError)         413 body, batch or text over a limit
    ├── UnsupportedMediaTypeError(ValueError)    415 a body that is not JSON
    └── UnavailableError(RuntimeError)           503 with Retry-After
        ├── OverloadedError                      every worker busy and the queue full
        ├── ClassifyTimeoutError                 over the per-request time budget
        ├── DatabaseUnavailableError             the database is locked, read-only or away
        │   └── SchemaMismatchError              not at this release's schema revision
        └── NotReadyError                        no usable model
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match, Mount
from starlette.types import Scope, Send

from complaint_nlp import ComplaintNLPError

log = logging.getLogger("complaint_nlp.service")

PROBLEM_JSON = "application/problem+json"
#: Where the request id lives in the ASGI scope (set by the outermost middleware).
REQUEST_ID = "complaint_nlp.request_id"


class ServiceError(ComplaintNLPError):
    """An error the service answers with a problem document."""

    status = 500
    kind = "internal-error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class BadRequestError(ServiceError, ValueError):
    status, kind = 400, "bad-request"


class InvalidRequestError(ServiceError, ValueError):
    status, kind = 422, "invalid-request"


class UnauthorizedError(ServiceError, PermissionError):
    status, kind = 401, "unauthorized"

    def __init__(self, detail: str) -> None:
        # A 401 names the way to authenticate (RFC 9110, 15.5.2): the X-API-Key header.
        super().__init__(detail, headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})


class ForbiddenError(ServiceError, PermissionError):
    status, kind = 403, "forbidden"


class NotFoundError(ServiceError, LookupError):
    status, kind = 404, "not-found"


class RequestTimeoutError(ServiceError, TimeoutError):
    status, kind = 408, "request-timeout"


class ConflictError(ServiceError, RuntimeError):
    status, kind = 409, "conflict"


class ContentTooLargeError(ServiceError, ValueError):
    status, kind = 413, "content-too-large"


class UnsupportedMediaTypeError(ServiceError, ValueError):
    status, kind = 415, "unsupported-media-type"


class UnavailableError(ServiceError, RuntimeError):
    """503: try again after ``retry_after`` seconds."""

    status, kind = 503, "unavailable"

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class OverloadedError(UnavailableError):
    kind = "overloaded"


class ClassifyTimeoutError(UnavailableError):
    kind = "classify-timeout"


class DatabaseUnavailableError(UnavailableError):
    kind = "database-unavailable"


class SchemaMismatchError(DatabaseUnavailableError):
    """The database is not at the schema revision this release needs (service.migrate): the
    service refuses to start on it, and answers 503 if it meets one later."""


class NotReadyError(UnavailableError):
    kind = "not-ready"


#: RFC 9110's names, which Python's HTTPStatus uses only from 3.13 on: titles stay the same
#: whatever Python runs the service.
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


def title(status: int) -> str:
    return _TITLES.get(status) or HTTPStatus(status).phrase


def problem_body(
    status: int,
    kind: str,
    detail: str,
    request_id: str,
    errors: Sequence[dict[str, Any]] | None = None,
    **extra: Any,
) -> bytes:
    """The problem document, encoded; every value is the service's own text, never input."""
    document: dict[str, Any] = {
        "type": f"urn:complaint-nlp:problem:{kind}",
        "title": title(status),
        "status": status,
        "detail": detail,
        "request_id": request_id,
        **extra,
    }
    if errors is not None:
        document["errors"] = list(errors)
    return json.dumps(document, ensure_ascii=True).encode()


def problem_response(
    request: Request | Scope,
    status: int,
    kind: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    errors: Sequence[dict[str, Any]] | None = None,
    **extra: Any,
) -> Response:
    scope = request.scope if isinstance(request, Request) else request
    request_id = scope.get(REQUEST_ID, "")
    body = problem_body(status, kind, detail, request_id, errors, **extra)
    # The id header is set here too: a 500 is sent past the middleware that adds it elsewhere.
    headers = {**(headers or {}), "X-Request-ID": request_id}
    return Response(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


async def send_problem(scope: Scope, send: Send, error: ServiceError) -> None:
    """Answer from a plain ASGI middleware (before FastAPI)."""
    response = problem_response(
        scope, error.status, error.kind, error.detail, headers=error.headers
    )
    await response(scope, _no_receive, send)


async def _no_receive() -> dict[str, Any]:  # a response never reads the request
    return {"type": "http.disconnect"}


# Letters and underscores only: "nik_3604011203850001" was echoed back with its digits.
_NAME = re.compile(r"[A-Za-z_]{1,40}")


def _location(part: object) -> str | int:
    # A field name the caller made up (an unknown field) is input too.
    if isinstance(part, int) or (isinstance(part, str) and _NAME.fullmatch(part)):
        return part
    return "(unexpected field)"


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # loc and msg only: "input" and "ctx" hold what the caller sent.
    return [
        {"loc": [_location(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return problem_response(request, exc.status, exc.kind, exc.detail, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    undecodable = [e for e in exc.errors() if e.get("type") == "json_invalid"]
    if undecodable:
        # FastAPI reports a body it could not decode as a validation error (422); the API says
        # 400. Only the position: the decoder's message may quote the body.
        where = undecodable[0].get("loc", ())[-1:]
        at = f" at character {where[0]}" if where and isinstance(where[0], int) else ""
        return problem_response(
            request, BadRequestError.status, BadRequestError.kind,
            f"the body is not valid JSON{at}; send one JSON object",
        )  # fmt: skip
    return problem_response(
        request, 422, InvalidRequestError.kind, "the request is not valid; see errors",
        errors=_field_errors(exc),
    )  # fmt: skip


#: FastAPI's detail for a body ``json.loads`` fails on other than by its grammar, and ours.
FASTAPI_UNPARSED = "There was an error parsing the body"
UNPARSED = (
    "the body is not JSON text this service reads (bytes that are not UTF-8, a number of "
    "thousands of digits, or nesting thousands deep); send one JSON object"
)


#: Makes the page for a routing error (404, 405) under a path prefix: (status, detail, headers).
PageMaker = Callable[[int, str, dict[str, str]], Response]


def _page_for(request: Request) -> PageMaker | None:
    """The page maker ``create_app`` set in ``app.state.error_pages`` (prefix -> maker) for the
    request's path: under the desk, a form's address opened in the address bar showed a browser
    the API's JSON."""
    path = request.url.path
    pages: dict[str, PageMaker] = getattr(request.app.state, "error_pages", {})
    return next(
        (page for prefix, page in pages.items() if path == prefix or path.startswith(prefix + "/")),
        None,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    # Starlette's own errors (404, 405, a body it could not parse): their details are fixed
    # phrases, not input.
    kind = title(exc.status_code).lower().replace(" ", "-").replace("'", "")
    headers = dict(exc.headers or {})
    detail = str(exc.detail)
    if exc.status_code == 400 and detail == FASTAPI_UNPARSED:
        detail = UNPARSED
    if exc.status_code == 405 and (allowed := allowed_methods(request)):
        headers["Allow"] = ", ".join(allowed)
    page = _page_for(request)
    if page is not None and exc.status_code in (404, 405):
        return page(exc.status_code, detail, headers)
    return problem_response(request, exc.status_code, kind, detail, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at the request's path, with ``HEAD`` wherever ``GET``
    is (service._asgi.HeadAsGet); empty under a mount (its files say for themselves).
    Starlette's 405 names the first route's only: ``GET`` for ``/v1/review/2``, which takes
    ``POST`` too. Asked of each route with its public ``matches``, method by method."""
    methods: set[str] = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        probe = {**request.scope, "method": method}
        for route in request.app.router.routes:
            if route.matches(probe)[0] == Match.FULL:
                if isinstance(route, Mount):
                    return []
                methods.add(method)
                break
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unhandled error", exc_info=exc, extra={"fields": {
        "request_id": request.scope.get(REQUEST_ID), "route": request.url.path}})  # fmt: skip
    return problem_response(request, 500, ServiceError.kind, "internal error; see the logs")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
