"""The every-page sweeps of the agenda and of neighbourhood help (test_browser_every_page.py):
one Chromium context per language and screen, in which the test's people take turns (each by
a session of their own, staff past their second factor, as `staff_client` does), every page
checked for its heading, axe-core (WCAG 2.1 AA) and horizontal scrolling. The log-in form
itself is walked by the other browser tests."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from commune.accounts.tests.factories import totp_device
from commune.core.browser import axe_violations

#: The languages of the sweep and the browser's locale for each.
LANGUAGES = {"fr": "fr-CH", "de": "de-CH"}
#: A phone, and a 1280 × 800 screen at 200 % zoom (its CSS viewport is half as wide and high).
SCREENS = {"375px": {"width": 375, "height": 800}, "zoom200": {"width": 640, "height": 400}}
SWEEPS = [(language, screen) for language in LANGUAGES for screen in SCREENS]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"
#: The innermost elements that stick out to the right of the window: what to fix.
STICKING_OUT = """() => {
  const out = [...document.querySelectorAll('body *')].filter(
    (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5);
  return out.filter((e) => !out.some((o) => o !== e && e.contains(o))).slice(0, 5).map(
    (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : '')
      + ' (' + Math.round(e.getBoundingClientRect().right) + ')');
}"""


def translated(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


class Sweep:
    """One browser context at one language and screen size; `visit()` records what is wrong
    with each page, `problems` lists them all at the end (one run shows every defect)."""

    def __init__(self, browser, live_server, *, language: str, screen: str):
        self.language = language
        self.url = live_server.url
        self.context = browser.new_context(
            base_url=live_server.url, locale=LANGUAGES[language], viewport=SCREENS[screen]
        )
        self.context.set_default_timeout(15_000)
        # Map tiles come from the internet, which the test machine cannot reach.
        self.context.route(
            lambda url: not url.startswith(live_server.url), lambda route: route.abort()
        )
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self._sessions: dict[int, str] = {}
        self.as_user(None)

    def as_user(self, user, *, staff: bool = False) -> None:
        """From now on the pages are opened by `user` (None: nobody logged in)."""
        self.context.clear_cookies()
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": self.language, "url": self.url}]
        if user is not None:
            if user.pk not in self._sessions:
                self._sessions[user.pk] = _session(user, staff=staff)
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": self._sessions[user.pk],
                    "url": self.url,
                }
            )
        self.context.add_cookies(cookies)

    def visit(self, path: str, heading: str):
        """Open `path`; it must answer 200 in the sweep's language with `heading` as its h1,
        pass axe and not scroll sideways. Gives the page for further checks."""
        page = self.page
        response = page.goto(path)
        where = f"[{self.language} {page.viewport_size['width']}px] {path}"
        if response is None or response.status != 200:
            self.problems.append(f"{where}: HTTP {response and response.status}")
            return page
        lang = page.locator("html").get_attribute("lang") or ""
        if not lang.startswith(self.language):
            self.problems.append(f"{where}: html lang={lang!r}")
        h1 = page.locator("h1")
        if h1.count() != 1 or h1.inner_text().strip() != heading:
            texts = h1.all_inner_texts()
            self.problems.append(f"{where}: h1 {texts!r}, expected {heading!r}")
        self.problems.extend(f"{where}: {line}" for line in axe_violations(page))
        if not page.evaluate(NO_HORIZONTAL_SCROLL):
            wide = page.evaluate(
                "document.scrollingElement.scrollWidth + ' > ' + window.innerWidth"
            )
            culprits = ", ".join(page.evaluate(STICKING_OUT))
            self.problems.append(f"{where}: scrolls sideways ({wide} px): {culprits}")
        return page

    def close(self) -> None:
        self.context.close()


def _session(user, *, staff: bool) -> str:
    client = Client()
    client.force_login(user)
    if staff:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value
