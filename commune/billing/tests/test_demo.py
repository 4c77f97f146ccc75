import pytest
from django.utils import timezone

from commune.accounts import demo as accounts_demo
from commune.accounts.models import Membership
from commune.billing import demo
from commune.billing.models import BillingSettings, Deposit, Invoice
from commune.permits import demo as permits_demo
from commune.tenants import demo as tenants_demo
from commune.tenants.scoping import scope

# The overdue invoice is dated from today: run again under shifted clocks.
pytestmark = pytest.mark.clock


def test_the_demo_bills_the_granted_permits_one_paid_one_overdue_and_twice_changes_nothing(db):
    towns = tenants_demo.load()
    accounts_demo.load(towns)
    permits_demo.load(towns)
    demo.load(towns)
    pully = towns[0]
    assert pully.has_module("billing")
    with scope(pully):
        assert BillingSettings.objects.get().uses_qr_reference
        invoices = Invoice.objects.filter(municipality=pully)
        assert invoices.count() >= 2
        assert invoices.filter(status=Invoice.Status.PAID).count() == 1
        assert invoices.filter(status=Invoice.Status.OPEN, due_on__lt=timezone.localdate()).exists()
        assert Deposit.objects.filter(status=Deposit.Status.HELD).exists()
        assert Membership.objects.filter(
            role="finance", user__email="finances@pully.example.ch"
        ).exists()
        first = sorted(invoices.values_list("number", "status", "total"))
    permits_demo.load(towns)
    demo.load(towns)
    with scope(pully):
        assert sorted(Invoice.objects.values_list("number", "status", "total")) == first
