"""The town's home page is the public's: every link of its modules' cards opens for a resident
with an account (or asks them to log in when they have none), never the page that refuses a
role they lack. (A module may explain why a resident cannot use a page yet: announcing an
activity is for associations, and the page says how to join one.)"""

import re

import pytest

from commune.accounts.models import User
from commune.accounts.tests.factories import MembershipFactory, UserFactory
from commune.tenants.models import Module
from commune.tenants.scoping import scope


@pytest.fixture
def every_module(town_a):
    town_a.modules = list(Module.values)
    town_a.save()
    return town_a


def card_links(client) -> list[str]:
    html = client.get("/pully/").content.decode()
    cards = re.findall(r'<li class="card">(.*?)</li>', html, re.S)
    return [href for card in cards for href in re.findall(r'href="([^"]+)"', card)]


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "resident"])
def test_every_card_link_opens_for_the_public(client, every_module, logged_in):
    if logged_in:
        client.force_login(UserFactory(kind=User.Kind.CITIZEN, language="fr"))
    links = card_links(client)
    assert "/pully/mobility/open/" in links
    for href in links:
        response = client.get(href)
        if response.status_code == 302:
            assert not logged_in and "/accounts/login/" in response["Location"], href
        else:
            assert response.status_code in (200, 403), href
            if response["Content-Type"].startswith("text/html"):
                assert "Accès refusé" not in response.content.decode(), href


def test_the_observatory_in_the_menu_published_for_all_and_internal_for_analysts(
    client, every_module
):
    with scope(every_module):
        analyst = MembershipFactory(municipality=every_module, role="mobility_analyst").user
    resident = UserFactory(kind=User.Kind.CITIZEN, language="fr")
    for user, expected in [
        (None, ["/pully/mobility/open/"]),
        (resident, ["/pully/mobility/open/"]),
        (analyst, ["/pully/mobility/open/", "/pully/mobility/"]),
    ]:
        client.logout()
        if user:
            client.force_login(user)
        nav = re.search(r'<nav class="town-nav".*?</nav>', client.get("/pully/agenda/").text, re.S)
        assert re.findall(r'href="(/pully/mobility/[^"]*)"', nav.group(0)) == expected
