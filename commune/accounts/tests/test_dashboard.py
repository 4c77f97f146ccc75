from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.tenants.scoping import scope


def test_dashboard_lists_roles_per_town_with_links_and_organisations(client, town_a, town_b):
    # given: one person serving two towns and acting for a company
    user = UserFactory()
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=user, role=Role.MUNICIPALITY_ADMIN)
    with scope(town_b):
        Membership.objects.create(municipality=town_b, user=user, role=Role.PERMIT_OFFICER)
    add_member(OrganisationFactory(name="Génie Civil du Léman SA"), user, manager=True)
    client.force_login(user)
    # when
    body = client.get("/accounts/").content.decode()
    # then
    assert 'href="/pully/manage/"' in body  # admin of Pully
    assert 'href="/lutry/"' in body
    assert 'href="/lutry/manage/"' not in body  # not admin of Lutry
    assert "Génie Civil du Léman SA" in body


def test_language_is_saved_on_the_user_and_used_for_pages(client, db):
    user = UserFactory(language="fr")
    client.force_login(user)
    response = client.post("/accounts/language/", {"language": "de"})
    assert response["Location"] == "/accounts/"
    user.refresh_from_db()
    assert user.language == "de"
    assert '<html lang="de-CH">' in client.get("/accounts/").content.decode()


def test_an_unknown_language_is_refused(client, db):
    user = UserFactory(language="fr")
    client.force_login(user)
    client.post("/accounts/language/", {"language": "xx"})
    user.refresh_from_db()
    assert user.language == "fr"


def test_dashboard_needs_a_login(client, db):
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")
