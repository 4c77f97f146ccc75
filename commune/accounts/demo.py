"""The demo installation's people: each town's staff (second factor set up), a platform admin,
citizens and two companies. `load(towns)` runs after the towns (commune/tenants/demo.py).

Idempotent: every row is looked up by a natural key, so running it twice changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from commune.tenants import scoping
from commune.tenants.demo import TOWNS, staff_email
from commune.tenants.models import Department, Municipality

from .models import Membership, Organisation, OrganisationMember, Role, User

DEMO_PASSWORD = "commune-demo-2026"  # noqa: S105 - published demo password, demo data only
# The RFC 6238 test secret ("12345678901234567890"); base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

STAFF = [
    ("admin", "Administratrice", Role.MUNICIPALITY_ADMIN, None),
    ("permis", "Officier des permis", Role.PERMIT_OFFICER, None),
    ("routes", "Réviseur routes", Role.SERVICE_REVIEWER, "roads"),
    ("eaux", "Réviseuse eaux", Role.SERVICE_REVIEWER, "water"),
    ("trafic", "Réviseur police du trafic", Role.SERVICE_REVIEWER, "traffic"),
    ("agenda", "Modératrice agenda", Role.AGENDA_MODERATOR, None),
    ("mobilite", "Analyste mobilité", Role.MOBILITY_ANALYST, None),
    ("finances", "Responsable des finances", Role.FINANCE, None),
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
def load(towns: list[Municipality]) -> None:
    for town in towns:
        with scoping.scope(town):
            departments = {d.code: d for d in Department.objects.filter(municipality=town)}
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
