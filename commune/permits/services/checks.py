"""The automatic checks run on submission: notice, conflicts in space and time, streets under
moratorium and coordination with other utilities. Findings are stored on the request."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib.gis.measure import D

from commune.permits import deadlines
from commune.permits.models import Finding, PermitRequest, ResurfacedStreet, WorkArea
from commune.permits.models.texts import Text
from commune.permits.workflow import ACTIVE


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notice_respected(*, submitted_on: dt.date, start: dt.date, days: int, canton: str) -> bool:
    return deadlines.working_days_between(submitted_on, start, canton) >= days


def nearby_areas(*, geometry, distance_m: float, start: dt.date, end: dt.date, exclude_id=None):
    """Other active requests' work areas within `distance_m` whose dates overlap [start, end]."""
    queryset = WorkArea.objects.filter(
        geometry__dwithin=(geometry, D(m=distance_m)),
        starts_on__lte=end,
        ends_on__gte=start,
        permit__status__in=ACTIVE,
    ).select_related("permit", "permit__organisation")
    if exclude_id is not None:
        queryset = queryset.exclude(permit_id=exclude_id)
    return queryset


def _same_party(a: PermitRequest, b: PermitRequest) -> bool:
    if a.organisation_id and b.organisation_id:
        return a.organisation_id == b.organisation_id
    return a.applicant_id == b.applicant_id


def findings_compute(*, permit: PermitRequest, settings, today: dt.date) -> list[Finding]:
    """Every finding for `permit` (unsaved). Conflicts are other parties' works near by at the
    same time; coordination is another utility on the same street within N months. Each message
    is stored as a key and parameters, written out in the language of whoever reads it."""
    findings: list[Finding] = []

    def make(kind: str, text: Text, **fields) -> Finding:
        return Finding(
            municipality=permit.municipality,
            permit=permit,
            kind=kind,
            message_key=text.key,
            message_params=text.params,
            **fields,
        )

    if permit.is_emergency:
        findings.append(make(Finding.Kind.EMERGENCY, Text.of("finding.emergency")))
    elif not permit.notice_respected:
        text = Text.of("finding.notice", n=settings.minimum_notice_days)
        findings.append(make(Finding.Kind.NOTICE, text))
    areas = list(permit.areas.all())
    seen_conflicts: set[int] = set()
    seen_coordination: set[int] = set()
    months = settings.coordination_months
    for area in areas:
        for other in nearby_areas(
            geometry=area.geometry,
            distance_m=settings.conflict_distance_m,
            start=permit.planned_start,
            end=permit.planned_end,
            exclude_id=permit.pk,
        ):
            if other.permit_id in seen_conflicts:
                continue
            seen_conflicts.add(other.permit_id)
            text = Text.of(
                "finding.conflict",
                ref=other.permit.reference,
                start=other.starts_on,
                end=other.ends_on,
            )
            findings.append(
                make(
                    Finding.Kind.CONFLICT,
                    text,
                    other_permit=other.permit,
                    geometry=other.geometry,
                )
            )
        for street in ResurfacedStreet.objects.filter(
            geometry__intersects=area.geometry, moratorium_until__gte=permit.planned_start
        ):
            text = Text.of("finding.moratorium", street=street.name, until=street.moratorium_until)
            findings.append(
                make(Finding.Kind.MORATORIUM, text, street=street, geometry=street.geometry)
            )
        for other in nearby_areas(
            geometry=area.geometry,
            distance_m=settings.coordination_distance_m,
            start=add_months(permit.planned_start, -months),
            end=add_months(permit.planned_end, months),
            exclude_id=permit.pk,
        ):
            if other.permit_id in seen_coordination or _same_party(permit, other.permit):
                continue
            seen_coordination.add(other.permit_id)
            text = Text.of(
                "finding.coordination",
                who=other.permit.organisation or other.permit.applicant,
                ref=other.permit.reference,
                start=other.starts_on,
            )
            findings.append(
                make(
                    Finding.Kind.COORDINATION,
                    text,
                    other_permit=other.permit,
                    geometry=other.geometry,
                )
            )
    return findings
