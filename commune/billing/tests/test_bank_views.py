"""Finance's bank pages: the Done-means file imported through the page (full, partial, over-paid,
unknown and duplicate entries each where they belong; the same upload again changes nothing),
the exceptions queue's actions (POST, CSRF, once), and who may see them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from commune.accounts.models import Role
from commune.accounts.tests.factories import MembershipFactory
from commune.billing.models import BankEntry, BankFile, Invoice, Payment, Reminder
from commune.billing.services.bank import bank_file_import
from commune.billing.tasks import billing_reminders_run
from commune.billing.tests.camt_files import Pay, camt054
from commune.tenants.scoping import scope

from .factories import QR_IBAN, billing_settings_for, issue


@pytest.fixture
def town(in_town):
    in_town.modules = [*in_town.modules, "billing"]
    in_town.save(update_fields=["modules"])
    billing_settings_for(in_town)
    return in_town


@pytest.fixture
def finance(town):
    return MembershipFactory(role=Role.FINANCE).user


@pytest.fixture
def invoices(town):
    return [
        issue(town, source_id=1, amount="175.60"),
        issue(town, source_id=2, amount="100.00"),
        issue(town, source_id=3, amount="50.00"),
        issue(town, source_id=4, amount="80.00"),
    ]


def done_means_file(invoices) -> bytes:
    full, part, over, _other = invoices
    return camt054(
        iban=QR_IBAN,
        message_id="MSG-DONE",
        payments=[
            Pay(full.reference, Decimal("175.60"), ref="T-1"),
            Pay(part.reference, Decimal("60.00"), ref="T-2"),
            Pay(over.reference, Decimal("70.00"), ref="T-3"),
            Pay("", Decimal("33.00"), ref="T-4", text="permis fouille avenue"),
            Pay(full.reference, Decimal("175.60"), ref="T-1"),
        ],
    )


def _upload(client, data: bytes, name: str = "camt054.xml"):
    return client.post(
        "/pully/billing/bank/", {"file": SimpleUploadedFile(name, data, "text/xml")}, follow=True
    )


def test_done_means_file_imported_through_the_page(town, finance, invoices, staff_client):
    client = staff_client(finance)
    # when
    response = _upload(client, done_means_file(invoices))
    # then: the summary, and each entry where it belongs
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bank file camt054.xml" in page or "camt054.xml" in page
    by_invoice = {i.pk: Invoice.objects.get(pk=i.pk) for i in invoices}
    full, part, over, other = (by_invoice[i.pk] for i in invoices)
    assert (full.status, part.status, over.status, other.status) == (
        "paid",
        "partly_paid",
        "paid",
        "open",
    )
    outcomes = dict(
        BankEntry.objects.values_list("entry_ref", "outcome").exclude(outcome="duplicate")
    )
    assert outcomes == {"T-1": "paid", "T-2": "partial", "T-3": "overpaid", "T-4": "unknown"}
    assert BankEntry.objects.filter(outcome="duplicate").count() == 1
    listing = client.get("/pully/billing/bank/").content.decode()
    assert "Paiement partiel&nbsp;: 1" in listing or "Partial payment&nbsp;: 1" in listing
    queue = client.get("/pully/billing/exceptions/").content.decode()
    assert queue.count('data-outcome="') == 4  # partial, overpaid, unknown, duplicate
    # when the same file is uploaded again
    again = _upload(client, done_means_file(invoices), name="again.xml")
    # then nothing changed
    assert "déjà été importé" in again.content.decode()
    assert BankFile.objects.count() == 1 and Payment.objects.count() == 3
    # and the reminders job, past the due dates, reminds only what is still owed
    totals = billing_reminders_run.call(now="2026-06-20T09:00:00+02:00")
    assert totals == {"reminders_sent": 2}
    assert set(Reminder.objects.values_list("invoice_id", flat=True)) == {part.pk, other.pk}


def test_refused_file_says_why_and_stores_nothing(town, finance, invoices, staff_client):
    client = staff_client(finance)
    response = _upload(client, b"%PDF-1.7 renamed.xml")
    assert response.status_code == 400
    assert "pas du XML" in response.content.decode()
    other_account = camt054(iban="CH9300762011623852957", payments=[])
    response = _upload(client, other_account)
    assert response.status_code == 400 and "CH9300762011623852957" in response.content.decode()
    assert not BankFile.objects.exists()


def test_assign_unknown_entry_once(town, finance, invoices, staff_client):
    client = staff_client(finance)
    _upload(client, done_means_file(invoices))
    unknown = BankEntry.objects.get(outcome="unknown")
    target = invoices[3]
    url = f"/pully/billing/exceptions/{unknown.pk}/assign/"
    # when submitted twice
    first = client.post(url, {"invoice": target.number.lower(), "note": ""}, follow=True)
    second = client.post(url, {"invoice": target.number, "note": ""}, follow=True)
    # then one payment, and each answer says what happened
    assert Payment.objects.filter(bank_entry=unknown).count() == 1
    assert Invoice.objects.get(pk=target.pk).amount_paid == Decimal("33.00")
    assert target.number in first.content.decode()
    assert f'id="entry-{unknown.pk}"' not in second.content.decode()
    # an unknown number is refused with a message, nothing recorded
    other = BankEntry.objects.get(outcome="partial")
    client.post(f"/pully/billing/exceptions/{other.pk}/assign/", {"invoice": "F-1999-1"})
    assert Payment.objects.count() == 4


def test_resolve_needs_a_note_and_happens_once(town, finance, invoices, staff_client):
    client = staff_client(finance)
    _upload(client, done_means_file(invoices))
    overpaid = BankEntry.objects.get(outcome="overpaid")
    url = f"/pully/billing/exceptions/{overpaid.pk}/resolve/"
    client.post(url, {"note": ""})
    assert BankEntry.objects.get(pk=overpaid.pk).resolved_at is None
    client.post(url, {"note": "Excédent remboursé"})
    resolved_at = BankEntry.objects.get(pk=overpaid.pk).resolved_at
    client.post(url, {"note": "encore"})
    entry = BankEntry.objects.get(pk=overpaid.pk)
    assert entry.resolved_at == resolved_at and entry.resolution_note == "Excédent remboursé"


def test_actions_need_csrf(town, finance, invoices, staff_client):
    staff_client(finance)  # logs in the shared client
    _upload(staff_client(finance), done_means_file(invoices))
    entry = BankEntry.objects.get(outcome="partial")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = staff_client(finance).cookies
    response = strict.post(f"/pully/billing/exceptions/{entry.pk}/resolve/", {"note": "x"})
    assert response.status_code == 403
    assert BankEntry.objects.get(pk=entry.pk).resolved_at is None


def test_only_finance_sees_the_pages(town, invoices, staff_client):
    # finance officers and the town's administrators (billing.access.FINANCE), no one else
    officer = MembershipFactory(role=Role.PERMIT_OFFICER).user
    admin = MembershipFactory(role=Role.MUNICIPALITY_ADMIN).user
    for url in ("/pully/billing/bank/", "/pully/billing/exceptions/", "/pully/billing/exports/"):
        assert Client().get(url).status_code == 302  # to the login page
        assert staff_client(officer).get(url).status_code == 403
        assert staff_client(admin).get(url).status_code == 200


def test_another_towns_file_and_entry_are_404(town, finance, invoices, staff_client, town_b):
    with scope(town_b):
        billing_settings_for(town_b)
        theirs = issue(town_b, source_id=9)
        result = bank_file_import(
            municipality=town_b,
            data=camt054(iban=QR_IBAN, payments=[Pay("", Decimal("5.00"), ref="X")]),
            filename="b.xml",
            now=theirs.created_at,
        )
        entry = result.bank_file.entries.get()
    client = staff_client(finance)
    assert client.get(f"/pully/billing/bank/{result.bank_file.pk}/").status_code == 404
    assert (
        client.post(f"/pully/billing/exceptions/{entry.pk}/resolve/", {"note": "x"}).status_code
        == 404
    )
    assert (
        client.post(
            f"/pully/billing/exceptions/{entry.pk}/assign/", {"invoice": theirs.number}
        ).status_code
        == 404
    )


def test_too_large_upload_refused_with_sizes(town, finance, invoices, staff_client, settings):
    settings.MAX_UPLOAD_BYTES = 4096
    data = done_means_file(invoices)
    assert len(data) > 4096
    response = _upload(staff_client(finance), data)
    assert response.status_code == 400
    assert "4 Ko" in response.content.decode() or "4 KB" in response.content.decode()
    assert not BankFile.objects.exists()
