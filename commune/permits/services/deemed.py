"""Deemed opinions per service and closure level (issue 8): the town says, for each of its
services and each level of road closure (none, one lane, full), whether the service's silence
counts as a favourable opinion once its review is late by `deemed_after_days` working days.
The review clocks (review.py) ask `silence_counts`; the staff page edits the whole table."""

from __future__ import annotations

from django.db import transaction

from commune.core import audit
from commune.permits import workflow
from commune.permits.models import DeemedOpinionRule, PermitSettings, ReviewTask
from commune.permits.models.choices import RoadClosure
from commune.tenants.models import Department

Rules = dict[tuple[int, str], bool]


def deemed_rules(*, municipality) -> Rules:
    """The town's explicit rules: (department id, closure level) → silence is favourable."""
    rows = DeemedOpinionRule.objects.filter(municipality=municipality)
    return {
        (row.department_id, row.road_closure): row.silence_is_favourable
        for row in rows.only("department_id", "road_closure", "silence_is_favourable")
    }


def silence_counts(*, task: ReviewTask, settings: PermitSettings, rules: Rules) -> bool:
    """Whether `task`'s service, silent past its due date, is deemed favourable on this
    request's closure level (workflow.silence_is_favourable)."""
    closure = task.permit.road_closure
    return workflow.silence_is_favourable(
        town_default=settings.deemed_consent,
        rule=rules.get((task.department_id, closure)),
        department_code=task.department.code,
        road_closure=closure,
    )


def deemed_matrix(*, municipality, settings: PermitSettings) -> list[dict]:
    """Every service of the town with, for each closure level, what its silence counts as now
    (`value`) and whether the town set it (`explicit`) or the default applies."""
    rules = deemed_rules(municipality=municipality)
    rows = []
    for department in Department.objects.filter(municipality=municipality).order_by("name"):
        cells = []
        for closure, label in RoadClosure.choices:
            rule = rules.get((department.pk, closure))
            value = workflow.silence_is_favourable(
                town_default=settings.deemed_consent,
                rule=rule,
                department_code=department.code,
                road_closure=closure,
            )
            cells.append(
                {
                    "closure": closure,
                    "label": label,
                    "value": value,
                    "explicit": rule is not None,
                    "name": f"deemed-{department.pk}-{closure}",
                }
            )
        rows.append({"department": department, "cells": cells})
    return rows


@transaction.atomic
def deemed_rules_save(*, municipality, actor, values: Rules) -> int:
    """Store the table the staff page sent ((department id, closure) → favourable): a cell
    that differs from what applies now becomes the town's rule, the others stay as they are (a
    default stays a default); another town's department is ignored. Saving the same table
    twice changes nothing. Returns the number of rules changed."""
    codes = dict(Department.objects.filter(municipality=municipality).values_list("pk", "code"))
    town_default = PermitSettings.objects.get(municipality=municipality).deemed_consent
    current = deemed_rules(municipality=municipality)
    changed = {}
    for (department_id, closure), favourable in values.items():
        if department_id not in codes or closure not in RoadClosure.values:
            continue
        now_favourable = workflow.silence_is_favourable(
            town_default=town_default,
            rule=current.get((department_id, closure)),
            department_code=codes[department_id],
            road_closure=closure,
        )
        if now_favourable == favourable:  # unchanged: a default stays a default
            continue
        DeemedOpinionRule.objects.update_or_create(
            municipality=municipality,
            department_id=department_id,
            road_closure=closure,
            defaults={"silence_is_favourable": favourable},
        )
        changed[f"{department_id}/{closure}"] = favourable
    if changed:
        audit.record(
            actor=actor,
            obj=municipality,
            action="deemed_rules_changed",
            after={"rules": changed},
        )
    return len(changed)
