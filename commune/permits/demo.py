"""Demo data for the excavation permits: settings, routing rules, a protected-trees layer, a
resurfaced street, standard conditions and a few requests in various states.

Idempotent: rows are looked up by natural keys; requests carry a fixed submission key, so a
second run finds them instead of creating new ones.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from commune.accounts.models import Membership, Organisation, Role, User
from commune.billing.demo import billing_settings_demo
from commune.core.idempotency import owned_key
from commune.tenants import scoping
from commune.tenants.models import Department

from .models import (
    Address,
    PermitRequest,
    PermitSettings,
    ResurfacedStreet,
    ReviewFeature,
    ReviewLayer,
    ReviewTask,
    RoutingRule,
    StandardCondition,
)
from .models.address import address_key
from .services import decision, emergency, review, submission, works
from .services.billing import permit_invoices_backfill
from .services.geometry import AreaSpec
from .services.location import permit_location_set

CONDITIONS = [
    ("night", "Aucun travail bruyant entre 20h et 7h."),
    ("access", "L'accès des riverains et des secours est maintenu en tout temps."),
    ("reinstate", "Remise en état du revêtement à l'identique, joints scellés à chaud."),
    ("trees", "Aucune fouille à moins de 3 m du tronc d'un arbre protégé sans surveillance."),
]

DEMO_NS = uuid.UUID("6d1c4f1e-4a53-4d0e-9d7e-2a5b8f3e9c10")


def _rect(x: float, y: float, w: float, h: float) -> Polygon:
    return Polygon([(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)], srid=2056)


def _config(town, departments) -> PermitSettings:
    settings, _ = PermitSettings.objects.update_or_create(
        municipality=town,
        defaults={
            "deemed_consent": town.slug == "pully",
            "review_days": 10,
            "inspecting_department": departments["roads"],
        },
    )
    for code, text in CONDITIONS:
        StandardCondition.objects.get_or_create(
            municipality=town, code=code, defaults={"text": text}
        )
    rules = [
        ("water", "water", ""),
        ("water", "sewer", ""),
        ("traffic", "", RoutingRule.Impact.FULL_CLOSURE),
        ("roads", "", RoutingRule.Impact.ANY_CLOSURE),
    ]
    for dept, kind, impact in rules:
        RoutingRule.objects.get_or_create(
            municipality=town, department=departments[dept], kind=kind, impact=impact
        )
    return settings


def _places(town):
    centre = town.territory.point_on_surface
    return centre.x, centre.y


def _layers(town, departments, x: float, y: float) -> None:
    layer, created = ReviewLayer.objects.get_or_create(
        municipality=town,
        name="Arbres protégés",
        defaults={"department": departments["parks"], "source_name": "arbres.geojson"},
    )
    if created:
        for i, (dx, dy) in enumerate([(40, 0), (60, 0), (80, 0)]):
            ReviewFeature.objects.create(
                municipality=town,
                layer=layer,
                label=f"Platane {i + 1}",
                geometry=Polygon.from_bbox((x + dx, y + dy - 6, x + dx + 4, y + dy - 2)),
            )
    today = timezone.localdate()
    ResurfacedStreet.objects.get_or_create(
        municipality=town,
        name="Avenue de Lavaux",
        defaults={
            "geometry": LineString((x - 50, y + 200), (x + 250, y + 200), srid=2056).buffer(6),
            "resurfaced_on": today - dt.timedelta(days=400),
            "moratorium_until": today + dt.timedelta(days=4 * 365),
        },
    )


def _request(town, n: int, applicant, org, polygon, *, start_in: int, days: int, **fields):
    key = uuid.uuid5(DEMO_NS, f"{town.slug}-{n}")
    existing = PermitRequest.objects.filter(
        submission_key=owned_key(owner=applicant, key=key)
    ).first()
    if existing is not None:
        return existing, False
    start = timezone.localdate() + dt.timedelta(days=start_in)
    data = {
        "organisation": org,
        "site_manager_name": "Paulo Ferreira",
        "site_manager_phone": "+41 79 555 12 34",
        "invoice_address": org.invoice_address if org else "Chemin des Vignes 3, 1009 Pully",
        "kind": "telecom",
        "description": "Raccordement fibre optique",
        "planned_start": start,
        "planned_end": start + dt.timedelta(days=days),
        **fields,
    }
    polygon.srid = 2056
    spec = AreaSpec(drawn=polygon, width_m=None, polygon=polygon)
    permit = submission.permit_draft_save(
        municipality=town, applicant=applicant, data=data, areas=[spec], submission_key=key
    )
    return permit, True


def _answer_all(permit, opinion="favourable", conditions=()) -> None:
    now = timezone.now()
    for task in permit.tasks.filter(status=ReviewTask.Status.OPEN).select_related("department"):
        reviewer = (
            Membership.objects.filter(role=Role.SERVICE_REVIEWER, department=task.department)
            .select_related("user")
            .first()
        )
        review.review_answer(
            task=task,
            reviewer=reviewer.user if reviewer else None,
            opinion=opinion,
            conditions=conditions,
            now=now,
        )


def configure(town) -> bool:
    """The town's permit configuration only (settings, rules, conditions, the protected-trees
    layer, a resurfaced street), without requests. Call inside the town's scope."""
    departments = {d.code: d for d in Department.objects.all()}
    if not {"roads", "water", "traffic", "parks"} <= set(departments):
        return False
    _config(town, departments)
    x, y = _places(town)
    _layers(town, departments, x, y)
    return True


