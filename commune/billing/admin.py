"""Platform admin: the towns' billing settings and a read-only look at invoices and deposits
(invoices change only through billing's services, which keep the audit trail)."""

from django.contrib import admin

from .models import BillingSettings, Deposit, Invoice


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    list_display = ["municipality", "creditor_name", "account_iban", "payment_term_days"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "municipality", "kind", "source_label", "total", "status", "due_on"]
    list_filter = ["municipality", "status", "kind"]
    search_fields = ["number", "source_label", "debtor_name"]


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["source_label", "municipality", "amount", "status", "held_since"]
    list_filter = ["municipality", "status"]
