"""The staff's overviews: the work queue, late reviews, the map of the files, statistics, and
the address search of the request form."""

from __future__ import annotations

import datetime as dt
import json
import statistics

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from commune.permits import workflow

from ..models import (
    Address,
    ComplementRequest,
    ExtensionRequest,
    Finding,
    PermitRequest,
    ReviewTask,
    WorkArea,
)
from ..models.address import address_key
from .files import permit_list_for_staff, permit_list_staff_may_open

QUEUE_PAGE_SIZE = 50


def _complement_overdue(today) -> QuerySet[ComplementRequest]:
    """The file's complement still awaited after its last day (workflow.complement_overdue)."""
    return ComplementRequest.objects.filter(
        permit=OuterRef("pk"), answered_at__isnull=True, due_date__lt=today
    )


def _extension_pending() -> QuerySet[ExtensionRequest]:
    """The file's extension request still waiting for the officer's answer."""
    return ExtensionRequest.objects.filter(
        permit=OuterRef("pk"), status=ExtensionRequest.Status.PENDING
    )


#: The queue's badges for blocking findings: one per kind (which finding, not "a finding").
QUEUE_FINDINGS = (
    Finding.Kind.CONFLICT,
    Finding.Kind.NOTICE,
    Finding.Kind.MORATORIUM,
    Finding.Kind.EMERGENCY,
)


