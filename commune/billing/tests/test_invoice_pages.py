"""Finance's invoice pages and the billing settings page: who may open them, the town
boundary, bad input, and a payment form sent twice."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from commune.accounts.tests.factories import MembershipFactory
from commune.billing.models import BillingSettings, Invoice, Payment
from commune.tenants.scoping import scope

from .factories import billing_settings_for, issue

# Reads today's date (due dates, the overdue filter): run again under shifted clocks.
pytestmark = pytest.mark.clock


@pytest.fixture
def billing_town(in_town):
    in_town.modules = [*in_town.modules, "billing"]
    in_town.save(update_fields=["modules"])
    billing_settings_for(in_town)
    return in_town


@pytest.fixture
def invoice(billing_town):
    return issue(billing_town, issued_on=timezone.localdate() - dt.timedelta(days=40))


@pytest.fixture
def finance(billing_town):
    return MembershipFactory(municipality=billing_town, role="finance").user


@pytest.fixture
def admin(billing_town):
    return MembershipFactory(municipality=billing_town, role="municipality_admin").user


def test_finance_and_the_administrator_see_the_list_and_the_detail(
    staff_client, finance, admin, invoice
):
    for user in (finance, admin):
        client = staff_client(user)
        listing = client.get("/pully/billing/")
        assert listing.status_code == 200 and invoice.number in listing.content.decode()
        detail = client.get(f"/pully/billing/invoices/{invoice.pk}/")
        assert detail.status_code == 200
        page = detail.content.decode()
        assert "Romande Energie SA" in page and "175.60" in page.replace(",", ".")
        pdf = client.get(f"/pully/billing/invoices/{invoice.pk}/invoice.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_other_staff_are_refused(staff_client, billing_town, invoice):
    officer = MembershipFactory(municipality=billing_town, role="permit_officer").user
    client = staff_client(officer)
    assert client.get("/pully/billing/").status_code == 403
    assert client.get(f"/pully/billing/invoices/{invoice.pk}/").status_code == 403
    assert client.get("/pully/billing/settings/").status_code == 403


def test_another_towns_invoice_is_not_found(staff_client, finance, town_b):
    with scope(town_b):
        billing_settings_for(town_b)
        theirs = issue(town_b, source_id=77)
    client = staff_client(finance)
    assert client.get(f"/pully/billing/invoices/{theirs.pk}/").status_code == 404
    assert client.get(f"/pully/billing/invoices/{theirs.pk}/invoice.pdf").status_code == 404
    response = client.post(f"/pully/billing/invoices/{theirs.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 404


def test_the_list_filters_overdue_and_status(staff_client, finance, invoice, billing_town):
    fresh = issue(billing_town, source_id=2, issued_on=timezone.localdate())
    client = staff_client(finance)
    overdue = client.get("/pully/billing/?overdue=1").content.decode()
    assert invoice.number in overdue and fresh.number not in overdue
    paid = client.get("/pully/billing/?status=paid").content.decode()
    assert invoice.number not in paid
    assert client.get("/pully/billing/?status=nonsense&page=x").status_code == 200


def test_cancel_needs_a_reason(staff_client, finance, invoice):
    client = staff_client(finance)
    url = f"/pully/billing/invoices/{invoice.pk}/cancel/"
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN
    done = client.post(url, {"reason": "Adresse de facturation erronée"})
    assert done.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED


def test_a_payment_form_sent_twice_records_once(staff_client, finance, invoice):
    client = staff_client(finance)
    url = f"/pully/billing/invoices/{invoice.pk}/payment/"
    data = {
        "amount": "175.60",
        "booked_on": timezone.localdate().isoformat(),
        "note": "Guichet",
        "confirm": "on",
        "key": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.amount_paid == Decimal("175.60")


def test_a_payment_needs_confirmation_and_a_sane_amount(staff_client, finance, invoice):
    client = staff_client(finance)
    url = f"/pully/billing/invoices/{invoice.pk}/payment/"
    base = {"booked_on": timezone.localdate().isoformat(), "key": str(uuid.uuid4())}
    assert client.post(url, {**base, "amount": "10"}).status_code == 400  # not confirmed
    assert client.post(url, {**base, "amount": "-5", "confirm": "on"}).status_code == 400
    assert client.post(url, {**base, "amount": "1e99", "confirm": "on"}).status_code == 400
    assert not Payment.objects.exists()


def test_the_administrator_sets_the_creditor_and_a_bad_iban_is_refused(staff_client, admin):
    client = staff_client(admin)
    assert client.get("/pully/billing/settings/").status_code == 200
    form = {
        "creditor_name": "Commune de Pully",
        "creditor_street": "Avenue du Prieuré",
        "creditor_building_number": "2",
        "creditor_postcode": "1009",
        "creditor_town": "Pully",
        "creditor_country": "CH",
        "account_iban": "CH44 3199 9123 0008 8901 3",
        "payment_term_days": "30",
        "reminder_after_days": "10",
        "reminder_fee": "20.00",
        "reminders_max": "2",
        "receivables_account": "1012",
        "bank_account": "1020",
        "revenue_accounts": '{"permit_fee": "4210"}',
    }
    refused = client.post("/pully/billing/settings/", form)
    assert refused.status_code == 400 and "IBAN" in refused.content.decode()
    form["account_iban"] = "CH44 3199 9123 0008 8901 2"
    assert client.post("/pully/billing/settings/", form).status_code == 302
    saved = BillingSettings.objects.get()
    assert saved.account_iban == "CH4431999123000889012" and saved.uses_qr_reference


def test_finance_reads_the_settings_but_cannot_change_them(staff_client, finance):
    client = staff_client(finance)
    assert client.get("/pully/billing/settings/").status_code == 200
    assert client.post("/pully/billing/settings/", {"creditor_name": "X"}).status_code == 403
    assert BillingSettings.objects.get().creditor_name == "Commune de Pully"


def test_finance_issues_a_credit_note_once_and_never_more_than_billed(
    staff_client, finance, invoice
):
    client = staff_client(finance)
    url = f"/pully/billing/invoices/{invoice.pk}/credit/"
    data = {"amount": "75.60", "reason": "Surface corrigée", "confirm": "on"}
    data["key"] = str(uuid.uuid4())
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # sent twice: one credit note
    notes = Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE)
    assert notes.count() == 1 and notes.get().total == Decimal("75.60")
    too_much = {**data, "amount": "100.05", "key": str(uuid.uuid4())}
    assert client.post(url, too_much).status_code == 400
    assert notes.count() == 1
    page = client.get(f"/pully/billing/invoices/{invoice.pk}/").content.decode()
    assert notes.get().number in page and "100.00" in page.replace(",", ".")


def test_a_credit_on_a_paid_invoice_is_marked_refunded(staff_client, finance, invoice):
    client = staff_client(finance)
    pay = {
        "amount": "175.60",
        "booked_on": timezone.localdate().isoformat(),
        "confirm": "on",
        "key": str(uuid.uuid4()),
    }
    client.post(f"/pully/billing/invoices/{invoice.pk}/payment/", pay)
    credit = {"amount": "50", "reason": "Durée réduite", "confirm": "on"}
    client.post(f"/pully/billing/invoices/{invoice.pk}/credit/", {**credit, "key": uuid.uuid4()})
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.status == Invoice.Status.OPEN
    assert client.post(f"/pully/billing/invoices/{note.pk}/refunded/").status_code == 302
    note.refresh_from_db()
    assert note.status == Invoice.Status.REFUNDED
