"""Invoices, payments, reminders and deposits of a town, and the bank files that pay them."""

from .bank import BankEntry, BankFile
from .deposit import Deposit
from .invoice import Invoice, InvoiceLine, Payment, Reminder
from .settings import BillingSettings

__all__ = [
    "BankEntry",
    "BankFile",
    "BillingSettings",
    "Deposit",
    "Invoice",
    "InvoiceLine",
    "Payment",
    "Reminder",
]
