"""Who is told what about an event: the moderators of a submission; the organiser's members
of its publication or its rejection with the reason. Sent after commit by a job, one message
per person in that person's language.

A registered person is told of their registration made on their behalf, and of a place
offered from the waitlist, through one channel that `registration_channel()` alone decides:
e-mail when they have one, else an SMS to a mobile number, else a letter queued for the day's
post (`RegistrationLetter`, printed by services/letters.py). The time to take an offered place
follows that channel (`offer_deadline`, decision 0016). Nobody is left untold: an SMS the
provider refuses becomes a letter when there is an address, else — as a place offered to
someone with no channel at all — a call for staff to make (`RegistrationCall`, listed on the
organiser's attendee page and the day's post page until someone marks it done)."""

from __future__ import annotations

import datetime as dt
import logging

import holidays
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from commune.accounts.models import Membership, OrganisationMember, Role
from commune.core.mail import mail_send
from commune.core.sms import SmsError, is_mobile, phone_display, send_sms
from commune.tenants import scoping
from commune.tenants.links import absolute_url

from .. import recurrence
from ..models import DateChange, Event, Registration
from ..models.registration import RegistrationCall, RegistrationLetter

logger = logging.getLogger("commune.agenda")

EVENTS = {"submitted", "published", "rejected"}


def notify_later(kind: str, *, event_id: int) -> None:
    assert kind in EVENTS, kind
    transaction.on_commit(lambda: agenda_notify.enqueue(kind=kind, event_id=event_id))


def _organisers(event: Event) -> list:
    if event.organisation_id is None:
        return [event.created_by] if event.created_by_id else []
    members = OrganisationMember.objects.filter(organisation_id=event.organisation_id)
    return [m.user for m in members.select_related("user") if m.user.is_active]


def _moderators(event: Event) -> list:
    members = Membership.objects.filter(role=Role.AGENDA_MODERATOR).select_related("user")
    return [m.user for m in members if m.user.is_active]


#: The page each mail links to: the queue for moderators, the event for its organisers.
PAGES = {"submitted": "agenda:queue", "published": "agenda:event", "rejected": "agenda:edit"}


def _url(kind: str, event: Event) -> str:
    kwargs = {"town": event.municipality.slug}
    if kind != "submitted":
        kwargs["event_id"] = event.pk
    return absolute_url(reverse(PAGES[kind], kwargs=kwargs), municipality=event.municipality)


def send(*, kind: str, event: Event) -> int:
    people = _moderators(event) if kind == "submitted" else _organisers(event)
    url = _url(kind, event)
    sent = 0
    for person in people:
        sent += mail_send(
            to=person.email,
            template=f"agenda_{kind}",
            context={"event": event, "town": event.municipality, "recipient": person, "url": url},
            language=person.language,
        )
    logger.info("agenda mail sent", extra={"kind": kind, "event": event.pk, "sent": sent})
    return sent


@task()
def agenda_notify(*, kind: str, event_id: int) -> int:
    """The job of notify_later(): the e-mails of `kind`, in the event's town."""
    with scoping.scopes_disabled():
        town = Event.objects.select_related("municipality").get(pk=event_id).municipality
    with scoping.scope(town):
        event = Event.objects.select_related("municipality", "organisation", "created_by").get(
            pk=event_id
        )
        return send(kind=kind, event=event)


#: What a registered person is told: their registration (made for them at the counter or on
#: the phone), that they wait, that a place is offered to them.
REGISTRATION_KINDS = {"confirmed", "waiting", "offered"}
MAIL, SMS, LETTER, CALL = "mail", "sms", "letter", "call"
#: The longest title an SMS carries, so that the message fits in one SMS where possible.
SMS_TITLE = 40


