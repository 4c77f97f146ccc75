"""Invoices with the Swiss QR-bill, bank files matched to them, reminders: used by every
module that bills."""
