"""Billing pages."""
