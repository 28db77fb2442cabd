"""The desk page's access rules (service/routers/desk.py, service/session.py) through the real
app: who may sign in, what the session cookie holds, CSRF tokens, and the page's headers. The
desk in a browser is tests/test_desk_browser.py."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.app import create_app
from service.errors import ForbiddenError
from service.session import COOKIE, Session, Sessions
from service.settings import Settings
from tests.databases import migrated_sqlite, write_locked
from tests.fixtures import ADMIN_KEY, DESK_COMPLAINTS, KEY, LOCAL, service_client

REVIEWER_KEY = "kunci-peninjau-uji-02"
SECRET = "rahasia-sesi-uji-yang-panjang-sekali-0001"


def test_a_session_survives_only_unaltered_and_unexpired() -> None:
    sessions = Sessions(b"s" * 32, hours=1)
    session = sessions.signed_in("petugas-1", sessions.key_id(KEY))
    cookie = sessions.dump(session)
    assert sessions.load(cookie) == session
    assert KEY not in cookie
    payload, signature = cookie.split(".")
    forged = Sessions(b"t" * 32, hours=1).dump(session)
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    for bad in (forged, tampered, cookie + "x", "", "a.b.c", None):
        assert sessions.load(bad) is None
    expired = Session(session.nonce, int(time.time()) - 1, "petugas-1", session.key_id)
    assert sessions.load(sessions.dump(expired)) is None


def test_a_csrf_token_belongs_to_one_session() -> None:
    sessions = Sessions(b"s" * 32, hours=1)
    mine, theirs = sessions.anonymous(), sessions.anonymous()
    sessions.check_csrf(mine, sessions.csrf_token(mine))
    for token in (sessions.csrf_token(theirs), "", None):
        with pytest.raises(ForbiddenError):
            sessions.check_csrf(mine, token)
    # Signing in gives a new nonce: a token seen before signing in is worth nothing after.
    signed = sessions.signed_in("petugas-1", "")
    with pytest.raises(ForbiddenError):
        sessions.check_csrf(signed, sessions.csrf_token(mine))


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, name: str, key: str | None = None) -> str:
    """Sign in through the form; the location it sends the browser to."""
    token = csrf(client.get("/review").text)
    form = {"csrf": token, "reviewer": name} | ({"key": key} if key else {})
    answer = client.post("/review/signin", data=form, follow_redirects=False)
    assert answer.status_code == 303
    return answer.headers["location"]


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("desk")
    settings = Settings(
        database_url=migrated_sqlite(folder / "desk.db"), classify_workers=1,
        api_keys=[SecretStr(KEY)], reviewer_keys=[SecretStr(REVIEWER_KEY)],
        admin_key=SecretStr(ADMIN_KEY), session_secret=SecretStr(SECRET),
    )  # fmt: skip
    # https: the desk's cookie is Secure whenever keys are set, and is sent back over TLS only.
    with TestClient(create_app(settings), client=LOCAL, base_url="https://testserver") as client:
        for complaint_id, text in DESK_COMPLAINTS:
            client.post("/v1/classify", json={"id": complaint_id, "text": text},
                        headers={"X-API-Key": KEY})  # fmt: skip
        yield client


@pytest.fixture
def fresh(keyed: TestClient) -> Iterator[TestClient]:
    """The keyed app, without cookies from other tests."""
    keyed.cookies.clear()
    yield keyed
    keyed.cookies.clear()


@pytest.mark.parametrize(
    ("key", "admitted"), [(REVIEWER_KEY, True), (ADMIN_KEY, True), (KEY, False), ("x" * 20, False)]
)
def test_only_reviewer_and_admin_keys_sign_in(fresh: TestClient, key: str, admitted: bool) -> None:
    assert sign_in(fresh, "petugas-1", key) == ("/review" if admitted else "/review?gagal=1")
    page = fresh.get("/review").text
    assert ('id="aduan"' in page) is admitted
    assert ("Tidak bisa masuk" in fresh.get("/review?gagal=1").text) is not admitted


def test_the_cookie_and_the_page_headers(fresh: TestClient) -> None:
    fresh.get("/review")
    token = csrf(fresh.get("/review").text)
    answer = fresh.post(
        "/review/signin", data={"csrf": token, "reviewer": "petugas-1", "key": REVIEWER_KEY},
        follow_redirects=False,
    )  # fmt: skip
    cookie = answer.headers["set-cookie"].lower()
    for part in ("httponly", "samesite=strict", "secure", "path=/review", "max-age=36000"):
        assert part in cookie
    page = fresh.get("/review")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["cache-control"] == "no-store"
    assert "0812" not in page.text and "[TELEPON]" in page.text


def test_forms_need_the_sessions_csrf_token(fresh: TestClient) -> None:
    sign_in(fresh, "petugas-1", REVIEWER_KEY)
    item = re.search(r'action="/review/items/(\d+)"', fresh.get("/review").text)
    assert item is not None
    path = f"/review/items/{item.group(1)}"
    for token in ("", "salah", csrf(fresh.get("/review").text)[:-1]):
        answer = fresh.post(path, data={"csrf": token, "action": "confirm"})
        assert answer.status_code == 403
        # A page of the desk in Indonesian (before: the API's JSON, shown raw by the browser).
        assert answer.headers["content-type"].startswith("text/html")
        assert "Formulir ini sudah kedaluwarsa" in answer.text
    answer = fresh.post(path, data={"action": "confirm"}, headers={"content-type": "text/plain"})
    assert answer.status_code == 415
    answer = fresh.post(path, content=b"a=" + b"x" * 20_000,
                        headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert answer.status_code == 413
    # A percent-escape that is not UTF-8: refused, where it became U+FFFD in the correction.
    answer = fresh.post(path, content=b"action=correct&category=caf%E9",
                        headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert answer.status_code == 415 and "UTF-8" in answer.text
    fresh.cookies.clear()  # no session: to the sign-in page, which says nothing was decided
    answer = fresh.post(path, data={"action": "confirm", "csrf": "x"}, follow_redirects=False)
    where = f"/review?sesi=habis&aduan={item.group(1)}"
    assert (answer.status_code, answer.headers["location"]) == (303, where)
    assert f"keputusan atas aduan #{item.group(1)} belum disimpan" in fresh.get(where).text
    # An undo and a sign-in form without a session say so too (before: the bare sign-in form).
    answer = fresh.post("/review/undo", data={"csrf": "x"}, follow_redirects=False)
    where = answer.headers["location"]
    assert (answer.status_code, where) == (303, "/review?sesi=habis&urung=1")
    assert "keputusan Anda belum diurungkan" in fresh.get(where).text
    fresh.cookies.clear()  # the page above started a new session
    answer = fresh.post("/review/signin", data={"csrf": "x", "reviewer": "petugas-1"},
                        follow_redirects=False)  # fmt: skip
    where = answer.headers["location"]
    assert (answer.status_code, where) == (303, "/review?sesi=kedaluwarsa")
    assert "Formulir masuk ini sudah kedaluwarsa" in fresh.get(where).text


def test_sign_out_ends_the_session(fresh: TestClient) -> None:
    sign_in(fresh, "petugas-1", REVIEWER_KEY)
    token = csrf(fresh.get("/review").text)
    answer = fresh.post("/review/signout", data={"csrf": token}, follow_redirects=False)
    assert answer.headers["set-cookie"].startswith(f'{COOKIE}="";')
    assert "max-age=0" in answer.headers["set-cookie"].lower()
    assert 'id="reviewer"' in fresh.get("/review").text


def test_a_copy_of_the_cookie_is_worth_nothing_after_sign_out(tmp_path: Path) -> None:
    # Before: sign-out only asked the browser to drop the cookie; a copy taken before (a shared
    # desk computer, a proxy log) went on deciding complaints until it expired.
    with service_client(tmp_path) as app:
        text = "Pohon besar di depan sekolah miring, bisa tumbang kapan saja"  # queued
        app.post("/v1/classify", json={"id": "S-1", "text": text})
        sign_in(app, "petugas-5")
        page = app.get("/review").text
        copied, token = app.cookies[COOKIE], csrf(page)
        found = re.search(r'action="/review/items/(\d+)"', page)
        assert found is not None
        app.post("/review/signout", data={"csrf": token}, follow_redirects=False)
        app.cookies.set(COOKIE, copied, path="/review")
        assert 'id="reviewer"' in app.get("/review").text  # the sign-in form again
        app.cookies.set(COOKIE, copied, path="/review")
        form = {"csrf": token, "action": "confirm"}
        decided = app.post(f"/review/items/{found.group(1)}", data=form, follow_redirects=False)
        # Not decided: back to signing in, which says so.
        assert decided.headers["location"] == f"/review?sesi=habis&aduan={found.group(1)}"
        assert app.get(f"/v1/review/{found.group(1)}").json()["status"] == "open"


def test_a_session_ends_with_its_keys_role(tmp_path: Path) -> None:
    cookie = Sessions(SECRET.encode(), hours=1)
    value = cookie.dump(cookie.signed_in("petugas-1", cookie.key_id(REVIEWER_KEY)))
    # The same secret after a restart: the session opens the desk while its key is a reviewer's,
    # and no longer once it is an API key only.
    for role, opens in (("reviewer_keys", True), ("api_keys", False)):
        keys: dict[str, Any] = {role: [REVIEWER_KEY], "session_secret": SECRET}
        with service_client(tmp_path, LOCAL, **keys) as app:
            app.cookies.set(COOKIE, value, domain="testserver.local")
            page = app.get("https://testserver/review").text
            assert ("Petugas: <strong>petugas-1" in page) is opens, role


def test_without_keys_the_desk_is_for_this_machine_only(tmp_path: Path) -> None:
    with service_client(tmp_path) as app:
        page = app.get("/review").text
        assert 'id="reviewer"' in page and 'id="key"' not in page  # a name is enough
        assert sign_in(app, "petugas-lokal") == "/review"
        assert "petugas-lokal" in app.get("/review").text
    with service_client(tmp_path, caller=("192.0.2.10", 40000)) as remote:
        assert remote.get("/review").status_code == 403


def test_the_desk_decides_and_undoes_through_forms(fresh: TestClient) -> None:
    sign_in(fresh, "petugas-9", REVIEWER_KEY)
    page = fresh.get("/review?order=useful").text
    found = re.search(r'action="/review/items/(\d+)"', page)
    assert found is not None
    item = found.group(1)
    form = {"csrf": csrf(page), "back": "order=useful", "action": "correct",
            "category": "other", "urgency": "low", "unit_id": "triase"}  # fmt: skip
    answer = fresh.post(f"/review/items/{item}", data=form, follow_redirects=False)
    assert answer.headers["location"] == f"/review?order=useful&pesan=correct&aduan={item}"
    # The same officer's second click: the first one's message (before: "another officer").
    again = fresh.post(f"/review/items/{item}", data=form, follow_redirects=False)
    assert again.headers["location"].endswith(f"pesan=correct&aduan={item}")
    bad = fresh.post(f"/review/items/{item}", data=form | {"category": "nonsense"},
                     follow_redirects=False)  # fmt: skip
    assert "pesan=invalid" in bad.headers["location"]
    undone = fresh.post("/review/undo", data={"csrf": form["csrf"]}, follow_redirects=False)
    assert undone.headers["location"] == f"/review?pesan=undone&aduan={item}&item={item}"
    back = fresh.get(undone.headers["location"]).text
    assert f"Aduan #{item}" in back
    # Skipping the complaint an undo brought back shows another (before: the same again).
    assert f"Aduan #{item}<" not in fresh.get(skip_link(back)).text


def skip_link(page: str) -> str:
    found = re.search(r'id="skip" href="([^"]+)"', page)
    assert found is not None
    return found.group(1).replace("&amp;", "&")


def shown(page: str) -> str | None:
    found = re.search(r'<h2 id="aduan"[^>]*>Aduan #(\d+)', page)
    return found.group(1) if found else None


def test_skipping_to_the_end_says_what_still_waits(fresh: TestClient) -> None:
    sign_in(fresh, "petugas-8", REVIEWER_KEY)
    page, seen = fresh.get("/review").text, list[str | None]()
    while shown(page) is not None and len(seen) < 50:
        seen.append(shown(page))
        page = fresh.get(skip_link(page)).text
    assert len(seen) == len(set(seen)) > 1
    # Before: "no complaints left: all decided", with every skipped one still open.
    waiting = re.search(r"(\d+) aduan masih menunggu", page)
    # Other tests' reviewers hold some open complaints on their desks: these count too.
    assert "Akhir antrean" in page and waiting is not None and int(waiting.group(1)) >= len(seen)
    assert shown(fresh.get("/review").text) == seen[0]


def test_a_high_call_says_why_a_low_chance_is_high(tmp_path: Path) -> None:
    # Before: "Tinggi 34 %" beside a high call, with nothing saying the bar is far lower.
    with service_client(tmp_path) as app:
        text = "Pohon besar di depan sekolah miring, bisa tumbang kapan saja"  # high, unconfirmed
        assert app.post("/v1/classify", json={"text": text}).json()["urgency"] == "high"
        bars = app.get("/v1/model").json()["thresholds"]
        sign_in(app, "petugas-7")
        page = app.get("/review?urgency=high").text
        assert shown(page) is not None
        assert f"Tinggi sejak peluang {round(bars['high'] * 100)} %" in page
        assert f"mulai {round(bars['escalate'] * 100)} %" in page
        assert "Tinggi sejak" not in app.get("/review?urgency=low").text


def test_odd_desk_input_is_refused_or_ignored_never_a_500(fresh: TestClient) -> None:
    # Before: "?item=²" passed str.isdigit() and int() raised (500).
    sign_in(fresh, "petugas-6", REVIEWER_KEY)
    for item in ("%C2%B2", "%E2%91%A0", "1%C2%B2", "-1", "99999999999999999999"):
        assert fresh.get(f"/review?item={item}").status_code == 200, item
    token = csrf(fresh.get("/review").text)
    # Before: 415 "not valid urlencoded UTF-8" for a form of too many fields.
    crowded = "&".join(f"f{i}=1" for i in range(25)) + f"&csrf={token}&action=confirm"
    answer = fresh.post("/review/undo", content=crowded,
                        headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert answer.status_code == 400 and "at most 20 fields" in answer.text
    fresh.cookies.clear()
    # A NUL in the name failed every database write of the desk (503 on PostgreSQL).
    assert sign_in(fresh, "petugas\x00-6", REVIEWER_KEY) == "/review?gagal=1"


def test_the_desk_files_are_served_and_nothing_else(keyed: TestClient) -> None:
    for name, media in (("desk.css", "text/css"), ("desk.js", "text/javascript")):
        answer = keyed.get(f"/review/static/{name}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
    assert keyed.get("/review/static/..%2fapp.py").status_code == 404
    assert keyed.get("/review/static/app.py").status_code == 404


#: A complaint the shipped model sends to the review queue.
QUEUED = "Pohon besar di depan sekolah miring, bisa tumbang kapan saja"


def queued_item(app: TestClient, complaint_id: str, reviewer: str) -> tuple[str, str]:
    """Queue one complaint and sign ``reviewer`` in: the desk's page and the item it shows."""
    app.post("/v1/classify", json={"id": complaint_id, "text": QUEUED})
    sign_in(app, reviewer)
    page = app.get("/review").text
    found = re.search(r'action="/review/items/(\d+)"', page)
    assert found is not None
    return page, found.group(1)


