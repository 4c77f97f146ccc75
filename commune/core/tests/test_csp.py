"""The site-wide Content-Security-Policy: scripts and styles only from our own origin or with
the response's nonce, no plugins, no <base> hijack, no framing, forms post to us only. The
templates keep to it: no inline handler, no style attribute, no inline script, no inline style
without the nonce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.tenants.scoping import scope

TEMPLATE_ROOTS = [Path(settings.BASE_DIR) / "commune"]
#: Templates that are never served as pages of the site: a standalone HTML report that the
#: analyst downloads (Content-Disposition: attachment) and opens from disk.
STANDALONE = {"mobility/templates/mobility/observatory/evaluation_report.html"}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def officer(town_a):
    user = UserFactory(kind="staff")
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=user, role=Role.PERMIT_OFFICER)
    return user


@pytest.mark.parametrize("path", ["/", "/pully/", "/accounts/login/", "/pully/works/"])
def test_every_page_carries_the_site_policy(client, town_a, path):
    # when anyone opens a main page
    response = client.get(path)

    # then its policy allows only our origin: no inline script, inline style with the nonce
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert all(v == "'self'" or v.startswith("'nonce-") for v in directives["style-src"])
    assert set(directives["img-src"]) <= {"'self'", "data:", *settings.MAP_TILE_ORIGINS}


def test_the_inline_style_of_a_town_page_carries_the_nonce_of_its_response(client, town_a):
    # given two visits of the town's page
    first, second = client.get("/pully/"), client.get("/pully/")

    # then each inline <style> has its own response's nonce, never the same twice
    nonces = []
    for response in (first, second):
        nonce = policy(response)["style-src"][-1].removeprefix("'nonce-").removesuffix("'")
        assert f'<style nonce="{nonce}">' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_staff_pages_and_error_pages_carry_the_policy_too(client, staff_client, officer):
    assert "default-src 'self'" in client.get("/pully/no-such-page/")["Content-Security-Policy"]
    staff = staff_client(officer)
    response = staff.get("/pully/permits/staff/map/")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def _templates():
    for root in TEMPLATE_ROOTS:
        for path in sorted(root.rglob("templates/**/*.html")):
            relative = path.relative_to(root).as_posix()
            if relative.split("/", 1)[-1] not in STANDALONE and relative not in STANDALONE:
                yield relative, path.read_text()


def test_no_template_has_an_inline_handler_a_style_attribute_or_unnonced_code():
    problems = []
    for name, text in _templates():
        for tag in re.findall(r"<script\b[^>]*>", text):
            data_block = 'type="application/json"' in tag or "application/ld+json" in tag
            if "src=" not in tag and not data_block:
                problems.append(f"{name}: inline script (the policy allows none): {tag}")
        for tag in re.findall(r"<style\b[^>]*>", text):
            if "nonce=" not in tag:
                problems.append(f"{name}: inline style without nonce: {tag}")
        for attribute in re.findall(r"<[a-zA-Z][^>]*?\s(on[a-z]+|style)\s*=", text):
            problems.append(f"{name}: {attribute}= attribute")
        if "javascript:" in text:
            problems.append(f"{name}: javascript: URL")
    assert not problems, "\n".join(problems)


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client, town_a):
    page = client.get("/pully/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)
