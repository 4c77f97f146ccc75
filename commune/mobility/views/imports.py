"""The town's data imports: the list with the upload form, and one import's progress and
report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commune.accounts.access import staff_required
from commune.accounts.models import Role
from commune.core.idempotency import owned_key

from .. import selectors, services, texts
from ..forms import ImportUploadForm, PreviewForm, UploadStartForm
from ..models import DataImport, PendingUpload
from ..services import uploads
from ..warehouse.ingest import counts_preview, format_error_class

POLL_SECONDS = 2


def _detail_url(request, data_import) -> str:
    return reverse(
        "mobility:import-detail",
        kwargs={"town": request.municipality.slug, "import_id": data_import.pk},
    )


@require_http_methods(["GET", "POST"])
@staff_required(Role.MOBILITY_ANALYST)
def import_list(request):
    """The town's imports, and the form to upload a new file."""
    town = request.municipality
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and request.POST.get("action") == "preview":
        try:
            upload = uploads.upload_from_form(
                municipality=town,
                user=request.user,
                file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except uploads.UploadRefused as exc:
            form.add_error("file", str(exc))
        else:
            return HttpResponseRedirect(_preview_url(request, upload))
    elif request.method == "POST" and form.is_valid():
        data_import = services.import_submit(
            municipality=town,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            time_zone=form.cleaned_data["time_zone"],
            options=form.reading_options(),
            uploaded_by=request.user,
            submission_key=form.cleaned_data["submission_key"],
        )
        return HttpResponseRedirect(_detail_url(request, data_import))
    status = 400 if request.method == "POST" else 200
    imports = selectors.import_list(municipality=town)[:50]
    context = {
        "form": form,
        "imports": imports,
        "max_form_bytes": settings.MAX_UPLOAD_BYTES,
        "create_url": reverse("mobility:upload-create", kwargs={"town": town.slug}),
    }
    return render(request, "mobility/import_list.html", context, status=status)


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def import_detail(request, import_id: int):
    """One import: progress while it runs (htmx polling, or a page refresh without
    JavaScript), then its figures and quarantine report, in the reader's language."""
    data_import = selectors.import_get(municipality=request.municipality, import_id=import_id)
    template = "mobility/_import_status.html" if request.htmx else "mobility/import_detail.html"
    return render(request, template, {"data_import": data_import, "poll_seconds": POLL_SECONDS})


def _preview_url(request, upload) -> str:
    return reverse(
        "mobility:upload-preview",
        kwargs={"town": request.municipality.slug, "upload_id": upload.pk},
    )


def _upload(request, upload_id: int) -> PendingUpload:
    """The person's own upload in this town; another town's or another person's is a 404."""
    mine = PendingUpload.objects.filter(municipality=request.municipality, uploaded_by=request.user)
    return get_object_or_404(mine, pk=upload_id)


def _refused(exc: uploads.UploadRefused) -> JsonResponse:
    body = {"error": str(exc)}
    if exc.offset is not None:
        body["offset"] = exc.offset
    return JsonResponse(body, status=exc.status)


def _state(request, upload) -> dict:
    return {
        "id": upload.pk,
        "offset": upload.received,
        "size": upload.size,
        "complete": upload.is_complete,
        "url": reverse(
            "mobility:upload-detail",
            kwargs={"town": request.municipality.slug, "upload_id": upload.pk},
        ),
        "preview": _preview_url(request, upload),
        "chunk_bytes": settings.IMPORT_UPLOAD_CHUNK_BYTES,
    }


@require_POST
@staff_required(Role.MOBILITY_ANALYST)
def upload_create(request):
    """Open an upload in chunks (the import page's uploader): name, size, kind, time zone."""
    form = UploadStartForm(request.POST)
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    try:
        upload = uploads.upload_start(
            municipality=request.municipality, user=request.user, **form.cleaned_data
        )
    except uploads.UploadRefused as exc:
        return _refused(exc)
    return JsonResponse(_state(request, upload), status=201)


@require_http_methods(["GET", "PUT", "POST"])
@staff_required(Role.MOBILITY_ANALYST)
def upload_detail(request, upload_id: int):
    """An upload in chunks: GET says how much the server holds (to resume), PUT ?offset=N
    writes a chunk there, POST sha256=… closes it and gives the preview's address."""
    upload = _upload(request, upload_id)
    try:
        if request.method == "PUT":
            try:
                offset = int(request.GET.get("offset", ""))
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                raise uploads.UploadRefused(
                    _("Give the chunk's offset as a whole number."), offset=upload.received
                ) from None
            if offset < 0 or length < 0:
                raise uploads.UploadRefused(_("An offset is never negative."))
            upload = uploads.upload_append(
                upload=upload, offset=offset, stream=request, length=length
            )
        elif request.method == "POST":
            upload = uploads.upload_finish(upload=upload, sha256=request.POST.get("sha256", ""))
    except uploads.UploadRefused as exc:
        return _refused(exc)
    return JsonResponse(_state(request, upload))


DATE_FORMATS = {
    "iso_offset": _("ISO 8601 with the UTC offset (2024-03-31T08:00+02:00)"),
    "iso_local": _("Local time, year first (2024-03-31 08:00)"),
    "swiss_local": _("Local time, day first (31.03.2024 08:00)"),
    "unknown": _("Not recognised: rows are read one by one"),
}
ENCODINGS = {
    "utf-8-sig": "UTF-8",
    "utf-16": _("UTF-16 (Excel's Unicode text)"),
    "cp1252": _("Windows-1252 (older Excel)"),
}
DELIMITERS = {";": _("semicolon ;"), ",": _("comma ,"), "\t": _("tab"), "|": _("vertical bar |")}


def _rows_shown(preview, time_zone: str) -> list[dict]:
    zone = ZoneInfo(time_zone)
    out = []
    for row in preview.rows:
        problem = row.problem
        out.append(
            {
                "line": row.line,
                "cells": row.cells,
                "site": row.site,
                "time": row.ts_utc.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                if row.ts_utc
                else "",
                "count": row.count,
                "problem": texts.quarantine_reason(
                    {"key": problem.code, "params": problem.params, "line": problem.line}
                )
                if problem
                else "",
            }
        )
    return out


@require_http_methods(["GET", "POST"])
@staff_required(Role.MOBILITY_ANALYST)
def upload_preview(request, upload_id: int):
    """A received file before its import: for counts, its first rows read with the detected
    (or chosen) separator, decimal mark and column mapping; "Preview again" re-reads them
    (htmx on every change, or the button without JavaScript), "Start the import" starts it
    with these settings."""
    upload = _upload(request, upload_id)
    context = {"upload": upload, "error": ""}
    if not upload.is_complete:
        context["error"] = _("The file has not arrived completely yet.")
        return render(request, "mobility/import_preview.html", context, status=409)
    town = request.municipality
    if upload.kind != DataImport.Kind.COUNTS:
        if request.method == "POST":
            data_import = uploads.import_from_upload(
                upload=upload, user=request.user, options={}, time_zone=upload.time_zone
            )
            return HttpResponseRedirect(_detail_url(request, data_import))
        return render(request, "mobility/import_preview.html", context)
    try:
        detected = counts_preview(municipality=town, path=upload.path, tz=upload.time_zone)
    except format_error_class() as exc:
        context["error"] = texts.render(exc.code, exc.params, fallback=str(exc))
        return render(request, "mobility/import_preview.html", context, status=400)
    initial = {
        "delimiter": detected.delimiter,
        "decimal": detected.decimal,
        "time_zone": upload.time_zone,
        **{f"map_{name}": column for name, column in detected.mapping.items()},
    }
    form = PreviewForm(request.POST or None, columns=detected.columns, initial=initial)
    preview, status = detected, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = counts_preview(
            municipality=town,
            path=upload.path,
            tz=data["time_zone"],
            delimiter=data["delimiter"],
            decimal=data["decimal"],
            mapping=form.mapping(),
        )
        if preview.columns != detected.columns:  # another separator: other columns
            fresh = {
                "delimiter": preview.delimiter,
                "decimal": data["decimal"],
                "time_zone": data["time_zone"],
                "submission_key": data["submission_key"],
                **{f"map_{name}": column for name, column in preview.mapping.items()},
            }
            form = PreviewForm(fresh, columns=preview.columns)
            form.is_valid()
        elif request.POST.get("action") == "import" and form.check_complete():
            data_import = uploads.import_from_upload(
                upload=upload,
                user=request.user,
                options=preview.options(),
                time_zone=data["time_zone"],
                submission_key=owned_key(owner=request.user, key=data["submission_key"]),
            )
            url = _detail_url(request, data_import)
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return HttpResponseRedirect(url)
    elif request.method == "POST":
        status = 400
    context.update(
        {
            "form": form,
            "preview": preview,
            "rows": _rows_shown(preview, form["time_zone"].value() or upload.time_zone),
            "encoding": ENCODINGS.get(preview.encoding, preview.encoding),
            "delimiter": DELIMITERS.get(preview.delimiter, preview.delimiter),
            "decimal": preview.decimal,
            "date_format": DATE_FORMATS[preview.date_format],
        }
    )
    template = "mobility/_import_preview.html" if request.htmx else "mobility/import_preview.html"
    return render(request, template, context, status=status)
