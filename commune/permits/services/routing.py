"""Which departments review a request, and why: by kind of work, by impact, and by the
town's layers (a work area touching a feature adds that layer's department)."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from commune.core import audit
from commune.permits import deadlines, workflow
from commune.permits.models import PermitRequest, ReviewFeature, ReviewTask, RoutingRule
from commune.permits.models.texts import Text

from .notify import notify_later
from .review import reviews_settle


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


def routing_compute(*, permit: PermitRequest) -> dict[int, tuple[object, str, list[Text]]]:
    """department id → (department, reason code, why in sentences) for `permit`. The sentences
    are stored as keys and parameters, written out in the language of whoever reads them."""
    chosen: dict[int, tuple[object, str, list[Text]]] = {}

    def add(department, reason: str, text: Text) -> None:
        if department.pk in chosen:
            chosen[department.pk][2].append(text)
        else:
            chosen[department.pk] = (department, reason, [text])

    for rule in RoutingRule.objects.filter(is_active=True).select_related("department"):
        if rule.kind and rule.kind != permit.kind:
            continue
        if not _impact_matches(rule.impact, permit):
            continue
        if rule.impact:
            add(
                rule.department,
                ReviewTask.Reason.IMPACT,
                Text.of("routing.impact", impact=rule.impact),
            )
        elif rule.kind:
            add(rule.department, ReviewTask.Reason.KIND, Text.of("routing.kind", kind=permit.kind))
        else:
            add(rule.department, ReviewTask.Reason.ALWAYS, Text.of("routing.always"))

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
                Text.of("routing.layer", layer=label),
            )
    return chosen


def _due(permit: PermitRequest, settings, today: dt.date) -> dt.date:
    return deadlines.add_working_days(today, settings.review_days, permit.municipality.canton)


def permit_route(*, permit: PermitRequest, settings, today: dt.date) -> list[ReviewTask]:
    """Create one review task per chosen department, each with its reason and due date."""
    tasks = []
    for department, reason, why in routing_compute(permit=permit).values():
        task = ReviewTask.objects.create(
            municipality=permit.municipality,
            permit=permit,
            department=department,
            reason=reason,
            reason_parts=[text.as_json() for text in why],
            due_date=_due(permit, settings, today),
        )
        with translation.override(permit.municipality.default_language):
            # the trail is a record of the moment: the reason as it read then, in the town's
            # language (the task itself keeps it as sentences for every reader)
            said = "; ".join(str(text) for text in why)
        audit.record(
            actor=None,
            obj=permit,
            action="review_task_routed",
            after={"department": department.name, "reason": said, "due": task.due_date},
        )
        notify_later("task_assigned", permit_id=permit.pk, task_id=task.pk)
        tasks.append(task)
    return tasks


@transaction.atomic
def review_task_add(*, permit: PermitRequest, department, officer, settings, today: dt.date):
    """The officer adds a service the rules did not choose, while the services' review runs
    (afterwards no one would read its opinion)."""
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    if permit.status not in workflow.UNDER_REVIEW:
        raise ValidationError(_("This service cannot be added now."), code="not_in_review")
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
        reason_parts=[Text.of("routing.manual", name=officer.full_name).as_json()],
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
