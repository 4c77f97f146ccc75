"""The demo installation: Pully and its neighbour Lutry, their staff, citizens and companies.

Idempotent: every row is looked up by a natural key and updated, so running it twice changes
nothing. Other modules add their own demo data through a `demo.py` with `load(towns)`.
"""

from __future__ import annotations

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from commune.accounts.models import (
    Membership,
    Organisation,
    OrganisationMember,
    Role,
    User,
)

from . import scoping
from .models import Department, Municipality

DEMO_PASSWORD = "commune-demo-2026"  # noqa: S105 - published demo password, demo data only
# The RFC 6238 test secret ("12345678901234567890"); base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

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

STAFF = [
    ("admin", "Administratrice", Role.MUNICIPALITY_ADMIN, None),
    ("permis", "Officier des permis", Role.PERMIT_OFFICER, None),
    ("routes", "Réviseur routes", Role.SERVICE_REVIEWER, "roads"),
    ("eaux", "Réviseuse eaux", Role.SERVICE_REVIEWER, "water"),
    ("trafic", "Réviseur police du trafic", Role.SERVICE_REVIEWER, "traffic"),
    ("agenda", "Modératrice agenda", Role.AGENDA_MODERATOR, None),
    ("mobilite", "Analyste mobilité", Role.MOBILITY_ANALYST, None),
]

CITIZENS = [
    ("marie.rochat@example.ch", "Marie Rochat", "fr"),
    ("hans.muster@example.ch", "Hans Muster", "de"),
]

ORGANISATIONS = [
    {
        "uid": "CHE-100.000.001",
        "name": "Romande Énergie SA (démo)",
        "kind": "utility",
        "people": [("chantiers@romande-energie.example.ch", "Luc Favre", True)],
    },
    {
        "uid": "CHE-100.000.002",
        "name": "Génie Civil du Léman SA (démo)",
        "kind": "company",
        "people": [
            ("direction@gcleman.example.ch", "Sofia Bianchi", True),
            ("chef.chantier@gcleman.example.ch", "Paulo Ferreira", False),
        ],
    },
]


def staff_email(prefix: str, slug: str) -> str:
    return f"{prefix}@{slug}.example.ch"


def _user(email: str, name: str, *, kind: str, language: str = "fr", **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            full_name=name,
            kind=kind,
            language=language,
            email_verified=True,
            **extra,
        )
    return user


def _totp(user: User) -> None:
    TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )


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
                "modules": ["permits", "mobility", "agenda", "portal"],
            },
        )
        towns.append(town)
        with scoping.scope(town):
            departments = {}
            for code, name in DEPARTMENTS:
                departments[code], _ = Department.objects.get_or_create(
                    municipality=town,
                    code=code,
                    defaults={"name": name, "email": staff_email(code, town.slug)},
                )
            for prefix, label, role, dept in STAFF:
                user = _user(
                    staff_email(prefix, town.slug), f"{label} {town.name}", kind=User.Kind.STAFF
                )
                _totp(user)
                Membership.objects.get_or_create(
                    municipality=town,
                    user=user,
                    role=role,
                    department=departments[dept] if dept else None,
                )

    admin = _user("platform@commune.example.ch", "Plateforme commune", kind=User.Kind.STAFF)
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    _totp(admin)

    for email, name, language in CITIZENS:
        _user(email, name, kind=User.Kind.CITIZEN, language=language)
    for spec in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            uid=spec["uid"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "address": "Avenue de la Gare 1, 1009 Pully",
                "invoice_address": "Case postale, 1001 Lausanne",
            },
        )
        for email, name, manager in spec["people"]:
            user = _user(email, name, kind=User.Kind.COMPANY)
            OrganisationMember.objects.get_or_create(
                organisation=org, user=user, defaults={"is_manager": manager}
            )
    return towns


def accounts_table() -> list[tuple[str, str]]:
    """(e-mail, what it is) for every demo account, for ./run and the README."""
    rows = [("platform@commune.example.ch", "platform admin")]
    for spec in TOWNS:
        for prefix, _label, role, dept in STAFF:
            what = f"{spec['name']}: {role.label}" + (f" ({dept})" if dept else "")
            rows.append((staff_email(prefix, spec["slug"]), what))
    rows += [(email, "citizen") for email, _n, _l in CITIZENS]
    for spec in ORGANISATIONS:
        rows += [(email, f"{spec['name']}") for email, _n, _m in spec["people"]]
    return rows