def registration_channel(registration: Registration) -> str | None:
    """How `registration`'s person is told: e-mail, else SMS to a mobile number, else a letter
    to their postal address; None when there is no way (staff tell them themselves)."""
    if registration.email:
        return MAIL
    if registration.phone and is_mobile(registration.phone):
        return SMS
    if registration.address.strip():
        return LETTER
    return None


#: Time to take an offered place told by e-mail or SMS (read within the day).
OFFER_TIME = dt.timedelta(hours=24)
#: Told by letter: printed in the day's post, delivered in 1 to 3 working days (B-Post), and
#: the reply is a phone call in office hours: the end of the 4th working day after the offer.
LETTER_WORKING_DAYS = 4
#: Staff must phone the person (no channel, or the SMS failed without an address): the end of
#: the next working day, so that a call can be made in office hours.
CALL_WORKING_DAYS = 1
OFFICE_CLOSES = dt.time(18, 0)


def _working_day_after(day: dt.date, days: int, canton: str) -> dt.date:
    """The `days`-th working day after `day` (weekends and the canton's holidays skipped)."""
    closed = holidays.Switzerland(subdiv=canton or None, years=[day.year, day.year + 1])
    while days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            days -= 1
    return day


def offer_deadline(
    *, channel: str | None, now: dt.datetime, starts: dt.datetime, canton: str
) -> dt.datetime:
    """Until when a place offered now can be taken by a person told through `channel`: 24 h
    by e-mail or SMS; by letter the end of office hours 4 working days on, by a staff call the
    next working day; never past the start of the date."""
    if channel in (MAIL, SMS):
        until = now + OFFER_TIME
    else:
        days = LETTER_WORKING_DAYS if channel == LETTER else CALL_WORKING_DAYS
        day = _working_day_after(recurrence.local(now).date(), days, canton)
        until = dt.datetime.combine(day, OFFICE_CLOSES, tzinfo=recurrence.ZURICH)
    return min(until, starts)


def registration_notify_later(kind: str, *, registration_id: int) -> None:
    assert kind in REGISTRATION_KINDS, kind
    transaction.on_commit(
        lambda: registration_notify.enqueue(kind=kind, registration_id=registration_id)
    )


def _short(title: str) -> str:
    return title if len(title) <= SMS_TITLE else title[: SMS_TITLE - 1].rstrip() + "…"


def registration_date(registration: Registration):
    """The start and venue of the registered date as it now stands: a moved date's new time,
    a date held elsewhere its other venue."""
    change = DateChange.objects.filter(
        event=registration.event, original_start=registration.original_start
    ).first()
    start = (change.starts_at if change else None) or registration.original_start
    venue = (change.venue if change else None) or registration.event.venue
    return recurrence.local(start), venue


def _where(venue) -> str:
    return ", ".join(part for part in (venue.name, venue.address) if part)


def registration_contact(registration: Registration) -> str:
    """Whom a person without e-mail calls to take an offered place: the person who registered
    them (their phone when known), else the organiser."""
    staff = registration.registered_by
    if staff is not None and staff.phone:
        return phone_display(staff.phone)
    event = registration.event
    if staff is not None and staff.full_name:
        return staff.full_name
    return event.organisation.name if event.organisation_id else event.municipality.name


def registration_sms_body(kind: str, registration: Registration) -> str:
    """The SMS of `kind`, in the active language: the activity, date, time and place, and for
    an offered place whom to call and until when; kept short (one SMS where possible)."""
    town = registration.event.municipality
    start, venue = registration_date(registration)
    values = {
        "town": town.name,
        "title": _short(registration.event.title),
        "when": f"{start:%d.%m.%Y %H:%M}",
        "where": _where(venue),
    }
    if kind == "confirmed":
        text = _("%(town)s: you are registered for %(title)s, %(when)s, %(where)s.")
    elif kind == "waiting":
        text = _(
            "%(town)s: %(title)s, %(when)s is full. You are on the waitlist; we will tell "
            "you if a place frees up."
        )
    else:
        values["call"] = registration_contact(registration)
        values["until"] = f"{recurrence.local(registration.offered_until):%d.%m. %H:%M}"
        text = _(
            "%(town)s: a place is free for %(title)s, %(when)s. To take it, call %(call)s "
            "before %(until)s."
        )
    return text % values


