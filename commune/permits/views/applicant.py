"""The applicant's side: new request (with a map, or pasted GeoJSON), my requests, a
request's page with its history, and the supplements and declarations after submission."""

from __future__ import annotations

import json
import uuid

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.core.bounds import parse_id
from commune.core.files import private_file_response
from commune.permits import access, forms, workflow
from commune.permits.disclosure import findings_for, history_for
from commune.permits.models import Address, Attachment, ComplementRequest, PermitRequest
from commune.permits.models.texts import Audience
from commune.permits.selectors import (
    address_search,
    complement_open,
    permit_get_for_applicant,
    permit_get_for_reader,
    permit_list_for_applicant,
)
from commune.permits.services import attachments, emergency, review, submission, works
from commune.permits.services.geometry import findings_geojson, to_geojson
from commune.permits.services.outlook import applicant_outlook
from commune.permits.workflow import TransitionNotAllowed


def _url(request, name: str, **kwargs) -> str:
    return reverse(f"permits:{name}", kwargs={"town": request.municipality.slug, **kwargs})


def _territory_geojson(town) -> str:
    return town.territory.transform(4326, clone=True).json


def _error_messages(request, exc: ValidationError | TransitionNotAllowed) -> None:
    if isinstance(exc, TransitionNotAllowed):
        messages.error(request, exc.message)
        return
    for message in exc.messages:
        messages.error(request, message)


@login_required
def permit_mine(request):
    permits = permit_list_for_applicant(municipality=request.municipality, user=request.user)
    return render(request, "permits/mine.html", {"permits": permits})


def _address_area(address) -> str:
    """A 6 × 3 m area centred on the address, as WGS84 GeoJSON: a start the applicant adjusts."""
    x, y = address.point.x, address.point.y
    area = Polygon.from_bbox((x - 3, y - 1.5, x + 3, y + 1.5))
    area.srid = address.point.srid
    area.transform(4326)
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": json.loads(area.json)}],
        }
    )


@login_required
def address_suggestions(request):
    """The address search's results as a fragment (htmx), or a page of its own without JS."""
    q = (request.GET.get("q") or request.GET.get("address") or "")[:100]
    context = {
        "q": q,
        "addresses": address_search(municipality=request.municipality, q=q),
        "base": _url(request, "new"),
    }
    template = "permits/_address_results.html" if request.htmx else "permits/addresses.html"
    return render(request, template, context)


def _form_view(request, *, permit: PermitRequest | None):
    """The request form: a new request or a draft. Besides saving (draft, submission) the
    page can be sent to check the request (`verify`: what the submission's checks would find,
    as a fragment for htmx) or to remove a file kept from an earlier sending
    (`remove_upload`). Files sent with a form that is not saved are kept for it (pending
    uploads, by its `upload_token`) and attached when it is."""
    town = request.municipality
    initial, search = {}, {"q": request.GET.get("address", "")[:100], "addresses": None}
    if permit is not None:
        initial = {"geometry": to_geojson(permit)}
        widths = [area.width_m for area in permit.areas.all() if area.width_m]
        if widths:
            initial["line_width_m"] = widths[0]
    if search["q"]:
        search["addresses"] = address_search(municipality=town, q=search["q"])
    chosen = parse_id(request.GET.get("at", ""))
    if request.method == "GET" and chosen is not None:
        address = Address.objects.filter(municipality=town, pk=chosen).first()
        if address is not None:
            initial["geometry"] = _address_area(address)
            search["chosen"] = address
    form = forms.PermitRequestForm(
        request.POST or None,
        request.FILES or None,
        instance=permit,
        initial=initial,
        municipality=town,
        user=request.user,
    )
    context = {
        "form": form,
        "permit": permit,
        "territory": _territory_geojson(town),
        "search": search,
        "areas": initial.get("geometry") if "chosen" in search else None,
        "checked": None,
        "attachments": list(permit.attachments.all()) if permit is not None else [],
        "pending": [],
    }
    if request.method != "POST":
        return render(request, "permits/request_form.html", context)
    if request.htmx and "verify" in request.POST:
        return _verify_fragment(request, form)
    valid = form.is_valid()
    token = _upload_token(form)
    if "remove_upload" in request.POST or "verify" in request.POST or not valid:
        _uploads_keep(request, form, token)
        context["pending"] = attachments.pending_uploads_of(user=request.user, form_token=token)
    if "remove_upload" in request.POST:
        upload_id = parse_id(request.POST.get("remove_upload", ""))
        if upload_id is not None:
            attachments.pending_upload_remove(
                user=request.user, form_token=token, upload_id=upload_id
            )
        context["pending"] = attachments.pending_uploads_of(user=request.user, form_token=token)
        context["form"] = _form_as_sent(request, form, permit=permit)
        return render(request, "permits/request_form.html", context)
    if "verify" in request.POST:
        if valid:
            context["checked"] = _findings_preview(request, form)
        return render(request, "permits/request_form.html", context, status=200 if valid else 400)
    if valid:
        try:
            # one transaction: a submission refused by its own checks (works starting in the
            # past…) leaves no draft behind, and the files wait for the next sending
            with transaction.atomic():
                saved = _save_and_submit(request, form, permit=permit, token=token)
        except submission.SubmissionKeyReused as exc:
            _key_reused(form, exc.permit)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            if saved.status in workflow.EDITABLE:
                messages.success(request, _("Your draft is saved."))
            else:
                messages.success(
                    request, _("Your request %(ref)s is submitted.") % {"ref": saved.reference}
                )
            return redirect(_url(request, "detail", permit_id=saved.pk))
        # refused after the form's checks: the files sent now wait for the next sending
        _uploads_keep(request, form, token)
        context["pending"] = attachments.pending_uploads_of(user=request.user, form_token=token)
    return render(request, "permits/request_form.html", context, status=400)


