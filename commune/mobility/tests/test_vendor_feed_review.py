"""What a second reading of the vendor feeds found (issue 9): the stored password never follows
the address to another server, an edit never writes back the worker's fields it read before a
pull, a "pull now" and the worker's round never pull one feed at once, a header-breaking
secret is refused (and never logged), an address with accents is pulled."""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import re
import threading
import uuid

import pytest
from django.utils import timezone

from commune.mobility.models import VendorFeed
from commune.mobility.services import feeds
from commune.tenants.scoping import scope

from .factories import VendorFeedFactory
from .test_vendor_feed_views import PASSWORD, analyst, feeds_of, form_data, url  # noqa: F401
from .vendor_server import VendorServer

CSV = b"site_id,timestamp,count\nA1,2026-03-17T08:00:00+01:00,12\n"


def test_a_new_server_in_the_address_asks_for_the_password_again(analyst, town_a):  # noqa: F811
    # given a feed with its password
    analyst.post(url("feed-create", town_a), form_data())
    [feed] = feeds_of(town_a)
    # when its address is moved to another server with the password left empty
    moved = form_data(secret="", url="https://collect.attacker.example/c.csv")
    response = analyst.post(url("feed-edit", town_a, feed), moved)
    # then it is refused: the stored password would go to that server at the next pull
    assert response.status_code == 400
    assert "mène à un autre serveur" in response.content.decode()
    assert feeds_of(town_a)[0].url == feed.url
    # when only the path changes on the same server, the password is kept
    same = form_data(secret="", url="https://export.example.ch/pully/2026.csv")
    assert analyst.post(url("feed-edit", town_a, feed), same).status_code == 302
    assert feeds_of(town_a)[0].secret == PASSWORD


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"secret": "abc\r\nX-Other: 1"}, "aucun caractère de contrôle"),
        ({"username": "pul:ly"}, "ni « : »"),
        ({"auth": "bearer", "secret": "jeton-é"}, "caractères ASCII"),
    ],
)
def test_credentials_that_would_break_the_request_are_refused(analyst, town_a, fields, message):  # noqa: F811
    response = analyst.post(url("feed-create", town_a), form_data(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert feeds_of(town_a) == []


def test_an_edit_keeps_what_a_pull_wrote_meanwhile(db, town_a, django_user_model):
    # given the edit form read the feed, then a pull wrote its outcome and next pull
    feed = VendorFeedFactory(municipality=town_a, next_pull_at=timezone.now())
    with scope(town_a):
        read = VendorFeed.objects.get(pk=feed.pk)
        later = timezone.now() + dt.timedelta(hours=6)
        VendorFeed.objects.filter(pk=feed.pk).update(
            next_pull_at=later, last_sha256="f" * 64, last_outcome="ok", consecutive_failures=0
        )
        # when the edit is saved
        read.name = "Renamed"
        feeds.feed_save(feed=read, actor=None)
        # then the name changed, and the pull's fields were not put back
        saved = VendorFeed.objects.get(pk=feed.pk)
    assert saved.name == "Renamed"
    assert (saved.next_pull_at, saved.last_sha256, saved.last_outcome) == (later, "f" * 64, "ok")


def test_a_pull_leaves_a_feed_another_pull_holds(db, town_a, settings):
    # given another worker is pulling the feed (it holds the feed's lock)
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    held, done = threading.Event(), threading.Event()

    def other_worker():
        path = feeds.feed_lock_path(feed)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held.set()
            done.wait(10)

    with VendorServer() as server:
        server.body = CSV
        feed = VendorFeedFactory(municipality=town_a, url=server.url(), auth="none")
        worker = threading.Thread(target=other_worker)
        worker.start()
        try:
            assert held.wait(10)
            # when "pull now" runs meanwhile
            with scope(town_a):
                feeds.feed_pull(feed=feed, now=timezone.now())
        finally:
            done.set()
            worker.join()
        # then it did not download the file a second time
        assert server.requests == []
        # and once the other pull is over, a pull goes ahead
        with scope(town_a):
            feeds.feed_pull(feed=feed, now=timezone.now())
        assert len(server.requests) == 1
    assert feeds_of(town_a)[0].last_outcome == "ok"


def test_a_pull_now_that_crashes_never_logs_the_token(db, town_a, settings, caplog):
    # given a token stored before the form refused control characters
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    caplog.set_level(logging.DEBUG)
    token = "tok-Secret-99\nX-Other: 1"
    with VendorServer(token="x") as server:
        feed = VendorFeedFactory(municipality=town_a, url=server.url(), auth="bearer", secret=token)
        # when "pull now" runs
        outcome = feeds.feed_pull_job.call(municipality_id=town_a.pk, feed_id=feed.pk)
    # then the job ends, its request is cleared, and the token is in no log
    assert outcome == "crashed"
    assert "tok-Secret-99" not in caplog.text
    assert feeds_of(town_a)[0].pull_requested_at is None


def test_an_address_with_accents_is_pulled(db, town_a, settings):
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    with VendorServer() as server:
        server.body = CSV
        feed = VendorFeedFactory(
            municipality=town_a, url=server.url("/export/données 2026.csv"), auth="none"
        )
        with scope(town_a):
            feeds.feed_pull(feed=feed, now=timezone.now())
    assert [r["path"] for r in server.requests] == ["/export/donn%C3%A9es%202026.csv"]
    assert feeds_of(town_a)[0].last_outcome == "ok"


def test_the_add_form_sent_twice_adds_one_feed(analyst, town_a):  # noqa: F811
    # given the add form as the page gives it (with its key)
    page = analyst.get(url("feed-create", town_a)).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    # when it is sent twice (a double click, a reload that posts again)
    first = analyst.post(url("feed-create", town_a), form_data(submission_key=key))
    second = analyst.post(url("feed-create", town_a), form_data(submission_key=key))
    # then one feed, and both answers lead to the list
    assert first.status_code == second.status_code == 302
    assert len(feeds_of(town_a)) == 1
    # and another sending of the form (a new key) is another feed
    analyst.post(url("feed-create", town_a), form_data(submission_key=str(uuid.uuid4())))
    assert len(feeds_of(town_a)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_feed_deleted_while_it_is_pulled_ends_the_pull_quietly(town_a, settings):
    # given a vendor that answers while an analyst deletes the feed
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    with VendorServer() as server:
        server.body = CSV
        feed = VendorFeedFactory(municipality=town_a, url=server.url(), auth="none")
        answer = server.answer

        def deleted_meanwhile(handler):
            with scope(town_a):
                VendorFeed.objects.filter(pk=feed.pk).delete()
            answer(handler)

        server.answer = deleted_meanwhile
        # when the pull ends
        with scope(town_a):
            pulled = feeds.feed_pull(feed=feed, now=timezone.now())
    # then it ends without an error, and the feed stays deleted
    assert pulled.last_outcome == "ok"
    assert feeds_of(town_a) == []
