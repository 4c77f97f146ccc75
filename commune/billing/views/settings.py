"""The town's billing settings page: its municipality administrator sets the creditor, the
account, the terms and the account codes (finance may read them)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commune.accounts.access import has_role, staff_required
from commune.billing.access import FINANCE, SETTINGS_EDITORS
from commune.billing.forms import BillingSettingsForm
from commune.billing.models import BillingSettings
from commune.billing.selectors import billing_settings_find
from commune.billing.services.configure import billing_configure


@staff_required(*FINANCE)
def billing_settings(request):
    town = request.municipality
    current = billing_settings_find(municipality=town) or BillingSettings(municipality=town)
    may_edit = has_role(request.user, town, *SETTINGS_EDITORS)
    if request.method == "POST":
        if not may_edit:
            messages.error(request, _("Only the town's administrator changes these settings."))
            return render(
                request,
                "billing/settings.html",
                {"form": BillingSettingsForm(instance=current), "may_edit": False},
                status=403,
            )
        form = BillingSettingsForm(request.POST, instance=current)
        if form.is_valid():
            billing_configure(municipality=town, form=form, actor=request.user)
            messages.success(request, _("The billing settings are saved."))
            return redirect(reverse("billing:settings", kwargs={"town": town.slug}))
        status = 400
    else:
        form, status = BillingSettingsForm(instance=current), 200
    if not may_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request, "billing/settings.html", {"form": form, "may_edit": may_edit}, status=status
    )
