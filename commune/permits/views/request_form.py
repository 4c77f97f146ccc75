"""The applicant's request form: a new request (with a map, an address search, or pasted
GeoJSON) or a draft, checked before it is sent, its files kept between sendings."""

from __future__ import annotations

import json
import uuid

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.core.bounds import parse_id
from commune.core.form_errors import errors_to_form
from commune.permits import access, forms, workflow
from commune.permits.forms.corners import corners_context, corners_read
from commune.permits.models import Address, PermitRequest
from commune.permits.selectors import address_search
from commune.permits.services import attachments, submission
from commune.permits.services.geometry import to_geojson

from .applicant import error_messages, territory_geojson, town_url


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
        "base": town_url(request, "new"),
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
        "territory": territory_geojson(town),
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
    if "apply_corners" in request.POST:
        # the corners typed moved the areas (the form did it when it read them): the page
        # again, filled in as sent, nothing saved; the files sent wait for the next sending
        _uploads_keep(request, form, token)
        context["pending"] = attachments.pending_uploads_of(user=request.user, form_token=token)
        context["form"] = _form_as_sent(request, form, permit=permit)
        return render(
            request, "permits/request_form.html", context, status=400 if form.corner_errors else 200
        )
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
            errors_to_form(form, exc)
        else:
            if saved.status in workflow.EDITABLE:
                messages.success(request, _("Your draft is saved."))
            else:
                messages.success(
                    request, _("Your request %(ref)s is submitted.") % {"ref": saved.reference}
                )
            return redirect(town_url(request, "detail", permit_id=saved.pk))
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
    # form.data: what was sent, with the areas as the corners typed moved them
    values = {name: form.data.get(form.add_prefix(name)) for name in form.fields}
    for name, field in form.fields.items():
        if isinstance(field, django_forms.BooleanField):
            values[name] = form.add_prefix(name) in request.POST
    values = {k: v for k, v in values.items() if v is not None and k != "attachments"}
    values["upload_token"] = form.cleaned_data.get("upload_token") or form.data.get(
        form.add_prefix("upload_token")
    )
    again = forms.PermitRequestForm(
        instance=permit, initial=values, municipality=request.municipality, user=request.user
    )
    again.corner_errors = form.corner_errors
    return again


@login_required
@require_POST
def area_corners(request):
    """htmx: the list of corners of the areas sent, with the corners typed applied (the page's
    script gives the moved areas to the map)."""
    moved, errors = corners_read(request.POST)
    text = moved if moved is not None else request.POST.get("geometry", "")
    context = {"corners": corners_context(text, errors=errors, moved=moved)}
    return render(request, "permits/_corners_list.html", context)


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
        error_messages(request, exc)
        return redirect(town_url(request, "detail", permit_id=permit_id))
    return _form_view(request, permit=permit)
