"""Vendor feeds: a town's scheduled pulls from a counter vendor's HTTP export. A pulled file
goes through the same path as an upload (import_create, then import_job: quarantine, atomic
swap, re-import idempotency); a file identical to the last one pulled imports nothing."""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import logging
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from commune.accounts.models import Membership, Role
from commune.core import audit
from commune.core.idempotency import owned_key
from commune.core.mail import mail_send
from commune.tenants import scoping
from commune.tenants.links import absolute_url
from commune.tenants.models import Municipality

from ..models import VendorFeed
from .feed_fetch import FetchFailed, fetch
from .imports import import_create, import_job

logger = logging.getLogger("commune.mobility.feeds")
Outcome = VendorFeed.Outcome

#: After this many failed pulls in a row, the town's analysts get one e-mail.
FAILURES_BEFORE_MAIL = 3
#: A "pull now" the worker never took (a worker that died) may be asked again after this.
PULL_REQUEST_STALE = dt.timedelta(hours=1)
#: What the trail keeps of a feed: never its password or token.
AUDITED = ("name", "url", "auth", "username", "every_hours", "kind", "time_zone", "is_active")
#: What the form changes: an edit writes these only, never the worker's fields (last pull,
#: next pull, outcome) it read before a pull running meanwhile wrote them.
EDITED = (*AUDITED[:-1], "secret", "options", "updated_at")


def _audited(feed: VendorFeed) -> dict:
    return {name: getattr(feed, name) for name in AUDITED} | {"options": feed.options}


def feed_save(*, feed: VendorFeed, actor, secret: str = "", submission_key=None) -> VendorFeed:
    """Create or change a feed. An empty `secret` keeps the stored password or token; a feed
    without authentication keeps none. A new feed is pulled at the worker's next round. The
    form that adds a feed sent twice (same `submission_key`, the sender's own) gives back the
    first feed instead of a second one."""
    adding, fields = feed._state.adding, list(EDITED)
    if adding and submission_key:
        feed.submission_key = owned_key(owner=actor, key=submission_key)
        twice = VendorFeed.objects.filter(
            municipality_id=feed.municipality_id, submission_key=feed.submission_key
        )
        if (first := twice.first()) is not None:
            return first
    had_secret = bool(feed.secret) and not adding
    if secret:
        feed.secret = secret
    if feed.auth == VendorFeed.Auth.NONE:
        feed.username, feed.secret = "", ""
    # The trail says that the password or token changed (who, when), never what it is.
    if not feed.secret:
        secret_change = "removed" if had_secret else "none"
    elif secret:
        secret_change = "replaced" if had_secret else "set"
    else:
        secret_change = "kept"  # noqa: S105 (what happened to it, not a password)
    if feed.next_pull_at is None or adding:
        feed.next_pull_at = timezone.now()
        fields.append("next_pull_at")
    try:
        with transaction.atomic():
            feed.save(update_fields=None if adding else fields)
            action = "feed_created" if adding else "feed_changed"
            after = _audited(feed) | {"secret": secret_change}
            audit.record(actor=actor, obj=feed, action=action, after=after)
    except IntegrityError:
        if not (adding and submission_key):
            raise
        return twice.get()  # the other copy of the form won the race
    return feed


def feed_set_active(*, feed: VendorFeed, actor, active: bool) -> VendorFeed:
    """Stop pulling a feed (kept with its history), or pull it again from the next round."""
    feed.is_active = active
    fields = ["is_active", "updated_at"]
    if active:
        feed.next_pull_at = timezone.now()
        fields.append("next_pull_at")
    feed.save(update_fields=fields)
    audit.record(actor=actor, obj=feed, action="feed_activated" if active else "feed_deactivated")
    return feed


def feed_delete(*, feed: VendorFeed, actor) -> None:
    audit.record(actor=actor, obj=feed, action="feed_deleted", before=_audited(feed))
    feed.delete()


def feed_pull_request(*, feed: VendorFeed, now: dt.datetime | None = None) -> bool:
    """ "Pull now": one job for the feed, however often the button is pressed while it waits.
    Returns whether a job was enqueued."""
    now = now or timezone.now()
    waiting = Q(pull_requested_at__isnull=True) | Q(pull_requested_at__lt=now - PULL_REQUEST_STALE)
    claimed = VendorFeed.objects.filter(waiting, pk=feed.pk).update(pull_requested_at=now)
    if claimed:
        town_id, feed_id = feed.municipality_id, feed.pk
        transaction.on_commit(
            lambda: feed_pull_job.enqueue(municipality_id=town_id, feed_id=feed_id)
        )
    return bool(claimed)


@task()
def feed_pull_job(*, municipality_id: int, feed_id: int) -> str:
    """The job of feed_pull_request(): pull the feed now, in its town."""
    town = Municipality.objects.get(pk=municipality_id)
    with scoping.scope(town):
        feed = VendorFeed.objects.filter(pk=feed_id).first()
        if feed is None:
            return "gone"
        try:
            return feed_pull(feed=feed, now=timezone.now()).last_outcome
        except Exception as exc:
            # the exception's type only: its text could quote the URL or a header (the token)
            logger.error("feed pull crashed", extra={"feed": feed_id, "error": type(exc).__name__})
            return "crashed"
        finally:
            VendorFeed.objects.filter(pk=feed_id).update(pull_requested_at=None)


