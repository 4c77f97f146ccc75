"""Browser-test helpers: Debian's Chromium driven by Playwright, and axe-core checks."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# WCAG 2.1 A and AA, the level the project promises.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

_axe = Axe()


def axe_violations(page) -> list[str]:
    """Run axe-core on the loaded page; one readable line per violating node.

    A test that clicks a link and checks at once may catch the page between two documents
    (axe then finds no ``documentElement``): it waits for the new document and runs again.
    """
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = _axe.run(page, options=AXE_OPTIONS)
            break
        except PlaywrightError as error:
            navigating = "documentElement" in str(error) or "context was destroyed" in str(error)
            if not navigating or attempt == 2:
                raise
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{page.url}: {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {', '.join(node['target'])}"
            )
    return lines


def htmx_swap(page, action) -> None:
    """Run `action` (a change or click that sends an htmx request) and return once htmx has
    settled the answer: swapped in and its own hx- attributes live. The swapped text shows
    some 20 ms before that; a second change made in between reaches an element htmx has not
    processed yet and sends nothing."""
    page.evaluate(
        """() => {
          window.__htmxSettled = false;
          document.body.addEventListener(
            "htmx:afterSettle", () => { window.__htmxSettled = true; }, { once: true });
        }"""
    )
    action()
    page.wait_for_function("() => window.__htmxSettled === true")


def totp_now(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"
