"""Finance's exports: the accounting CSV of a period, and the deposits' refund list (CSV, then
marked refunded once paid)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from commune.accounts.access import staff_required
from commune.billing.access import FINANCE
from commune.billing.models import BillingSettings
from commune.billing.services.deposits_refund import (
    deposits_mark_refunded,
    refund_list,
    refund_list_csv,
)
from commune.billing.services.exports import accounting_csv
from commune.billing.services.invoices import BillingError
from commune.core.bounds import BoundedDateField, DateWindow

#: The accounting periods an export may cover: the town's archive (ten years, CO art. 958f)
PERIODS = DateWindow(years_before=11, years_after=1)


class PeriodForm(forms.Form):
    start = BoundedDateField(label=gettext_lazy("From"), window=PERIODS)
    end = BoundedDateField(label=gettext_lazy("To"), window=PERIODS)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class RefundedForm(forms.Form):
    deposits = forms.TypedMultipleChoiceField(coerce=int, choices=())
    # a transfer may be ordered for a later execution date
    refunded_on = BoundedDateField(
        label=gettext_lazy("Refunded on"), window=DateWindow(years_before=5, years_after=1)
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deposits"].choices = [
            (d.pk, str(d)) for d in refund_list(municipality=municipality)
        ]


def _csv(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required(*FINANCE)
def exports(request):
    """The period form (its GET with dates downloads the CSV) and the refund list."""
    town = request.municipality
    form = PeriodForm(request.GET or None)
    status = 200
    if request.GET:
        if form.is_valid() and BillingSettings.objects.filter(municipality=town).exists():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            content = accounting_csv(municipality=town, start=start, end=end)
            return _csv(content, f"comptabilite-{town.slug}-{start}-{end}.csv")
        if form.is_valid():
            form.add_error(None, _("The town has not set its creditor details and account yet."))
        status = 400
    return render(
        request,
        "billing/export_page.html",
        {
            "form": form,
            "deposits": refund_list(municipality=town),
            "today": timezone.localdate(),
        },
        status=status,
    )


@staff_required(*FINANCE)
def refund_csv(request):
    town = request.municipality
    return _csv(refund_list_csv(municipality=town), f"remboursements-{town.slug}.csv")


@require_POST
@staff_required(*FINANCE)
def refunds_mark(request):
    town = request.municipality
    form = RefundedForm(request.POST, municipality=town)
    if not form.is_valid():
        messages.error(request, _("Choose the deposits refunded and the date."))
    else:
        try:
            done = deposits_mark_refunded(
                municipality=town,
                deposit_ids=form.cleaned_data["deposits"],
                refunded_on=form.cleaned_data["refunded_on"],
                actor=request.user,
            )
        except BillingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d deposit marked refunded.", "%(n)d deposits marked refunded.", len(done)
                )
                % {"n": len(done)},
            )
    return redirect(reverse("billing:exports", kwargs={"town": town.slug}))
