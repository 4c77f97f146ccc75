"""Which departments review a request, and why: by kind of work, by impact, and by the
town's layers (a work area touching a feature adds that layer's department)."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from commune.core import audit
from commune.permits import deadlines
from commune.permits.models import PermitRequest, ReviewFeature, ReviewTask, RoutingRule

from .notify import notify_later


def _impact_matches(impact: str, permit: PermitRequest) -> bool:
    match impact:
        case "":
            return True
        case RoutingRule.Impact.FULL_CLOSURE:
            return permit.road_closure == PermitRequest.Closure.FULL
        case RoutingRule.Impact.ANY_CLOSURE:
            return permit.road_closure != PermitRequest.Closure.NONE
        case RoutingRule.Impact.PAVEMENT:
            return permit.pavement_closure
        case RoutingRule.Impact.PARKING:
            return permit.parking_places_removed > 0
    return False


def routing_compute(*, permit: PermitRequest) -> dict[int, tuple[object, str, str]]:
    """department id → (department, reason code, reason in words) for `permit`. The words are
    in the town's language: officers read them, whatever language the applicant submitted in."""
    with translation.override(permit.municipality.default_language):
        return _routing_compute(permit)


def _routing_compute(permit: PermitRequest) -> dict[int, tuple[object, str, str]]:
    chosen: dict[int, tuple[object, str, str]] = {}

    def add(department, reason: str, detail: str) -> None:
        if department.pk in chosen:
            dep, code, text = chosen[department.pk]
            chosen[department.pk] = (dep, code, f"{text}; {detail}")
        else:
            chosen[department.pk] = (department, reason, detail)

    for rule in RoutingRule.objects.filter(is_active=True).select_related("department"):
        if rule.kind and rule.kind != permit.kind:
            continue
        if not _impact_matches(rule.impact, permit):
            continue
        if rule.impact:
            add(rule.department, ReviewTask.Reason.IMPACT, str(rule.get_impact_display()))
        elif rule.kind:
            add(
                rule.department,
                ReviewTask.Reason.KIND,
                _("kind of work: %(kind)s") % {"kind": permit.get_kind_display()},
            )
        else:
            add(rule.department, ReviewTask.Reason.ALWAYS, _("reviews every request"))

    polygons = [a.geometry for a in permit.areas.all()]
    if polygons:
        union = MultiPolygon(polygons, srid=polygons[0].srid)
        features = ReviewFeature.objects.filter(
            layer__is_active=True, geometry__intersects=union
        ).select_related("layer", "layer__department")
        for feature in features:
            label = feature.layer.name + (f" ({feature.label})" if feature.label else "")
            add(
                feature.layer.department,
                ReviewTask.Reason.LAYER,
                _("work area touches %(layer)s") % {"layer": label},
            )
    return chosen


def _due(permit: PermitRequest, settings, today: dt.date) -> dt.date:
    return deadlines.add_working_days(today, settings.review_days, permit.municipality.canton)


def permit_route(*, permit: PermitRequest, settings, today: dt.date) -> list[ReviewTask]:
    """Create one review task per chosen department, each with its reason and due date."""
    tasks = []
    for department, reason, detail in routing_compute(permit=permit).values():
        task = ReviewTask.objects.create(
            municipality=permit.municipality,
            permit=permit,
            department=department,
            reason=reason,
            reason_detail=detail[:300],
            due_date=_due(permit, settings, today),
        )
        audit.record(
            actor=None,
            obj=permit,
            action="review_task_routed",
            after={"department": department.name, "reason": detail, "due": task.due_date},
        )
        notify_later("task_assigned", permit_id=permit.pk, task_id=task.pk)
        tasks.append(task)
    return tasks


def _added_by(permit: PermitRequest, officer) -> str:
    with translation.override(permit.municipality.default_language):
        return _("added by %(name)s") % {"name": officer.full_name}


@transaction.atomic
def review_task_add(*, permit: PermitRequest, department, officer, settings, today: dt.date):
    """The officer adds a service the rules did not choose."""
    existing = permit.tasks.exclude(status=ReviewTask.Status.CANCELLED).filter(
        department=department
    )
    if existing.exists():
        return existing.get()
    task = ReviewTask.objects.create(
        municipality=permit.municipality,
        permit=permit,
        department=department,
        reason=ReviewTask.Reason.MANUAL,
        reason_detail=_added_by(permit, officer),
        due_date=_due(permit, settings, today),
    )
    audit.record(
        actor=officer, obj=permit, action="review_task_added", after={"department": department.name}
    )
    notify_later("task_assigned", permit_id=permit.pk, task_id=task.pk)
    return task


@transaction.atomic
def review_task_remove(*, task: ReviewTask, officer, now: dt.datetime) -> ReviewTask:
    """The officer removes a service; if it was the last open review, the request moves on."""
    from .review import reviews_settle

    if task.status != ReviewTask.Status.OPEN:
        return task
    task.status = ReviewTask.Status.CANCELLED
    task.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=officer,
        obj=task.permit,
        action="review_task_removed",
        before={"department": task.department.name},
    )
    reviews_settle(permit=task.permit, now=now)
    return task