def test_a_decision_the_database_could_not_take_can_be_sent_again(
    database: str, tmp_path: Path
) -> None:
    # Before: the browser showed the API's English JSON, and the correction was lost.
    with service_client(tmp_path, database_url=database, database_timeout_seconds=1.0) as app:
        page, item = queued_item(app, "D-1", "petugas-4")
        path = f"/review/items/{item}"
        form = {"csrf": csrf(page), "action": "correct", "category": "other",
                "urgency": "low", "unit_id": "triase", "back": "order=useful"}  # fmt: skip
        with write_locked(database):
            failed = app.post(path, data=form, follow_redirects=False)
        assert failed.status_code == 503 and "retry-after" in failed.headers
        assert failed.headers["content-type"].startswith("text/html")
        assert f"Keputusan atas aduan #{item} belum disimpan" in failed.text
        assert "Basis data sedang tidak bisa dihubungi" in failed.text
        # The page's button sends the same form again: every field as it was chosen.
        kept = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', failed.text)
        )
        assert kept == form and f'action="{path}"' in failed.text
        saved = app.post(path, data=kept, follow_redirects=False)
        assert saved.headers["location"].endswith(f"pesan=correct&aduan={item}")
        decision = app.get(f"/v1/review/{item}").json()["decision"]
        assert (decision["category"], decision["urgency"]) == ("other", "low")


