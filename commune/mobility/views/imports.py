"""The town's data imports: the list with the upload form, and one import's progress and
report."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from commune.accounts.access import staff_required
from commune.accounts.models import Role

from .. import selectors, services
from ..forms import ImportUploadForm

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
    if request.method == "POST" and form.is_valid():
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
    return render(
        request, "mobility/import_list.html", {"form": form, "imports": imports}, status=status
    )


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def import_detail(request, import_id: int):
    """One import: progress while it runs (htmx polling, or a page refresh without
    JavaScript), then its figures and quarantine report, in the reader's language."""
    data_import = selectors.import_get(municipality=request.municipality, import_id=import_id)
    template = "mobility/_import_status.html" if request.htmx else "mobility/import_detail.html"
    return render(request, template, {"data_import": data_import, "poll_seconds": POLL_SECONDS})