@transaction.atomic
def _town(town) -> None:
    if not configure(town):
        return
    x, y = _places(town)
    utility = Organisation.objects.filter(uid="CHE-100.000.001").first()
    builder = Organisation.objects.filter(uid="CHE-100.000.002").first()
    luc = User.objects.filter(email="chantiers@romande-energie.example.ch").first()
    sofia = User.objects.filter(email="direction@gcleman.example.ch").first()
    citizen = User.objects.filter(email="marie.rochat@example.ch").first()
    officer = Membership.objects.filter(role=Role.PERMIT_OFFICER).select_related("user").first()
    if not (utility and builder and luc and sofia and citizen and officer):
        return
    officer = officer.user
    now = timezone.now()
    night = StandardCondition.objects.get(code="night")

    # 1. Routine: small, no closure, far from everything → granted with no human step.
    permit, new = _request(
        town,
        1,
        citizen,
        None,
        _rect(x - 300, y - 300, 3, 2),
        start_in=30,
        days=2,
        kind="telecom",
        description="Raccordement fibre d'une maison",
    )
    if new:
        submission.permit_submit(permit=permit, applicant=citizen, now=now)
    # 2. A full closure touching the protected trees → police, roads and parks review.
    permit, new = _request(
        town,
        2,
        luc,
        utility,
        _rect(x + 30, y - 8, 60, 3),
        start_in=25,
        days=10,
        kind="electricity",
        description="Pose d'un câble moyenne tension",
        road_closure="full",
        diversion="Par le chemin du Port",
        contact_phone="+41 21 802 91 11",
    )
    if new:
        submission.permit_submit(permit=permit, applicant=luc, now=now)
    # 3. Telecom works near n° 2 at the same time → conflict and coordination found.
    permit, new = _request(
        town, 3, sofia, builder, _rect(x + 95, y - 6, 10, 2), start_in=28, days=5
    )
    if new:
        submission.permit_submit(permit=permit, applicant=sofia, now=now)
        review.complement_request(
            permit=permit,
            officer=officer,
            question="Merci de joindre le plan de signalisation.",
            now=now,
        )
    # 4. Water works granted with a condition, works started.
    permit, new = _request(
        town,
        4,
        luc,
        utility,
        _rect(x - 200, y + 100, 8, 2),
        start_in=-3,
        days=12,
        kind="water",
        description="Remplacement d'une conduite d'eau",
        road_closure="one_lane",
        is_emergency=True,
    )
    if new:
        permit = submission.permit_submit(permit=permit, applicant=luc, now=now)
        _answer_all(permit, opinion="conditions", conditions=[night])
        permit = decision.permit_grant(permit=permit, officer=officer, now=now)
        works.works_start(permit=permit, applicant=luc, now=now)
    _loops(town, x, y, luc=luc, utility=utility, sofia=sofia, builder=builder, officer=officer)
    # 5. A draft on the Avenue de Lavaux, under moratorium.
    _request(
        town,
        5,
        sofia,
        builder,
        _rect(x + 10, y + 196, 6, 3),
        start_in=40,
        days=3,
        description="Sondage",
    )


