"""The Content-Security-Policy in Chromium: on each main page (home, town, login, the permit
form and the applicant's file with their maps, the staff map and file, the public works map,
the observatory, the town's settings, the second-factor set-up) the policy is sent and the
browser reports no violation — nothing the page needs is blocked, so the policy can stay strict.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory, totp_device
from commune.mobility.tests.test_observatory import write_data
from commune.permits.models import PermitRequest
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Collects every violation the page reports, from before its first script runs.
COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} ` +
    `(${e.sourceFile}:${e.lineNumber}) ${e.sample || ""}`
  );
});
"""


@pytest.fixture
def people(town_a):
    applicant = UserFactory(full_name="Luc Favre")
    staff = {}
    with scope(town_a):
        for role in (Role.PERMIT_OFFICER, Role.MOBILITY_ANALYST, Role.MUNICIPALITY_ADMIN):
            staff[role] = UserFactory(kind="staff")
            Membership.objects.create(municipality=town_a, user=staff[role], role=role)
        permit = work(
            town_a,
            status=PermitRequest.Status.IN_REVIEW,
            applicant=applicant,
            start=dt.date(2026, 6, 1),
        )
    newcomer = UserFactory(kind="staff")  # staff without a second factor yet: the set-up page
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=newcomer, role=Role.PERMIT_OFFICER)
    platform_admin = UserFactory(kind="staff", is_staff=True, is_superuser=True)
    return {
        "applicant": applicant,
        "staff": staff,
        "permit": permit,
        "newcomer": newcomer,
        "platform_admin": platform_admin,
    }


def _session_of(client, user, *, verified: bool):
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def _violations(browser, live_server, path: str, session: str | None) -> tuple[int, str, list]:
    context = browser.new_context(base_url=live_server.url, locale="fr-CH")
    context.set_default_timeout(15_000)
    # Map tiles come from the internet, which the test machine cannot reach; the policy is
    # checked before any request, so an aborted tile still counts if the policy blocked it.
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    if session:
        cookie = {"name": django_settings.SESSION_COOKIE_NAME, "value": session}
        context.add_cookies([{**cookie, "url": live_server.url}])
    page = context.new_page()
    page.add_init_script(COLLECT)
    console = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__cspViolations") + console
    header = response.headers.get("content-security-policy", "")
    status = response.status
    context.close()
    return status, header, found


PAGES = {
    "platform home": ("/", None),
    "town home": ("/pully/", None),
    "login": ("/accounts/login/", None),
    "public works map": ("/pully/works/", None),
    "public observatory": ("/pully/mobility/open/", None),
    "OGC API items as HTML": ("/pully/ogcapi/collections/works/items?f=html", None),
    "permit form with map": ("/pully/permits/new/", "applicant"),
    "applicant's file with map": ("/pully/permits/{permit}/", "applicant"),
    "staff map": ("/pully/permits/staff/map/", Role.PERMIT_OFFICER),
    "staff file with map": ("/pully/permits/staff/{permit}/", Role.PERMIT_OFFICER),
    "observatory": ("/pully/mobility/", Role.MOBILITY_ANALYST),
    "town settings": ("/pully/manage/", Role.MUNICIPALITY_ADMIN),
    "second factor set-up": ("/accounts/2fa/", "newcomer"),
    "platform admin login": ("/admin/login/", None),
    "platform admin: a permit": ("/admin/permits/permitrequest/{permit}/change/", "platform_admin"),
    "platform admin: imports": ("/admin/mobility/dataimport/", "platform_admin"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_main_page_reports_no_policy_violation(
    browser, live_server, client, town_a, people, name
):
    # given the page's reader, logged in as they would be
    path, who = PAGES[name]
    session = None
    if who == "applicant":
        session = _session_of(client, people["applicant"], verified=False)
    elif who == "newcomer":
        session = _session_of(client, people["newcomer"], verified=False)
    elif who == "platform_admin":
        session = _session_of(client, people["platform_admin"], verified=True)
    elif who is not None:
        session = _session_of(client, people["staff"][who], verified=True)
    if "observatory" in name:
        write_data(town_a, days=14)

    # when Chromium opens it
    status, header, violations = _violations(
        browser, live_server, path.format(permit=people["permit"].pk), session
    )

    # then the page is served under the policy, and nothing on it breaks the policy
    assert status == 200
    assert "default-src 'self'" in header and "'unsafe-inline'" not in header
    assert violations == []


def test_a_script_smuggled_into_a_page_does_not_run(browser, live_server, town_a):
    """Defence in depth behind the templates' escaping: markup that reached a page (here
    swapped in by htmx, which re-creates script elements so that they run) cannot execute."""
    context = browser.new_context(base_url=live_server.url, locale="fr-CH")
    page = context.new_page()
    page.add_init_script(COLLECT)
    page.goto("/pully/")
    page.wait_for_function("() => window.htmx !== undefined")

    # when a fragment carrying a script and an inline handler is swapped into the page
    page.evaluate(
        """() => htmx.swap("#main",
            '<script>window.pwned = 1</script><img src="/static/x.png" onerror="window.pwned = 2">',
            {swapStyle: "beforeend"})"""
    )
    page.wait_for_function("() => window.__cspViolations.length >= 2")

    # then neither ran, and the browser reported both to the policy
    assert page.evaluate("() => window.pwned") is None
    directives = " ".join(page.evaluate("() => window.__cspViolations"))
    assert "script-src-elem" in directives and "script-src-attr" in directives
    context.close()
