"""Billing's writes, one function per action: issue, cancel, credit, record a payment, hold
and release deposits."""
