"""The weekly e-mail digest of chosen categories.

Subscribing is double opt-in: the request only mails a signed link carrying the choices, and
the address is stored when that link is confirmed (nobody can subscribe someone else, and an
unconfirmed address is kept nowhere). Each digest carries RFC 8058 one-click unsubscription
(`List-Unsubscribe` with an https link, `List-Unsubscribe-Post`): a POST to the link, with no
log-in and no CSRF token, ends the subscription at once. The weekly job claims a subscriber's
week before sending (compare-and-set on `last_sent_week`), so running it twice sends once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from commune.core.mail import mail_send
from commune.tenants import scoping
from commune.tenants.links import absolute_url
from commune.tenants.models import Module, Municipality

from . import recurrence, selectors
from .models import ZURICH, Category, DigestSubscription

logger = logging.getLogger("commune.agenda")

CONFIRM_SALT = "commune.agenda.digest.confirm"
UNSUBSCRIBE_SALT = "commune.agenda.digest.unsubscribe"
#: How long the confirmation link works.
CONFIRM_MAX_AGE = dt.timedelta(days=7)
#: The digest goes out from this local hour on (the job runs hourly; not at night).
SEND_HOUR = 7
WEEK = dt.timedelta(days=7)


class BadToken(Exception):
    """A link that is not ours, altered, expired, or of another town."""


# --- tokens ------------------------------------------------------------------------------


def confirm_token(*, municipality, email: str, categories: list[str], language: str) -> str:
    data = {"t": municipality.pk, "e": email, "c": categories, "l": language}
    return signing.dumps(data, salt=CONFIRM_SALT, compress=True)


def unsubscribe_token(subscription: DigestSubscription) -> str:
    return signing.dumps(
        {"t": subscription.municipality_id, "s": subscription.pk}, salt=UNSUBSCRIBE_SALT
    )


def _load(token: str, *, salt: str, municipality, max_age: dt.timedelta | None = None) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature as error:  # SignatureExpired is one
        raise BadToken from error
    if not isinstance(data, dict) or data.get("t") != municipality.pk:
        raise BadToken
    return data


def _link(name: str, *, municipality, token: str) -> str:
    path = reverse(f"agenda:digest:{name}", kwargs={"town": municipality.slug, "token": token})
    return absolute_url(path, municipality=municipality)


def unsubscribe_url(subscription: DigestSubscription) -> str:
    return _link(
        "unsubscribe",
        municipality=subscription.municipality,
        token=unsubscribe_token(subscription),
    )


# --- subscribing -------------------------------------------------------------------------


def digest_subscribe_request(
    *, municipality, email: str, categories: list[str], language: str
) -> None:
    """Mail the confirmation link for these choices (sent after commit, by a job)."""
    email = email.strip().lower()
    categories = sorted({c for c in categories if c in Category.values})
    token = confirm_token(
        municipality=municipality, email=email, categories=categories, language=language
    )
    url = _link("confirm", municipality=municipality, token=token)
    transaction.on_commit(
        lambda: digest_confirm_mail.enqueue(
            municipality_id=municipality.pk, email=email, url=url, language=language
        )
    )


@task()
def digest_confirm_mail(*, municipality_id: int, email: str, url: str, language: str) -> int:
    town = Municipality.objects.get(pk=municipality_id)
    return mail_send(
        to=email,
        template="agenda_digest_confirm",
        context={"town": town, "url": url, "days": CONFIRM_MAX_AGE.days},
        language=language,
    )


def digest_confirm_read(*, municipality, token: str) -> dict:
    """The choices a confirmation link carries (BadToken if it is not valid)."""
    return _load(token, salt=CONFIRM_SALT, municipality=municipality, max_age=CONFIRM_MAX_AGE)


@transaction.atomic
def digest_confirm(*, municipality, token: str, now: dt.datetime) -> DigestSubscription:
    """Store the subscription the link carries, confirmed; an existing one of the address
    takes the new choices (and is active again if it was unsubscribed)."""
    data = digest_confirm_read(municipality=municipality, token=token)
    subscription, _created = DigestSubscription.objects.select_for_update().get_or_create(
        municipality=municipality,
        email=data["e"],
        defaults={"categories": data["c"], "language": data["l"], "confirmed_at": now},
    )
    subscription.categories = data["c"]
    subscription.language = data["l"]
    subscription.confirmed_at = subscription.confirmed_at or now
    subscription.unsubscribed_at = None
    subscription.save(
        update_fields=["categories", "language", "confirmed_at", "unsubscribed_at", "updated_at"]
    )
    logger.info("agenda digest confirmed", extra={"subscription": subscription.pk})
    return subscription


def digest_subscription_for_token(*, municipality, token: str) -> DigestSubscription:
    data = _load(token, salt=UNSUBSCRIBE_SALT, municipality=municipality)
    found = DigestSubscription.objects.filter(municipality=municipality, pk=data.get("s")).first()
    if found is None:
        raise BadToken
    return found


def digest_unsubscribe(*, municipality, token: str, now: dt.datetime) -> DigestSubscription:
    """End the subscription at once (RFC 8058 one-click); doing it again changes nothing."""
    subscription = digest_subscription_for_token(municipality=municipality, token=token)
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = now
        subscription.save(update_fields=["unsubscribed_at", "updated_at"])
        logger.info("agenda digest unsubscribed", extra={"subscription": subscription.pk})
    return subscription


# --- the weekly sending ------------------------------------------------------------------


def week_of(now: dt.datetime) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """(Monday, from, until) of the digest of `now`'s week: from now to next Monday 00:00."""
    local = recurrence.local(now)
    monday = local.date() - dt.timedelta(days=local.weekday())
    until = dt.datetime.combine(monday + WEEK, dt.time(), tzinfo=ZURICH)
    return monday, local, until


