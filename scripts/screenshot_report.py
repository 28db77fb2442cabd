"""Open a report page in headless Chromium, save a screenshot of its first A4 page, optionally
print the whole page on A4 as PDF, and fail if the page logs an error or asks for anything but
itself.

    python scripts/screenshot_report.py laporan/index.html first-page.png [--pdf laporan.pdf]

The browser is Debian's ``/usr/bin/chromium`` (``make browser``, which ``make test`` runs,
installs it), driven by
Playwright; no browser is downloaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Request, ViewportSize, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cli import arguments, run, writable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-gpu",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
A4_AT_96_DPI: ViewportSize = {"width": 794, "height": 1123}


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("page", type=Path, help="the report's index.html")
    parser.add_argument("png", type=Path, help="where to save the first page")
    parser.add_argument("--pdf", type=Path, help="also print the whole page on A4 to this file")
    args = parser.parse_args(argv)
    if args.page.is_dir():
        parser.error(f"{args.page} is a folder: give the report's index.html")
    if not args.page.is_file():
        parser.error(f"{args.page} not found: run complaint-nlp report first")
    # Checked before the browser starts: a folder or a .txt was Playwright's traceback
    # ("unsupported mime type") (a data scientist's trial, 2026-12-01).
    for option, path, suffix in (("png", args.png, ".png"), ("--pdf", args.pdf, ".pdf")):
        if path is None:
            continue
        if path.is_dir() or path.suffix.lower() != suffix:
            parser.error(f"{option} {path}: give a file name ending in {suffix}")
        writable(parser, option, path)
    url = args.page.resolve().as_uri()
    problems: list[str] = []

    def foreign(request: Request) -> None:
        if request.url != url:
            problems.append(f"request: {request.url}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport=A4_AT_96_DPI)
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}"))
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("request", foreign)
            page.goto(url, wait_until="load")
            page.screenshot(path=args.png)
            if args.pdf:
                page.pdf(path=args.pdf, format="A4", print_background=True)
        finally:
            browser.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{args.png}: first A4 page of {args.page}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    run(main)
