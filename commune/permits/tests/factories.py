"""Factories and builders for permit tests. Town A's territory (MunicipalityFactory) is a
2 km square whose south-west corner is given by the factory; `rect()` draws rectangles in it."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import factory
from django.contrib.gis.geos import Polygon
from django.utils import timezone

from commune.accounts.tests.factories import UserFactory
from commune.permits.models import (
    Attachment,
    ComplementRequest,
    ExtensionRequest,
    PendingUpload,
    PermitRequest,
    PermitSettings,
    ReviewTask,
    StandardCondition,
    WorkArea,
)
from commune.permits.services.geometry import parse_work_areas
from commune.tenants.tests.factories import DepartmentFactory, MunicipalityFactory


def origin(town) -> tuple[float, float]:
    x, y, _, _ = town.territory.extent
    return x, y


def rect(town, dx: float, dy: float, w: float = 4, h: float = 2) -> Polygon:
    x, y = origin(town)
    x, y = x + dx, y + dy
    return Polygon([(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)], srid=2056)


def rect_geojson(town, dx: float, dy: float, w: float = 4, h: float = 2) -> str:
    return json.dumps(
        {"type": "Polygon", "coordinates": json.loads(rect(town, dx, dy, w, h).json)["coordinates"]}
    )


#: How far ahead of the test's today the forms and payloads plan their works: never in the past,
#: always inside the date window, whatever day the test runs (a fixed June 2030 would expire).
LEAD = dt.timedelta(weeks=26)


def planned_dates(**overrides) -> dict[str, str]:
    """Planned start and end (ISO) of four days' works `LEAD` after today; an override given as
    a timedelta is counted from that start (`planned_end=-dt.timedelta(days=4)`: reversed)."""
    start = timezone.localdate() + LEAD
    dates = {"planned_start": start, "planned_end": start + dt.timedelta(days=4)}
    dates.update({k: start + v for k, v in overrides.items() if isinstance(v, dt.timedelta)})
    return {k: v.isoformat() for k, v in dates.items()}


def api_payload(town, **overrides) -> dict:
    """A permit request as an organisation's system sends it to the API: telecom works half a
    year ahead on a 4 x 2 m area of `town`, in WGS84; `overrides` replace or add fields (dates
    as in `planned_dates`)."""
    area = json.loads(rect(town, 100, 100, 4, 2).transform(4326, clone=True).json)
    data = {
        "site_manager_name": "Paulo Ferreira",
        "site_manager_phone": "+41 79 000 00 00",
        "kind": "telecom",
        "description": "Fibre optique",
        **planned_dates(**overrides),
        "work_areas": area,
    }
    return {**data, **{k: v for k, v in overrides.items() if not isinstance(v, dt.timedelta)}}


class PermitRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PermitRequest

    municipality = factory.SubFactory(MunicipalityFactory)
    applicant = factory.SubFactory(UserFactory)
    site_manager_name = "Paulo Ferreira"
    site_manager_phone = "+41 79 000 00 00"
    invoice_address = "Case postale 1, 1009 Pully"
    kind = PermitRequest.Kind.WATER
    description = "Remplacement d'un branchement d'eau"
    planned_start = factory.LazyFunction(lambda: dt.date(2026, 6, 1))
    planned_end = factory.LazyFunction(lambda: dt.date(2026, 6, 5))


_SAME_TOWN = factory.SelfAttribute("..municipality")


class ReviewTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewTask

    municipality = factory.SubFactory(MunicipalityFactory)
    permit = factory.SubFactory(PermitRequestFactory, municipality=_SAME_TOWN)
    department = factory.SubFactory(DepartmentFactory, municipality=_SAME_TOWN)
    reason = ReviewTask.Reason.KIND
    due_date = factory.LazyFunction(lambda: dt.date(2026, 5, 19))


class ComplementRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplementRequest

    municipality = factory.SubFactory(MunicipalityFactory)
    permit = factory.SubFactory(
        PermitRequestFactory, municipality=_SAME_TOWN, status="complement_requested"
    )
    question = "Plan de signalisation ?"
    asked_at = factory.LazyFunction(lambda: dt.datetime(2026, 5, 6, 9, tzinfo=dt.UTC))


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtensionRequest

    municipality = factory.SubFactory(MunicipalityFactory)
    permit = factory.SubFactory(PermitRequestFactory, municipality=_SAME_TOWN, status="granted")
    new_end = factory.LazyFunction(lambda: dt.date(2026, 6, 12))
    reason = "Rocher imprévu"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    municipality = factory.SubFactory(MunicipalityFactory)
    permit = factory.SubFactory(PermitRequestFactory, municipality=_SAME_TOWN)
    file = factory.django.FileField(filename="plan.pdf", data=b"%PDF-1.4\n%%EOF\n")
    name = "plan.pdf"
    mime_type = "application/pdf"
    size = 15


class PendingUploadFactory(factory.django.DjangoModelFactory):
    """A plan sent with a request form that was not saved yet."""

    class Meta:
        model = PendingUpload

    municipality = factory.SubFactory(MunicipalityFactory)
    user = factory.SubFactory(UserFactory)
    form_token = factory.LazyFunction(uuid.uuid4)
    file = factory.django.FileField(filename="plan.pdf", data=b"%PDF-1.4\n%%EOF\n")
    name = "plan.pdf"
    mime_type = "application/pdf"
    size = 15


class StandardConditionFactory(factory.django.DjangoModelFactory):
    """A condition of the town's library."""

    class Meta:
        model = StandardCondition

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"condition-{n}")
    text = "Remettre le revêtement en état dans les règles de l'art."


def draft(town, *, dx=100, dy=100, w=4, h=2, **fields) -> PermitRequest:
    """A draft request in `town` with one rectangular work area (call inside the scope)."""
    permit = PermitRequestFactory(municipality=town, **fields)
    return area_add(permit, town, dx, dy, w, h)


def area_add(permit, town, dx, dy=100, w=4, h=2) -> PermitRequest:
    """`permit` with one more w x h m work area, `dx`, `dy` metres from the town's origin, for
    the request's planned dates (call inside the scope)."""
    spec = parse_work_areas(rect_geojson(town, dx, dy, w, h))[0]
    WorkArea.objects.create(
        municipality=town,
        permit=permit,
        drawn=spec.drawn,
        geometry=spec.polygon,
        area_m2=spec.area_m2,
        length_m=spec.length_m,
        starts_on=permit.planned_start,
        ends_on=permit.planned_end,
    )
    return permit


def town_settings(town, **fields) -> PermitSettings:
    settings, _ = PermitSettings.objects.update_or_create(municipality=town, defaults=fields)
    return settings
