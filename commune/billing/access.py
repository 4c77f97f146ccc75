"""Who may see and act on the town's invoices: its finance officers and its municipality
administrators. Another town's invoice is not found (404), never forbidden."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from commune.accounts.access import has_role
from commune.accounts.models import Role

from .models import Invoice

FINANCE = (Role.FINANCE, Role.MUNICIPALITY_ADMIN)
#: The creditor details and terms: the town's administrator sets them (finance reads them).
SETTINGS_EDITORS = (Role.MUNICIPALITY_ADMIN,)


def is_finance(*, municipality, user) -> bool:
    return has_role(user, municipality, *FINANCE)


def access_invoice(*, municipality, invoice_id: int) -> Invoice:
    """The town's invoice (the view is already limited to FINANCE); 404 for any other id."""
    return get_object_or_404(
        Invoice.objects.filter(municipality=municipality).select_related("corrects"),
        pk=invoice_id,
    )
