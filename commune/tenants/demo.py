"""The demo installation: Pully and its neighbour Lutry, their departments.

Idempotent: every row is looked up by a natural key and updated, so running it twice changes
nothing. Other apps add their own demo data through a `demo.py` with `load(towns)` (the people:
commune/accounts/demo.py), run in the order of INSTALLED_APPS by `manage.py load_demo`.
"""

from __future__ import annotations

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction

from . import scoping
from .models import Department, Municipality

# Plausible LV95 outlines (simplified): Pully on the lake east of Lausanne, Lutry east of it.
PULLY = [
    (2539900, 1150600),
    (2540600, 1150350),
    (2541600, 1150250),
    (2542500, 1150300),
    (2542700, 1151200),
    (2542600, 1152400),
    (2542100, 1153300),
    (2541000, 1153100),
    (2540200, 1152500),
    (2539850, 1151600),
    (2539900, 1150600),
]
LUTRY = [
    (2542500, 1150300),
    (2543500, 1150000),
    (2544800, 1149800),
    (2546300, 1150300),
    (2546100, 1152000),
    (2545300, 1153800),
    (2543900, 1154500),
    (2542100, 1153300),
    (2542600, 1152400),
    (2542700, 1151200),
    (2542500, 1150300),
]

TOWNS = [
    {
        "slug": "pully",
        "name": "Pully",
        "ofs_number": 5590,
        "canton": "VD",
        "ring": PULLY,
        "colour": "#8a1538",
        "email": "greffe@pully.example.ch",
    },
    {
        "slug": "lutry",
        "name": "Lutry",
        "ofs_number": 5606,
        "canton": "VD",
        "ring": LUTRY,
        "colour": "#1f4e79",
        "email": "greffe@lutry.example.ch",
    },
]

DEPARTMENTS = [
    ("roads", "Routes et voirie"),
    ("water", "Service des eaux"),
    ("traffic", "Police du trafic"),
    ("parks", "Parcs et promenades"),
    ("environment", "Environnement"),
    ("heritage", "Urbanisme et patrimoine"),
]


def staff_email(prefix: str, slug: str) -> str:
    """A demo address at the town's demo domain (departments, staff)."""
    return f"{prefix}@{slug}.example.ch"


@transaction.atomic
def load() -> list[Municipality]:
    towns = []
    for spec in TOWNS:
        town, _ = Municipality.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "ofs_number": spec["ofs_number"],
                "canton": spec["canton"],
                "territory": MultiPolygon(Polygon(spec["ring"], srid=2056), srid=2056),
                "languages": ["fr", "de", "it", "en"],
                "primary_colour": spec["colour"],
                "contact_email": spec["email"],
                "modules": ["permits", "mobility", "agenda", "portal", "billing"],
            },
        )
        towns.append(town)
        with scoping.scope(town):
            for code, name in DEPARTMENTS:
                Department.objects.get_or_create(
                    municipality=town,
                    code=code,
                    defaults={"name": name, "email": staff_email(code, town.slug)},
                )
    return towns
