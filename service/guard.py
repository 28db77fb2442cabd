"""Checks made before FastAPI reads a request body.

FastAPI reads and parses the body before it runs any dependency, so an unauthenticated caller
could make the service parse 32 MB (issue #12). :class:`GuardedRoute` runs first, in this order:
the key and its role (401, 403, for routes that depend on :data:`~service.auth.Authorized` or
:data:`~service.auth.Reviewer`), the content type (415), the body's size while it is read (413),
that it is not empty (400) and, for a batch, its number of items before it is parsed (413). Then
the body is parsed once, refusing an object that names a key twice (400: JSON parsers disagree on
which value counts, so a proxy or log may read another text than the one classified), and FastAPI
is handed the result (a body that is not JSON text: 400, service.errors).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope

from complaint_nlp._validation import RepeatedKeyError, unique_keys
from service.auth import BEFORE_BODY
from service.errors import BadRequestError
from service.limits import BodyLimits, check_items, check_json, read_body
from service.settings import Settings

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
#: Batch bodies larger than this are scanned for their items in a thread.
_SCAN_INLINE_BYTES = 1024 * 1024


class GuardedRoute(APIRoute):
    """An API route whose key, content type and body limits are checked before its body is
    parsed. A request model declares its limits with ``limits(settings)``."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        needs = [d.dependency for d in self.dependencies]
        checks = [BEFORE_BODY[need] for need in needs if need in BEFORE_BODY]
        model = self.body_field.field_info.annotation if self.body_field is not None else None
        limits: Callable[[Settings], BodyLimits] | None = getattr(model, "limits", None)

        async def guarded(request: Request) -> Response:
            settings: Settings = request.app.state.settings
            keys = request.headers.getlist("x-api-key")
            if len(keys) > 1:  # the first decided: a proxy reading the last would disagree
                raise BadRequestError("send one X-API-Key header")
            if len(request.headers.getlist("idempotency-key")) > 1:
                # The first was used: a retry with the second stored the correction twice.
                raise BadRequestError("send one Idempotency-Key header")
            for check in checks:
                check(settings, keys[0] if keys else None)
            if limits is None:
                return await handler(request)
            check_json(request.headers.get("content-type"))
            bounds = limits(settings)
            body = await read_body(request, bounds.max_bytes, settings.body_timeout_seconds)
            if not body or body.isspace():  # FastAPI would call it a missing field (422)
                raise BadRequestError("the body is empty; send one JSON object")
            if b"\x00" in body:
                # UTF-16 or UTF-32 JSON (a NUL byte beside every ASCII character), which the
                # json module reads anyway: 200 where "charset=utf-16" was 415 (a probe).
                raise BadRequestError("the body is not UTF-8 JSON (it holds NUL bytes)")
            if bounds.max_items is not None and len(body) > _SCAN_INLINE_BYTES:
                # A Python loop over the tokens (70 ms for 20 MB, measured 2026-11-30): in a
                # thread, which hands the event loop the GIL between tokens.
                await asyncio.to_thread(check_items, body, bounds.max_items)
            elif bounds.max_items is not None:
                check_items(body, bounds.max_items)
            receive = _replay(body, request.receive)
            try:
                parsed = json.loads(body, object_pairs_hook=unique_keys)
            except RepeatedKeyError:
                # Not the key: the body is not quoted back (it may hold personal data).
                raise BadRequestError(
                    "the body names a key twice in one object; send each key once"
                ) from None
            except Exception:  # FastAPI parses it again and says what is wrong
                return await handler(Request(request.scope, receive))
            return await handler(_Parsed(request.scope, receive, parsed))

        return guarded


class _Parsed(Request):
    """A request whose JSON body was parsed already: FastAPI's ``json()`` gets the result."""

    def __init__(self, scope: Scope, receive: Receive, parsed: Any) -> None:
        super().__init__(scope, receive)
        self.parsed = parsed

    async def json(self) -> Any:
        return self.parsed


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that hands out the body already read, then the caller's own (which
    only reports a disconnect)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
