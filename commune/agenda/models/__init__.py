"""The agenda's data: venues, events with their recurrence, single-date changes, trust."""

from .choices import Audience, Category, Language, PriceKind
from .digest import DigestSubscription
from .event import ZURICH, DateChange, Event, TrustedOrganisation
from .registration import HOLDING, Registration
from .venue import ACCESSIBILITY, Venue

__all__ = [
    "ACCESSIBILITY",
    "HOLDING",
    "ZURICH",
    "Audience",
    "Category",
    "DateChange",
    "DigestSubscription",
    "Event",
    "Language",
    "PriceKind",
    "Registration",
    "TrustedOrganisation",
    "Venue",
]
