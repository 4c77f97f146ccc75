"""Never a 500: hostile requests to every public URL get a 4xx and our own error pages."""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from commune.accounts.models import Role
from commune.accounts.tests.factories import MembershipFactory
from commune.tenants.scoping import scope

HOSTILE_QUERIES = [
    "?%zz=%ff&&=&a[]=1;b=%",
    "?page=-1&page=abc&next=//evil.example.com&q=%00",
    "?" + "a=1&" * 2000,
    "?%C0%AF=%E9t%E9",
]
ODD_PATHS = [
    "/" + "x" * 8000 + "/",
    "/pully/" + "a/" * 2000,
    "/pully/%FF%FE/",
    "/%C0%AF/",
    "/pully/caf%E9/",
    "/pully/%00/",
    "/pully/../../etc/passwd",
    "/pully//evil.example.com/",
    "/api/v1/%FF",
    "/media/../config/settings/base.py",
]


def public_paths() -> list[str]:
    """Every named URL that needs no id but the town's: found by walking the URL patterns, so
    that a new page is covered without anyone remembering to add it."""
    found = []

    def walk(patterns, namespace, keywords):
        for entry in patterns:
            names = keywords | set(entry.pattern.converters)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, ns, names)
            elif isinstance(entry, URLPattern) and entry.name and names <= {"town"}:
                kwargs = {"town": "pully"} if names else {}
                try:
                    found.append(reverse(f"{namespace}{entry.name}", kwargs=kwargs))
                except NoReverseMatch:  # a pattern with a regex group of its own: not a page
                    pass

    walk(get_resolver().url_patterns, "", set())
    # The health checks answer 503 on purpose when what they check is down: that is their job.
    return sorted(set(found) - {"/healthz", "/healthz/worker"})


@pytest.fixture
def pully(town_a):
    return town_a


def assert_our_error_page(response, status: int | None = None):
    assert response.status_code < 500, (response.status_code, response.request)
    assert 400 <= response.status_code < 500, (response.status_code, response.request)
    if status is not None:
        assert response.status_code == status, response.request
    templates = [t.name for t in response.templates]
    assert any(name and name.startswith("errors/") for name in templates), (
        response.status_code,
        response.request,
        templates,
    )


def test_the_walk_finds_the_public_pages(db):
    paths = public_paths()
    assert "/" in paths and "/pully/" in paths
    assert any(p.startswith("/accounts/") for p in paths)


def test_malformed_query_strings_never_give_a_500(client, pully):
    for path in public_paths():
        for query in HOSTILE_QUERIES:
            response = client.get(path + query)
            assert response.status_code < 500, (path + query[:80], response.status_code)


def test_odd_and_non_utf8_paths_get_our_404(client, pully):
    for path in ODD_PATHS:
        response = client.get(path)
        assert_our_error_page(response)


def test_a_bad_host_header_gets_our_400(client, pully, settings):
    settings.ALLOWED_HOSTS = ["commune.example.ch"]
    for host in [
        "evil.example.com",
        "bad host!",
        "x" * 300,
        "[::1",
        "commune.example.ch@evil.example.com",
    ]:
        response = client.get("/pully/", headers={"host": host})
        assert_our_error_page(response, 400)


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "trace"])
def test_wrong_methods_never_give_a_500(client, pully, method):
    for path in public_paths():
        response = getattr(client, method)(path)
        assert response.status_code < 500, (method, path, response.status_code)
        if response.status_code == 405 and not path.startswith("/api/"):
            assert_our_error_page(response, 405)  # the API answers in its own format


def test_a_post_without_csrf_token_gets_our_403_page(pully):
    client = Client(enforce_csrf_checks=True)
    for path in ["/accounts/login/", "/i18n/setlang/", "/pully/"]:
        response = client.post(path, {"username": "x", "password": "y", "language": "de"})
        assert_our_error_page(response, 403)
        assert "errors/csrf.html" in [t.name for t in response.templates]


def test_hostile_headers_never_give_a_500(client, pully):
    headers = {
        "accept-language": "xx-;q=abc,,;;,de-CH;q=2",
        "cookie": "sessionid=%ff%fe; commune_language=../../etc; csrftoken=" + "a" * 5000,
        "x-request-id": "\u00e9" * 500,
        "x-forwarded-for": "not-an-ip, 999.999.1.1",
        "hx-request": "true",
        "content-type": "multipart/form-data; boundary=",
    }
    for path in ["/", "/pully/", "/accounts/login/"]:
        assert client.get(path, headers=headers).status_code < 500, path
        assert (
            client.post(path, data=b"\xff\xfe", content_type="application/json").status_code < 500
        )


def test_an_id_too_large_for_the_database_gets_our_404(staff_client, pully):
    with scope(pully):
        officer = MembershipFactory(municipality=pully, role=Role.PERMIT_OFFICER).user
    client = staff_client(officer)
    for path in ["/pully/permits/99999999999999999999999999/", "/pully/permits/-1/"]:
        response = client.get(path)
        assert_our_error_page(response, 404)
