"""Requests and offers: posted by a verified neighbour or entered by the coordinator for a
caller; answered by verified neighbours; matched when the author (or the coordinator for a
caller) accepts an answer, or when the coordinator records a helper who called; closed.

"Accompany me": a request of the category "accompany" names an agenda event and one of its
dates. While it is matched (or done), the person's registration for that date says they come
accompanied (agenda's `registration_accompanied_set`), so the organiser's list shows it; a
person not registered yet registers from the post (`accompany_register`)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commune.agenda.services.dates import event_occurrences
from commune.agenda.services.registrations import (
    registration_accompanied_set,
    registration_create,
    registration_of,
)
from commune.core import audit
from commune.core.idempotency import owned_key

from .. import workflow
from ..models import Answer, Caller, Neighbour, Neighbourhood, Post
from ..selectors import blocked_ids
from .notify import notify_later

AUDITED = ["status", "partner_id", "partner_caller_id", "follow_up_on"]
MAX_RADIUS_M = 5000

#: Nobody may ask for money or personal documents (the network's safety rule): words in the
#: town's languages, compared without accents.
FORBIDDEN = re.compile(
    r"\b(argent|iban|virement|carte bancaire|code pin|pin|twint|passeport|carte d.identite|"
    r"geld|bargeld|uberweisung|bankkarte|reisepass|ausweis|soldi|denaro|bonifico|"
    r"passaporto|carta d.identita)\b"
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class PostInput:
    direction: str
    category: str
    title: str
    neighbourhood: Neighbourhood
    description: str = ""
    availability: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    radius_m: int | None = None
    event: object | None = None
    #: The day of the activity the person wants company to (one of the event's dates).
    occurrence_day: dt.date | None = None


def occurrence_start(event, day: dt.date) -> dt.datetime | None:
    """The start of `event`'s date on `day` (Zurich), None when it has none that day."""
    zone = zoneinfo.ZoneInfo("Europe/Zurich")
    after = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    found = event_occurrences(event=event, after=after, before=after + dt.timedelta(days=1))
    dates = [o.start for o in found if not o.cancelled]
    return dates[0] if dates else None


def _clean(data: PostInput) -> dict:
    """Refuse what may not be posted; give the fields of the post to save."""
    errors = {}
    fields = {n: getattr(data, n) for n in PostInput.__dataclass_fields__ if n != "occurrence_day"}
    if data.occurrence_day and data.event is None:
        errors["occurrence_day"] = _("Choose the activity of this date.")
    elif data.event is not None and data.occurrence_day:
        fields["occurrence_start"] = occurrence_start(data.event, data.occurrence_day)
        if fields["occurrence_start"] is None:
            errors["occurrence_day"] = _("The activity does not take place on that day.")
    if FORBIDDEN.search(_plain(f"{data.title} {data.description} {data.availability}")):
        errors["description"] = _(
            "Neighbourhood help never asks for money, bank details or personal documents. "
            "Please remove them."
        )
    if data.date_from and data.date_to and data.date_to < data.date_from:
        errors["date_to"] = _("The last day cannot be before the first one.")
    if data.radius_m is not None and not 100 <= data.radius_m <= MAX_RADIUS_M:
        errors["radius_m"] = _("The radius must be between 100 and %(max)s metres.") % {
            "max": MAX_RADIUS_M
        }
    if errors:
        raise ValidationError(errors)
    return fields


def _new_post(*, municipality, user, data: PostInput, key, **people) -> Post:
    fields = _clean(data)
    stored_key = owned_key(owner=user, key=key)
    existing = Post.objects.filter(submission_key=stored_key).first()
    if existing is not None:
        return existing
    post = Post(
        municipality=municipality,
        created_by=user,
        submission_key=stored_key,
        **people,
        **fields,
    )
    post.save()
    audit.record(actor=user, obj=post, action="post_create", after=audit.snapshot(post, AUDITED))
    return post


