"""Log-in and mail throttles, attacked over HTTP from chosen addresses, directly and behind the
production proxy: nobody locks out someone else, sprays passwords or floods a mailbox."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt

from commune.accounts.models import User
from commune.accounts.tests.factories import PASSWORD, UserFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.7"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def login(client, email, password, *, remote=PROXY, forwarded=None):
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    return client.post(
        "/accounts/login/",
        {"username": email, "password": password},
        REMOTE_ADDR=remote,
        headers=headers,
    )


def logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_a_direct_client_cannot_escape_the_lockout_by_rotating_x_forwarded_for(
    client, db, settings, clock
):
    # given: no proxy configured; the attacker invents a new address on every try
    settings.TRUSTED_PROXIES = []
    UserFactory(email="marie@example.ch")
    for n in range(4):
        answer = login(client, "marie@example.ch", "guess", remote=ATTACKER, forwarded=f"9.9.9.{n}")
        assert answer.status_code == 200
    # when
    fifth = login(client, "marie@example.ch", "guess", remote=ATTACKER, forwarded="9.9.9.99")
    right = login(client, "marie@example.ch", PASSWORD, remote=ATTACKER, forwarded="9.9.9.100")
    # then: all five failures were counted against the real address
    assert fifth.status_code == 429
    assert right.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_the_proxy_an_attacker_does_not_lock_the_victim_out(client, db, behind_proxy, clock):
    # given
    victim = UserFactory(email="marie@example.ch")
    # when: five wrong passwords for Marie from the attacker's address, through our proxy
    answers = [
        login(client, "marie@example.ch", "guess", forwarded=ATTACKER).status_code for _ in range(5)
    ]
    # then: the attacker is locked out, Marie at her own address is not
    assert answers == [200, 200, 200, 200, 429]
    assert login(client, "marie@example.ch", PASSWORD, forwarded=ATTACKER).status_code == 429
    assert login(client, "marie@example.ch", PASSWORD, forwarded=VICTIM).status_code == 302
    assert logged_in_as(client, victim)
    # and the attacker's lock ends after the 15-minute cool-off
    client.logout()
    clock.shift(dt.timedelta(minutes=16))
    assert login(client, "marie@example.ch", PASSWORD, forwarded=ATTACKER).status_code == 302


def test_a_forged_header_in_front_of_the_proxy_does_not_move_the_attacker(
    client, db, behind_proxy, clock
):
    # given: the attacker writes the victim's address into the header; the proxy appends his
    UserFactory(email="marie@example.ch")
    for _ in range(5):
        login(client, "marie@example.ch", "guess", forwarded=f"{VICTIM}, {ATTACKER}")
    # then: the lock is on the attacker's address, not on the victim's
    assert login(client, "marie@example.ch", PASSWORD, forwarded=VICTIM).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_password_spraying_from_one_address_is_blocked(english, db, behind_proxy, clock):
    # given: thirty accounts
    people = [UserFactory(email=f"person{n}@example.ch") for n in range(30)]
    # when: one address tries one wrong password on each
    answers = [
        login(english, p.email, "Summer2026!", forwarded=ATTACKER).status_code for p in people
    ]
    # then: it is stopped after 20 failures, with a readable page and a Retry-After
    assert answers == [200] * 20 + [429] * 10
    blocked = login(english, people[0].email, PASSWORD, forwarded=ATTACKER)
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 15 * 60
    assert "Too many failed log-in attempts from your connection" in blocked.content.decode()
    assert not logged_in_as(english, people[0])
    # another address is not affected
    assert login(english, people[1].email, PASSWORD, forwarded=VICTIM).status_code == 302
    english.logout()
    # and after the window the address may try again
    clock.shift(dt.timedelta(minutes=16))
    assert login(english, people[0].email, PASSWORD, forwarded=ATTACKER).status_code == 302


def test_successful_logins_from_a_shared_address_are_not_counted_as_spraying(
    client, db, behind_proxy, clock
):
    # given: a town hall behind one address, where forty people log in
    people = [UserFactory(email=f"staff{n}@example.ch") for n in range(40)]
    for person in people:
        # when
        answer = login(client, person.email, PASSWORD, forwarded=VICTIM)
        # then
        assert answer.status_code == 302, person.email
        client.logout()


@pytest.fixture
def reset(django_capture_on_commit_callbacks):
    """reset(client, email, forwarded=...) asks for a reset link; its job runs at commit."""

    def ask(client, email, *, forwarded=ATTACKER):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/accounts/password/reset/",
                {"email": email},
                REMOTE_ADDR=PROXY,
                headers={"x-forwarded-for": forwarded},
            )

    return ask


def test_reset_mails_to_one_account_stop_after_three_an_hour(
    client, db, behind_proxy, clock, smtp_server, reset
):
    # given
    UserFactory(email="marie@example.ch")
    # when: six requests from six addresses
    answers = [
        reset(client, "marie@example.ch", forwarded=f"198.51.100.{n}")["Location"] for n in range(6)
    ]
    # then: the page says the same each time; three mails arrive
    assert answers == ["/accounts/password/reset/done/"] * 6
    assert len(smtp_server.wait_for(4, timeout=1)) == 3
    # and an hour later the account may receive one again
    clock.shift(dt.timedelta(hours=1, minutes=1))
    reset(client, "marie@example.ch")
    assert len(smtp_server.wait_for(4)) == 4


def test_reset_requests_from_one_address_stop_after_ten_an_hour(
    english, db, behind_proxy, clock, smtp_server, reset
):
    # given: fifteen accounts
    people = [UserFactory(email=f"person{n}@example.ch") for n in range(15)]
    # when: one address asks a reset for each
    answers = [reset(english, p.email).status_code for p in people]
    # then: ten mails, then a 429 that says why
    assert answers == [302] * 10 + [429] * 5
    assert len(smtp_server.wait_for(11, timeout=1)) == 10
    refused = reset(english, people[0].email)
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "Too many requests from your connection" in refused.content.decode()
    # another address is not affected
    assert reset(english, people[14].email, forwarded=VICTIM).status_code == 302
    assert len(smtp_server.wait_for(11)) == 11


def test_the_reset_page_answers_the_same_for_unknown_accounts_also_when_throttled(
    client, db, behind_proxy, clock, smtp_server, reset
):
    UserFactory(email="marie@example.ch")
    for n in range(6):
        known = reset(client, "marie@example.ch", forwarded=f"198.51.100.{n}")
        unknown = reset(client, "personne@example.ch", forwarded=f"198.51.100.{n}")
        assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert all(m["To"] == "marie@example.ch" for m in smtp_server.wait_for(4, timeout=1))


def test_other_mails_a_stranger_can_trigger_share_the_per_account_limit(
    client, db, behind_proxy, clock, smtp_server, django_capture_on_commit_callbacks, reset
):
    # given: an account that still waits for its address to be confirmed
    UserFactory(email="marie@example.ch", email_verified=False)
    # when: the attacker alternates the "send the link again" page and the reset page
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/accounts/verify/resend/",
                {"email": "marie@example.ch"},
                REMOTE_ADDR=PROXY,
                headers={"x-forwarded-for": f"198.51.100.{n}"},
            )
        reset(client, "marie@example.ch", forwarded=f"198.51.100.{n + 10}")
    # then: three mails in all reach the mailbox
    assert len(smtp_server.wait_for(4, timeout=1)) == 3


def test_registrations_from_one_address_are_limited_like_other_mails(
    client, db, behind_proxy, clock, smtp_server, django_capture_on_commit_callbacks
):
    # when: one address registers fifteen addresses (each one gets a confirmation mail)
    answers = []
    for n in range(15):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/accounts/register/",
                {
                    "account_type": "citizen",
                    "full_name": f"Victime {n}",
                    "email": f"victim{n}@example.ch",
                    "language": "fr",
                    "password1": "un-mot-de-passe-solide",
                    "password2": "un-mot-de-passe-solide",
                },
                REMOTE_ADDR=PROXY,
                headers={"x-forwarded-for": ATTACKER},
            )
        answers.append(response.status_code)
    # then
    assert answers == [302] * 10 + [429] * 5
    assert User.objects.filter(email__startswith="victim").count() == 10
    assert len(smtp_server.wait_for(11, timeout=1)) == 10


def test_asking_registration_whether_addresses_have_accounts_is_limited(
    client, db, behind_proxy, clock
):
    # given: registration says when an address already has an account
    for n in range(15):
        UserFactory(email=f"person{n}@example.ch")
    # when: one address tries fifteen of them
    answers = [
        client.post(
            "/accounts/register/",
            {"account_type": "citizen", "full_name": "X", "email": f"person{n}@example.ch"},
            REMOTE_ADDR=PROXY,
            headers={"x-forwarded-for": ATTACKER},
        ).status_code
        for n in range(15)
    ]
    # then: ten answers, then 429
    assert answers == [200] * 10 + [429] * 5
