"""The analysts' pages of the vendor feeds (issue 9): add, change, pull now, deactivate,
delete; the password or token is never rendered back; errors in French with a summary;
another town's feed is a 404."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.core.models import AuditEntry
from commune.mobility.models import VendorFeed
from commune.mobility.services.feeds import feed_pull
from commune.tenants.scoping import scope

from .factories import VendorFeedFactory
from .vendor_server import VendorServer

PASSWORD = "s3cret-Export-42"


def member(town, role=Role.MOBILITY_ANALYST):
    user = UserFactory()
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role)
    return user


@pytest.fixture
def analyst(staff_client, town_a):
    client = staff_client(member(town_a))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


def url(name, town, feed=None):
    kwargs = {"town": town.slug} | ({"feed_id": feed.pk} if feed else {})
    return reverse(f"mobility:{name}", kwargs=kwargs)


def form_data(**fields):
    return {
        "name": "Comptages Kapsch",
        "url": "https://export.example.ch/pully/comptages.csv",
        "auth": "basic",
        "username": "pully",
        "secret": PASSWORD,
        "every_hours": "6",
        "kind": "counts",
        "time_zone": "Europe/Zurich",
        "delimiter": ";",
        "decimal": ",",
        "map_site": "Zählstelle",
        "map_timestamp": "Datum",
        "map_count": "Anzahl",
    } | fields


def feeds_of(town):
    with scope(town):
        return list(VendorFeed.objects.all())


def test_an_analyst_adds_a_feed_with_the_options_an_upload_stores(analyst, town_a):
    # when
    response = analyst.post(url("feed-create", town_a), form_data())
    # then
    assert response.status_code == 302
    assert response["Location"] == url("feed-list", town_a)
    [feed] = feeds_of(town_a)
    assert (feed.auth, feed.username, feed.secret, feed.every_hours) == (
        "basic",
        "pully",
        PASSWORD,
        6,
    )
    assert feed.options == {
        "delimiter": ";",
        "decimal": ",",
        "site": "Zählstelle",
        "timestamp": "Datum",
        "count": "Anzahl",
    }
    assert feed.next_pull_at is not None and feed.is_active
    page = analyst.get(url("feed-list", town_a)).content.decode()
    assert "Comptages Kapsch" in page and "Jamais" in page


def test_the_password_is_never_shown_and_an_empty_field_keeps_it(analyst, town_a):
    # given
    analyst.post(url("feed-create", town_a), form_data())
    [feed] = feeds_of(town_a)
    # when the edit page is opened
    page = analyst.get(url("feed-edit", town_a, feed)).content.decode()
    # then
    assert PASSWORD not in page
    assert 'type="password"' in page and 'value="' + PASSWORD not in page
    # when it is saved with the password left empty
    response = analyst.post(url("feed-edit", town_a, feed), form_data(secret="", name="Kapsch"))
    # then the stored password is kept
    assert response.status_code == 302
    [feed] = feeds_of(town_a)
    assert (feed.name, feed.secret) == ("Kapsch", PASSWORD)
    # and a page refused by an error does not show it either
    refused = analyst.post(url("feed-edit", town_a, feed), form_data(secret=PASSWORD, url="x"))
    assert refused.status_code == 400 and PASSWORD not in refused.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "ftp://export.example.ch/c.csv"}, "L’adresse doit commencer par https://."),
        ({"url": "pas une adresse"}, "Saisissez une URL valide."),
        ({"url": "http://export.example.ch/c.csv"}, "L’adresse doit commencer par https://."),
        ({"url": "https://10.0.0.1/c.csv"}, "réseau interne"),
        ({"url": "https://169.254.169.254/latest/"}, "réseau interne"),
        ({"url": "https://u:p@export.example.ch/c.csv"}, "pas dans l’adresse"),
        ({"secret": ""}, "Indiquez le mot de passe ou le jeton."),
        ({"username": ""}, "Indiquez le nom d’utilisateur."),
        ({"time_zone": "Mars/Olympus"}, "Fuseau horaire inconnu"),
    ],
)
def test_a_bad_feed_is_refused_in_french_with_an_error_summary(analyst, town_a, fields, message):
    # when
    response = analyst.post(url("feed-create", town_a), form_data(**fields))
    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "error-summary" in page
    assert feeds_of(town_a) == []


def test_pull_now_pressed_twice_is_one_job(
    analyst, town_a, settings, django_capture_on_commit_callbacks
):
    # given a feed on the vendor's server
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    with VendorServer() as server:
        server.body = b"site_id,timestamp,count\nA1,2026-03-17T08:00:00+01:00,12\n"
        feed = VendorFeedFactory(municipality=town_a, url=server.url(), auth="none")
        # when the button is pressed twice before the worker takes the job
        with django_capture_on_commit_callbacks() as callbacks:
            first = analyst.post(url("feed-pull", town_a, feed))
            second = analyst.post(url("feed-pull", town_a, feed))
        # then one job, which pulls the file once
        assert first.status_code == second.status_code == 302
        assert len(callbacks) == 1
        callbacks[0]()
    assert len(server.requests) == 1
    [feed] = feeds_of(town_a)
    assert feed.last_outcome == "ok" and feed.pull_requested_at is None


def test_a_feed_is_deactivated_then_deleted(analyst, town_a):
    # given
    feed = VendorFeedFactory(municipality=town_a)
    # when
    analyst.post(url("feed-active", town_a, feed), {"active": "0"})
    # then
    [feed] = feeds_of(town_a)
    assert not feed.is_active
    assert "Inactif" in analyst.get(url("feed-list", town_a)).content.decode()
    # when
    assert analyst.get(url("feed-delete", town_a, feed)).status_code == 200
    response = analyst.post(url("feed-delete", town_a, feed))
    # then
    assert response.status_code == 302 and feeds_of(town_a) == []


def test_another_towns_feed_is_not_found(analyst, town_a, town_b):
    # given
    theirs = VendorFeedFactory(municipality=town_b, name="Flux de Lutry")
    # when / then
    for name in ("feed-edit", "feed-delete"):
        assert analyst.get(url(name, town_a, theirs)).status_code == 404
    for name in ("feed-edit", "feed-pull", "feed-active", "feed-delete"):
        assert analyst.post(url(name, town_a, theirs), form_data()).status_code == 404
    assert "Flux de Lutry" not in analyst.get(url("feed-list", town_a)).content.decode()
    assert feeds_of(town_b)[0].is_active


def test_only_mobility_analysts_reach_the_feeds(staff_client, town_a):
    # given
    officer = staff_client(member(town_a, Role.PERMIT_OFFICER))
    # when / then
    assert officer.get(url("feed-list", town_a)).status_code == 403
    assert officer.post(url("feed-create", town_a), form_data()).status_code == 403


def test_the_imports_page_leads_to_the_feeds(analyst, town_a):
    page = analyst.get(reverse("mobility:import-list", kwargs={"town": town_a.slug}))
    assert url("feed-list", town_a) in page.content.decode()


def test_the_password_is_neither_in_the_trail_nor_in_the_logs(analyst, town_a, settings, caplog):
    # given a feed added from the form, then pulled from a vendor that refuses it
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    caplog.set_level(logging.DEBUG)
    with VendorServer(user="pully", password="another") as server:
        analyst.post(url("feed-create", town_a), form_data(url=server.url()))
        [feed] = feeds_of(town_a)
        # when
        with scope(town_a):
            feed_pull(feed=feed, now=timezone.now())
    # then
    assert feeds_of(town_a)[0].last_error_key == "feed.auth"
    with scope(town_a):
        trail = list(AuditEntry.objects.filter(municipality=town_a).values())
    assert any(entry["action"] == "feed_created" for entry in trail)
    assert PASSWORD not in str(trail)
    assert PASSWORD not in caplog.text
    assert "feed pull failed" in caplog.text


def test_the_trail_says_when_the_password_changed_never_what_it_is(analyst, town_a):
    # given a feed added with a password
    analyst.post(url("feed-create", town_a), form_data())
    [feed] = feeds_of(town_a)
    # when it is saved with the field left empty, then with another password, then without
    # authentication
    for changed in ({"secret": ""}, {"secret": "an0ther-Export"}, {"auth": "none", "secret": ""}):
        response = analyst.post(url("feed-edit", town_a, feed), form_data(**changed))
        assert response.status_code == 302
    # then the trail tells each change of the password, and holds neither password
    with scope(town_a):
        trail = list(AuditEntry.objects.filter(municipality=town_a).order_by("pk"))
    assert [(e.action, e.after["secret"]) for e in trail] == [
        ("feed_created", "set"),
        ("feed_changed", "kept"),
        ("feed_changed", "replaced"),
        ("feed_changed", "removed"),
    ]
    assert PASSWORD not in str([e.after for e in trail])
    assert "an0ther-Export" not in str([e.after for e in trail])
