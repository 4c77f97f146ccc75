"""Walk the running demo (./run) as its users and flag what a reader should never see.

    .venv/bin/python scripts/crawl_demo.py "" aines@pully.example.ch permis@pully.example.ch

Each argument is a demo account ("" for an anonymous visitor); Chromium logs in (password, then
the demo's second factor for staff), follows every link of the town's pages it is shown, up
to 120 pages of distinct shape, and prints the pages that answered an error or a refusal (with
the page that linked them) or whose text shows a Python value, a template placeholder or an
escaped tag. A tool for a person reviewing the demo, not a test: the tests pin what it found.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from commune.accounts.tests.browser import log_in  # noqa: E402 - the browser tests' own

BASE = os.environ.get("DEMO_URL", "http://127.0.0.1:8000")
TOWN = os.environ.get("DEMO_TOWN", "pully")
LIMIT = 120
SUSPECT = re.compile(
    r"\{'|\bNone\b|\[\]|\{\{|\}\}|%\(|\bnan\b|object at 0x|Traceback|\{%|&lt;|\bTrue\b"
    r"|\bFalse\b|\bNaN\b|undefined|<bound"
)
SKIP = re.compile(
    r"logout|\.pdf|\.csv|\.ics|\.parquet|\.geojson|/export|/download|\.zip|webcal:|/rss|/ical"
    r"|\.png|\.jpg|/media/|/static/|/unsubscribe|/api/|/ogc/|/collections/|/embed|mailto:|tel:"
    r"|format=(csv|pdf|json)"
)


def walk(page, start: list[str]) -> tuple[int, list[tuple]]:
    """Breadth first from `start`; one page per address shape (ids replaced by N)."""
    todo, seen, came, found, count = list(dict.fromkeys(start)), set(), {}, [], 0
    while todo and count < LIMIT:
        url = todo.pop(0)
        shape = re.sub(r"\d+", "N", url.split("#")[0])
        if shape in seen:
            continue
        seen.add(shape)
        count += 1
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a download, a page that never loads
            found.append((url, str(error).splitlines()[0]))
            continue
        status = response.status if response else 0
        if status >= 400 and status != 404:
            found.append((url, status, "linked from", came.get(url)))
        if not response or "html" not in response.headers.get("content-type", ""):
            continue
        main = page.locator("main")
        text = main.inner_text() if main.count() else page.inner_text("body")
        match = SUSPECT.search(text)
        if match:
            found.append((url, text[max(0, match.start() - 60) : match.end() + 60]))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = href.removeprefix(BASE)
            if href.startswith((f"/{TOWN}", "/accounts")) and not SKIP.search(href):
                todo.append(href)
                came.setdefault(href, url)
    return count, found


def main(accounts: list[str]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for account in accounts or [""]:
            context = browser.new_context(base_url=BASE, locale="fr-CH")
            context.route(lambda url: not url.startswith(BASE), lambda route: route.abort())
            page = context.new_page()
            start = [f"/{TOWN}/"]
            if account:
                log_in(page, account)
                start.append(page.url.removeprefix(BASE))
            count, found = walk(page, start)
            print(f"== {account or 'anonymous'}: {count} pages")
            for item in found:
                print("  ", *item)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
