from axes.models import AccessAttempt

from commune.accounts.tests.factories import PASSWORD, UserFactory


def login(client, email, password, **extra):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def test_citizen_logs_in_with_email_and_password_without_second_factor(client, db):
    user = UserFactory(email="marie@example.ch")
    response = login(client, "Marie@Example.ch", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_gets_a_clear_message(english, db):
    UserFactory(email="marie@example.ch")
    response = login(english, "marie@example.ch", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct e-mail and password" in response.content.decode()
    assert "_auth_user_id" not in english.session


def test_login_follows_a_safe_next_only(client, db):
    UserFactory(email="marie@example.ch")
    response = client.post(
        "/accounts/login/",
        {"username": "marie@example.ch", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/accounts/"


def test_five_failures_lock_the_account_from_that_address_for_real(english, db):
    # given
    user = UserFactory(email="marie@example.ch")
    # when: four wrong passwords are ordinary failures
    for _ in range(4):
        assert login(english, "marie@example.ch", "wrong-password").status_code == 200
    # the fifth locks, with a readable page and 429
    locked = login(english, "marie@example.ch", "wrong-password")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    # then: even the right password is refused from this address
    again = login(english, "marie@example.ch", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in english.session
    assert AccessAttempt.objects.filter(
        username="marie@example.ch", ip_address="127.0.0.1"
    ).exists()
    # another address is not locked (username + IP)
    elsewhere = login(english, "marie@example.ch", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302
    assert english.session["_auth_user_id"] == str(user.pk)


def test_lockout_page_is_in_french_by_default(client, db):
    UserFactory(email="marie@example.ch")
    for _ in range(5):
        response = login(client, "marie@example.ch", "wrong-password")
    assert response.status_code == 429
    assert '<html lang="fr-CH">' in response.content.decode()


def test_logout_is_a_post(client, db):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_changing_the_case_of_the_email_does_not_escape_the_lockout(client, db):
    UserFactory(email="marie@example.ch")
    for variant in ("marie@example.ch", "Marie@example.ch", "MARIE@example.ch", "mArie@example.ch"):
        login(client, variant, "wrong-password")
    assert login(client, "MaRiE@Example.CH", "wrong-password").status_code == 429
    assert login(client, "marie@example.ch", PASSWORD).status_code == 429
