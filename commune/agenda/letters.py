"""The registration letters on paper: one A4 page per letter, 14 pt and more, black on white,
the address in the window of a C5 envelope (Swiss right-hand window, SN 010 130), then the
activity, the date, the place and what to do. In each person's language (the town's)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Frame, PageTemplate, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.doctemplate import FrameBreak, NextPageTemplate
from reportlab.platypus.flowables import PageBreak

from commune.tenants.documents import fonts

from . import recurrence
from .models.registration import RegistrationLetter
from .services.notify import registration_contact, registration_date

#: Nothing on these letters is printed smaller.
BODY_PT = 14
#: The address window of a C5 envelope with a right-hand window: 100 × 45 mm, 118 mm from the
#: left edge and 50 mm from the top of the sheet.
WINDOW = (118 * mm, A4[1] - 50 * mm - 45 * mm, 82 * mm, 45 * mm)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    return {
        "body": ParagraphStyle("body", fontName=regular, fontSize=BODY_PT, leading=20),
        "address": ParagraphStyle("address", fontName=regular, fontSize=BODY_PT, leading=18),
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=26, spaceAfter=10),
        "fact": ParagraphStyle("fact", fontName=bold, fontSize=16, leading=22),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _letter_story(letter: RegistrationLetter, styles) -> list:
    registration = letter.registration
    event = registration.event
    town = event.municipality
    start, venue = registration_date(registration)
    story = [
        _p(f"{registration.name}\n{registration.address}", styles["address"]),
        FrameBreak(),
        _p(town.name, styles["body"]),
        Spacer(1, 8 * mm),
    ]
    if letter.kind == RegistrationLetter.Kind.CONFIRMED:
        story.append(_p(_("You are registered"), styles["title"]))
    elif letter.kind == RegistrationLetter.Kind.WAITING:
        story.append(_p(_("You are on the waitlist"), styles["title"]))
    else:
        story.append(_p(_("A place is free for you"), styles["title"]))
    story += [
        _p(event.title, styles["fact"]),
        _p(f"{start:%d.%m.%Y}, {start:%H:%M}", styles["fact"]),
        _p(f"{venue.name}\n{venue.address}\n{venue.postcode} {venue.locality}", styles["body"]),
        Spacer(1, 6 * mm),
    ]
    if letter.kind == RegistrationLetter.Kind.CONFIRMED:
        text = _("We look forward to seeing you. If you cannot come, please tell us: %(who)s.")
    elif letter.kind == RegistrationLetter.Kind.WAITING:
        text = _(
            "The date is full. If a place frees up, it is offered to the people waiting in "
            "the order they registered; we will tell you. Questions: %(who)s."
        )
    else:
        text = _(
            "To take the place, call %(who)s before %(until)s. After that it goes to the next "
            "person waiting."
        )
    values = {"who": registration_contact(registration)}
    if registration.offered_until:
        values["until"] = f"{recurrence.local(registration.offered_until):%d.%m.%Y %H:%M}"
    story.append(_p(text % values, styles["body"]))
    return story


def letters_pdf(*, letters: list[RegistrationLetter], town) -> bytes:
    """One page per letter, in the town's language."""
    styles = _styles()
    buffer = io.BytesIO()
    window = Frame(*WINDOW, leftPadding=0, rightPadding=0, topPadding=0, id="window")
    body = Frame(22 * mm, 20 * mm, A4[0] - 44 * mm, WINDOW[1] - 30 * mm, id="body", showBoundary=0)
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=_("Registration letters"))
    doc.addPageTemplates([PageTemplate(id="letter", frames=[window, body])])
    story = []
    with translation.override(town.default_language):
        for index, letter in enumerate(letters):
            if index:
                story += [NextPageTemplate("letter"), PageBreak()]
            story += _letter_story(letter, styles)
        doc.build(story or [_p(_("No letter to print."), styles["body"])])
    return buffer.getvalue()
