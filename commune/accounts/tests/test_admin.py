from commune.accounts.models import Membership
from commune.accounts.tests.factories import MembershipFactory, UserFactory
from commune.tenants.scoping import scope, scopes_disabled


def test_admin_requires_a_platform_admin_who_passed_the_second_factor(client, staff_client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    # anonymous → our login page
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    # password only → the second factor
    client.force_login(admin)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/")
    # verified → in
    assert staff_client(admin).get("/admin/").status_code == 200


def test_a_verified_town_admin_cannot_enter_the_platform_admin(staff_client, town_a):
    with scope(town_a):
        user = MembershipFactory(municipality=town_a, role="municipality_admin").user
    user.is_staff = True  # even with the flag, not a platform admin
    user.save()
    client = staff_client(user)
    response = client.get("/admin/accounts/membership/", follow=True)
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert response.status_code == 403


def test_admin_lists_tenant_rows_of_every_town(staff_client, town_a, town_b):
    with scope(town_a):
        MembershipFactory(municipality=town_a, user=UserFactory(full_name="Agent Pully"))
    with scope(town_b):
        MembershipFactory(municipality=town_b, user=UserFactory(full_name="Agent Lutry"))
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = staff_client(admin)
    response = client.get("/admin/accounts/membership/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Agent Pully" in body and "Agent Lutry" in body
    with scopes_disabled():
        pk = Membership.objects.get(municipality=town_b).pk
    assert client.get(f"/admin/accounts/membership/{pk}/change/").status_code == 200
