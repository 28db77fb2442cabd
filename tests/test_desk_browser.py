"""The review desk in a real browser: Debian's headless Chromium, driven by Playwright, against
``python -m service`` on a loopback port (with keys: the sign-in, the Secure cookie and the
roles are the networked ones).

A reviewer signs in, corrects a complaint with the keyboard alone, sees it leave the queue and
reach the export, undoes it, and confirms it with one key. The page is checked for what an
office and a phone need: every control labelled, focus visible, WCAG AA contrast of its text,
one complaint with its actions within 1366x768, no sideways scrolling on a phone, nothing loaded
from anywhere else. Screenshots are saved in the test's tmp_path (``desk-1366x768.png`` is the
README's picture: ``pytest tests/test_desk_browser.py --basetemp=/tmp/desk``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from tests.databases import migrated_sqlite
from tests.fixtures import (
    ADMIN_KEY,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESK_COMPLAINTS,
    KEY,
    free_port,
    start_service,
    stop_service,
)

REVIEWER_KEY = "kunci-peninjau-uji-01"
REVIEWER = "Rina (Meja Triase)"
OFFICE: Any = {"width": 1366, "height": 768}
PHONE: Any = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("desk")
    port = free_port()
    server = start_service(
        migrated_sqlite(folder / "desk.db"), port, api_keys=f'["{KEY}"]',
        reviewer_keys=f'["{REVIEWER_KEY}"]', admin_key=ADMIN_KEY, classify_workers="1",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for complaint_id, text in DESK_COMPLAINTS:
            answer = httpx2.post(
                f"{base}/v1/classify", json={"id": complaint_id, "text": text},
                headers={"X-API-Key": KEY}, timeout=30,
            )  # fmt: skip
            assert answer.json()["needs_review"], complaint_id
        yield base
    finally:
        stop_service(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def open_page(browser: Browser, base: str, viewport: Any, problems: list[str]) -> Page:
    """A new page that records console messages, page errors and requests elsewhere."""
    touch = viewport is PHONE  # a phone's touch screen, without a keyboard's hover
    page = browser.new_page(viewport=viewport, has_touch=touch, is_mobile=touch)

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(message.text)

    def request(sent: Request) -> None:
        if not sent.url.startswith(base):
            problems.append(sent.url)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", request)
    return page


def signed_in(browser: Browser, base: str, viewport: Any, problems: list[str]) -> Page:
    """:func:`open_page`, signed in through the desk's form with the keyboard."""
    page = open_page(browser, base, viewport, problems)
    page.goto(f"{base}/review")
    page.get_by_label("Nama petugas").fill(REVIEWER)
    page.get_by_label("Kunci akses").fill(REVIEWER_KEY)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


def shown(page: Page) -> int:
    """The id of the complaint the desk shows."""
    found = re.match(r"Aduan #(\d+)", page.locator("#aduan").inner_text())
    assert found is not None
    return int(found.group(1))


def press(page: Page, *keys: str) -> None:
    """Press keys, the last of which sends a form (and waits for the next page)."""
    for key in keys[:-1]:
        page.keyboard.press(key)
    with page.expect_navigation():
        page.keyboard.press(keys[-1])


def api(base: str, path: str, key: str = REVIEWER_KEY) -> httpx2.Response:
    return httpx2.get(f"{base}{path}", headers={"X-API-Key": key}, timeout=30)


def exported(base: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(api(base, "/v1/feedback/export", ADMIN_KEY).text)))


def open_ids(base: str) -> set[int]:
    return {i["id"] for i in api(base, "/v1/review/queue?limit=200").json()["items"]}


def test_a_reviewer_corrects_with_the_keyboard_sees_the_export_and_undoes(
    desk: str, browser: Browser, tmp_path: Path
) -> None:
    problems: list[str] = []
    page = signed_in(browser, desk, OFFICE, problems)
    (cookie,) = page.context.cookies()
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) == (True, "Strict", True)
    assert REVIEWER_KEY not in cookie["value"]
    first = shown(page)
    text = page.locator(".text").inner_text()
    assert "akta kelahiran" in text and "[TELEPON]" in text and "0812" not in text
    # The words behind each decision are marked in the text.
    assert "akta" in page.locator(".text mark.h-category").all_inner_texts()
    page.screenshot(path=tmp_path / "desk-1366x768.png")

    # P, 4 (information technology), T (high), Enter: corrected without the mouse.
    press(page, "p", "4", "t", "Enter")
    assert f"Koreksi aduan #{first} disimpan" in page.get_by_role("status").inner_text()
    assert shown(page) != first
    assert first not in open_ids(desk)
    decided = api(desk, f"/v1/review/{first}").json()
    assert decided["decision"]["reviewer"] == REVIEWER
    (row,) = exported(desk)
    assert (row["complaint_id"], row["category"], row["urgency"]) == (
        "LAPOR-2026-1041", "information_technology", "high",
    )  # fmt: skip
    assert "[TELEPON]" in row["text"] and "0812" not in row["text"]

    # U: the complaint is back, and the decision out of the export.
    press(page, "u")
    assert "diurungkan" in page.get_by_role("status").inner_text()
    assert shown(page) == first
    assert first in open_ids(desk)
    assert exported(desk) == []

    # K confirms the model's labels with one key; L skips to the next complaint.
    press(page, "k")
    assert [r["complaint_id"] for r in exported(desk)] == ["LAPOR-2026-1041"]
    second = shown(page)
    press(page, "l")
    assert shown(page) not in (first, second)
    press(page, "u")  # leave the queue as it was for the next test
    assert problems == []


