"""The town's side: the officer's queue, a file with its routing reasons and history, the
review form (a reviewer's own department only), the decision and the inspection."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.accounts.access import reviewer_departments, staff_required
from commune.accounts.models import Role
from commune.core.form_errors import errors_to_form
from commune.permits import access, forms, forms_conditions, selectors, workflow
from commune.permits.disclosure import findings_for, history_for
from commune.permits.models import (
    Address,
    ExtensionRequest,
    Finding,
    PermitRequest,
    ReviewLayer,
    ReviewTask,
)
from commune.permits.models.texts import Audience
from commune.permits.services import decision, review, routing, works
from commune.permits.services.addresses import address_layer_import
from commune.permits.services.geometry import findings_geojson, to_geojson
from commune.permits.services.layers import review_layer_import
from commune.permits.workflow import TransitionNotAllowed

OFFICERS = access.OFFICERS
STAFF = (Role.PERMIT_OFFICER, Role.MUNICIPALITY_ADMIN, Role.SERVICE_REVIEWER)


def _url(request, name: str, **kwargs) -> str:
    return reverse(f"permits:{name}", kwargs={"town": request.municipality.slug, **kwargs})


def _fail(request, exc) -> None:
    if isinstance(exc, TransitionNotAllowed):
        messages.error(request, exc.message)
    else:
        for message in exc.messages:
            messages.error(request, message)


@staff_required(*STAFF)
def queue(request):
    town = request.municipality
    form = forms.QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or "all"
    today = timezone.localdate()
    departments = reviewer_departments(request.user, town)
    context = {
        "form": form,
        "view": view,
        "today": today,
        "is_officer": access.is_officer(municipality=town, user=request.user),
    }
    if view == "mine":
        context["tasks"] = selectors.task_list_for_departments(
            municipality=town, department_ids=departments
        )
    elif view == "late":
        files = selectors.permit_list_staff_may_open(municipality=town, user=request.user)
        late = selectors.task_list_late(municipality=town, today=today)
        context["tasks"] = late.filter(permit__in=files)
    else:
        files = selectors.permit_queue(
            municipality=town,
            user=request.user,
            status=data.get("status", ""),
            kind=data.get("kind", ""),
            q=data.get("q", ""),
            exceptions_only=view == "exceptions",
        )
        paginator = Paginator(files.values_list("pk", flat=True), selectors.QUEUE_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        context["page"] = page
        context["page_range"] = paginator.get_elided_page_range(page.number)
        context["permits"] = selectors.permit_queue_rows(
            municipality=town, ids=list(page.object_list)
        )
    return render(request, "permits/staff/queue.html", context)


def _file(request, permit_id: int) -> PermitRequest:
    """The file for this member of staff: never a draft (404), only a file they have a part
    in (403) — the same rule as the file's documents (selectors.permit_get_for_staff)."""
    return selectors.permit_get_for_staff(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )


@staff_required(*STAFF)
def staff_detail(request, permit_id: int):
    town, permit = request.municipality, _file(request, permit_id)
    is_officer = access.is_officer(municipality=town, user=request.user)
    mine = set(reviewer_departments(request.user, town))
    tasks = list(permit.tasks.select_related("department").prefetch_related("conditions"))
    for task in tasks:
        task.actions = workflow.task_actions(
            task.status, permit.status, mine=task.department_id in mine, is_officer=is_officer
        )
    pending = [t.department.name for t in tasks if t.status == workflow.TASK_OPEN]
    complement = selectors.complement_open(permit=permit)
    conflicts = permit.findings.filter(
        kind__in=[Finding.Kind.CONFLICT, Finding.Kind.MORATORIUM]
    ).select_related("other_permit", "street")
    context = {
        "permit": permit,
        "actions": access.permit_staff_actions(municipality=town, user=request.user, permit=permit),
        "clocks_paused": workflow.clocks_paused(permit.status),
        "tasks": tasks,
        "findings": findings_for(permit=permit, audience=Audience.STAFF),
        "conflicts": conflicts,
        "openable": selectors.permit_ids_staff_may_open(
            municipality=town,
            user=request.user,
            ids={f.other_permit_id for f in conflicts if f.other_permit_id},
        ),
        "areas_geojson": to_geojson(permit),
        "findings_geojson": findings_geojson(permit.findings.all()),
        "history": history_for(permit=permit, audience=Audience.STAFF, limit=100),
        "routine_obstacles": decision.routine_obstacles_for(permit),
        "extensions": permit.extensions.filter(status=ExtensionRequest.Status.PENDING),
        "pending": pending,
        "open_complement": complement,
        "complement_overdue": complement is not None
        and workflow.complement_overdue(complement.due_date, today=timezone.localdate()),
        "decision_form": forms_conditions.DecisionForm(
            pending=pending, decisions=workflow.officer_decisions(permit.status)
        ),
        "abandon_form": forms.AbandonForm(),
        "category_form": forms.CategoryForm(initial={"category": permit.road_category}),
        "complement_form": forms.ComplementForm(),
        "service_form": forms.ServiceAddForm(),
        "inspection_form": forms.InspectionForm(),
    }
    return render(request, "permits/staff/detail.html", context)


