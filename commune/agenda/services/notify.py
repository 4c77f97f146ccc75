"""Who is told what about an event: the moderators of a submission; the organiser's members
of its publication or its rejection with the reason. Sent after commit by a job, one message
per person in that person's language."""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from commune.accounts.models import Membership, OrganisationMember, Role
from commune.core.mail import mail_send
from commune.tenants import scoping
from commune.tenants.links import absolute_url

from ..models import Event, Registration

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


def registration_notify_later(kind: str, *, registration_id: int) -> None:
    assert kind in {"offered"}, kind
    transaction.on_commit(
        lambda: registration_notify.enqueue(kind=kind, registration_id=registration_id)
    )


@task()
def registration_notify(*, kind: str, registration_id: int) -> int:
    """A place offered to the first person waiting: the mail says until when to confirm."""
    with scoping.scopes_disabled():
        town = Registration.objects.select_related("municipality").get(pk=registration_id)
        town = town.municipality
    with scoping.scope(town):
        registration = Registration.objects.select_related("event", "user").get(pk=registration_id)
        if not registration.email:
            return 0
        event = registration.event
        url = _url("published", event)
        language = registration.user.language if registration.user else town.default_language
        return mail_send(
            to=registration.email,
            template=f"agenda_registration_{kind}",
            context={"event": event, "town": town, "registration": registration, "url": url},
            language=language,
        )
