"""A poster per activity: one A4 page with a QR code to the activity's page."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Spacer,
)

from ..models import Event
from ..recurrence import Occurrence
from .layout import QR_SIZE, QrCode, a4_document, labelled, page_footer, paragraph, style_sheet
from .words import accessibility_text, organiser_text, price_text, rule_text, when_text


def poster_pdf(*, event: Event, dates: list[Occurrence], venues: dict, url: str) -> bytes:
    """One A4 page: title, when (the rule in words and the coming dates), where (address and
    access), price, organiser, and a QR code to the event's page with its address in clear."""
    styles = style_sheet()
    town = event.municipality
    story = [paragraph(f"{town.name} — {event.get_category_display()}", styles["poster_body"])]
    story.append(Spacer(1, 4 * mm))
    if event.status == Event.Status.CANCELLED:
        story.append(paragraph(_("Cancelled").upper(), styles["banner"]))
    story.append(paragraph(event.title, styles["poster_title"]))
    story.append(paragraph(pgettext("paper", "When"), styles["poster_big"]))
    story.append(paragraph(rule_text(event), styles["poster_body"]))
    if event.is_recurring and dates:
        story.append(paragraph(_("Next dates:"), styles["poster_body"]))
    for o in dates if event.is_recurring else []:
        line = "• " + when_text(o.start, o.end)
        if o.cancelled:
            line += " — " + _("Cancelled").upper()
        elif o.moved:
            line += " — " + _("Moved").upper()
        venue = venues.get(o.venue_id)
        if venue is not None:
            line += " — " + venue.name
        story.append(paragraph(line, styles["poster_body"]))
    venue = event.venue
    story.append(paragraph(pgettext("paper", "Where"), styles["poster_big"]))
    story.append(paragraph(f"{venue.name}\n{venue.full_address()}", styles["poster_body"]))
    access = accessibility_text(venue)
    if access:
        story.append(labelled(pgettext("paper", "Access:"), access, styles["poster_body"]))
    story.append(labelled(pgettext("paper", "Price:"), price_text(event), styles["poster_body"]))
    story.append(
        labelled(pgettext("paper", "Organiser:"), organiser_text(event), styles["poster_body"])
    )
    story.append(Spacer(1, 6 * mm))
    story.append(QrCode(url, QR_SIZE))
    story.append(paragraph(_("Scan the code for details and registration:"), styles["body"]))
    story.append(paragraph(url, styles["body"]))
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=event.title, town=town)
    footer = page_footer(town, _("Agenda"))
    doc.build([KeepTogether(story[:3]), *story[3:]], onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
