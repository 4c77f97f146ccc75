"""Throttle counters: a fixed window per key, refused past the limit, and atomic under
concurrency on each cache the installation may use (database by default, Redis, local memory)."""

import datetime as dt
import threading
import uuid

import pytest
import time_machine
from django.db import connections

from commune.core import throttle

START = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def limits(settings):
    settings.THROTTLES = {"probe": (3, 60), "many": (10_000, 3600)}


@pytest.fixture(params=["database", "redis", "locmem"])
def each_cache(request, settings):
    """The default cache as each backend; Redis keys carry a prefix of their own and expire."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": request.getfixturevalue("redis_server").url(db=14),
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
    elif request.param == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return request.param


def test_hits_past_the_limit_are_refused_until_the_window_ends(db, limits, each_cache):
    with time_machine.travel(START + dt.timedelta(seconds=15), tick=False) as clock:
        verdicts = [throttle.hit("probe", "203.0.113.9") for _ in range(5)]
        assert [v.allowed for v in verdicts] == [True, True, True, False, False]
        assert verdicts[-1].retry_after == 45
        # another key has its own counter
        assert throttle.hit("probe", "198.51.100.7").allowed
        clock.shift(dt.timedelta(seconds=45))
        assert throttle.hit("probe", "203.0.113.9").allowed


def test_a_refund_gives_the_place_back(db, limits, each_cache):
    with time_machine.travel(START, tick=False):
        for _ in range(10):
            verdict = throttle.hit("probe", "key")
            assert verdict.allowed
            throttle.refund(verdict)


def test_a_refund_after_the_window_ended_leaves_the_next_window_alone(db, limits, each_cache):
    with time_machine.travel(START + dt.timedelta(seconds=59), tick=False) as clock:
        verdict = throttle.hit("probe", "key")
        clock.shift(dt.timedelta(seconds=2))
        throttle.refund(verdict)
        assert [throttle.hit("probe", "key").allowed for _ in range(4)] == [True] * 3 + [False]


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted(limits, each_cache):
    # given: eight threads, each with its own database connection, hitting one key
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    errors = []

    def work():
        try:
            barrier.wait()
            for _ in range(per_thread):
                throttle.hit("many", "one-key")
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    # when
    with time_machine.travel(START, tick=False):
        pool = [threading.Thread(target=work) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        # then: not one hit was lost
        assert not errors, errors
        assert throttle.hit("many", "one-key").count == threads * per_thread + 1


def test_a_flood_of_other_counters_does_not_evict_a_live_one(db, settings):
    # given: an address near its log-in limit
    settings.THROTTLES = {"login": (3, 900), "mail": (3, 3600)}
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            throttle.hit("login", "203.0.113.66")
        # when: a thousand other counters are written (one reset request per made-up address)
        for n in range(1000):
            throttle.hit("mail", f"victim{n}@example.ch")
        # then: the database cache has not culled the address's counter
        assert not throttle.hit("login", "203.0.113.66").allowed
