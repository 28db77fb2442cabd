"""The base of the service's plain ASGI middlewares."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HttpMiddleware:
    """A plain ASGI middleware that sees HTTP requests and passes everything else (lifespan)
    through. Starlette's ``BaseHTTPMiddleware`` (``app.middleware("http")``) runs each request
    through extra tasks and memory streams."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class HeadAsGet(HttpMiddleware):
    """``HEAD`` on every ``GET`` route: the ``GET`` answer without its body (RFC 9110, 9.3.2).
    FastAPI routes answer only the methods they list, so ``HEAD /docs`` was 405."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # A new scope: the server keeps its own, whose HEAD tells it to send no body.
        await self.app({**scope, "method": "GET"}, receive, headers_only)