#: The smallest valid PNG (1×1 pixel): a photo of the restored street for the demo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _loops(town, x, y, *, luc, utility, sofia, builder, officer) -> None:
    """The loops of issue 8, visible in the demo: an emergency not yet decided (on the public
    map at once, its start declared) and a street inspected with defects to repair. The
    conflict pair is n° 2 and n° 3: each file names the other."""
    now = timezone.now()
    # 6. A burst pipe: an emergency in review, already dug.
    permit, new = _request(
        town,
        6,
        sofia,
        builder,
        _rect(x - 150, y - 200, 4, 3),
        start_in=0,
        days=3,
        kind="water",
        description="Fuite sur la conduite principale",
        is_emergency=True,
    )
    if new:
        permit = submission.permit_submit(permit=permit, applicant=sofia, now=now)
        emergency.emergency_start(permit=permit, applicant=sofia, now=now)
    # 7. Gas works of three weeks ago, the street restored, the inspection found defects.
    permit, new = _request(
        town,
        7,
        luc,
        utility,
        _rect(x - 250, y + 250, 6, 2),
        start_in=-10,
        days=5,
        kind="gas",
        description="Réparation d'une conduite de gaz",
    )
    if new:
        asked = now - dt.timedelta(days=24)
        permit = submission.permit_submit(permit=permit, applicant=luc, now=asked)
        _answer_all(permit)
        permit.refresh_from_db()
        if permit.status != PermitRequest.Status.GRANTED:
            permit = decision.permit_grant(
                permit=permit,
                officer=officer,
                now=asked + dt.timedelta(days=3),
                override_reason="Démonstration",
            )
        works.works_start(permit=permit, applicant=luc, now=now - dt.timedelta(days=9))
        works.works_end(permit=permit, applicant=luc, now=now - dt.timedelta(days=6))
        photo = SimpleUploadedFile("chaussee.png", PNG, content_type="image/png")
        works.works_reinstate(
            permit=permit,
            applicant=luc,
            photos=[(photo, "image/png")],
            now=now - dt.timedelta(days=5),
        )
        works.inspection_record(
            permit=permit,
            inspector=officer,
            result="defects",
            notes="Joint non scellé sur 2 m devant le n° 14 ; tassement de l'enrobé.",
            fix_by=timezone.localdate() + dt.timedelta(days=10),
            now=now,
        )


# Real street names, invented house numbers; the points are placed inside each territory.
STREETS = {
    "pully": [
        "Avenue de Lavaux",
        "Avenue du Prieuré",
        "Chemin de Chamblandes",
        "Avenue de Rochettaz",
        "Avenue C.-F. Ramuz",
        "Avenue de Villardin",
        "Avenue des Désertes",
        "Place de la Clergère",
        "Avenue Général-Guisan",
        "Chemin du Pré-de-la-Tour",
    ],
    "lutry": [
        "Grand-Rue",
        "Route de Lavaux",
        "Quai Gustave-Doret",
        "Route de la Croix",
        "Route de Savuit",
        "Rue du Voisinand",
        "Chemin de la Culturaz",
        "Place des Halles",
    ],
}


def _addresses(town) -> None:
    """A few dozen address points for the request form's search (idempotent)."""
    rng = random.Random(town.slug)  # noqa: S311 - demo placement, not security
    xmin, ymin, xmax, ymax = town.territory.extent
    wanted = []
    for street in STREETS.get(town.slug, []):
        while True:  # a start inside the territory, then numbers along the street
            x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
            if town.territory.covers(Point(x, y, srid=town.territory.srid)):
                break
        for k, number in enumerate(sorted(rng.sample(range(1, 60), 4))):
            point = Point(x + 25 * k, y + 8 * k, srid=town.territory.srid)
            if town.territory.covers(point):
                wanted.append((f"{street} {number}", point))
    # and the house in front of each demo dig, so that every request is placed on a street
    streets = STREETS.get(town.slug) or ["Rue du Village"]
    drawn = PermitRequest.objects.exclude(areas=None).distinct().order_by("pk")
    for k, permit in enumerate(drawn):
        centre = permit.areas.first().geometry.centroid
        point = Point(centre.x + 12, centre.y + 6, srid=centre.srid)
        wanted.append((f"{streets[k % len(streets)]} {100 + k}", point))
    if set(Address.objects.values_list("label", flat=True)) == {label for label, _p in wanted}:
        return
    Address.objects.all().delete()
    Address.objects.bulk_create(
        Address(municipality=town, label=label, point=point, search_key=address_key(label))
        for label, point in wanted
    )


def load(towns) -> None:
    for town in towns:
        with scoping.scope(town):
            _town(town)
            _addresses(town)
            for permit in PermitRequest.objects.filter(location_label="").exclude(areas=None):
                permit_location_set(permit=permit)  # drawn before the addresses existed
            # The granted permits' invoices, once the town's creditor details are set.
            billing_settings_demo(town)
            permit_invoices_backfill(municipality=town, now=timezone.now())
