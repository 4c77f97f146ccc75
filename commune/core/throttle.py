"""Throttles: at most N hits per key in a fixed window of T seconds, counted in the cache.

Limits are named in settings.THROTTLES (name -> (hits, seconds)) and read at each call. A hit
takes its place in the counter *before* the work is done (`hit`), so that parallel requests
cannot all pass a check made before any of them counted; work that should not count (a
successful log-in) gives its place back (`refund`).

Counters are atomic: Redis and the local-memory cache increment atomically (cache.add creates
the window's counter, cache.incr adds to it). Django's database cache increments by reading
then writing, which loses hits under concurrency and resets the expiry, so on it the counter is
read and written inside one transaction that holds a lock on the key.
"""

from __future__ import annotations

import hashlib
import math
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (a Retry-After header's value)
    count: int
    counter: str  # the window's cache key, so that a refund goes back to the same window


def hit(name: str, key: str) -> Verdict:
    """Count one hit of `key` against the limit `name`; refused past the limit."""
    limit, period = settings.THROTTLES[name]
    counter, expires_in = _window(name, key, period, time.time())
    count = _add(counter, 1, expires_in)
    return Verdict(allowed=count <= limit, retry_after=expires_in, count=count, counter=counter)


def refund(verdict: Verdict) -> None:
    """Give back the hit `verdict` counted (the work did not count), in its own window: a
    window that has ended since is left alone, so no later window starts below zero."""
    cache = caches["default"]
    if cache.get(verdict.counter) is not None:
        _add(verdict.counter, -1, verdict.retry_after)


def _window(name: str, key: str, period: int, now: float) -> tuple[str, int]:
    """The cache key of the current window for `key` and the seconds left in that window.
    The key is hashed: it may be an e-mail address or a token, never stored as such."""
    index = int(now // period)
    digest = hashlib.sha256(f"{name}:{key}".encode()).hexdigest()[:32]
    expires_in = max(1, math.ceil((index + 1) * period - now))
    return f"throttle:{name}:{digest}:{index}", expires_in


def _add(counter: str, delta: int, expires_in: int) -> int:
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        return _add_in_database(cache, counter, delta, expires_in)
    if cache.add(counter, delta, expires_in):
        return delta
    try:
        return cache.incr(counter, delta)
    except ValueError:  # the window expired between add and incr: start it again
        cache.add(counter, delta, expires_in)
        return delta


def _add_in_database(cache: DatabaseCache, counter: str, delta: int, expires_in: int) -> int:
    alias = router.db_for_write(cache.cache_model_class)
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(counter.encode())])
        # SQLite: our transactions begin IMMEDIATE (settings), so this one already holds the
        # database's write lock and no other writer can read-then-write in between.
        count = cache.get(counter, 0) + delta
        cache.set(counter, count, expires_in)
    return count
