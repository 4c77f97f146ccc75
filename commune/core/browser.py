"""Browser-test helpers: Debian's Chromium driven by Playwright, and axe-core checks."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp

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
    """Run axe-core on the page as it is; one readable line per violating node."""
    results = _axe.run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{page.url}: {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {', '.join(node['target'])}"
            )
    return lines


def totp_now(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"
