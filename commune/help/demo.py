"""Demo data for neighbourhood help in Pully and Lutry (idempotent): the module switched on,
a few neighbourhoods, a coordinator (second factor as the other staff), two verified
neighbours and one waiting for their letter, a caller entered by phone, requests in
several states (open, matched, done, no one found), and a companion asked for the agenda's
tea dance ("Accompany me"). Password: the demo password (commune/accounts/demo.py)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from commune.accounts import demo as accounts_demo
from commune.accounts.models import Membership, Role, User
from commune.agenda import demo as agenda_demo
from commune.agenda.models import Event
from commune.agenda.services.dates import event_occurrences
from commune.tenants import scoping
from commune.tenants.demo import staff_email
from commune.tenants.models import Module

from .models import Caller, Neighbour, Neighbourhood, Post

QUARTERS = {
    "pully": ["Centre", "Rosiaz", "Chamblandes", "Pully-Nord"],
    "lutry": ["Bourg", "Corsy", "La Croix"],
}
#: (login prefix, name, neighbourhood index, verified, phone, language)
PEOPLE = [
    ("voisine", "Élise Voisin", 1, True, "+41 21 555 10 10", "fr"),
    ("voisin", "Marc Aidant", 1, True, "+41 21 555 20 20", "fr"),
    ("nouveau", "Nadia Nouvelle", 1, False, "+41 21 555 30 30", "fr"),
]


def login(prefix: str, slug: str) -> str:
    """The demo neighbours' logins: voisine.pully@example.ch, voisin.lutry@example.ch…"""
    return f"{prefix}.{slug}@example.ch"


def _centre(town) -> Point:
    point = town.territory.point_on_surface
    return Point(point.x, point.y, srid=2056)


@transaction.atomic
def load(towns) -> None:
    for town in towns:
        if town.slug not in QUARTERS:
            continue
        if Module.HELP not in town.modules:
            town.modules = [*town.modules, Module.HELP]
            town.save(update_fields=["modules"])
        with scoping.scope(town):
            _load_town(town)


def _load_town(town) -> None:
    quarters = [
        Neighbourhood.objects.get_or_create(municipality=town, name=name)[0]
        for name in QUARTERS[town.slug]
    ]
    coordinator = accounts_demo._user(
        staff_email("entraide", town.slug), f"Coordinatrice entraide {town.name}", kind="staff"
    )
    accounts_demo._totp(coordinator)
    Membership.objects.get_or_create(
        municipality=town, user=coordinator, role=Role.HELP_COORDINATOR
    )
    centre = _centre(town)
    people = {}
    for offset, (prefix, name, quarter, verified, phone, language) in enumerate(PEOPLE):
        user = accounts_demo._user(
            login(prefix, town.slug), name, kind=User.Kind.CITIZEN, language=language
        )
        people[prefix], _ = Neighbour.objects.get_or_create(
            municipality=town,
            user=user,
            defaults={
                "neighbourhood": quarters[quarter],
                "address": f"Chemin des Demos {offset + 1}",
                "postcode": "1009" if town.slug == "pully" else "1095",
                "locality": town.name,
                "phone": phone,
                "location": Point(centre.x + 150 * offset, centre.y, srid=2056),
                "status": "verified" if verified else "pending",
                "verified_at": timezone.now() if verified else None,
                "verified_by": coordinator if verified else None,
                "channel": "post",
            },
        )
    caller, _ = Caller.objects.get_or_create(
        municipality=town,
        name="Germaine Pittet (démo)",
        defaults={
            "phone": "+41 21 555 99 99",
            "address": "Chemin des Demos 9",
            "neighbourhood": quarters[1],
            "location": centre,
        },
    )
    today = timezone.localdate()
    rows = [
        ("Courses du mardi matin", "shopping", people["voisine"], None, "open", None),
        ("Visite le jeudi après-midi", "visit", None, caller, "open", today),
        ("Conduite chez le médecin", "ride", people["voisine"], None, "matched", None),
        ("Changer une ampoule", "repair", None, caller, "done", None),
        ("Accompagnement au marché", "accompany", None, caller, "no_one_found", None),
    ]
    for title, category, author, by_phone, status, follow_up in rows:
        Post.objects.get_or_create(
            municipality=town,
            title=title,
            defaults={
                "category": category,
                "author": author,
                "caller": by_phone,
                "neighbourhood": quarters[1],
                "location": centre,
                "status": status,
                "partner": people["voisin"] if status in ("matched", "done") else None,
                "follow_up_on": follow_up or today + dt.timedelta(days=3),
                "availability": "en semaine",
                "created_by": coordinator if by_phone else author.user,
            },
        )
    _accompany(town, people["voisine"], quarters[1], centre)


def _accompany(town, author, quarter, centre) -> None:
    """'Accompany me': Élise asks for a companion to the agenda's tea dance, its next date."""
    if not town.has_module(Module.AGENDA):
        return
    tea = Event.objects.filter(
        municipality=town, submission_key=uuid.uuid5(agenda_demo.DEMO_NS, f"{town.slug}:the")
    ).first()
    if tea is None:
        return
    now = timezone.now()
    coming = [
        o
        for o in event_occurrences(event=tea, after=now, before=now + dt.timedelta(days=60))
        if not o.cancelled
    ]
    if not coming:
        return
    Post.objects.get_or_create(
        municipality=town,
        title="Compagnie pour le thé dansant",
        defaults={
            "category": "accompany",
            "author": author,
            "neighbourhood": quarter,
            "location": centre,
            "status": "open",
            "event": tea,
            "occurrence_start": coming[0].original_start,
            "availability": "l'après-midi",
            "description": "J'aimerais y aller mais je n'ose pas seule. Qui m'accompagne ?",
            "created_by": author.user,
        },
    )