def feeds_pull_due(*, municipality: Municipality, now: dt.datetime) -> list[VendorFeed]:
    """Pull every active feed of the town whose time has come. Each is claimed by moving its
    next pull first (compare and set), so two workers never pull the same feed twice."""
    pulled = []
    due = VendorFeed.objects.filter(
        municipality=municipality, is_active=True, next_pull_at__lte=now
    )
    for feed in due:
        claimed = VendorFeed.objects.filter(pk=feed.pk, next_pull_at=feed.next_pull_at).update(
            next_pull_at=now + dt.timedelta(hours=feed.every_hours)
        )
        if claimed:
            feed.refresh_from_db()
            try:
                pulled.append(feed_pull(feed=feed, now=now))
            except Exception as exc:  # one feed's bug never stops the others' pulls
                # the exception's type only: its text could quote the URL
                logger.error(
                    "feed pull crashed", extra={"feed": feed.pk, "error": type(exc).__name__}
                )
    return pulled


def _headers(feed: VendorFeed) -> dict[str, str]:
    if feed.auth == VendorFeed.Auth.BASIC:
        pair = f"{feed.username}:{feed.secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    if feed.auth == VendorFeed.Auth.BEARER:
        return {"Authorization": f"Bearer {feed.secret}"}
    return {}


def _file_name(feed: VendorFeed) -> str:
    name = PurePosixPath(urlsplit(feed.url).path).name
    name = "".join(c for c in name if c.isalnum() or c in "._-")[:100]
    return name or f"feed-{feed.pk}.csv"


def feed_lock_path(feed: VendorFeed) -> Path:
    return (
        Path(settings.MEDIA_ROOT) / "mobility" / "feeds" / f"{feed.municipality_id}-{feed.pk}.lock"
    )


@contextmanager
def _pulling(feed: VendorFeed):
    """Whether this process holds the feed's pull: a "pull now" and the worker's round never
    pull the same feed at once. A file lock (SQLite and PostgreSQL alike), which the system
    releases when a pulling process dies."""
    path = feed_lock_path(feed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def feed_pull(*, feed: VendorFeed, now: dt.datetime) -> VendorFeed:
    """Download the feed's file into the imports' folder and import it, unless it is the file
    pulled last time; record how it went. A feed another pull holds is left to that pull."""
    with _pulling(feed) as held:
        if not held:
            logger.info("feed pull skipped: another pull holds it", extra={"feed": feed.pk})
            return feed
        # what the pull that just ended wrote (the file it imported, its failures)
        feed.refresh_from_db(fields=["last_sha256", "consecutive_failures", "last_import"])
        return _pull(feed=feed, now=now)


def _pull(*, feed: VendorFeed, now: dt.datetime) -> VendorFeed:
    relative = f"mobility/imports/{feed.municipality_id}/{uuid.uuid4().hex}/{_file_name(feed)}"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fetched = fetch(
            url=feed.url,
            headers=_headers(feed),
            path=path,
            max_bytes=settings.IMPORT_UPLOAD_MAX_BYTES,
        )
    except FetchFailed as exc:
        shutil.rmtree(path.parent, ignore_errors=True)
        return _failed(feed, now, exc)
    if fetched.sha256 == feed.last_sha256:
        shutil.rmtree(path.parent, ignore_errors=True)
        return _succeeded(feed, now, Outcome.UNCHANGED)
    with transaction.atomic():
        data_import = import_create(
            municipality=feed.municipality,
            kind=feed.kind,
            source_name=path.name,
            time_zone=feed.time_zone,
            options=feed.options,
        )
        data_import.file.name = relative
        data_import.save(update_fields=["file", "updated_at"])
        feed.last_sha256, feed.last_import = fetched.sha256, data_import
        _succeeded(feed, now, Outcome.OK)
        town_id, import_id = data_import.municipality_id, data_import.pk
        transaction.on_commit(
            lambda: import_job.enqueue(municipality_id=town_id, import_id=import_id)
        )
    return feed


def _succeeded(feed: VendorFeed, now: dt.datetime, outcome: str) -> VendorFeed:
    feed.last_pull_at, feed.last_outcome = now, outcome
    feed.last_error_key, feed.last_error_params, feed.consecutive_failures = "", {}, 0
    _save_outcome(feed)
    logger.info("feed pulled", extra={"feed": feed.pk, "outcome": outcome})
    return feed


def _failed(feed: VendorFeed, now: dt.datetime, exc: FetchFailed) -> VendorFeed:
    feed.last_pull_at, feed.last_outcome = now, Outcome.FAILED
    feed.last_error_key, feed.last_error_params = exc.key, exc.params
    feed.consecutive_failures += 1
    _save_outcome(feed)
    # the key only: never the URL (it may carry a token) nor the credentials
    logger.warning("feed pull failed", extra={"feed": feed.pk, "reason": exc.key})
    if feed.consecutive_failures == FAILURES_BEFORE_MAIL:
        _mail_analysts(feed)
    return feed


def _save_outcome(feed: VendorFeed) -> None:
    """The pull's outcome on the feed; a feed deleted while it was pulled stays deleted (its
    import, if any, stays like the imports of a deleted feed)."""
    fields = ("last_pull_at", "last_outcome", "last_error_key", "last_error_params")
    fields += ("consecutive_failures", "last_sha256", "last_import")
    VendorFeed.objects.filter(pk=feed.pk).update(
        **{name: getattr(feed, name) for name in fields}, updated_at=timezone.now()
    )


def _mail_analysts(feed: VendorFeed) -> int:
    """One e-mail to the town's mobility analysts when a feed has failed three times in a
    row (not one per pull after that)."""
    town = feed.municipality
    members = Membership.objects.filter(
        municipality=town, role=Role.MOBILITY_ANALYST
    ).select_related("user")
    url = absolute_url(reverse("mobility:feed-list", kwargs={"town": town.slug}), municipality=town)
    sent = 0
    for person in {m.user for m in members if m.user.is_active}:
        sent += mail_send(
            to=person.email,
            template="mobility_feed_failing",
            context={"feed": feed, "town": town, "url": url, "recipient": person},
            language=person.language or town.default_language,
        )
    return sent
