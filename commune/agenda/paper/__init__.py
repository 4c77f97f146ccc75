"""The agenda on paper, for people who do not go online: a weekly large-print A4 agenda (the
town hall, pharmacies and care homes pin it up) and a poster per activity with a QR code to its
page. Large print means 14 pt and more everywhere (titles larger), black on white, the venue's
address and accessibility in words, cancelled and moved dates said so in capitals.
Built from the same reads as the public agenda (selectors), in the active language."""

from .layout import MIN_PT, QR_SIZE, QrCode
from .poster import poster_pdf
from .reads import Entry, coming_dates, week_entries, week_window
from .week import agenda_week_pdf
from .words import rule_text, when_text

__all__ = [
    "MIN_PT",
    "QR_SIZE",
    "Entry",
    "QrCode",
    "agenda_week_pdf",
    "coming_dates",
    "poster_pdf",
    "rule_text",
    "week_entries",
    "week_window",
    "when_text",
]
