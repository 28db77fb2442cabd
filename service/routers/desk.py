"""The review desk at ``/review``: one complaint at a time, decided with one keystroke.

Server-rendered HTML (Jinja2 templates and a small script in the package: no build step, no
CDN); every action is a plain form, so the desk works without its script too, which only adds
the keyboard shortcuts. A browser signs in once (service.session); without keys it signs in
with a name only, and the app answers callers on this machine only, as it does for the API.
After each decision the browser is sent back to the queue (303, Post/Redirect/Get) with a
message naming what was done, so that reloading never decides twice.

The page's queue is the API's (service.review) with one addition: the complaint shown is
claimed for a short while, so two reviewers working the same queue see different complaints.
"""

from __future__ import annotations

import functools
import tomllib
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from complaint_nlp import mask_pii
from complaint_nlp._resources import data_file
from complaint_nlp.labels import CATEGORIES, URGENCIES
from service import review
from service import session as session_store
from service.auth import all_keys, key_matches, may_review, reviewing_keys
from service.dependencies import State
from service.errors import (
    BadRequestError,
    ConflictError,
    DatabaseUnavailableError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    ServiceError,
    UnavailableError,
    UnsupportedMediaTypeError,
)
from service.highlight import highlight
from service.limits import read_body
from service.schemas import DecisionRequest, ReviewQueueParams, is_well_formed
from service.session import COOKIE, Session, Sessions, is_signed_out

#: What the desk says, in the officers' language, for an error of the service.
PROBLEMS: dict[type[ServiceError], str] = {
    DatabaseUnavailableError: "Basis data sedang tidak bisa dihubungi. Coba lagi sebentar lagi.",
    UnavailableError: "Layanan sedang sibuk. Coba lagi sebentar lagi.",
    ForbiddenError: "Formulir ini sudah kedaluwarsa. Muat ulang meja tinjauan lalu coba lagi.",
    NotFoundError: "Halaman ini tidak ada.",
}
OTHER_PROBLEM = "Permintaan ini tidak bisa diproses. Kembali ke meja tinjauan lalu coba lagi."


def _problem(exc: ServiceError) -> str:
    return next((text for kind, text in PROBLEMS.items() if isinstance(exc, kind)), OTHER_PROBLEM)


class _DeskRoute(APIRoute):
    """A desk route whose errors are pages of the desk, in Indonesian: an officer's browser
    showed the API's English problem document (JSON) when the database was down."""

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response: Response = await handler(request)
            except ServiceError as exc:
                return _error_page(
                    exc.status, _problem(exc), detail=exc.detail, headers=exc.headers
                )
            except RequestValidationError:  # an item id that is no number
                return routing_error_page(404, "", {})
            return response

        return handle


def _error_page(
    status: int,
    message: str,
    *,
    detail: str = "",
    headers: dict[str, str] | None = None,
    retry: dict[str, Any] | None = None,
) -> HTMLResponse:
    """A page of the desk that says what went wrong (``detail``: the API's words, for whoever
    runs the service); ``retry`` (``action`` and ``fields``) adds a button that sends the same
    form again, so that a decision is not lost."""
    html = (
        _templates()
        .get_template("error.html.j2")
        .render(message=message, detail=detail, retry=retry)
    )
    return HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})


router = APIRouter(prefix="/review", include_in_schema=False, route_class=_DeskRoute)


def routing_error_page(status: int, detail: str, headers: dict[str, str]) -> HTMLResponse:
    """The desk's page for a routing error under ``/review`` (service.errors): 404, or 405 for
    a form's address opened in the address bar (the page after a failed save is one)."""
    message = PROBLEMS[NotFoundError] if status == 404 else OTHER_PROBLEM
    return _error_page(status, message, detail=detail, headers=headers)


#: Kota Serang's time (WIB); the routing table has no time zone, and every city of Java shares it.
WIB = timezone(timedelta(hours=7), "WIB")
#: A form is a few short fields: anything larger is not one of the desk's.
MAX_FORM_BYTES = 16 * 1024
MAX_FORM_FIELDS = 20
#: The page may load only its own files; no frame may hold it (clickjacking).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_STATIC = {
    "desk.css": "text/css; charset=utf-8",
    "desk.js": "text/javascript; charset=utf-8",
    "desk.svg": "image/svg+xml",
}
#: Keys of the correction form, shown beside each choice (desk.js reads them from the page).
CATEGORY_KEYS = dict(zip(CATEGORIES, "12345", strict=True))
URGENCY_KEYS = {"high": "T", "medium": "S", "low": "R"}


@functools.cache
def _names() -> dict[str, Any]:
    # The report's Indonesian names for the labels: one file for both.
    return tomllib.loads(data_file("report/labels.toml").read_text(encoding="utf-8"))