@transaction.atomic
def post_create(
    *, neighbour: Neighbour, data: PostInput, key: uuid.UUID | str, now: dt.datetime
) -> Post:
    """A verified neighbour posts; the rules they accepted are remembered with their first."""
    if not neighbour.is_verified:
        raise ValidationError(_("Your address must be verified before you post."))
    if neighbour.rules_accepted_at is None:
        neighbour.rules_accepted_at = now
        neighbour.save(update_fields=["rules_accepted_at", "updated_at"])
    return _new_post(
        municipality=neighbour.municipality,
        user=neighbour.user,
        data=data,
        key=key,
        author=neighbour,
        location=neighbour.location,
    )


@transaction.atomic
def caller_create(
    *, municipality, coordinator, name: str, phone: str, address: str, neighbourhood, channel: str
) -> Caller:
    caller = Caller.objects.create(
        municipality=municipality,
        name=name.strip(),
        phone=phone.strip(),
        address=address.strip(),
        neighbourhood=neighbourhood,
        preferred_channel=channel,
        location=neighbourhood.area.point_on_surface if neighbourhood.area else None,
    )
    audit.record(actor=coordinator, obj=caller, action="caller_create")
    return caller


@transaction.atomic
def post_create_for_caller(
    *,
    caller: Caller | None,
    coordinator,
    data: PostInput,
    key: uuid.UUID | str,
    follow_up_on: dt.date | None,
    new_caller: dict | None = None,
) -> Post:
    """The coordinator enters what someone asked on the phone, with the day to call back; a
    person not known yet (`new_caller`: name, phone, address, channel) is created with it.
    The form sent twice gives the first post back and no second person."""
    existing = Post.objects.filter(submission_key=owned_key(owner=coordinator, key=key)).first()
    if existing is not None:
        return existing
    _clean(data)
    if caller is None:
        caller = caller_create(
            municipality=data.neighbourhood.municipality,
            coordinator=coordinator,
            neighbourhood=data.neighbourhood,
            **(new_caller or {}),
        )
    return _new_post(
        municipality=caller.municipality,
        user=coordinator,
        data=data,
        key=key,
        caller=caller,
        location=caller.location,
        follow_up_on=follow_up_on,
    )


def answer_create(*, post: Post, neighbour: Neighbour, note: str) -> Answer:
    """A verified neighbour in reach answers an open post ("I can help"); once per person."""
    if post.status not in workflow.ANSWERABLE:
        raise workflow.TransitionNotAllowed(post.status, post.status, "neighbour")
    if post.author_id == neighbour.pk:
        raise ValidationError(_("You cannot answer your own request."))
    if post.author_id in blocked_ids(neighbour):
        raise ValidationError(_("This request is not available to you."))
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                municipality=post.municipality, post=post, neighbour=neighbour, note=note.strip()
            )
            audit.record(actor=neighbour.user, obj=post, action="post_answer")
    except IntegrityError:
        return Answer.objects.get(post=post, neighbour=neighbour)
    notify_later("answered", post_id=post.pk)
    return answer


def _lock(post: Post) -> None:
    """Lock the row and read it again: two people acting at once are serialised."""
    list(Post.objects.select_for_update().filter(pk=post.pk).values_list("pk", flat=True))
    post.refresh_from_db()


def _move(post: Post, target: str, *, actor_user, role: str, action: str, **changes) -> Post:
    workflow.check(post.status, target, actor=role)
    before = audit.snapshot(post, AUDITED)
    post.status = target
    for name, value in changes.items():
        setattr(post, name, value)
    post.save(update_fields=["status", *changes, "updated_at"])
    audit.record(
        actor=actor_user,
        obj=post,
        action=action,
        before=before,
        after=audit.snapshot(post, AUDITED),
    )
    return post


