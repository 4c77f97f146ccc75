"""Billing's link in the town navigation, for the town's finance officers and administrators.
Registered with tenants from BillingConfig.ready."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from commune.tenants.models import Module

from .access import is_finance


def billing_nav_links(request) -> list[dict[str, str]]:
    town = request.municipality
    if Module.BILLING not in town.enabled_modules():
        return []
    if not is_finance(municipality=town, user=request.user):
        return []
    return [
        {"url": reverse("billing:invoices", kwargs={"town": town.slug}), "label": _("Invoices")}
    ]