def test_a_conflict_names_another_officer_only_when_it_was_one(tmp_path: Path) -> None:
    with service_client(tmp_path) as app:
        page, item = queued_item(app, "D-2", "Pak Budi")
        path = f"/review/items/{item}"
        app.post(path, data={"csrf": csrf(page), "action": "confirm"}, follow_redirects=False)
        # Before: both names read "Pak [NAMA]": one reviewer, who could undo the other's work.
        sign_in(app, "Pak Andi")
        token = csrf(app.get("/review").text)
        answer = app.post(path, data={"csrf": token, "action": "confirm"}, follow_redirects=False)
        assert answer.headers["location"].endswith(f"pesan=conflict&aduan={item}")
        undone = app.post("/review/undo", data={"csrf": token}, follow_redirects=False)
        assert "pesan=nothing" in undone.headers["location"]
        assert app.get(f"/v1/review/{item}").json()["decision"]["reviewer"] == "Pak Budi"


def test_a_desk_address_opened_by_hand_is_a_page_the_api_stays_json(keyed: TestClient) -> None:
    # Before: the page after a failed save, opened again from the address bar, was the API's
    # JSON (405), and so was a mistyped desk address (404).
    for path, status in (("/review/items/1", 405), ("/review/undo", 405), ("/review/nope", 404)):
        answer = keyed.get(path)
        assert answer.status_code == status, path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert "Kembali ke meja tinjauan" in answer.text
    assert keyed.get("/v1/nope").headers["content-type"] == "application/problem+json"
    assert keyed.get("/reviewer").headers["content-type"] == "application/problem+json"