def _letter(kind: str, registration: Registration) -> int:
    _letter_obj, created = RegistrationLetter.objects.get_or_create(
        municipality=registration.municipality,
        registration=registration,
        kind=kind,
        defaults={},
    )
    return int(created)


def _offer_extend(registration: Registration, channel: str, now: dt.datetime) -> None:
    """An offer whose SMS failed is told by letter or by a call: it gets that channel's time
    (never shortened; only while it is still open)."""
    start, _venue = registration_date(registration)
    until = offer_deadline(
        channel=channel, now=now, starts=start, canton=registration.municipality.canton
    )
    if registration.offered_until is None or until > registration.offered_until:
        changed = Registration.objects.filter(
            pk=registration.pk, status=Registration.Status.OFFERED
        ).update(offered_until=until)
        if changed:
            registration.offered_until = until


def _call(kind: str, registration: Registration, reason: str, language: str) -> int:
    """Put the person in front of staff: their phone and what to tell them (the SMS text)."""
    with translation.override(language):
        message = registration_sms_body(kind, registration)
    _call_obj, created = RegistrationCall.objects.get_or_create(
        municipality=registration.municipality,
        registration=registration,
        kind=kind,
        done_at=None,
        defaults={"reason": reason, "message": message},
    )
    return int(created)


def registration_send(
    *, kind: str, registration: Registration, now: dt.datetime | None = None
) -> tuple[str | None, int]:
    """Tell `registration`'s person about `kind` through their channel; returns the channel
    and how many messages went (a letter or a call counts when queued). An SMS the provider
    refuses becomes a letter when there is an address, else a call for staff to make; an
    offer then gets that channel's time. A place offered to someone with no channel at all
    is a call too (a registration staff made for them, staff were told on the spot)."""
    now = now or timezone.now()
    town = registration.municipality
    channel = registration_channel(registration)
    language = registration.user.language if registration.user else town.default_language
    if channel == MAIL:
        url = _url("published", registration.event)
        return channel, mail_send(
            to=registration.email,
            template=f"agenda_registration_{kind}",
            context={
                "event": registration.event,
                "town": town,
                "registration": registration,
                "url": url,
            },
            language=language,
        )
    if channel == SMS:
        with translation.override(language):
            body = registration_sms_body(kind, registration)
        try:
            send_sms(registration.phone, body, municipality=town)
        except SmsError:
            fallback = LETTER if registration.address.strip() else CALL
            logger.warning(
                "sms refused", extra={"registration": registration.pk, "fallback": fallback}
            )
            if kind == "offered":
                _offer_extend(registration, fallback, now)
            if fallback == LETTER:
                return LETTER, _letter(kind, registration)
            return CALL, _call(kind, registration, RegistrationCall.Reason.SMS_FAILED, language)
        return channel, 1
    if channel == LETTER:
        return channel, _letter(kind, registration)
    if kind == "offered":
        return CALL, _call(kind, registration, RegistrationCall.Reason.NO_CHANNEL, language)
    return None, 0


@task()
def registration_notify(*, kind: str, registration_id: int) -> int:
    """The job of registration_notify_later(): one message by the person's channel."""
    with scoping.scopes_disabled():
        town = Registration.objects.select_related("municipality").get(pk=registration_id)
        town = town.municipality
    with scoping.scope(town):
        registration = Registration.objects.select_related(
            "event__venue", "event__organisation", "event__municipality", "user", "registered_by"
        ).get(pk=registration_id)
        channel, sent = registration_send(kind=kind, registration=registration)
        logger.info(
            "registration told",
            extra={"kind": kind, "registration": registration.pk, "channel": channel},
        )
        return sent
