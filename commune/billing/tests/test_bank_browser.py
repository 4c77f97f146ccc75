"""In Chromium, with axe-core on every page: finance uploads the Done-means camt.054, reads the
summary, assigns the unknown payment from the exceptions queue, and opens the exports page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from commune.accounts import demo as accounts_demo
from commune.accounts.models import Membership, Role, User
from commune.billing.models import BankEntry, Invoice
from commune.billing.tests.camt_files import Pay, camt054
from commune.permits.tests.browser import open_page
from commune.tenants import demo, scoping

from .factories import QR_IBAN, billing_settings_for, issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FINANCE = "finances@pully.example.ch"


@pytest.fixture
def pully(transactional_db):
    towns = demo.load()
    accounts_demo.load(towns)
    town = next(t for t in towns if t.slug == "pully")
    town.modules = sorted({*town.modules, "billing"})
    town.save(update_fields=["modules"])
    with scoping.scope(town):
        billing_settings_for(town)
        user, _ = User.objects.get_or_create(
            email=FINANCE, defaults={"full_name": "Finances Pully", "kind": "staff"}
        )
        user.set_password(accounts_demo.DEMO_PASSWORD)
        user.email_verified = True
        user.save()
        TOTPDevice.objects.get_or_create(
            user=user, name="demo", defaults={"key": accounts_demo.DEMO_TOTP_KEY, "confirmed": True}
        )
        Membership.objects.get_or_create(municipality=town, user=user, role=Role.FINANCE)
    return town


def test_finance_imports_a_file_and_clears_the_queue(browser, live_server, axe, pully, tmp_path):
    # given four open invoices and the day's camt.054
    with scoping.scope(pully):
        full, part, over, other = (
            issue(pully, source_id=n, amount=a)
            for n, a in ((1, "175.60"), (2, "100.00"), (3, "50.00"), (4, "80.00"))
        )
    path = tmp_path / "camt054-2026-12-04.xml"
    path.write_bytes(
        camt054(
            iban=QR_IBAN,
            payments=[
                Pay(full.reference, Decimal("175.60"), ref="T-1"),
                Pay(part.reference, Decimal("60.00"), ref="T-2"),
                Pay(over.reference, Decimal("70.00"), ref="T-3"),
                Pay("", Decimal("80.00"), ref="T-4", text="Permis avenue du Prieuré"),
                Pay(full.reference, Decimal("175.60"), ref="T-1"),
            ],
        )
    )
    page = open_page(browser, live_server, FINANCE)
    # when finance uploads it
    page.goto("/pully/billing/bank/")
    axe(page)
    page.get_by_label("Fichier bancaire (camt.054 ou camt.053, XML)").set_input_files(str(path))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url("**/billing/bank/*/")
    # then the summary says where the entries went
    summary = page.locator(".messages").inner_text()
    assert "Fichier bancaire importé" in summary
    assert page.locator('#entries tr[data-outcome="paid"]').count() == 1
    assert page.locator('#entries tr[data-outcome="duplicate"]').count() == 1
    axe(page)
    # when finance assigns the unknown payment to invoice 4 from the queue
    page.goto("/pully/billing/exceptions/")
    axe(page)
    assert page.locator("section[data-outcome]").count() == 4
    unknown = page.locator('section[data-outcome="unknown"]')
    unknown.get_by_label("Numéro de facture ou référence de paiement").fill(other.number)
    with page.expect_navigation():
        unknown.get_by_role("button", name="Enregistrer comme paiement de cette facture").click()
    # then the payment is recorded and the entry left the queue
    assert other.number in page.locator(".messages").inner_text()
    assert page.locator("section[data-outcome]").count() == 3
    axe(page)
    with scoping.scope(pully):
        assert Invoice.objects.get(pk=other.pk).status == "paid"
        assert BankEntry.objects.get(entry_ref="T-4").resolved_at is not None
    # and the exports page
    page.goto("/pully/billing/exports/")
    axe(page)
    page.context.close()
