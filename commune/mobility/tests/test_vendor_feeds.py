"""Scheduled pulls from a counter vendor's HTTP export (issue 9), against a real HTTP server on
127.0.0.1: the worker's round pulls a due feed, its rows reach the warehouse through the same
import as an upload, the same file again imports nothing, a changed one imports its rows;
failures are recorded with their reason, three in a row send one e-mail; internal addresses are
refused before any connection."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest
from django.utils import translation

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.core.tests.deployment import self_signed_certificate
from commune.mobility.models import DataImport, VendorFeed
from commune.mobility.services import feeds
from commune.mobility.tasks import feeds_pull_all
from commune.tenants.scoping import scope

from .factories import VendorFeedFactory
from .vendor_server import VendorServer

T0 = dt.datetime(2026, 3, 18, 6, 0, tzinfo=dt.UTC)
USER, PASSWORD = "pully", "s3cret-Export-42"
MARCH_17 = (
    "Zählstelle;Datum;Anzahl\n"
    "A1;17.03.2026 08:00;1'200,0\n"
    "A1;17.03.2026 09:00;100,0\n"
    "B2;17.03.2026 08:00;7\n"
).encode()
MARCH_18 = MARCH_17 + b"A1;18.03.2026 08:00;333,0\n"
OPTIONS = {
    "delimiter": ";",
    "decimal": ",",
    "site": "Zählstelle",
    "timestamp": "Datum",
    "count": "Anzahl",
}


@pytest.fixture
def vendor(settings):
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.MOBILITY_FEED_TIMEOUT_SECONDS = 0.5
    with VendorServer(user=USER, password=PASSWORD) as server:
        server.body = MARCH_17
        yield server


def make_feed(town, url, **fields) -> VendorFeed:
    defaults = {
        "auth": VendorFeed.Auth.BASIC,
        "username": USER,
        "secret": PASSWORD,
        "every_hours": 6,
        "options": OPTIONS,
        "next_pull_at": T0,
    }
    return VendorFeedFactory(municipality=town, url=url, **(defaults | fields))


def reload(feed) -> VendorFeed:
    with scope(feed.municipality):
        return VendorFeed.objects.get(pk=feed.pk)


def imports_of(town) -> list[DataImport]:
    with scope(town):
        return list(DataImport.objects.order_by("id"))


def counts_of(town, settings) -> pd.DataFrame:
    files = sorted((settings.WAREHOUSE_DIR / str(town.pk) / "counts").rglob("*.parquet"))
    frame = pd.concat([pd.read_parquet(f) for f in files]) if files else pd.DataFrame()
    return frame.sort_values(["ts_utc", "site_id"]).reset_index(drop=True)


def test_the_round_pulls_a_due_feed_at_its_times_and_imports_only_a_changed_file(
    transactional_db, town_a, vendor, settings, time_machine
):
    # (transactional: the import runs in a child process, which sees committed rows only)
    # given a feed every 6 hours, due now
    time_machine.move_to(T0, tick=False)
    feed = make_feed(town_a, vendor.url())
    # when the worker's round runs
    assert feeds_pull_all.call() == 1
    # then the file was pulled with the credentials and imported with the feed's options
    assert len(vendor.requests) == 1
    [first] = imports_of(town_a)
    assert (first.status, first.rows_imported, first.quarantine) == ("done", 3, [])
    assert first.options == OPTIONS
    counts = counts_of(town_a, settings)
    assert list(zip(counts.site_id, counts["count"], strict=True)) == [
        ("A1", 1200.0),
        ("B2", 7.0),
        ("A1", 100.0),
    ]
    assert counts.ts_utc.iloc[0] == pd.Timestamp("2026-03-17 07:00", tz="UTC")
    feed = reload(feed)
    assert (feed.last_outcome, feed.last_import_id) == ("ok", first.pk)
    assert feed.next_pull_at == T0 + dt.timedelta(hours=6)
    # when the round runs an hour later: the feed is not due
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    assert feeds_pull_all.call() == 0
    assert len(vendor.requests) == 1
    # when it runs six hours later on the same file: pulled, nothing imported
    time_machine.move_to(T0 + dt.timedelta(hours=6), tick=False)
    assert feeds_pull_all.call() == 1
    assert len(vendor.requests) == 2
    assert imports_of(town_a) == [first]
    assert reload(feed).last_outcome == "unchanged"
    # when the vendor's file has a new row six hours after that: imported
    vendor.body = MARCH_18
    time_machine.move_to(T0 + dt.timedelta(hours=12), tick=False)
    assert feeds_pull_all.call() == 1
    [_, second] = imports_of(town_a)
    assert (second.status, second.rows_imported) == ("done", 1)
    counts = counts_of(town_a, settings)
    assert len(counts) == 4  # the three rows replaced, not doubled, and the new one
    assert counts["count"].iloc[-1] == 333.0
    assert reload(feed).last_outcome == "ok"


def test_an_inactive_feed_or_a_town_without_the_observatory_is_not_pulled(
    db, town_a, town_b, vendor, time_machine
):
    # given
    time_machine.move_to(T0, tick=False)
    make_feed(town_a, vendor.url(), is_active=False)
    town_b.modules = ["permits"]
    town_b.save()
    make_feed(town_b, vendor.url())
    # when
    pulled = feeds_pull_all.call()
    # then
    assert (pulled, vendor.requests) == (0, [])


def test_a_bearer_token_is_sent_as_such(db, town_a, settings, time_machine):
    # given
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    time_machine.move_to(T0, tick=False)
    with VendorServer(token="tok-123") as server:
        server.body = MARCH_17
        feed = make_feed(town_a, server.url(), auth="bearer", username="", secret="tok-123")
        # when
        with scope(town_a):
            feeds.feed_pull(feed=feed, now=T0)
    # then
    assert server.requests[0]["headers"]["Authorization"] == "Bearer tok-123"
    assert reload(feed).last_outcome == "ok"


def stored_files(settings) -> set:
    return {p for p in (settings.MEDIA_ROOT / "mobility" / "imports").rglob("*") if p.is_file()}


def failing(vendor, case: str) -> None:
    if case == "wrong_password":
        vendor.password = "another"
    elif case == "server_error":
        vendor.status = 500
    elif case == "stalled":
        vendor.stall_seconds = 1.5
    elif case in {"too_large", "too_large_undeclared"}:
        vendor.body = MARCH_17 * 10
        vendor.declare_length = case == "too_large"
    elif case == "redirected":
        vendor.redirect_to = vendor.url(host="localhost")


@pytest.mark.parametrize(
    ("case", "key", "message"),
    [
        ("wrong_password", "feed.auth", "The server refused the credentials (HTTP 401)."),
        ("server_error", "feed.http", "The server answered with an error (HTTP 500)."),
        ("stalled", "feed.timeout", "did not answer within 0.5 seconds."),
        ("too_large", "feed.too_large", "The file is larger than the limit of 100"),
        ("too_large_undeclared", "feed.too_large", "The file is larger than the limit of 100"),
        ("redirected", "feed.redirect", "redirected the pull to another address"),
    ],
)
def test_a_failed_pull_is_recorded_with_its_reason_and_imports_nothing(
    db, town_a, vendor, settings, time_machine, case, key, message
):
    # given
    settings.IMPORT_UPLOAD_MAX_BYTES = 100
    time_machine.move_to(T0, tick=False)
    feed = make_feed(town_a, vendor.url())
    failing(vendor, case)
    files_before = stored_files(settings)
    # when
    with scope(town_a):
        feeds.feed_pull(feed=feed, now=T0)
    # then
    feed = reload(feed)
    assert (feed.last_outcome, feed.last_error_key) == ("failed", key)
    with translation.override("en"):
        assert message in feed.last_error_message
    assert PASSWORD not in feed.last_error_message and PASSWORD not in str(feed.last_error_params)
    assert imports_of(town_a) == []
    assert stored_files(settings) == files_before  # the partial download is gone


def test_a_failure_is_written_in_the_readers_language(db, town_a, vendor, time_machine):
    # given
    time_machine.move_to(T0, tick=False)
    feed = make_feed(town_a, vendor.url())
    vendor.status = 503
    with scope(town_a):
        feeds.feed_pull(feed=feed, now=T0)
    # when / then
    with translation.override("fr"):
        assert "erreur (HTTP 503)" in reload(feed).last_error_message


def analyst_in(town, **fields):
    user = UserFactory(**fields)
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=Role.MOBILITY_ANALYST)
    return user


def test_three_failures_in_a_row_send_one_email_to_the_analysts(
    db, town_a, vendor, smtp_server, time_machine
):
    # given two analysts, and a feed whose password the vendor changed
    marie = analyst_in(town_a, email="marie@pully.ch", language="fr")
    analyst_in(town_a, email="ana@pully.ch", language="de")
    feed = make_feed(town_a, vendor.url(), every_hours=1)
    vendor.password = "changed"
    # when the round pulls it five hours running
    for hour in range(5):
        time_machine.move_to(T0 + dt.timedelta(hours=hour), tick=False)
        feeds_pull_all.call()
    # then one e-mail each, after the third failure only
    assert len(vendor.requests) == 5
    assert reload(feed).consecutive_failures == 5
    messages = smtp_server.wait_for(2)
    time.sleep(0.2)
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == [
        "ana@pully.ch",
        marie.email,
    ]
    french = next(m for m in messages if m["X-Envelope-To"] == marie.email)
    text = smtp_server.text_of(french)
    assert "a échoué 3 fois de suite" in french["Subject"]
    assert "identifiants" in text
    assert PASSWORD not in text and "changed" not in text


def test_a_success_starts_the_count_of_failures_again(db, town_a, vendor, time_machine):
    # given two failures
    feed = make_feed(town_a, vendor.url())
    vendor.status = 500
    with scope(town_a):
        feeds.feed_pull(feed=feed, now=T0)
        feeds.feed_pull(feed=reload(feed), now=T0)
        assert reload(feed).consecutive_failures == 2
        # when the vendor is back
        vendor.status = 200
        feeds.feed_pull(feed=reload(feed), now=T0)
    # then
    assert (reload(feed).consecutive_failures, reload(feed).last_error_key) == (0, "")


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost:{port}/export.csv",  # a name that resolves to 127.0.0.1
        "https://127.0.0.1:{port}/export.csv",
        "https://[::1]:{port}/export.csv",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/export.csv",
        "https://[::ffff:10.0.0.1]/export.csv",
    ],
)
def test_an_internal_address_is_refused_without_any_connection(
    db, town_a, settings, time_machine, url
):
    # given no host allowed to be internal, and a server that would answer on 127.0.0.1
    settings.MOBILITY_FEED_ALLOWED_HOSTS = []
    settings.MOBILITY_FEED_TIMEOUT_SECONDS = 2
    with VendorServer() as server:
        server.body = MARCH_17
        feed = make_feed(town_a, url.format(port=server.port), auth="none")
        # when
        with scope(town_a):
            feeds.feed_pull(feed=feed, now=T0)
    # then: refused before connecting (a connection would have timed out or been served)
    feed = reload(feed)
    assert (feed.last_outcome, feed.last_error_key) == ("failed", "feed.address")
    assert server.requests == []


def test_plain_http_is_refused_unless_the_host_is_allowed(db, town_a, settings, vendor):
    # given a host allowed as "127.0.0.1", reached as "localhost" over http
    feed = make_feed(town_a, vendor.url(host="localhost"))
    # when
    with scope(town_a):
        feeds.feed_pull(feed=feed, now=T0)
    # then
    assert reload(feed).last_error_key == "feed.scheme"
    assert vendor.requests == []


@pytest.mark.parametrize("trusted", [True, False])
def test_an_https_feed_is_pulled_only_with_a_certificate_that_verifies(
    db, town_a, settings, monkeypatch, tmp_path, trusted
):
    # given a vendor on https with its own certificate for localhost, trusted or not
    cert, key = self_signed_certificate(tmp_path)
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["localhost"]
    if trusted:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    else:
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
    with VendorServer(user=USER, password=PASSWORD, tls=(cert, key)) as server:
        server.body = MARCH_17
        feed = make_feed(town_a, server.url(host="localhost"))
        # when
        with scope(town_a):
            feeds.feed_pull(feed=feed, now=T0)
    # then
    feed = reload(feed)
    if trusted:
        assert (feed.last_outcome, len(server.requests)) == ("ok", 1)
    else:
        assert (feed.last_outcome, feed.last_error_key) == ("failed", "feed.tls")
        assert server.requests == []