@transaction.atomic
def post_match(*, post: Post, answer: Answer, actor_user, role: str) -> Post:
    """The author (or the coordinator for a caller) accepts one answer."""
    _lock(post)
    if answer.post_id != post.pk:
        raise ValidationError(_("This answer belongs to another request."))
    if post.author_id and answer.neighbour_id in blocked_ids(post.author):
        raise ValidationError(_("You blocked this person."))
    post = _move(
        post,
        workflow.MATCHED,
        actor_user=actor_user,
        role=role,
        action="post_match",
        partner=answer.neighbour,
        partner_caller=None,
    )
    accompany_sync(post=post, actor_user=actor_user)
    notify_later("matched", post_id=post.pk)
    return post


@transaction.atomic
def post_match_by_phone(*, post: Post, helper: Caller, coordinator) -> Post:
    """A helper took the request on the phone; the coordinator records it."""
    _lock(post)
    post = _move(
        post,
        workflow.MATCHED,
        actor_user=coordinator,
        role=workflow.COORDINATOR,
        action="post_match",
        partner=None,
        partner_caller=helper,
    )
    accompany_sync(post=post, actor_user=coordinator)
    return post


@transaction.atomic
def post_close(*, post: Post, target: str, actor_user, role: str) -> Post:
    """Done, no one found, cancelled, or back to open (the match fell through)."""
    _lock(post)
    changes = {}
    if target == workflow.OPEN:
        changes = {"partner": None, "partner_caller": None}
        changes.update(author_shares=False, partner_shares=False)
    post = _move(post, target, actor_user=actor_user, role=role, action="post_close", **changes)
    accompany_sync(post=post, actor_user=actor_user)
    return post


@transaction.atomic
def post_follow_up(*, post: Post, coordinator, day: dt.date | None) -> Post:
    before = audit.snapshot(post, AUDITED)
    post.follow_up_on = day
    post.save(update_fields=["follow_up_on", "updated_at"])
    audit.record(
        actor=coordinator,
        obj=post,
        action="post_follow_up",
        before=before,
        after=audit.snapshot(post, AUDITED),
    )
    return post


#: The states in which the person comes accompanied to the activity.
ACCOMPANIED = frozenset({workflow.MATCHED, workflow.DONE})


def is_accompany_request(post: Post) -> bool:
    return (
        post.category == "accompany"
        and post.direction == Post.Direction.REQUEST
        and post.event_id is not None
        and post.occurrence_start is not None
    )


def accompany_registration(post: Post):
    """The registration of the post's person for the activity's date, if any: by account
    for a neighbour, by phone number for a caller."""
    if not is_accompany_request(post):
        return None
    if post.author_id:
        return registration_of(
            event=post.event, starts_at=post.occurrence_start, user=post.author.user
        )
    if post.caller_id and post.caller.phone:
        return registration_of(
            event=post.event, starts_at=post.occurrence_start, phone=post.caller.phone
        )
    return None


def accompany_sync(*, post: Post, actor_user=None) -> None:
    """Tell the agenda whether the person comes accompanied, after the post changed."""
    registration = accompany_registration(post)
    if registration is not None:
        registration_accompanied_set(
            registration=registration,
            accompanied=post.status in ACCOMPANIED,
            actor=actor_user,
        )


@transaction.atomic
def accompany_register(*, post: Post, neighbour: Neighbour, now: dt.datetime):
    """The author of an "Accompany me" request registers for the activity's date from the
    post (they were not registered yet); matched already, the registration says so."""
    if not is_accompany_request(post) or post.author_id != neighbour.pk:
        raise ValidationError(_("This request is not about an activity of yours."))
    existing = accompany_registration(post)
    if existing is not None:
        return existing
    user = neighbour.user
    occurrences = event_occurrences(
        event=post.event,
        after=post.occurrence_start - dt.timedelta(minutes=1),
        before=post.occurrence_start + dt.timedelta(minutes=1),
    )
    found = [o for o in occurrences if o.start == post.occurrence_start and not o.cancelled]
    if not found:
        raise ValidationError(_("The activity does not take place on that day."))
    registration = registration_create(
        event=post.event,
        original_start=found[0].original_start,
        name=user.full_name or user.email,
        user=user,
        now=now,
    )
    accompany_sync(post=post, actor_user=user)
    registration.refresh_from_db()
    return registration
