"""Demo data for the agenda (Pully and Lutry): associations and their members, venues with
their accessibility, a year of recurring activities from the day the demo is loaded (one
weekly activity with a date moved and one cancelled), one awaiting moderation, one
rejected, a meal with 12 places per date (one person registered at the counter), and the
town's computer help with 2 places per date, its first date full with a waitlist and a freed
place offered to the first person waiting. The moderator logs in as agenda@<town>.example.ch
(commune/accounts/demo.py), an association member as aines@<town>.example.ch, with the demo
password.

Idempotent: rows are looked up by natural keys (a fixed submission key per activity).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from commune.accounts.demo import DEMO_PASSWORD
from commune.accounts.models import Organisation, OrganisationMember, User
from commune.tenants import scoping
from commune.tenants.models import Module

from . import recurrence
from .models import ACCESSIBILITY, ZURICH, DateChange, Event, TrustedOrganisation, Venue
from .services.registrations import registration_cancel, registration_create
from .services.search import event_search_text

DEMO_NS = uuid.UUID("0b7f5a3e-5d0c-4b59-9a43-2f6f1d9b8e21")

ASSOCIATIONS = [
    # (uid suffix, name, member login prefix, member name, trusted)
    ("101", "Club des aînés", "aines", "Anne Chappuis", False),
    ("102", "Association des familles", "familles", "Marc Bovet", True),
]

VENUES = [
    # (name, address, offset east, offset north, accessibility flags)
    (
        "Maison de quartier",
        "Chemin du Centre 4",
        0,
        0,
        {"step_free", "wheelchair_toilet", "seating", "hearing_loop"},
    ),
    ("Salle paroissiale", "Rue de l'Église 12", 250, -120, {"seating", "quiet_room"}),
    (
        "Bibliothèque",
        "Place de la Gare 1",
        -180,
        90,
        {"step_free", "easy_language", "tactile_guidance"},
    ),
    ("Parc du bord du lac", "Quai du Léman", 400, -300, set()),
]

# (key, title, category, audiences, association index or None (the town), venue index,
#  weekday, hour, minute, minutes, spec kind, status, neighbourhood, price)
ACTIVITIES = [
    (
        "the",
        "Thé dansant",
        "meal",
        ["seniors"],
        0,
        0,
        2,
        14,
        0,
        120,
        "weekly",
        "published",
        "Centre",
        "free",
    ),
    (
        "marche",
        "Marche du mardi",
        "outing",
        ["seniors", "everyone"],
        0,
        3,
        1,
        9,
        30,
        90,
        "monthly",
        "published",
        "Bord du lac",
        "free",
    ),
    (
        "lecture",
        "Lecture à voix haute",
        "learning",
        ["seniors", "children"],
        1,
        2,
        5,
        10,
        0,
        60,
        "every2",
        "published",
        "Gare",
        "free",
    ),
    (
        "repas",
        "Repas communautaire",
        "meal",
        ["everyone", "families"],
        1,
        1,
        4,
        12,
        0,
        90,
        "weekly",
        "published",
        "Centre",
        "on_site",
    ),
    (
        "fete",
        "Fête de quartier",
        "culture",
        ["everyone", "families", "youth"],
        None,
        3,
        5,
        15,
        0,
        300,
        "once",
        "published",
        "Bord du lac",
        "free",
    ),
    (
        "numerique",
        "Aide informatique pour les aînés",
        "learning",
        ["seniors"],
        None,
        2,
        3,
        14,
        0,
        90,
        "weekly",
        "published",
        "Gare",
        "free",
    ),
    (
        "concert",
        "Concert de l'Avent",
        "music",
        ["everyone"],
        0,
        1,
        6,
        17,
        0,
        90,
        "once",
        "submitted",
        "Centre",
        "amount",
    ),
    (
        "yoga",
        "Yoga sur chaise",
        "sport",
        ["seniors"],
        0,
        0,
        3,
        10,
        0,
        60,
        "weekly",
        "rejected",
        "Centre",
        "amount",
    ),
]


#: Places per date, for the activities that take registrations.
CAPACITY = {"repas": 12, "numerique": 2}
#: The computer help's first date: two places taken, two people waiting (registered by
#: phone, a landline each, so no message leaves the demo); then one cancels, and the first
#: waiting has a day to take the freed place.
WAITLIST = [
    ("Paul Mottier", "021 555 40 01"),
    ("Odette Ruchet", "021 555 40 02"),
    ("Louise Bron", "021 555 40 03"),
    ("Jean Pasche", "021 555 40 04"),
]


def _member(town, prefix: str, name: str) -> User:
    email = f"{prefix}@{town.slug}.example.ch"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, full_name=name, kind=User.Kind.CITIZEN, email_verified=True
        )
    return user


def _associations(town) -> list[Organisation]:
    found = []
    for suffix, name, prefix, person, trusted in ASSOCIATIONS:
        uid = f"CHE-100.{town.ofs_number % 1000:03d}.{suffix}"
        org, _ = Organisation.objects.get_or_create(
            uid=uid, defaults={"name": f"{name} de {town.name} (démo)", "kind": "company"}
        )
        OrganisationMember.objects.get_or_create(
            organisation=org, user=_member(town, prefix, person), defaults={"is_manager": True}
        )
        if trusted:
            TrustedOrganisation.objects.get_or_create(municipality=town, organisation=org)
        found.append(org)
    return found


def _venues(town) -> list[Venue]:
    centre = town.territory.point_on_surface
    found = []
    for name, address, east, north, flags in VENUES:
        venue, _ = Venue.objects.update_or_create(
            municipality=town,
            name=name,
            defaults={
                "address": address,
                "locality": town.name,
                "location": Point(centre.x + east, centre.y + north, srid=2056),
                **{flag: flag in flags for flag in ACCESSIBILITY},
            },
        )
        found.append(venue)
    return found


def _next(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _spec(kind: str, weekday: int, today: dt.date) -> recurrence.Spec:
    until = today + dt.timedelta(days=365)
    if kind == "weekly":
        return recurrence.Spec(kind="weekly", weekdays=(weekday,), until=until)
    if kind == "every2":
        return recurrence.Spec(kind="weekly", weekdays=(weekday,), interval=2, until=until)
    if kind == "monthly":
        return recurrence.Spec(kind="monthly", ordinal=1, weekday=weekday, count=12)
    return recurrence.Spec()


@transaction.atomic
def load(towns) -> None:
    today = timezone.localdate()
    for town in towns:
        if not town.has_module(Module.AGENDA):
            continue
        with scoping.scope(town):
            associations = _associations(town)
            venues = _venues(town)
            for row in ACTIVITIES:
                _activity(town, row, associations, venues, today)


def _activity(town, row, associations, venues, today) -> Event:
    (
        key,
        title,
        category,
        audiences,
        org,
        venue,
        weekday,
        hour,
        minute,
        minutes,
        kind,
        status,
        hood,
        price,
    ) = row
    submission_key = uuid.uuid5(DEMO_NS, f"{town.slug}:{key}")
    event = Event.objects.filter(submission_key=submission_key).first()
    if event is not None:
        return event
    first = _next(today + dt.timedelta(days=1), weekday)
    start = dt.datetime.combine(first, dt.time(hour, minute), tzinfo=ZURICH)
    spec = _spec(kind, weekday, today)
    rule, rdates = recurrence.rule_from_spec(spec, start=start)
    if rule:
        start = next(iter(recurrence.rule_set(starts_at=start, rrule=rule, rdates=[], exdates=[])))
    organisation = associations[org] if org is not None else None
    event = Event(
        municipality=town,
        organisation=organisation,
        title=title,
        description=f"{title} — une activité de {(organisation or town).name}.",
        category=category,
        audiences=audiences,
        languages=["fr"],
        price_kind=price,
        price_amount=15 if price == "amount" else None,
        neighbourhood=hood,
        venue=venues[venue],
        starts_at=start,
        duration=dt.timedelta(minutes=minutes),
        rrule=rule,
        rdates=rdates,
        status=status,
        capacity=CAPACITY.get(key),
        published_at=timezone.now() if status == "published" else None,
        rejection_reason="Merci de préciser le prix et l'inscription."
        if status == "rejected"
        else "",
        submission_key=submission_key,
    )
    event.search_text = event_search_text(event)
    event.save()
    if key == "the":
        # one date moved by a day, one cancelled, one at another venue
        dates = list(recurrence.rule_set(starts_at=start, rrule=rule, rdates=[], exdates=[]))
        DateChange.objects.create(
            municipality=town,
            event=event,
            original_start=dates[2],
            starts_at=dates[2] + dt.timedelta(days=1),
            note="Déplacé au jeudi",
        )
        DateChange.objects.create(
            municipality=town,
            event=event,
            original_start=dates[4],
            cancelled=True,
            note="Salle indisponible",
        )
        DateChange.objects.create(
            municipality=town, event=event, original_start=dates[6], venue=venues[1]
        )
    if key == "repas":
        now = timezone.now()
        registration_create(
            event=event,
            original_start=event.starts_at,
            name="Madeleine Favre",
            phone="021 555 12 34",
            channel="counter",
            now=now,
        )
        registration_create(
            event=event,
            original_start=event.starts_at,
            name="Hans Muster",
            email="hans.muster@example.ch",
            now=now,
        )
    if key == "numerique":
        now = timezone.now()
        held = [
            registration_create(
                event=event,
                original_start=event.starts_at,
                name=name,
                phone=phone,
                channel="phone",
                now=now,
            )
            for name, phone in WAITLIST
        ]
        registration_cancel(registration=held[1], now=now)
    return event
