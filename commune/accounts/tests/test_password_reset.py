import pytest

from commune.accounts.tests.factories import UserFactory

from .conftest import link_in, path_of

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock


def test_password_reset_by_email_over_real_smtp(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    # given
    user = UserFactory(email="marie@example.ch", language="fr")
    # when: the mail leaves from a background job once the request commits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "marie@example.ch"})
    # then
    assert response["Location"] == "/accounts/password/reset/done/"
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "marie@example.ch"
    assert message["Subject"] == "Choisissez un nouveau mot de passe"
    link = path_of(link_in(smtp_server.text_of(message)))
    form = client.get(link, follow=True)  # Django moves the token into the session
    assert form.status_code == 200 and form.context["validlink"]
    new = "un-nouveau-mot-de-passe"
    saved = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert saved["Location"] == "/accounts/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(new)
    # the link works once
    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        response = client.post("/accounts/password/reset/", {"email": "personne@example.ch"})
    assert len(jobs) == 1  # a job all the same, so that the answer takes the same time
    assert response["Location"] == "/accounts/password/reset/done/"
    assert smtp_server.wait_for(1, timeout=0.5) == []
