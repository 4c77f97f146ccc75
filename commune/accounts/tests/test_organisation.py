from django.conf import settings

from commune.accounts.models import OrganisationInvitation, OrganisationMember, User
from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member

from .conftest import link_in, path_of


def company(manager_email="direction@gcleman.example.ch"):
    org = OrganisationFactory(name="Génie Civil du Léman SA")
    manager = UserFactory(email=manager_email, kind=User.Kind.COMPANY)
    add_member(org, manager, manager=True)
    return org, manager


def invite(client, org, email, capture):
    with capture(execute=True):
        return client.post(f"/accounts/organisation/{org.pk}/invite/", {"email": email})


def test_manager_invites_a_colleague_who_sets_name_and_password_and_joins(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    # given
    org, manager = company()
    client.force_login(manager)
    # when
    response = invite(client, org, "paulo@gcleman.example.ch", django_capture_on_commit_callbacks)
    # then
    assert response["Location"] == "/accounts/organisation/"
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "paulo@gcleman.example.ch"
    link = path_of(link_in(smtp_server.text_of(message)))
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    password = "chef-de-chantier-2026"
    joined = client.post(
        link,
        {
            "full_name": "Paulo Ferreira",
            "language": "fr",
            "password1": password,
            "password2": password,
        },
    )
    assert joined["Location"] == "/accounts/organisation/"
    paulo = User.objects.get(email="paulo@gcleman.example.ch")
    assert paulo.full_name == "Paulo Ferreira" and paulo.email_verified
    assert paulo.check_password(password)
    assert OrganisationMember.objects.filter(organisation=org, user=paulo, is_manager=False)
    # the link is used up
    client.logout()
    assert client.get(link)["Location"] == "/accounts/login/"
    assert User.objects.filter(email="paulo@gcleman.example.ch").count() == 1


def test_inviting_twice_keeps_one_pending_invitation(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    org, manager = company()
    client.force_login(manager)
    invite(client, org, "paulo@example.ch", django_capture_on_commit_callbacks)
    invite(client, org, "paulo@example.ch", django_capture_on_commit_callbacks)
    assert OrganisationInvitation.objects.filter(organisation=org).count() == 1
    assert len(smtp_server.wait_for(2)) == 2  # sent again, same invitation


def test_an_existing_account_logs_in_then_joins_with_the_link(
    english, db, smtp_server, django_capture_on_commit_callbacks
):
    client = english
    org, manager = company()
    existing = UserFactory(email="paulo@example.ch")
    client.force_login(manager)
    invite(client, org, "paulo@example.ch", django_capture_on_commit_callbacks)
    link = path_of(link_in(smtp_server.text_of(smtp_server.wait_for(1)[0])))
    client.logout()
    # logging in as the (French-speaking) manager switched the language cookie to theirs
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log in, then open the link again" in client.get(link).content.decode()
    refused = client.post(link, {"full_name": "X", "password1": "a", "password2": "a"})
    assert refused.status_code == 200
    assert not OrganisationMember.objects.filter(user=existing).exists()
    client.force_login(existing)
    assert client.post(link)["Location"] == "/accounts/organisation/"
    assert OrganisationMember.objects.filter(organisation=org, user=existing).exists()


def test_only_a_manager_can_invite_or_remove(client, db):
    org, manager = company()
    colleague = UserFactory()
    add_member(org, colleague)
    client.force_login(colleague)
    invited = client.post(f"/accounts/organisation/{org.pk}/invite/", {"email": "x@y.ch"})
    assert invited.status_code == 404
    member = OrganisationMember.objects.get(user=manager)
    remove = f"/accounts/organisation/{org.pk}/members/{member.pk}/remove/"
    assert client.post(remove).status_code == 404
    assert OrganisationMember.objects.filter(pk=member.pk).exists()
    assert not OrganisationInvitation.objects.exists()


def test_manager_removes_a_member_after_confirming(client, db):
    org, manager = company()
    colleague = UserFactory(full_name="Paulo Ferreira")
    member = add_member(org, colleague)
    client.force_login(manager)
    page = client.get("/accounts/organisation/")
    assert "Paulo Ferreira" in page.content.decode()
    remove = f"/accounts/organisation/{org.pk}/members/{member.pk}/remove/"
    assert client.get(remove).status_code == 200
    assert OrganisationMember.objects.filter(pk=member.pk).exists()
    assert client.post(remove)["Location"] == "/accounts/organisation/"
    assert not OrganisationMember.objects.filter(pk=member.pk).exists()
    assert User.objects.filter(pk=colleague.pk).exists()  # the person keeps their account


def test_a_manager_cannot_remove_a_member_of_another_organisation(client, db):
    org, manager = company()
    other, _ = company("autre@example.ch")
    stranger = add_member(other, UserFactory())
    client.force_login(manager)
    url = f"/accounts/organisation/{org.pk}/members/{stranger.pk}/remove/"
    assert client.post(url).status_code == 404
    assert OrganisationMember.objects.filter(pk=stranger.pk).exists()


def test_a_manager_cannot_remove_themselves(english, db):
    org, manager = company()
    english.force_login(manager)
    own = OrganisationMember.objects.get(user=manager)
    response = english.post(
        f"/accounts/organisation/{org.pk}/members/{own.pk}/remove/", follow=True
    )
    assert "You cannot remove yourself." in response.content.decode()
    assert OrganisationMember.objects.filter(pk=own.pk).exists()


def test_invalid_invitation_link_is_a_clear_page(client, db):
    response = client.get("/accounts/invitation/not-a-token/")
    assert response.status_code == 400