def test_markup_in_a_complaint_is_text(desk: str, browser: Browser) -> None:
    problems: list[str] = []
    page = signed_in(browser, desk, OFFICE, problems)
    page.goto(f"{desk}/review?category=information_technology")
    assert "<script>alert(1)</script>" in page.locator(".text").inner_text()
    assert page.locator(".text script").count() == 0
    assert problems == []


# Each control's accessible name, by the rules a screen reader follows for these elements.
NAMES = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, summary, a[href], meter')].map(el => {
  const text = (ids) => ids.split(/\\s+/).map(id => document.getElementById(id).textContent);
  const labelledBy = el.getAttribute('aria-labelledby');
  const name = labelledBy ? text(labelledBy).join(' ') : el.getAttribute('aria-label')
    || (el.labels && el.labels.length ? [...el.labels].map(l => l.textContent).join(' ')
      : el.textContent);
  return [el.outerHTML.slice(0, 80), name.trim()];
})"""
# The text colour and the colour behind it (the first ancestor with a background).
COLOURS = """(el) => {
  const color = getComputedStyle(el).color;
  for (let node = el; node; node = node.parentElement) {
    const background = getComputedStyle(node).backgroundColor;
    if (background !== 'rgba(0, 0, 0, 0)') return [color, background];
  }
  return [color, 'rgb(255, 255, 255)'];
}"""
#: The text of the desk, by kind: each must reach WCAG AA (4.5:1) against what is behind it.
TEXT = [
    ".text", "mark.h-category", "mark.h-urgency", ".meta", ".matching", ".top .count",
    "label[for=f-category]", "button.primary", "button.primary kbd", "button.quiet", "#skip",
    "summary", ".tag", ".hint", ".help dd",
]  # fmt: skip


def _luminance(css: str) -> float:
    channels = [int(v) / 255 for v in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2's contrast ratio of two opaque CSS ``rgb()`` colours."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_of_known_pairs() -> None:
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)


def test_the_desk_is_labelled_focusable_legible_and_fits(
    desk: str, browser: Browser, tmp_path: Path
) -> None:
    problems: list[str] = []
    page = signed_in(browser, desk, OFFICE, problems)
    page.keyboard.press("p")  # the correction form open too
    unnamed = [html for html, name in page.evaluate(NAMES) if not name]
    assert unnamed == []
    for selector in TEXT:
        foreground, background = page.locator(selector).first.evaluate(COLOURS)
        assert contrast(foreground, background) >= 4.5, (selector, foreground, background)
    # Every control reached with Tab, once round the page, shows where the focus is.
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        tag, style, width = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"
        )
        if tag == "BODY":  # past the last control
            break
        reached.append(tag)
        assert style != "none" and float(width.removesuffix("px")) >= 2, (tag, style, width)
        page.keyboard.press("Tab")
    assert {"A", "SELECT", "BUTTON", "SUMMARY", "INPUT"} <= set(reached)
    # On an office screen, the complaint and the whole open correction form without scrolling.
    save = page.get_by_role("button", name="Simpan koreksi")
    box = save.bounding_box()
    assert box is not None and box["y"] + box["height"] <= OFFICE["height"]
    assert page.locator(".text").bounding_box() is not None

    assert page.locator(".help").is_visible() and page.locator("#confirm kbd").is_visible()

    phone = signed_in(browser, desk, PHONE, problems)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # No keyboard shortcuts to show on a touch screen (before: the list and every key hint).
    assert phone.locator(".help").is_hidden() and phone.locator("#confirm kbd").is_hidden()
    phone.screenshot(path=tmp_path / "desk-phone.png", full_page=True)
    for selector in ("#confirm button", "#skip", "#undo button", "#correct summary"):
        box = phone.locator(selector).bounding_box()
        assert box is not None and box["height"] >= 44, selector  # a finger's target
    assert problems == []


def test_on_a_phone_a_long_id_wraps_and_a_double_tap_decides_once(
    desk: str, browser: Browser
) -> None:
    # Last in the module: it adds a complaint to the queue the tests above work through.
    long_id = "SP4N_LAPOR_2026_KOTASERANG_" + "0" * 160  # before: a page 1,965 px wide
    text = "Pohon besar di depan sekolah miring, bisa tumbang. " + "Mohon segera ditinjau. " * 400
    answer = httpx2.post(
        f"{desk}/v1/classify", json={"id": long_id, "text": text}, headers={"X-API-Key": KEY},
        timeout=30,
    )  # fmt: skip
    assert answer.json()["needs_review"]
    queue = api(desk, "/v1/review/queue?limit=200").json()["items"]
    (item,) = [i["id"] for i in queue if i["complaint_id"] == long_id]
    problems: list[str] = []
    page = signed_in(browser, desk, PHONE, problems)
    page.goto(f"{desk}/review?item={item}")
    assert shown(page) == item
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The 9,000-character text scrolls in its own box: the actions are within a screen or two.
    box = page.locator("#confirm button").bounding_box()
    assert box is not None and box["y"] < 2 * PHONE["height"]
    posts: list[str] = []
    page.on("request", lambda sent: posts.append(sent.url) if sent.method == "POST" else None)
    with page.expect_navigation():  # two taps before the answer (before: two forms were sent)
        page.evaluate("() => { const b = document.querySelector('#confirm button');"
                      " b.click(); b.click(); }")  # fmt: skip
    assert posts == [f"{desk}/review/items/{item}"]
    assert f"Aduan #{item} dikonfirmasi" in page.get_by_role("status").inner_text()
    assert problems == []
