"""The finance exceptions queue: partial, overpaid, unknown and duplicate bank entries until
someone assigns them to an invoice or says how they were handled. Every action is a POST that
a second submission cannot repeat (the service returns a resolved entry as it is)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from commune.accounts.access import staff_required
from commune.billing.access import FINANCE
from commune.billing.models import BankEntry, Invoice
from commune.billing.services.bank import (
    BankImportError,
    bank_entry_assign,
    bank_entry_resolve,
    exceptions_pending,
)
from commune.billing.services.invoices import BillingError


class AssignForm(forms.Form):
    invoice = forms.CharField(
        label=gettext_lazy("Invoice number or payment reference"), max_length=40
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("How it was handled"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _queue_url(request) -> str:
    return reverse("billing:exceptions", kwargs={"town": request.municipality.slug})


def _entry(request, bank_entry_id: int) -> BankEntry:
    return get_object_or_404(
        BankEntry.objects.filter(municipality=request.municipality), pk=bank_entry_id
    )


@staff_required(*FINANCE)
def exceptions_queue(request):
    entries = exceptions_pending(municipality=request.municipality)
    return render(
        request,
        "billing/exceptions_queue.html",
        {"entries": entries, "assign_form": AssignForm(), "resolve_form": ResolveForm()},
    )


@require_POST
@staff_required(*FINANCE)
def exception_assign(request, bank_entry_id: int):
    entry = _entry(request, bank_entry_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the invoice's number or payment reference."))
        return redirect(_queue_url(request))
    key = form.cleaned_data["invoice"].replace(" ", "").upper()
    invoice = (
        Invoice.objects.filter(municipality=request.municipality, kind=Invoice.Kind.INVOICE)
        .filter(Q(number__iexact=key) | Q(reference=key))
        .first()
    )
    if invoice is None:
        messages.error(request, _("No invoice of the town has this number or reference."))
        return redirect(_queue_url(request))
    already = entry.resolved_at is not None
    try:
        bank_entry_assign(
            entry=entry,
            invoice=invoice,
            actor=request.user,
            now=timezone.now(),
            note=form.cleaned_data["note"],
        )
    except (BankImportError, BillingError) as error:
        messages.error(request, str(error))
    else:
        if already:
            messages.info(request, _("This entry was already handled."))
        else:
            messages.success(
                request,
                _("The payment of CHF %(amount)s is recorded on invoice %(number)s.")
                % {"amount": entry.amount, "number": invoice.number},
            )
    return redirect(_queue_url(request))


@require_POST
@staff_required(*FINANCE)
def exception_resolve(request, bank_entry_id: int):
    entry = _entry(request, bank_entry_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the entry was handled."))
        return redirect(_queue_url(request))
    already = entry.resolved_at is not None
    bank_entry_resolve(
        entry=entry, actor=request.user, now=timezone.now(), note=form.cleaned_data["note"]
    )
    if already:
        messages.info(request, _("This entry was already handled."))
    else:
        messages.success(request, _("The entry is marked as resolved."))
    return redirect(_queue_url(request))