@staff_required(Role.SERVICE_REVIEWER, *OFFICERS)
def task_review(request, task_id: int):
    town = request.municipality
    task = access.access_task_for_review(municipality=town, user=request.user, task_id=task_id)
    form = forms_conditions.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.review_answer(
                task=task, reviewer=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Your opinion is recorded."))
            return redirect(_url(request, "staff-detail", permit_id=task.permit_id))
    return render(
        request,
        "permits/staff/review.html",
        {
            "task": task,
            "permit": task.permit,
            "actions": access.task_review_actions(municipality=town, user=request.user, task=task),
            "form": form,
            "areas_geojson": to_geojson(task.permit),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required(*OFFICERS)
def permit_decide(request, permit_id: int):
    permit = _file(request, permit_id)
    form = forms_conditions.DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_url(request, "staff-detail", permit_id=permit.pk))
    data, now = form.cleaned_data, timezone.now()
    try:
        if data["decision"] == "grant":
            lines = [line for line in data["extra_conditions"].splitlines() if line.strip()]
            decision.permit_grant(
                permit=permit,
                officer=request.user,
                now=now,
                extra_conditions=lines,
                standard_conditions=data.get("standard_conditions") or [],
                text=data["text"],
                override_reason=data["override_reason"],
            )
            messages.success(request, _("The permit is granted."))
        else:
            decision.permit_refuse(
                permit=permit,
                officer=request.user,
                reasons=data["text"],
                now=now,
                override_reason=data["override_reason"],
            )
            messages.success(request, _("The request is refused."))
    except (ValidationError, TransitionNotAllowed) as exc:
        _fail(request, exc)
    return redirect(_url(request, "staff-detail", permit_id=permit.pk))


@require_POST
@staff_required(*OFFICERS)
def permit_abandon(request, permit_id: int):
    permit = _file(request, permit_id)
    form = forms.AbandonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        decision.permit_abandon(
            permit=permit,
            officer=request.user,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
        messages.success(request, _("The file is closed without follow-up."))
    except (ValidationError, TransitionNotAllowed) as exc:
        _fail(request, exc)
    return redirect(_url(request, "staff-detail", permit_id=permit.pk))


@require_POST
@staff_required(*OFFICERS)
def permit_complement(request, permit_id: int):
    permit = _file(request, permit_id)
    form = forms.ComplementForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what is missing."))
        review.complement_request(
            permit=permit,
            officer=request.user,
            question=form.cleaned_data["question"],
            now=timezone.now(),
        )
        messages.success(request, _("The applicant is asked for a complement; clocks paused."))
    except (ValidationError, TransitionNotAllowed) as exc:
        _fail(request, exc)
    return redirect(_url(request, "staff-detail", permit_id=permit.pk))


@require_POST
@staff_required(*OFFICERS)
def service_add(request, permit_id: int):
    permit = _file(request, permit_id)
    form = forms.ServiceAddForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("This service cannot be added now."))
        routing.review_task_add(
            permit=permit,
            department=form.cleaned_data["department"],
            officer=request.user,
            settings=selectors.permit_settings_get(municipality=request.municipality),
            today=timezone.localdate(),
        )
        messages.success(request, _("The service is added."))
    except ValidationError as exc:
        _fail(request, exc)
    return redirect(_url(request, "staff-detail", permit_id=permit.pk))


@require_POST
@staff_required(*OFFICERS)
def task_remove(request, task_id: int):
    task = get_object_or_404(ReviewTask, pk=task_id)
    if task.status != ReviewTask.Status.OPEN:
        messages.info(request, _("This service's review is already closed: nothing changed."))
        return redirect(_url(request, "staff-detail", permit_id=task.permit_id))
    routing.review_task_remove(task=task, officer=request.user, now=timezone.now())
    messages.success(request, _("The service is removed from this review."))
    return redirect(_url(request, "staff-detail", permit_id=task.permit_id))


@require_POST
@staff_required(*OFFICERS, Role.SERVICE_REVIEWER)
def permit_inspect(request, permit_id: int):
    permit = access.access_permit_for_inspection(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )
    form = forms.InspectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        works.inspection_record(
            permit=permit, inspector=request.user, now=timezone.now(), **form.cleaned_data
        )
        messages.success(request, _("The inspection is recorded."))
    except (ValidationError, TransitionNotAllowed) as exc:
        _fail(request, exc)
    return redirect(_url(request, "staff-detail", permit_id=permit.pk))


@require_POST
@staff_required(*OFFICERS)
def extension_decide(request, extension_id: int):
    extension = get_object_or_404(ExtensionRequest, pk=extension_id)
    if extension.status != ExtensionRequest.Status.PENDING:
        messages.info(request, _("This extension was already decided: nothing changed."))
        return redirect(_url(request, "staff-detail", permit_id=extension.permit_id))
    accept = request.POST.get("accept") == "1"
    works.extension_decide(
        extension=extension, officer=request.user, accept=accept, now=timezone.now()
    )
    if accept:
        messages.success(
            request, _("The extension is accepted; the fees follow and the applicant is told.")
        )
    else:
        messages.success(request, _("The extension is refused; the applicant is told."))
    return redirect(_url(request, "staff-detail", permit_id=extension.permit_id))


@staff_required(*OFFICERS)
def layers(request):
    """The town's review layers: list, and upload a new one (GeoJSON or zipped shapefile)."""
    form = forms.ReviewLayerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            layer = review_layer_import(
                municipality=request.municipality,
                name=form.cleaned_data["name"],
                department=form.cleaned_data["department"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                _("Layer %(name)s imported with %(n)d features.")
                % {"name": layer.name, "n": layer.features.count()},
            )
            return redirect(_url(request, "layers"))
    items = ReviewLayer.objects.select_related("department").order_by("name")
    return render(
        request,
        "permits/staff/layers.html",
        {"form": form, "layers": items},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(*OFFICERS)
def address_layer(request):
    """The town's address layer for the request form's search: how many, and replace it."""
    form = forms.AddressLayerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = address_layer_import(
                municipality=request.municipality,
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("%(n)d addresses imported.") % {"n": count})
            return redirect(_url(request, "address-layer"))
    return render(
        request,
        "permits/staff/addresses.html",
        {"form": form, "count": Address.objects.filter(municipality=request.municipality).count()},
        status=400 if request.method == "POST" else 200,
    )
