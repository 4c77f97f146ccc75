"""The token API is throttled per token: past the limit a 429 with Retry-After, in the
caller's language; another token, even of the same organisation, is not slowed down."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.permits.services.tokens import api_token_create

URL = "/api/v1/pully/permits/requests"
START = dt.datetime(2026, 3, 2, 9, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tokens(town_a):
    manager = UserFactory()
    org = OrganisationFactory()
    add_member(org, manager, manager=True)
    return [api_token_create(organisation=org, manager=manager, name=n)[1] for n in "AB"]


def call(client, raw, **headers):
    # An empty body: the throttle answers before the payload is read, and each allowed call
    # is a cheap 422 instead of a full submission.
    return client.post(
        URL,
        data="{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", **headers},
    )


def test_one_token_past_its_limit_gets_429_with_retry_after_and_another_does_not(
    client, tokens, clock
):
    # given
    first, second = tokens
    limit, period = settings.THROTTLES["api_calls_per_token"]
    # when
    statuses = [call(client, first).status_code for _ in range(limit)]
    refused = call(client, first, **{"Accept-Language": "fr"})
    # then
    assert 429 not in statuses
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= period
    assert refused.json() == {
        "errors": {"__all__": ["Trop de requêtes avec ce jeton. Réessayez plus tard."]}
    }
    assert call(client, second).status_code != 429
    # and the token works again once the window has passed
    clock.shift(dt.timedelta(seconds=int(refused["Retry-After"])))
    assert call(client, first).status_code != 429


def test_an_unknown_token_is_refused_before_it_counts_against_anyone(client, tokens, clock):
    first, _second = tokens
    limit, _period = settings.THROTTLES["api_calls_per_token"]
    for _ in range(limit + 5):
        assert call(client, "cmn_not-a-token").status_code == 401
    assert call(client, first).status_code != 429