def permit_queue(
    *,
    municipality,
    user,
    status: str = "",
    kind: str = "",
    q: str = "",
    exceptions_only: bool = False,
) -> QuerySet[PermitRequest]:
    """The files `user` may open (a reviewer: those routed to their service), filtered and
    ordered, without per-row figures: paginate it, then hand the page's ids to
    permit_queue_rows() (counting tasks over every file is what made the queue slow at
    20,000 files)."""
    queryset = permit_list_staff_may_open(municipality=municipality, user=user).order_by(
        "planned_start", "id"
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if q:
        queryset = queryset.filter(Q(reference__icontains=q) | Q(description__icontains=q))
    if exceptions_only:
        today = timezone.localdate()
        late = ReviewTask.objects.filter(
            permit=OuterRef("pk"), status=ReviewTask.Status.OPEN, due_date__lt=today
        )
        blocking = Finding.objects.filter(permit=OuterRef("pk"), kind__in=list(Finding.BLOCKING))
        open_tasks = ReviewTask.objects.filter(permit=OuterRef("pk"), status=ReviewTask.Status.OPEN)
        queryset = queryset.filter(
            Exists(late)
            | Q(Exists(_complement_overdue(today)), status__in=workflow.PAUSED)
            | Q(Exists(blocking), status__in=workflow.AWAITING_DECISION)
            | Q(~Exists(open_tasks), status__in=workflow.sources("granted", actor=workflow.OFFICER))
            | Q(status=PermitRequest.Status.INSPECTED_DEFECTS)
            | Exists(_extension_pending())
            | Q(
                overdue_flagged_at__isnull=False,
                status__in=workflow.sources("works_ended", actor=workflow.APPLICANT),
            )
        )
    return queryset


def permit_queue_rows(*, municipality, ids: list[int]) -> list[PermitRequest]:
    """The files `ids` (one page of the queue) in that order, with their open task count and
    whether a review is late, a blocking finding exists or the applicant's complement is overdue:
    one query for the page only. Each
    row says whether it is ready for the decision and whether its works are overdue (as the
    workflow decides, for the queue's badges)."""
    today = timezone.localdate()
    late = ReviewTask.objects.filter(
        permit=OuterRef("pk"), status=ReviewTask.Status.OPEN, due_date__lt=today
    )
    blocking = Finding.objects.filter(permit=OuterRef("pk"), kind__in=list(Finding.BLOCKING))
    rows = (
        permit_list_for_staff(municipality=municipality)
        .filter(pk__in=ids)
        .select_related("applicant", "organisation")
        .annotate(
            open_tasks=Count("tasks", filter=Q(tasks__status=ReviewTask.Status.OPEN)),
            has_late=Exists(late),
            has_findings=Exists(blocking),
            complement_overdue=Q(Exists(_complement_overdue(today)), status__in=workflow.PAUSED),
            extension_pending=Exists(_extension_pending()),
            **{
                f"finding_{kind}": Exists(Finding.objects.filter(permit=OuterRef("pk"), kind=kind))
                for kind in QUEUE_FINDINGS
            },
        )
    )
    by_id = {row.pk: row for row in rows}
    for row in by_id.values():
        row.ready_for_decision = workflow.ready_for_decision(row.status, open_tasks=row.open_tasks)
        row.works_overdue = workflow.works_overdue(
            row.status, flagged=row.overdue_flagged_at is not None
        )
        row.findings_found = [
            (kind, Finding.Kind(kind).label)
            for kind in QUEUE_FINDINGS
            if getattr(row, f"finding_{kind}")
        ]
    return [by_id[pk] for pk in ids if pk in by_id]


def task_list_for_departments(*, municipality, department_ids: list[int]) -> QuerySet[ReviewTask]:
    return (
        ReviewTask.objects.filter(
            municipality=municipality,
            department_id__in=department_ids,
            status=ReviewTask.Status.OPEN,
        )
        .select_related("permit", "department")
        .order_by("due_date")
    )


def task_list_late(*, municipality, today: dt.date) -> QuerySet[ReviewTask]:
    return (
        ReviewTask.objects.filter(
            municipality=municipality,
            status=ReviewTask.Status.OPEN,
            due_date__lt=today,
            permit__status__in=workflow.CLOCKS_RUN,
        )
        .select_related("permit", "department")
        .order_by("due_date")
    )


def permit_map_features(
    *,
    municipality,
    status: str = "",
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict:
    """Every file (drafts excepted) as a GeoJSON FeatureCollection in WGS84 for the staff
    map: one feature per work area with the file's reference, status, dates and the references
    of the files it is in conflict with. With `start` and/or `end`, only the files whose works
    (planned start to last valid day, the extension's when granted) meet that period."""
    areas = (
        WorkArea.objects.filter(municipality=municipality)
        .exclude(permit__status__in=workflow.EDITABLE)
        .select_related("permit")
        .order_by("permit__planned_start", "pk")
    )
    if status:
        areas = areas.filter(permit__status=status)
    if kind:
        areas = areas.filter(permit__kind=kind)
    if end is not None:
        areas = areas.filter(permit__planned_start__lte=end)
    if start is not None:
        areas = areas.filter(
            Q(permit__valid_until__gte=start)
            | Q(permit__valid_until__isnull=True, permit__planned_end__gte=start)
        )
    areas = list(areas[:5000])
    conflicts: dict[int, list[str]] = {}
    pairs = Finding.objects.filter(
        municipality=municipality,
        kind=Finding.Kind.CONFLICT,
        permit_id__in={area.permit_id for area in areas},
    ).order_by("other_permit__reference")
    for permit_id, reference in pairs.values_list("permit_id", "other_permit__reference"):
        conflicts.setdefault(permit_id, []).append(reference)
    features = []
    for area in areas:
        permit = area.permit
        features.append(
            {
                "type": "Feature",
                "id": area.pk,
                "properties": {
                    "permit_id": permit.pk,
                    "reference": permit.reference,
                    "status": permit.status,
                    "status_label": str(permit.get_status_display()),
                    "kind": str(permit.get_kind_display()),
                    "start": permit.planned_start.isoformat(),
                    "end": (permit.valid_until or permit.planned_end).isoformat(),
                    "location": permit.location_text,
                    "conflicts": conflicts.get(permit.pk, []),
                },
                "geometry": json.loads(area.geometry.transform(4326, clone=True).json),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def permit_stats(*, municipality, today: dt.date) -> dict:
    """The workspace's figures: median review time per service (calendar days from the
    task's creation to its answer), share of grants with no human step, files by status and
    late tasks per service."""
    answered = (
        ReviewTask.objects.filter(
            municipality=municipality,
            status=ReviewTask.Status.ANSWERED,
            answered_at__isnull=False,
        )
        .select_related("department")
        .only("created_at", "answered_at", "department__name", "is_deemed")
    )
    durations: dict[str, list[float]] = {}
    for task in answered:
        days = (task.answered_at - task.created_at).total_seconds() / 86400
        durations.setdefault(task.department.name, []).append(days)
    per_service = [
        {"service": name, "answers": len(values), "median_days": statistics.median(values)}
        for name, values in sorted(durations.items())
    ]
    late = (
        task_list_late(municipality=municipality, today=today)
        .values("department__name")
        .annotate(n=Count("pk"))
        .order_by("department__name")
    )
    by_status = dict(
        permit_list_for_staff(municipality=municipality)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    granted = PermitRequest.objects.filter(municipality=municipality, decided_at__isnull=False)
    granted = granted.exclude(status=PermitRequest.Status.REFUSED)
    totals = granted.aggregate(all=Count("pk"), routine=Count("pk", filter=Q(is_routine=True)))
    share = totals["routine"] / totals["all"] if totals["all"] else None
    return {
        "per_service": per_service,
        "late": [{"service": row["department__name"], "n": row["n"]} for row in late],
        "by_status": [
            {"status": label, "n": by_status.get(value, 0)}
            for value, label in PermitRequest.Status.choices
            if value in workflow.SUBMITTED
        ],
        "granted": totals["all"],
        "routine": totals["routine"],
        "routine_share": share,
    }


def address_search(*, municipality, q: str, limit: int = 8) -> list:
    """The town's addresses whose label holds every word of `q`, accents and case ignored."""
    words = address_key(q).split()
    if not words:
        return []
    addresses = Address.objects.filter(municipality=municipality)
    for word in words:
        addresses = addresses.filter(search_key__contains=word)
    return list(addresses.order_by("label")[:limit])
