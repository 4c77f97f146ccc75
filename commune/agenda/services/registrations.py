"""Registration for one date of an event: confirmed while places remain, else on the
waitlist; a place that frees up is offered to the first waiting person, told by mail, who
has OFFER_TIME to confirm before the next one is asked (`registration_offers_expire`, run by
the periodic job). Staff register "on behalf of" someone without e-mail (counter, phone)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit

from .. import recurrence
from ..models import Event, Registration
from .notify import registration_notify_later

OFFER_TIME = dt.timedelta(hours=24)
#: The statuses that hold a place.
HOLDING = (Registration.Status.CONFIRMED, Registration.Status.OFFERED)


def _planned(event: Event, original_start: dt.datetime) -> dt.datetime:
    original = recurrence.local(original_start)
    dates = recurrence.rule_set(
        starts_at=event.starts_at, rrule=event.rrule, rdates=event.rdates, exdates=event.exdates
    )
    cancelled = event.changes.filter(original_start=original, cancelled=True).exists()
    if original not in dates or cancelled or event.status != Event.Status.PUBLISHED:
        raise ValidationError(_("One cannot register for this date."))
    return original


def places_taken(*, event: Event, original_start: dt.datetime) -> int:
    return Registration.objects.filter(
        event=event, original_start=original_start, status__in=HOLDING
    ).count()


@transaction.atomic
def registration_create(
    *,
    event: Event,
    original_start: dt.datetime,
    name: str,
    now: dt.datetime,
    user=None,
    email: str = "",
    phone: str = "",
    channel: str = Registration.Channel.ONLINE,
    registered_by=None,
) -> Registration:
    """Register someone for a date: confirmed if a place remains, else on the waitlist. A
    person with an account registers once per date (a second try returns the first)."""
    if event.capacity is None:
        raise ValidationError(_("This activity needs no registration."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    original = _planned(event, original_start)
    if user is not None:
        existing = Registration.objects.filter(
            event=event, original_start=original, user=user
        ).exclude(status__in=[Registration.Status.CANCELLED, Registration.Status.EXPIRED])
        if existing.exists():
            return existing.get()
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the name of the person who comes.")})
    if channel != Registration.Channel.ONLINE and not (email or phone):
        raise ValidationError({"phone": _("Give a phone number (or an e-mail) to reach them.")})
    full = places_taken(event=event, original_start=original) >= event.capacity
    registration = Registration.objects.create(
        municipality=event.municipality,
        event=event,
        original_start=original,
        user=user,
        name=name.strip(),
        email=email or (user.email if user else ""),
        phone=phone,
        channel=channel,
        registered_by=registered_by,
        status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
    )
    audit.record(
        actor=registered_by or user,
        obj=event,
        action="registration_create",
        after={"registration": registration.pk, "status": registration.status},
    )
    return registration


def _offer_next(
    *, event: Event, original_start: dt.datetime, now: dt.datetime
) -> Registration | None:
    if places_taken(event=event, original_start=original_start) >= event.capacity:
        return None
    following = (
        Registration.objects.select_for_update()
        .filter(event=event, original_start=original_start, status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if following is None:
        return None
    following.status = Registration.Status.OFFERED
    following.offered_until = now + OFFER_TIME
    following.save(update_fields=["status", "offered_until", "updated_at"])
    audit.record(
        actor=None,
        obj=event,
        action="registration_offer",
        after={"registration": following.pk, "until": following.offered_until},
    )
    if following.email:
        registration_notify_later("offered", registration_id=following.pk)
    return following


@transaction.atomic
def registration_cancel(*, registration: Registration, now: dt.datetime, user=None) -> Registration:
    """Cancel a registration; its place goes to the first person waiting."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.EXPIRED):
        return registration
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=user, obj=event, action="registration_cancel", after={"registration": registration.pk}
    )
    _offer_next(event=event, original_start=registration.original_start, now=now)
    return registration


@transaction.atomic
def registration_confirm(*, registration: Registration, now: dt.datetime) -> Registration:
    """The person offered a place takes it, before the offer expires."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CONFIRMED:
        return registration
    if registration.status != Registration.Status.OFFERED or now > registration.offered_until:
        raise ValidationError(_("This offer is no longer valid."))
    registration.status = Registration.Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    return registration


@transaction.atomic
def registration_offers_expire(*, municipality, now: dt.datetime) -> int:
    """Offers past their time expire and go to the next person waiting; returns how many."""
    expired = list(
        Registration.objects.select_for_update().filter(
            municipality=municipality, status=Registration.Status.OFFERED, offered_until__lt=now
        )
    )
    for registration in expired:
        registration.status = Registration.Status.EXPIRED
        registration.save(update_fields=["status", "updated_at"])
        _offer_next(event=registration.event, original_start=registration.original_start, now=now)
    return len(expired)