def _when(moment: datetime) -> str:
    local = moment.astimezone(WIB)
    month = _names()["months"][local.month - 1]
    return f"{local.day} {month} {local.year}, {local:%H.%M} WIB"


def _hours(delta: timedelta) -> str:
    hours = abs(delta.total_seconds()) / 3600
    return f"{hours:.0f} jam" if hours < 48 else f"{hours / 24:.0f} hari"


@functools.cache
def _templates() -> Environment:
    environment = Environment(
        loader=PackageLoader("service", "templates"), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    environment.filters["when"] = _when
    environment.filters["percent"] = lambda v: f"{round(v * 100)} %"
    environment.globals |= {
        "names": _names(), "category_keys": CATEGORY_KEYS, "urgency_keys": URGENCY_KEYS,
        "undo_minutes": review.UNDO_MINUTES,
    }  # fmt: skip
    return environment


def get_sessions(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


SessionStore = Annotated[Sessions, Depends(get_sessions)]


def _session(request: Request, sessions: Sessions) -> Session | None:
    """The request's signed-in session, if its key still has the reviewer role."""
    session = sessions.load(request.cookies.get(COOKIE))
    if session is None or not session.signed_in:
        return None
    settings = request.app.state.settings
    keys = all_keys(settings)
    if not keys and session.key_id != "":
        return None
    reviewing = reviewing_keys(settings)
    if keys and not any(sessions.key_id(k) == session.key_id for k in reviewing):
        return None
    # A database call: from handlers that are async, through a thread (_checked_form).
    return None if is_signed_out(request.app.state.service.database, session) else session


def _page(
    request: Request, sessions: Sessions, session: Session, template: str, **context: Any
) -> HTMLResponse:
    html = (
        _templates()
        .get_template(template)
        .render(csrf=sessions.csrf_token(session), session=session, **context)
    )
    response = HTMLResponse(html, headers=SECURITY_HEADERS)
    _set_cookie(request, response, sessions, session)
    return response


def _set_cookie(request: Request, response: Response, sessions: Sessions, session: Session) -> None:
    settings = request.app.state.settings
    lifetime = max(0, session.expires - int(datetime.now(UTC).timestamp()))
    response.set_cookie(
        COOKIE, sessions.dump(session), max_age=lifetime, path="/review", httponly=True,
        samesite="strict",
        # Keys mean a network, which means HTTPS (a key typed over plain HTTP is a key lost);
        # browsers keep Secure cookies of http://127.0.0.1 and localhost too.
        secure=bool(all_keys(settings)) or request.url.scheme == "https",
    )  # fmt: skip


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded body of a desk form (last value of each name wins)."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise UnsupportedMediaTypeError("send the form as application/x-www-form-urlencoded")
    body = await read_body(request, MAX_FORM_BYTES, request.app.state.settings.body_timeout_seconds)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedMediaTypeError("the form is not valid urlencoded UTF-8") from None
    try:
        # strict: a percent-escape that is not UTF-8 ("%E9") became U+FFFD in a correction
        return dict(parse_qsl(text, max_num_fields=MAX_FORM_FIELDS, errors="strict"))
    except UnicodeDecodeError:
        raise UnsupportedMediaTypeError("the form is not valid urlencoded UTF-8") from None
    except ValueError:  # more fields than that (was answered as not urlencoded, 415)
        raise BadRequestError(f"a desk form has at most {MAX_FORM_FIELDS} fields") from None


def _filters(values: dict[str, str]) -> ReviewQueueParams:
    """The queue filters of a query; an invalid value drops them all (a hand-edited link)."""
    wanted = {k: values[k] for k in ("category", "urgency", "unit", "order") if values.get(k)}
    try:
        return ReviewQueueParams.model_validate(wanted)
    except ValidationError:
        return ReviewQueueParams()


def _carried(form: dict[str, str]) -> ReviewQueueParams:
    """The queue filters a desk form carries on, as one query in its ``back`` field (a field of
    its own: the correction form's ``category`` is a label, not a filter)."""
    return _filters(dict(parse_qsl(form.get("back", ""))))


def _listing(filters: ReviewQueueParams) -> dict[str, Any]:
    """The filters and order of the desk's queue (open items; no page size, no cursor)."""
    return filters.model_dump(include={"category", "urgency", "unit", "order"})


def _kept(filters: ReviewQueueParams) -> dict[str, str]:
    """The filters a link or form carries on: the ones set, and the order if not the default."""
    chosen = {k: v for k, v in _listing(filters).items() if v is not None}
    return {k: v for k, v in chosen.items() if (k, v) != ("order", "oldest")}


def _back(filters: ReviewQueueParams, **extra: object) -> RedirectResponse:
    return RedirectResponse(f"/review?{urlencode(_kept(filters) | extra)}", status_code=303)


@router.get("", response_class=HTMLResponse)
def desk(request: Request, state: State, sessions: SessionStore) -> Response:
    """The desk: the queue's filters and counts, and one complaint with its decision forms; the
    sign-in form before a session."""
    session = _session(request, sessions)
    if session is None:
        anonymous = sessions.load(request.cookies.get(COOKIE)) or sessions.anonymous()
        if anonymous.signed_in:  # signed in with a key that lost its role: start again
            anonymous = sessions.anonymous()
        keyed = bool(all_keys(request.app.state.settings))
        said = request.query_params
        lost = said.get("aduan", "")
        return _page(request, sessions, anonymous, "signin.html.j2", keyed=keyed,
                     failed=said.get("gagal") == "1", ended=said.get("sesi"),
                     lost=lost if lost.isascii() and lost.isdigit() else "",
                     undo=said.get("urung") == "1")  # fmt: skip
    query = dict(request.query_params)
    filters = _filters(query)
    assert session.reviewer is not None
    item, cursor = _current(state, session.reviewer, filters, query)
    now = datetime.now(UTC)
    counts = review.counts(state.database)
    kept = _kept(filters)
    filtered = any(k != "order" for k in kept)
    return _page(
        request, sessions, session, "desk.html.j2",
        item=item, filters=filters, counts=counts,
        skip=f"/review?{urlencode(kept | {'cursor': cursor or ''})}",
        unit_names={u.id: u.name for u in state.table.units},
        matching=(
            review.count(state.database, review.QueueQuery(**_listing(filters)))
            if filtered else counts["open"]
        ),
        units=sorted(state.table.units, key=lambda u: u.name),
        segments=highlight(item["text"], item["explanation"]) if item else [],
        late=item is not None and item["due_at"] < now,
        left=_hours(item["due_at"] - now) if item else "",
        flash=_flash(query), categories=CATEGORIES, urgencies=URGENCIES,
        keep=kept, filtered=filtered, skipping=bool(query.get("cursor")),
        thresholds=(state.metadata or {}).get("thresholds"),
    )  # fmt: skip


def _current(
    state: State, reviewer: str, filters: ReviewQueueParams, query: dict[str, str]
) -> tuple[dict[str, Any] | None, str | None]:
    """The item to show: the one asked for (after an undo), else the next free one."""
    asked = query.get("item", "")
    if asked.isascii() and asked.isdigit() and len(asked) < 19:  # not "²": int() refuses it
        try:
            item = review.get_item(state.database, int(asked))
        except NotFoundError:
            item = None
        if item is not None and item["status"] == "open":
            # Skipping it goes on after it (before: from the start, back to this very item).
            return item, review.cursor_after(filters.order, item)
    cursor = query.get("cursor") or None
    listing = _listing(filters)
    try:
        return review.claim_next(
            state.database, reviewer, review.QueueQuery(**listing, cursor=cursor)
        )
    except InvalidRequestError:  # a stale or edited cursor: from the start
        return review.claim_next(state.database, reviewer, review.QueueQuery(**listing))


#: What the page says after a redirect, by the query's ``pesan``; ``{id}`` is the item's.
MESSAGES = {
    "confirm": "Aduan #{id} dikonfirmasi dan masuk ke data latih. Tekan U untuk mengurungkan.",
    "correct": "Koreksi aduan #{id} disimpan dan masuk ke data latih. Tekan U untuk mengurungkan.",
    "conflict": "Aduan #{id} sudah diputuskan oleh petugas lain; ini aduan berikutnya.",
    "undone": "Keputusan atas aduan #{id} diurungkan: aduan kembali ke antrean.",
    "nothing": f"Tidak ada keputusan Anda dalam {review.UNDO_MINUTES} menit terakhir yang bisa "
    "diurungkan.",
    "invalid": "Keputusan atas aduan #{id} tidak disimpan: pilihan label atau unit tidak dikenal.",
}


def _flash(query: dict[str, str]) -> str | None:
    kind, number = query.get("pesan", ""), query.get("aduan", "")
    if kind not in MESSAGES:
        return None
    return MESSAGES[kind].format(id=number if number.isdigit() else "?")


async def _checked_form(
    request: Request, sessions: Sessions
) -> tuple[Session | None, dict[str, str]]:
    form = await _form(request)
    return await _checked_session(request, sessions, form), form


async def _checked_session(
    request: Request, sessions: Sessions, form: dict[str, str]
) -> Session | None:
    session = await run_in_threadpool(_session, request, sessions)
    if session is not None:
        sessions.check_csrf(session, form.get("csrf"))
    return session


@router.post("/signin")
async def sign_in(request: Request, sessions: SessionStore) -> Response:
    """Sign in with a reviewer's or the admin key (none on a service without keys) and a name."""
    form = await _form(request)
    anonymous = sessions.load(request.cookies.get(COOKIE))
    if anonymous is None:  # no session: the sign-in page was not loaded from here (or expired)
        # The page says so: before, the same empty form came back with no word of why.
        return RedirectResponse("/review?sesi=kedaluwarsa", status_code=303)
    sessions.check_csrf(anonymous, form.get("csrf"))
    settings = request.app.state.settings
    key, name = form.get("key", ""), form.get("reviewer", "").strip()
    keys = all_keys(settings)
    allowed = (
        bool(name)
        and len(name) <= 200
        and is_well_formed(name)  # a NUL in the name failed every database write of the desk
        and (not keys or (key_matches(key, keys) and may_review(settings, key)))
    )
    if not allowed:
        return RedirectResponse("/review?gagal=1", status_code=303)
    session = sessions.signed_in(mask_pii(name, names=False), sessions.key_id(key) if keys else "")
    response = RedirectResponse("/review", status_code=303)
    _set_cookie(request, response, sessions, session)
    return response


@router.post("/signout")
async def sign_out(request: Request, state: State, sessions: SessionStore) -> Response:
    """End the session, for every copy of its cookie too (service.session)."""
    session, _ = await _checked_form(request, sessions)
    if session is not None:
        await run_in_threadpool(session_store.sign_out, state.database, session)
    response = RedirectResponse("/review", status_code=303)
    response.delete_cookie(COOKIE, path="/review")
    return response


@router.post("/items/{item_id}")
async def decide(
    request: Request, item_id: Annotated[int, Path(ge=1, le=2**62)], state: State,
    sessions: SessionStore,
) -> Response:  # fmt: skip
    """Confirm or correct the item shown; back to the queue with a message."""
    form = await _form(request)
    try:
        session = await _checked_session(request, sessions, form)
        if session is None or session.reviewer is None:
            # Signed out meanwhile (a restart without COMPLAINT_SESSION_SECRET ends sessions):
            # the sign-in page says the decision was not saved, where it was lost silently.
            return RedirectResponse(f"/review?sesi=habis&aduan={item_id}", status_code=303)
        filters = _carried(form)
        fields = (
            ("action", "category", "urgency", "unit_id")
            if form.get("action") == "correct"
            else ("action",)
        )
        try:  # the API's own checks: known labels, confirm without labels, correct with some
            body = DecisionRequest.model_validate(
                {k: form[k] for k in fields if form.get(k)} | {"reviewer": session.reviewer}
            )
            decision = review.Decision(**body.model_dump())
            await run_in_threadpool(review.decide, state.database, item_id, decision, state.table)
        except ConflictError:
            item = await run_in_threadpool(review.get_item, state.database, item_id)
            mine = (item["decision"] or {}).get("reviewer") == session.reviewer
            # A second click of the same button: the first one's message, not "another officer".
            pesan = item["decision"]["action"] if mine else "conflict"
            return _back(filters, pesan=pesan, aduan=item_id)
        except (ValidationError, InvalidRequestError):
            return _back(filters, pesan="invalid", aduan=item_id, item=item_id)
    except UnavailableError as exc:
        message = f"Keputusan atas aduan #{item_id} belum disimpan. {_problem(exc)}"
        retry = {"action": f"/review/items/{item_id}", "fields": form}
        return _error_page(exc.status, message, detail=exc.detail, headers=exc.headers, retry=retry)
    return _back(filters, pesan=decision.action, aduan=item_id)


@router.post("/undo")
async def undo(request: Request, state: State, sessions: SessionStore) -> Response:
    """Undo this reviewer's last decision and show that complaint again."""
    session, form = await _checked_form(request, sessions)
    if session is None or session.reviewer is None:
        # As for a decision: the sign-in page says the undo was not done (before: silently).
        return RedirectResponse("/review?sesi=habis&urung=1", status_code=303)
    filters = _carried(form)
    try:
        item = await run_in_threadpool(review.undo, state.database, session.reviewer)
    except ConflictError:
        return _back(filters, pesan="nothing")
    return _back(filters, pesan="undone", aduan=item["id"], item=item["id"])


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The desk's stylesheet and script, from the package."""
    if name not in _STATIC:
        raise NotFoundError("no such file")
    body = resources.files("service").joinpath("static", name).read_bytes()
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type=_STATIC[name], headers=headers)
