from django.urls import path

from .views import bank, exceptions, exports

app_name = "billing"

urlpatterns: list = []

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
