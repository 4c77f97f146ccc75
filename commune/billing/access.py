"""Who may see and act on the town's invoices: its finance officers and its municipality
administrators. Another town's invoice is not found (404), never forbidden."""

from __future__ import annotations

from django.http import Http404
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


def access_invoice_for_debtor(*, municipality, user, invoice_id: int) -> Invoice:
    """An invoice its debtor may download: the one addressed to `user`'s e-mail (the applicant
    the module billed), or any of the town's for finance. Anyone else: 404, as for an id that
    does not exist."""
    invoice = access_invoice(municipality=municipality, invoice_id=invoice_id)
    if is_finance(municipality=municipality, user=user):
        return invoice
    email = (getattr(user, "email", "") or "").lower()
    if not email or invoice.debtor_email.lower() != email:
        raise Http404
    return invoice
