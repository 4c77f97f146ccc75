"""The applicant's side after the request form (views/request_form.py): my requests, a
request's page with its history, and the supplements and declarations after submission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.core.files import private_file_response
from commune.permits import forms, workflow
from commune.permits.disclosure import findings_for, history_for
from commune.permits.models import Attachment, ComplementRequest
from commune.permits.models.texts import Audience
from commune.permits.selectors import (
    complement_open,
    permit_get_for_applicant,
    permit_get_for_reader,
    permit_list_for_applicant,
)
from commune.permits.services import attachments, emergency, review, submission, works
from commune.permits.services.geometry import findings_geojson, to_geojson
from commune.permits.services.outlook import applicant_outlook
from commune.permits.workflow import TransitionNotAllowed


def town_url(request, name: str, **kwargs) -> str:
    return reverse(f"permits:{name}", kwargs={"town": request.municipality.slug, **kwargs})


def territory_geojson(town) -> str:
    return town.territory.transform(4326, clone=True).json


def error_messages(request, exc: ValidationError | TransitionNotAllowed) -> None:
    if isinstance(exc, TransitionNotAllowed):
        messages.error(request, exc.message)
        return
    for message in exc.messages:
        messages.error(request, message)


@login_required
def permit_mine(request):
    permits = permit_list_for_applicant(municipality=request.municipality, user=request.user)
    return render(request, "permits/mine.html", {"permits": permits})


@login_required
def permit_detail(request, permit_id: int):
    permit = permit_get_for_applicant(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )
    findings = findings_for(permit=permit, audience=Audience.APPLICANT)
    validity = workflow.validity_on(
        timezone.localdate(),
        first_day=permit.planned_start,
        last_day=permit.valid_until or permit.planned_end,
    )
    context = {
        "works_not_yet": validity == workflow.NOT_YET_VALID,
        "permit": permit,
        "areas_geojson": to_geojson(permit),
        "territory": territory_geojson(request.municipality),
        "history": history_for(permit=permit, audience=Audience.APPLICANT, limit=50),
        "tasks": permit.tasks.filter(status__in=workflow.TASK_SHOWN_TO_APPLICANT).select_related(
            "department"
        ),
        "findings": findings,
        "findings_geojson": findings_geojson(findings),
        "open_complement": complement_open(permit=permit),
        "actions": workflow.applicant_actions(
            permit.status,
            is_emergency=permit.is_emergency,
            started=permit.works_started_at is not None,
        ),
        "emergency_pending": permit.is_emergency and permit.status in workflow.EMERGENCY_PENDING,
        "clocks_paused": workflow.clocks_paused(permit.status),
        "outlook": applicant_outlook(permit),
        "attachment_form": forms.AttachmentForm(),
        "complement_form": forms.ComplementAnswerForm(),
        "extension_form": forms.ExtensionForm(),
        "reinstatement_form": forms.ReinstatementForm(),
    }
    return render(request, "permits/detail.html", context)


def _post_action(request, permit_id: int, action):
    permit = permit_get_for_applicant(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )
    try:
        action(permit)
    except (ValidationError, TransitionNotAllowed) as exc:
        error_messages(request, exc)
    return redirect(town_url(request, "detail", permit_id=permit.pk))


@login_required
@require_POST
def permit_submit(request, permit_id: int):
    def act(permit):
        submission.permit_submit(permit=permit, applicant=request.user, now=timezone.now())
        messages.success(request, _("Your request is submitted."))

    return _post_action(request, permit_id, act)


@login_required
def permit_withdraw(request, permit_id: int):
    """A withdrawal is confirmed first: the page says what it ends (more firmly for a permit
    already granted) and its form, sent with `confirm`, withdraws. A POST without `confirm`
    (or a GET) only shows the page; nothing changes until then."""
    permit = permit_get_for_applicant(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )
    if "withdraw" not in workflow.applicant_actions(permit.status):
        return redirect(town_url(request, "detail", permit_id=permit.pk))
    if request.method == "POST" and request.POST.get("confirm") == "yes":

        def act(p):
            submission.permit_withdraw(permit=p, applicant=request.user, now=timezone.now())
            messages.success(request, _("The request is withdrawn."))

        return _post_action(request, permit_id, act)
    context = {"permit": permit, "granted": permit.status in workflow.AUTHORISES_WORKS}
    return render(request, "permits/withdraw_confirm.html", context)


@login_required
@require_POST
def permit_supplement(request, permit_id: int):
    def act(permit):
        form = forms.AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        attachments.permit_supplement(
            permit=permit, user=request.user, uploads=form.cleaned_data["files"]
        )
        messages.success(request, _("The documents are added."))

    return _post_action(request, permit_id, act)


@login_required
@require_POST
def complement_answer(request, permit_id: int, complement_id: int):
    def act(permit):
        complement = get_object_or_404(ComplementRequest, pk=complement_id, permit=permit)
        form = forms.ComplementAnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        review.complement_answer(
            complement=complement,
            applicant=request.user,
            answer=form.cleaned_data["answer"],
            uploads=form.cleaned_data["files"],
            now=timezone.now(),
        )
        messages.success(request, _("Thank you: the review continues."))

    return _post_action(request, permit_id, act)


@login_required
@require_POST
def works_step(request, permit_id: int, step: str):
    now = timezone.now()

    def act(permit):
        if step == "start" and permit.is_emergency and permit.status in workflow.EMERGENCY_PENDING:
            emergency.emergency_start(permit=permit, applicant=request.user, now=now)
        elif step == "start":
            works.works_start(permit=permit, applicant=request.user, now=now)
        elif step == "end":
            works.works_end(permit=permit, applicant=request.user, now=now)
        elif step == "reinstated":
            form = forms.ReinstatementForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            works.works_reinstate(
                permit=permit, applicant=request.user, photos=form.cleaned_data["photos"], now=now
            )
        elif step == "extension":
            form = forms.ExtensionForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            works.extension_request(permit=permit, applicant=request.user, **form.cleaned_data)
        else:
            raise Http404
        messages.success(request, _("Thank you, it is recorded."))

    return _post_action(request, permit_id, act)


@login_required
def attachment_download(request, permit_id: int, attachment_id: int):
    """A plan or photo: for whoever may read the permit (selectors.permit_get_for_reader);
    pictures are shown, every other file is a download (commune.core.files)."""
    permit = permit_get_for_reader(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )
    attachment = get_object_or_404(Attachment, pk=attachment_id, permit=permit)
    return private_file_response(
        attachment.file,
        filename=attachment.name,
        content_type=attachment.mime_type,
        inline=True,
    )