def _claim(subscription: DigestSubscription, monday: dt.date) -> bool:
    """Take this week's sending for `subscription`; False if it was taken already."""
    not_yet = Q(last_sent_week__isnull=True) | Q(last_sent_week__lt=monday)
    return bool(
        DigestSubscription.objects.filter(not_yet, pk=subscription.pk).update(last_sent_week=monday)
    )


def _message(*, subscription, listed, town, monday) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(subscription)
    urls: dict[int, str] = {}
    for item in listed:
        if item.event.pk not in urls:
            path = reverse("agenda:event", kwargs={"town": town.slug, "event_id": item.event.pk})
            urls[item.event.pk] = absolute_url(path, municipality=town)
    context = {
        "town": town,
        "listed": [(item, urls[item.event.pk]) for item in listed],
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "categories": [Category(c).label for c in subscription.categories],
        "unsubscribe_url": unsubscribe,
        "agenda_url": absolute_url(
            reverse("agenda:list", kwargs={"town": town.slug}), municipality=town
        ),
    }
    with translation.override(subscription.language or town.default_language):
        subject = " ".join(render_to_string("emails/agenda_digest.subject.txt", context).split())
        text = render_to_string("emails/agenda_digest.txt", context)
        html = render_to_string("emails/agenda_digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_week_send(*, municipality, now: dt.datetime) -> int:
    """Send this week's digest to every active subscriber of the town who has not had it,
    with the coming dates of their categories (none: nothing sent, the week counts as done).
    Returns the number of mails sent."""
    if recurrence.local(now).hour < SEND_HOUR:
        return 0
    monday, after, until = week_of(now)
    listed = selectors.occurrence_search(
        municipality=municipality, filters=selectors.Filters(), now=after, horizon=until - after
    )
    subscribers = DigestSubscription.objects.filter(
        municipality=municipality, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).exclude(last_sent_week__gte=monday)
    sent = 0
    for subscription in subscribers:
        theirs = [item for item in listed if item.event.category in subscription.categories]
        if not _claim(subscription, monday):
            continue
        if not theirs:
            continue
        previous = subscription.last_sent_week
        try:
            sent += _message(
                subscription=subscription, listed=theirs, town=municipality, monday=monday
            ).send()
        except Exception:
            # give the week back, so that the next run tries again
            DigestSubscription.objects.filter(pk=subscription.pk).update(last_sent_week=previous)
            logger.exception("agenda digest failed", extra={"subscription": subscription.pk})
    logger.info("agenda digest sent", extra={"town": municipality.pk, "sent": sent})
    return sent


def digest_tick(*, now: dt.datetime) -> int:
    """The weekly digest of every town with the agenda (the periodic job's body)."""
    sent = 0
    for town in Municipality.objects.filter(is_active=True):
        if not town.has_module(Module.AGENDA):
            continue
        with scoping.scope(town):
            sent += digest_week_send(municipality=town, now=now)
    return sent
