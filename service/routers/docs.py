"""The API's documentation for people: Swagger UI at ``/docs`` (where ``/`` leads) and ReDoc at
``/redoc``, built from the files the fastapi-offline package ships, so that they work offline.

Each page may load only this service's files (``Content-Security-Policy``). ReDoc's bundle
puts Redocly's logo, ``https://cdn.redoc.ly/redoc/logo-mini.svg``, at the foot of its menu
whatever its options say: the bundle is served without that address, and ReDoc leaves out an
image that does not load (the link "API docs by Redocly" stays, as text).
"""

from __future__ import annotations

import functools
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response

router = APIRouter(include_in_schema=False)

#: Where :class:`fastapi_offline.FastAPIOffline` serves its files.
STATIC = "/static-offline-docs"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
#: Swagger UI's page starts it with an inline script, and both UIs set inline styles; nothing
#: may come from anywhere else (ReDoc's search runs in a worker made from a blob: URL).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@router.get("/")
def root(request: Request) -> Response:
    """The banner of ``python -m service`` invites to open ``/``: the docs are there."""
    return RedirectResponse(f"{request.scope.get('root_path', '')}/docs", status_code=307)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    page = get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{root}{STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{root}{STATIC}/favicon.png",
        swagger_ui_parameters=request.app.swagger_ui_parameters,
    )
    page.headers.update(SECURITY_HEADERS)
    return page


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    page = get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{root}{STATIC}/favicon.png",
        with_google_fonts=False,
    )
    page.headers.update(SECURITY_HEADERS)
    return page


@functools.cache
def _redoc_bundle() -> bytes:
    # One megabyte, read once; an empty src fails at once, without a request.
    bundle = resources.files("fastapi_offline").joinpath("static", "redoc.standalone.js")
    return bundle.read_bytes().replace(REDOC_LOGO, b"")


@router.get("/redoc/redoc.standalone.js")
def redoc_bundle() -> Response:
    """ReDoc's script without the address of Redocly's logo."""
    return Response(
        _redoc_bundle(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
