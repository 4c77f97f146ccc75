"""Registration for one date of an event: confirmed while places remain, else on the
waitlist; a place that frees up is offered to the first waiting person, who has a time to
confirm that follows how they are told — 24 h by e-mail or SMS, 4 working days by letter
(notify.offer_deadline, decision 0016) — before the next one is asked
(`registration_offers_expire`, run by the periodic job). Staff register "on behalf of"
someone without e-mail (counter, phone), who is told by SMS or letter (notify.py decides).
Help's "Accompany me" marks the registration of a person a neighbour comes with
(`registration_accompanied_set`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.core.sms import phone_normalise

from .. import recurrence
from ..models import HOLDING, DateChange, Event, Registration
from .notify import (
    OFFER_TIME,  # noqa: F401 - the e-mail/SMS time, read by the tests
    offer_deadline,
    registration_channel,
    registration_notify_later,
)


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
    address: str = "",
    channel: str = Registration.Channel.ONLINE,
    registered_by=None,
) -> Registration:
    """Register someone for a date: confirmed if a place remains, else on the waitlist. A
    person with an account registers once per date (a second try returns the first). Someone
    registered on their behalf is told by their channel (e-mail, SMS or letter)."""
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
    address = "\n".join(line.strip() for line in (address or "").splitlines() if line.strip())
    if channel != Registration.Channel.ONLINE and not (email or phone or address):
        raise ValidationError(
            {"phone": _("Give a phone number, an e-mail or a postal address to reach them.")}
        )
    if phone:
        try:
            phone = phone_normalise(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    full = places_taken(event=event, original_start=original) >= event.capacity
    registration = Registration.objects.create(
        municipality=event.municipality,
        event=event,
        original_start=original,
        user=user,
        name=name.strip(),
        email=email or (user.email if user else ""),
        phone=phone,
        address=address,
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
    if channel != Registration.Channel.ONLINE:
        registration_notify_later(registration.status, registration_id=registration.pk)
    return registration


def _held_at(event: Event, original_start: dt.datetime) -> dt.datetime | None:
    """When the date keyed `original_start` takes place (moved or not); None when it is
    cancelled, or the event is no longer published."""
    if event.status != Event.Status.PUBLISHED:
        return None
    change = DateChange.objects.filter(event=event, original_start=original_start).first()
    if change is not None and change.cancelled:
        return None
    return change.starts_at if change is not None and change.starts_at else original_start


def _offer_next(
    *, event: Event, original_start: dt.datetime, now: dt.datetime
) -> Registration | None:
    """The first person waiting is offered the freed place, for the time their channel gives
    (`offer_deadline`), never past the date's start; no offer for a date begun, cancelled, or
    of an event withdrawn."""
    starts = _held_at(event, original_start)
    if starts is None or starts <= now:
        return None
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
    following.offered_until = offer_deadline(
        channel=registration_channel(following),
        now=now,
        starts=starts,
        canton=event.municipality.canton,
    )
    following.save(update_fields=["status", "offered_until", "updated_at"])
    audit.record(
        actor=None,
        obj=event,
        action="registration_offer",
        after={"registration": following.pk, "until": following.offered_until},
    )
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
def registration_confirm(
    *, registration: Registration, now: dt.datetime, user=None
) -> Registration:
    """The person offered a place takes it, before the offer expires (or staff take it for
    them when they call: `user`)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CONFIRMED:
        return registration
    if registration.status != Registration.Status.OFFERED or now > registration.offered_until:
        raise ValidationError(_("This offer is no longer valid."))
    registration.status = Registration.Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=user,
        obj=registration.event,
        action="registration_confirm",
        after={"registration": registration.pk},
    )
    return registration


def registration_offers_expire(*, municipality, now: dt.datetime) -> int:
    """Offers past their time expire and go to the next person waiting; returns how many.
    Each in its own transaction, the event locked first as every registration change does
    (so a registration made meanwhile cannot take the same freed place), then re-checked."""
    due = list(
        Registration.objects.filter(
            municipality=municipality, status=Registration.Status.OFFERED, offered_until__lt=now
        ).values_list("pk", "event_id")
    )
    expired = 0
    for pk, event_id in due:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            registration = Registration.objects.select_for_update().get(pk=pk)
            if registration.status != Registration.Status.OFFERED or not (
                registration.offered_until and registration.offered_until < now
            ):
                continue  # confirmed or cancelled meanwhile
            registration.status = Registration.Status.EXPIRED
            registration.save(update_fields=["status", "updated_at"])
            _offer_next(event=event, original_start=registration.original_start, now=now)
            expired += 1
    return expired


def _original_start(event: Event, starts_at: dt.datetime) -> dt.datetime:
    """The key of the date that starts at `starts_at`: its planned start, even if moved."""
    moved = DateChange.objects.filter(event=event, starts_at=starts_at).first()
    return moved.original_start if moved else starts_at


def registration_of(
    *, event: Event, starts_at: dt.datetime, user=None, phone: str = ""
) -> Registration | None:
    """The standing registration (not cancelled nor expired) of a person for the date of
    `event` that starts at `starts_at`: by account, else by phone number (counter, phone)."""
    rows = Registration.objects.filter(
        event=event, original_start=_original_start(event, starts_at)
    ).exclude(status__in=[Registration.Status.CANCELLED, Registration.Status.EXPIRED])
    if user is not None:
        return rows.filter(user=user).first()
    try:
        number = phone_normalise(phone)
    except ValidationError:
        return None
    return rows.filter(phone=number).first()


@transaction.atomic
def registration_accompanied_set(
    *, registration: Registration, accompanied: bool, actor=None
) -> Registration:
    """Say that a neighbour comes with the person (help's "Accompany me" matched), or no
    longer; the organiser's attendee list shows it."""
    if registration.accompanied != accompanied:
        registration.accompanied = accompanied
        registration.save(update_fields=["accompanied", "updated_at"])
        audit.record(
            actor=actor,
            obj=registration.event,
            action="registration_accompanied",
            after={"registration": registration.pk, "accompanied": accompanied},
        )
    return registration
