"""Staff pages opened by people without a staff role in the town: our 403 page, never the
second-factor page (which sent them back to the URL: a redirect loop). Town staff who have not
passed the second factor still go to it.

The staff pages are found by walking the URL patterns (every view behind `staff_required`),
so a new staff page is covered without anyone remembering to add it."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from commune.accounts.models import Membership, Role, User
from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.tenants.models import Module
from commune.tenants.scoping import scope

TWO_FACTOR = "/accounts/2fa/"


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def _path(route: str, town: str) -> str:
    """The route with the town's slug and a made-up value for every other keyword (the access
    check runs before any lookup)."""

    def value(match):
        return town if match.group(1) == "town" else "1"

    path = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    return "/" + path.replace("^", "").replace("$", "").replace("\\Z", "")


def staff_paths(town: str) -> list[str]:
    found = {_path(r, town) for r, view in _walk(get_resolver().url_patterns) if _is_staff(view)}
    return sorted(found)


def all_paths(town: str) -> list[str]:
    return sorted({_path(route, town) for route, _view in _walk(get_resolver().url_patterns)})


def _is_staff(view) -> bool:
    return hasattr(view, "commune_roles")


def open_page(client, path):
    """GET, or POST where the page only takes POST."""
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)
    return response


@pytest.fixture
def town_a(town_a):
    """Every module on: a page of a module the town has not enabled is a 404 for everyone, so
    a staff page is only tested where its module is on."""
    town_a.modules = list(Module.values)
    town_a.save(update_fields=["modules"])
    return town_a


@pytest.fixture
def citizen(db):
    return UserFactory(kind=User.Kind.CITIZEN, email="marie@example.ch")


@pytest.fixture
def company_member(db):
    person = UserFactory(kind=User.Kind.COMPANY, email="paulo@gcleman.example.ch")
    add_member(OrganisationFactory(), person, manager=True)
    return person


def test_the_walk_finds_the_staff_pages(town_a):
    paths = staff_paths(town_a.slug)
    assert len(paths) >= 25, paths
    assert "/pully/permits/staff/" in paths and "/pully/manage/staff/" in paths


@pytest.mark.parametrize("who", ["citizen", "company_member"])
def test_every_staff_page_answers_403_to_a_citizen_and_a_company(client, town_a, who, request):
    # given
    client.force_login(request.getfixturevalue(who))
    failures = []
    for path in staff_paths(town_a.slug):
        # when
        response = open_page(client, path)
        # then
        if response.status_code != 403 or "errors/403.html" not in [
            t.name for t in response.templates
        ]:
            failures.append(f"{path} -> {response.status_code} {response.get('Location', '')}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", ["citizen", "company_member"])
def test_no_page_sends_a_citizen_or_a_company_to_the_second_factor(client, town_a, who, request):
    client.force_login(request.getfixturevalue(who))
    loops = [
        f"{path} -> {response['Location']}"
        for path in all_paths(town_a.slug)
        if (response := open_page(client, path)).status_code in (301, 302)
        and response["Location"].startswith(TWO_FACTOR)
    ]
    assert not loops, "\n".join(loops)


def test_the_second_factor_page_never_sends_a_citizen_back_to_a_staff_page(client, town_a, citizen):
    # given: a citizen who followed an old link to the 2FA page with a staff page as next
    client.force_login(citizen)
    # when
    response = client.get(TWO_FACTOR, {"next": "/pully/permits/staff/"}, follow=True)
    # then: one hop to the staff page, which refuses; no loop
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_town_staff_without_the_second_factor_still_go_to_it(client, town_a):
    # given: a permit officer of this town who logged in with the password only
    officer = UserFactory(kind=User.Kind.STAFF)
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=officer, role=Role.PERMIT_OFFICER)
    client.force_login(officer)
    # when / then: every staff page, whatever its role, asks for the second factor first
    for path in staff_paths(town_a.slug):
        response = open_page(client, path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(TWO_FACTOR + "?next="), path


def test_staff_of_another_town_get_403_here(client, town_a, town_b):
    # given: an officer of Lutry, second factor not passed, opens Pully's staff pages
    officer = UserFactory(kind=User.Kind.STAFF)
    with scope(town_b):
        Membership.objects.create(municipality=town_b, user=officer, role=Role.PERMIT_OFFICER)
    client.force_login(officer)
    for path in staff_paths(town_a.slug):
        assert open_page(client, path).status_code == 403, path