def _save_and_submit(request, form, *, permit, token) -> PermitRequest:
    """Save the draft with its files (those sent now and those kept for the form), then submit
    it when the applicant asked to."""
    saved = submission.permit_draft_save(
        municipality=request.municipality,
        applicant=request.user,
        data=form.checked.data,
        areas=form.checked.areas,
        uploads=form.cleaned_data["attachments"],
        submission_key=form.cleaned_data["submission_key"] if permit is None else None,
        permit=permit,
        pending_token=token,
    )
    if "submit" in request.POST and saved.status in workflow.EDITABLE:
        saved = submission.permit_submit(permit=saved, applicant=request.user, now=timezone.now())
    return saved


def _upload_token(form) -> uuid.UUID:
    """The form's token for its files; a new one (given to the page) if it came without."""
    token = (getattr(form, "cleaned_data", None) or {}).get("upload_token")
    if token is None:
        token = uuid.uuid4()
        form.data = form.data.copy()
        form.data[form.add_prefix("upload_token")] = str(token)
    return token


def _uploads_keep(request, form, token: uuid.UUID) -> None:
    """Keep the files that passed their checks, for the form's next sending."""
    uploads = form.cleaned_data.get("attachments") or []
    try:
        attachments.pending_uploads_keep(
            municipality=request.municipality, user=request.user, form_token=token, uploads=uploads
        )
    except ValidationError as exc:
        form.add_error("attachments", exc)
    form.cleaned_data["attachments"] = []


def _form_as_sent(request, form, *, permit):
    """The form filled in as it was sent, but not judged (no errors): after removing a file."""
    values = {name: request.POST.get(form.add_prefix(name)) for name in form.fields}
    for name, field in form.fields.items():
        if isinstance(field, django_forms.BooleanField):
            values[name] = form.add_prefix(name) in request.POST
    values = {k: v for k, v in values.items() if v is not None and k != "attachments"}
    values["upload_token"] = form.cleaned_data.get("upload_token") or form.data.get(
        form.add_prefix("upload_token")
    )
    return forms.PermitRequestForm(
        instance=permit, initial=values, municipality=request.municipality, user=request.user
    )


def _findings_preview(request, form):
    return submission.permit_request_check(
        municipality=request.municipality,
        applicant=request.user,
        data=form.checked.data,
        areas=form.checked.areas,
        today=timezone.localdate(),
    )


def _verify_fragment(request, form):
    """htmx: what the submission's checks would find, or what is still to correct."""
    valid = form.is_valid()
    context = {
        "form": form,
        "checked": _findings_preview(request, form) if valid else None,
        "fragment": True,
    }
    return render(request, "permits/_request_check.html", context)


def _key_reused(form, first: PermitRequest) -> None:
    """The form came back (the browser's back button) with other data under the key it had:
    say so, and give it a new key, so that sending it again makes a new request."""
    form.add_error(
        None,
        _(
            "This form was already sent with other data: your request %(ref)s is kept as it "
            "was and nothing else was saved. To change that request, open it from your "
            "requests; to make a new one, send this form again."
        )
        % {"ref": first},
    )
    form.data = form.data.copy()
    form.data[form.add_prefix("submission_key")] = str(uuid.uuid4())


@login_required
def permit_new(request):
    return _form_view(request, permit=None)


@login_required
def permit_edit(request, permit_id: int):
    try:
        permit = access.access_draft_for_edit(
            municipality=request.municipality, user=request.user, permit_id=permit_id
        )
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect(_url(request, "detail", permit_id=permit_id))
    return _form_view(request, permit=permit)


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
        "territory": _territory_geojson(request.municipality),
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
        _error_messages(request, exc)
    return redirect(_url(request, "detail", permit_id=permit.pk))


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
        return redirect(_url(request, "detail", permit_id=permit.pk))
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
