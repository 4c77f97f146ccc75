"""Browser tests of every app open their pages the same way: a fresh Chromium context in Swiss
French that reaches nothing but the test server, logged in as a demo account (password, then
the demo's second factor when the account is staff)."""

from __future__ import annotations

from commune.accounts import demo as accounts_demo
from commune.core.browser import totp_now


def open_page(browser, live_server, email: str | None = None, **context):
    """A fresh context (French unless `locale` says otherwise, no network beyond the test
    server), logged in as `email`."""
    context = browser.new_context(base_url=live_server.url, **{"locale": "fr-CH", **context})
    context.set_default_timeout(15_000)
    # Map tiles come from the internet, which the test machine cannot reach.
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    if email:
        log_in(page, email)
    return page


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.locator("input[type=password]").first.fill(accounts_demo.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/2fa/" in page.url:
        page.locator("input[name=code]").fill(totp_now(accounts_demo.DEMO_TOTP_KEY))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/2fa/" not in url)
