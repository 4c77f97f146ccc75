"""Finance's bank pages: upload a camt.053/054 file (a plain form, no script needed), the files
imported, and one file's entries with where each went."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from commune.accounts.access import staff_required
from commune.billing.access import FINANCE
from commune.billing.camt import MAX_BYTES
from commune.billing.models import BankEntry, BankFile
from commune.billing.services.bank import BankImportError, bank_file_import
from commune.core.uploads import file_size


class BankFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bank file (camt.054 or camt.053, XML)"),
        help_text=gettext_lazy(
            "As your bank's e-banking gives it. The same file imported twice changes nothing."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = min(MAX_BYTES, settings.MAX_UPLOAD_BYTES)
        if getattr(upload, "too_large", False) or upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": file_size(upload.size), "limit": file_size(limit)}
            )
        return upload


def _with_summary(bank_file: BankFile) -> BankFile:
    """The file with `summary`: (outcome label, count) in the outcomes' order."""
    counts = bank_file.counts or {}
    bank_file.summary = [
        (label, counts[key]) for key, label in BankEntry.Outcome.choices if counts.get(key)
    ]
    return bank_file


def _files(request):
    return BankFile.objects.filter(municipality=request.municipality)


@require_http_methods(["GET", "POST"])
@staff_required(*FINANCE)
def bank_files(request):
    """The upload form and the files imported, newest first."""
    town = request.municipality
    form = BankFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = bank_file_import(
                municipality=town,
                data=upload.read(),
                filename=upload.name,
                actor=request.user,
                now=timezone.now(),
            )
        except BankImportError as error:
            form.add_error("file", str(error))
        else:
            (messages.success if result.created else messages.info)(request, result.message)
            return redirect(
                reverse(
                    "billing:bank-file",
                    kwargs={"town": town.slug, "bank_file_id": result.bank_file.pk},
                )
            )
    status = 400 if request.method == "POST" else 200
    files = _files(request).select_related("imported_by")[:100]
    return render(
        request,
        "billing/bank_files.html",
        {"form": form, "files": [_with_summary(f) for f in files]},
        status=status,
    )


@staff_required(*FINANCE)
def bank_file_detail(request, bank_file_id: int):
    bank_file = get_object_or_404(_files(request), pk=bank_file_id)
    entries = bank_file.entries.select_related("invoice").order_by("id")
    return render(request, "billing/bank_file.html", {"bank_file": bank_file, "entries": entries})
