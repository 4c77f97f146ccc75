"""The client's address: REMOTE_ADDR, unless the connection comes from a configured trusted
proxy, in which case X-Forwarded-For is read from the right, past our own proxies only."""

import io
import json
import logging

import pytest
from django.test import RequestFactory

from commune.core.client_address import client_address


@pytest.fixture
def request_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    from commune.core.logging import JsonFormatter

    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("commune.request")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def address(remote: str, forwarded: str | None = None) -> str:
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers))


def test_without_a_configured_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert address("203.0.113.9", "10.0.0.1, 198.51.100.1") == "203.0.113.9"


def test_a_connection_from_an_untrusted_peer_is_its_own_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert address("10.0.0.1", "198.51.100.1") == "198.51.100.1"


def test_what_the_client_wrote_into_the_header_before_our_proxy_is_not_believed(settings):
    # given: the client sent "X-Forwarded-For: 6.6.6.6"; our proxy appended its real address
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    # then: the right-most address that is not one of our proxies wins
    assert address("10.0.0.1", "6.6.6.6, 198.51.100.1") == "198.51.100.1"
    assert address("10.0.0.1", "6.6.6.6,198.51.100.1") == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_and_networks_are_accepted(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    assert address("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.2.3.4") == "198.51.100.1"
    assert address("2001:db8::1", "2001:db8::7, 2a00:1450::1") == "2a00:1450::1"
    assert address("10.0.0.1", "6.6.6.6, [2a00:1450::1]:4711, 10.2.3.4") == "2a00:1450::1"


@pytest.mark.parametrize(
    "header", ["", "not-an-ip", "999.1.1.1", "10.0.0.9, , garbage", "unknown", "1.2.3.4:80:9"]
)
def test_a_missing_or_garbled_header_falls_back_to_the_nearest_hop_we_trust(settings, header):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("10.0.0.1", header) == "10.0.0.1"


def test_a_proxy_on_a_unix_socket_is_trusted_only_when_configured(settings):
    # a Unix socket has no peer address: gunicorn leaves REMOTE_ADDR empty
    settings.TRUSTED_PROXIES = []
    assert address("", "198.51.100.1") == ""
    settings.TRUSTED_PROXIES = ["unix"]
    assert address("", "6.6.6.6, 198.51.100.1") == "198.51.100.1"
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_a_misconfigured_proxy_list_fails_loudly(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "not-a-network"]
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        address("10.0.0.1", "198.51.100.1")


def test_the_request_log_shows_the_client_address_not_a_spoofed_one(
    client, db, settings, request_log
):
    # given: no proxy configured; a direct client claims another address
    settings.TRUSTED_PROXIES = []
    # when
    client.get("/", REMOTE_ADDR="203.0.113.9", headers={"x-forwarded-for": "198.51.100.1"})
    # then
    [entry] = request_log()
    assert entry["client"] == "203.0.113.9"


def test_the_request_log_shows_the_client_behind_the_proxy(client, db, settings, request_log):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    client.get("/", REMOTE_ADDR="10.0.0.1", headers={"x-forwarded-for": "6.6.6.6, 198.51.100.1"})
    [entry] = request_log()
    assert entry["client"] == "198.51.100.1"
