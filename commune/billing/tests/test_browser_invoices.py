"""In Chromium, with axe-core on every page: the finance officer finds the overdue invoice in
the list, opens it, records the payment received at the desk and sees it paid; reads the
town's billing settings."""

from __future__ import annotations

import pytest

from commune.accounts import demo as accounts_demo
from commune.accounts.tests.browser import open_page
from commune.billing import demo as billing_demo
from commune.billing.models import Invoice
from commune.permits import demo as permits_demo
from commune.tenants import demo, scoping

pytestmark = [pytest.mark.browser, pytest.mark.clock, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pully(transactional_db):
    towns = demo.load()
    accounts_demo.load(towns)
    permits_demo.load(towns)
    billing_demo.load(towns)
    return next(t for t in towns if t.slug == "pully")


def test_finance_finds_the_overdue_invoice_and_records_its_payment(
    browser, live_server, axe, pully
):
    with scoping.scope(pully):
        overdue = Invoice.objects.get(
            municipality=pully, kind="invoice", status="open", due_on__lt=pully_today()
        )
    page = open_page(browser, live_server, demo.staff_email("finances", "pully"))
    # the list, filtered to the overdue invoices
    page.goto("/pully/billing/")
    axe(page)
    page.get_by_label("Échues seulement").check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/billing/?*overdue=1*")
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and overdue.number in rows.first.inner_text()
    axe(page)
    # the invoice: its lines, its reference, and the payment recorded at the desk
    rows.first.get_by_role("link", name=overdue.number).click()
    page.wait_for_url(f"**/billing/invoices/{overdue.pk}/")
    axe(page)
    assert "Émolument" in page.content() or "Occupation du domaine public" in page.content()
    page.get_by_label("Montant (CHF)").fill(str(overdue.total))
    page.locator("#id_note").fill("Payé au guichet")
    page.get_by_label("Je confirme que ce montant a été reçu pour cette facture.").check()
    page.get_by_role("button", name="Enregistrer le paiement").click()
    page.wait_for_url(f"**/billing/invoices/{overdue.pk}/")
    assert "Le paiement est enregistré." in page.content()
    assert page.locator("[data-status=paid]").count() == 1
    axe(page)
    with scoping.scope(pully):
        overdue.refresh_from_db()
    assert overdue.status == Invoice.Status.PAID
    # the settings, which finance reads but the administrator sets
    page.goto("/pully/billing/settings/")
    axe(page)
    assert page.get_by_label("Compte (QR-IBAN ou IBAN)").is_disabled()


def pully_today():
    from django.utils import timezone  # noqa: PLC0415 - the test's own clock

    return timezone.localdate()
