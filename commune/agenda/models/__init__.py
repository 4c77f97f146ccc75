"""The agenda's data: venues, events with their recurrence, single-date changes, trust."""

from .choices import Audience, Category, Language, PriceKind
from .event import ZURICH, DateChange, Event, TrustedOrganisation
from .registration import Registration
from .venue import ACCESSIBILITY, Venue

__all__ = [
    "ACCESSIBILITY",
    "ZURICH",
    "Audience",
    "Category",
    "DateChange",
    "Event",
    "Language",
    "PriceKind",
    "Registration",
    "TrustedOrganisation",
    "Venue",
]
