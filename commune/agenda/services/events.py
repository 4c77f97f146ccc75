"""An event's life: created by an organisation's member (or the town), submitted, published
or rejected by a moderator, or published at once when the town trusts its organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.core.idempotency import owned_key

from .. import recurrence, workflow
from ..models import Event, PriceKind, TrustedOrganisation, Venue
from .notify import notify_later
from .search import event_search_text

AUDITED = ["status", "title", "starts_at", "rrule", "rejection_reason"]


@dataclass(frozen=True)
class EventInput:
    """What an organiser enters; `start` is a local (Zurich) date and time."""

    title: str
    category: str
    venue: Venue
    start: dt.datetime
    duration: dt.timedelta
    description: str = ""
    audiences: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    price_kind: str = PriceKind.FREE
    price_amount: Decimal | None = None
    neighbourhood: str = ""
    recurrence: recurrence.Spec = recurrence.Spec()
    capacity: int | None = None


def _clean(data: EventInput) -> None:
    errors = {}
    if data.price_kind == PriceKind.AMOUNT and not data.price_amount:
        errors["price_amount"] = _("Give the price in francs, or choose another kind of price.")
    if data.duration <= dt.timedelta(0) or data.duration > dt.timedelta(days=14):
        errors["duration"] = _("The duration must be between one minute and 14 days.")
    spec = data.recurrence
    if spec.until and spec.until < data.start.date():
        errors["until"] = _("The last date cannot be before the first one.")
    if spec.count and not 1 <= spec.count <= recurrence.MAX_COUNT:
        errors["count"] = _("The number of dates must be between 1 and %(max)s.") % {
            "max": recurrence.MAX_COUNT
        }
    if spec.kind in (recurrence.WEEKLY, recurrence.MONTHLY) and not (spec.until or spec.count):
        errors["until"] = _("Say until when the activity recurs, or how many times.")
    if spec.kind == recurrence.DATES and not spec.dates:
        errors["dates"] = _("Choose at least one date.")
    if errors:
        raise ValidationError(errors)


def _apply(event: Event, data: EventInput) -> Event:
    _clean(data)
    start = recurrence.local(data.start)
    rule, rdates = recurrence.rule_from_spec(data.recurrence, start=start)
    if rule:
        # DTSTART is the rule's first date (RFC 5545: a DTSTART off the rule is undefined).
        first = recurrence.rule_set(starts_at=start, rrule=rule, rdates=[], exdates=[])
        start = next(iter(first), None) or start
        if first.after(start - dt.timedelta(seconds=1), inc=True) is None:
            raise ValidationError({"until": _("This recurrence gives no date at all.")})
    for name in ("title", "category", "venue", "duration", "description", "neighbourhood"):
        setattr(event, name, getattr(data, name))
    event.audiences = sorted(set(data.audiences))
    event.languages = sorted(set(data.languages))
    event.capacity = data.capacity
    event.price_kind = data.price_kind
    event.price_amount = data.price_amount if data.price_kind == PriceKind.AMOUNT else None
    event.starts_at = start
    event.rrule = rule
    event.rdates = rdates
    event.exdates = []
    event.search_text = event_search_text(event)
    return event


@transaction.atomic
def event_create(
    *, municipality, user, organisation, data: EventInput, key: uuid.UUID | str
) -> Event:
    """A draft for `organisation` (None: the town itself). The form's key makes a second
    post of the same form return the first draft instead of a copy."""
    stored_key = owned_key(owner=user, key=key)
    existing = Event.objects.filter(submission_key=stored_key).first()
    if existing is not None:
        return existing
    event = Event(
        municipality=municipality,
        organisation=organisation,
        created_by=user,
        submission_key=stored_key,
    )
    _apply(event, data)
    event.save()
    audit.record(actor=user, obj=event, action="event_create", after=audit.snapshot(event, AUDITED))
    return event


@transaction.atomic
def event_update(*, event: Event, user, data: EventInput) -> Event:
    """Change a draft or a rejected event (published ones change date by date)."""
    if event.status not in workflow.EDITABLE:
        raise workflow.TransitionNotAllowed(event.status, event.status, workflow.ORGANISER)
    before = audit.snapshot(event, AUDITED)
    _apply(event, data)
    event.save()
    event.changes.all().delete()
    audit.record(
        actor=user,
        obj=event,
        action="event_update",
        before=before,
        after=audit.snapshot(event, AUDITED),
    )
    return event


def is_trusted(*, municipality, organisation) -> bool:
    if organisation is None:
        return False
    return TrustedOrganisation.objects.filter(
        municipality=municipality, organisation=organisation
    ).exists()


def _move(event: Event, target: str, *, actor_kind: str, user, now, action: str, **extra) -> Event:
    workflow.check(event.status, target, actor=actor_kind)
    before = audit.snapshot(event, AUDITED)
    event.status = target
    fields = ["status", "updated_at"]
    if target == Event.Status.PUBLISHED:
        event.published_at = now
        event.rejection_reason = ""
        fields += ["published_at", "rejection_reason"]
    if "reason" in extra:
        event.rejection_reason = extra["reason"]
        fields.append("rejection_reason")
    event.save(update_fields=fields)
    audit.record(
        actor=user,
        obj=event,
        action=action,
        before=before,
        after=audit.snapshot(event, AUDITED),
        comment=extra.get("reason", ""),
    )
    return event


@transaction.atomic
def event_submit(*, event: Event, user, now: dt.datetime) -> Event:
    """Send the event to moderation; a trusted organisation's is published at once."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if is_trusted(municipality=event.municipality, organisation=event.organisation):
        return _move(
            event,
            "published",
            actor_kind=workflow.TRUSTED,
            user=user,
            now=now,
            action="event_publish",
        )
    event = _move(
        event, "submitted", actor_kind=workflow.ORGANISER, user=user, now=now, action="event_submit"
    )
    notify_later("submitted", event_id=event.pk)
    return event


@transaction.atomic
def event_publish(*, event: Event, moderator, now: dt.datetime) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    event = _move(
        event,
        "published",
        actor_kind=workflow.MODERATOR,
        user=moderator,
        now=now,
        action="event_publish",
    )
    notify_later("published", event_id=event.pk)
    return event


@transaction.atomic
def event_reject(*, event: Event, moderator, reason: str, now: dt.datetime) -> Event:
    """Send the event back with the moderator's reason, which its organiser receives by mail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so that the organiser can correct it.")})
    event = Event.objects.select_for_update().get(pk=event.pk)
    event = _move(
        event,
        "rejected",
        actor_kind=workflow.MODERATOR,
        user=moderator,
        now=now,
        action="event_reject",
        reason=reason,
    )
    notify_later("rejected", event_id=event.pk)
    return event


@transaction.atomic
def event_cancel(*, event: Event, user, actor_kind: str, now: dt.datetime) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    return _move(
        event, "cancelled", actor_kind=actor_kind, user=user, now=now, action="event_cancel"
    )


@transaction.atomic
def organisation_trust(*, municipality, organisation, moderator, trusted: bool) -> bool:
    """Trust (or stop trusting) `organisation` for the town's agenda; returns the new state."""
    rows = TrustedOrganisation.objects.filter(municipality=municipality, organisation=organisation)
    if trusted:
        TrustedOrganisation.objects.get_or_create(
            municipality=municipality, organisation=organisation, defaults={"trusted_by": moderator}
        )
    else:
        rows.delete()
    audit.record(
        actor=moderator,
        obj=municipality,
        action="organisation_trust",
        after={"organisation": organisation.pk, "trusted": trusted},
    )
    return trusted
