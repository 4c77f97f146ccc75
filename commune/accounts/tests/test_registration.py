from django.core import signing

from commune.accounts import tokens
from commune.accounts.models import Organisation, OrganisationMember, User
from commune.accounts.tests.factories import PASSWORD, OrganisationFactory, UserFactory
from commune.core.models import AuditEntry

from .conftest import link_in, path_of

PERSON = {
    "account_type": "citizen",
    "full_name": "Marie Rochat",
    "email": "Marie.Rochat@Example.ch",
    "language": "fr",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
}
# 12345678 → check digit 8 (weights 5 4 3 2 7 6 5 4, modulo 11)
COMPANY = PERSON | {
    "account_type": "company",
    "email": "direction@gcleman.example.ch",
    "org_name": "Génie Civil du Léman SA",
    "uid": "CHE-123.456.788",
    "org_kind": "company",
    "address": "Avenue de la Gare 1, 1009 Pully",
    "invoice_address": "",
}


def register(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/accounts/register/", data)


def test_private_person_registers_and_must_verify_email_before_login(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    # when
    response = register(client, PERSON, django_capture_on_commit_callbacks)
    # then: the account exists, unverified, and a French e-mail carries the link
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/done/"
    user = User.objects.get(email="marie.rochat@example.ch")
    assert (user.kind, user.email_verified, user.language) == ("citizen", False, "fr")
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "marie.rochat@example.ch"
    assert message["Subject"] == "Confirmez votre adresse e-mail"
    link = link_in(smtp_server.text_of(message))
    # the account cannot be used yet
    refused = client.post(
        "/accounts/login/",
        {"username": "marie.rochat@example.ch", "password": PERSON["password1"]},
    )
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    # when: the link is opened
    verified = client.get(path_of(link))
    # then
    assert verified.status_code == 302
    user.refresh_from_db()
    assert user.email_verified
    logged = client.post(
        "/accounts/login/",
        {"username": "marie.rochat@example.ch", "password": PERSON["password1"]},
    )
    assert logged.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_verification_email_is_in_the_language_chosen_at_registration(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    register(client, PERSON | {"language": "en"}, django_capture_on_commit_callbacks)
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Confirm your e-mail address"


def test_company_registration_creates_the_organisation_with_the_registrant_as_manager(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    response = register(client, COMPANY, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    org = Organisation.objects.get(uid="CHE-123.456.788")
    assert org.name == "Génie Civil du Léman SA"
    assert org.invoice_address == COMPANY["address"]
    member = OrganisationMember.objects.get(organisation=org)
    assert member.user.email == "direction@gcleman.example.ch"
    assert member.is_manager
    assert member.user.kind == User.Kind.COMPANY
    assert AuditEntry.objects.filter(action="register").count() == 2


def test_uid_is_normalised_and_its_check_digit_verified(english, db):
    wrong_digit = english.post("/accounts/register/", COMPANY | {"uid": "CHE-123.456.789"})
    assert wrong_digit.status_code == 200
    assert "check digit is wrong" in wrong_digit.content.decode()
    bad_format = english.post("/accounts/register/", COMPANY | {"uid": "12-34"})
    assert "CHE-123.456.789" in bad_format.content.decode()
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_registering_an_existing_uid_does_not_take_over_the_company(english, db):
    # given
    existing = OrganisationFactory(uid="CHE-123.456.788", name="Déjà là SA")
    manager = UserFactory()
    OrganisationMember.objects.create(organisation=existing, user=manager, is_manager=True)
    # when: someone else registers with the same number (written differently)
    response = english.post("/accounts/register/", COMPANY | {"uid": "che 123456788"})
    # then
    assert response.status_code == 200
    assert "Ask its manager to invite you" in response.content.decode()
    assert not User.objects.filter(email=COMPANY["email"]).exists()
    assert list(existing.memberships.values_list("user", flat=True)) == [manager.pk]
    existing.refresh_from_db()
    assert existing.name == "Déjà là SA"


def test_company_registration_requires_the_company_fields(english, db):
    response = english.post("/accounts/register/", COMPANY | {"org_name": "", "address": ""})
    assert response.status_code == 200
    assert response.content.decode().count("Required for a company or utility.") == 2
    assert not User.objects.exists()


def test_submitting_the_form_twice_creates_one_user_and_says_why(
    english, db, smtp_server, django_capture_on_commit_callbacks
):
    first = register(english, PERSON, django_capture_on_commit_callbacks)
    second = register(english, PERSON, django_capture_on_commit_callbacks)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "An account with this e-mail address already exists" in second.content.decode()
    assert User.objects.filter(email="marie.rochat@example.ch").count() == 1


def test_weak_or_mismatched_passwords_are_refused_with_a_message(english, db):
    weak = english.post("/accounts/register/", PERSON | {"password1": "123", "password2": "123"})
    assert "too short" in weak.content.decode()
    differ = english.post("/accounts/register/", PERSON | {"password2": "autre-chose-encore"})
    assert "The two passwords differ." in differ.content.decode()
    assert not User.objects.exists()


def test_tampered_verification_link_is_refused(client, db):
    user = UserFactory(email_verified=False)
    token = tokens.verification_token(user)
    forged = signing.dumps({"u": user.pk, "e": user.email}, salt="another-purpose")
    assert client.get(f"/accounts/verify/{token[:-2]}xx/").status_code == 400
    assert client.get(f"/accounts/verify/{forged}/").status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_verification_link_expires(client, db, monkeypatch):
    user = UserFactory(email_verified=False)
    token = tokens.verification_token(user)
    monkeypatch.setattr(tokens, "VERIFY_MAX_AGE", -1)
    assert client.get(f"/accounts/verify/{token}/").status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_resend_sends_a_new_link_only_to_unverified_accounts(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    waiting = UserFactory(email="attente@example.ch", email_verified=False)
    UserFactory(email="deja@example.ch", email_verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("attente@example.ch", "deja@example.ch", "personne@example.ch"):
            response = client.post("/accounts/verify/resend/", {"email": email})
            assert response.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert message["To"] == waiting.email
    client.get(path_of(link_in(smtp_server.text_of(message))))
    waiting.refresh_from_db()
    assert waiting.email_verified


def test_unverified_login_message_offers_the_resend_link(english, db):
    UserFactory(email="attente@example.ch", email_verified=False)
    response = english.post(
        "/accounts/login/", {"username": "attente@example.ch", "password": PASSWORD}
    )
    body = response.content.decode()
    assert "Confirm your e-mail address first" in body
    assert 'href="/accounts/verify/resend/"' in body
