from django.urls import path

from .views import bank, exceptions, exports, invoices, settings

app_name = "billing"

urlpatterns: list = []

# Invoices and the town's billing settings.
urlpatterns += [
    path("", invoices.invoice_list, name="invoices"),
    path("invoices/<id:invoice_id>/", invoices.invoice_detail, name="invoice"),
    path("invoices/<id:invoice_id>/invoice.pdf", invoices.invoice_download, name="invoice-pdf"),
    path("invoices/<id:invoice_id>/cancel/", invoices.invoice_cancel_view, name="invoice-cancel"),
    path("invoices/<id:invoice_id>/payment/", invoices.invoice_payment, name="invoice-payment"),
    path("invoices/<id:invoice_id>/credit/", invoices.invoice_credit, name="invoice-credit"),
    path("invoices/<id:invoice_id>/refunded/", invoices.invoice_refunded, name="invoice-refunded"),
    path("settings/", settings.billing_settings, name="settings"),
]

# Bank files and the finance exceptions queue.
urlpatterns += [
    path("bank/", bank.bank_files, name="bank-files"),
    path("bank/<id:bank_file_id>/", bank.bank_file_detail, name="bank-file"),
    path("exceptions/", exceptions.exceptions_queue, name="exceptions"),
    path(
        "exceptions/<id:bank_entry_id>/assign/",
        exceptions.exception_assign,
        name="exception-assign",
    ),
    path(
        "exceptions/<id:bank_entry_id>/resolve/",
        exceptions.exception_resolve,
        name="exception-resolve",
    ),
]

# Exports for the accounting and the deposits' refund list.
urlpatterns += [
    path("exports/", exports.exports, name="exports"),
    path("exports/refunds.csv", exports.refund_csv, name="refund-csv"),
    path("exports/refunds/mark/", exports.refunds_mark, name="refunds-mark"),
]
