"""The permit and its invoice as PDF, in the town's layout (name, colour, logo).

The map extract is vector graphics drawn from the geometries (LV95 metres, to scale, with a
scale bar): an overview of the territory and a detail of the work areas. The QR code opens
the public verification page; its URL is printed beside it as text.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import segno
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Polygon
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from commune.billing import pdf as billing_pdf
from commune.billing.selectors import billing_settings_find
from commune.permits.models import Address, PermitRequest, ResurfacedStreet, ReviewTask
from commune.permits.pdf_map import MapExtract, detail_bounds
from commune.permits.services.billing import permit_grant_invoice
from commune.tenants.documents import chf_text as _chf
from commune.tenants.documents import day_text as _day
from commune.tenants.documents import document as _document
from commune.tenants.documents import facts as _facts
from commune.tenants.documents import fonts
from commune.tenants.documents import page_frame as _page_frame
from commune.tenants.documents import paragraph as _p
from commune.tenants.documents import styles as _styles
from commune.tenants.models import LV95


class QrCode(Flowable):
    """A QR code drawn as vector squares (segno computes the matrix)."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.qr = segno.make(data, error="m")
        self.size = size
        self.width = self.height = size

    def draw(self):
        matrix = list(self.qr.matrix)
        border = 2
        modules = len(matrix) + 2 * border
        step = self.size / modules
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for row, line in enumerate(matrix):
            for col, dark in enumerate(line):
                if dark:
                    x = (col + border) * step
                    y = self.size - (row + border + 1) * step
                    canvas.rect(x, y, step, step, stroke=0, fill=1)


def permit_conditions(permit: PermitRequest) -> list[str]:
    """The permit's conditions: as decided (permit.conditions), else from the opinions."""
    texts = []
    for item in permit.conditions or []:
        if isinstance(item, dict):
            text, source = str(item.get("text", "")).strip(), item.get("department")
            text = f"{text} ({source})" if text and source else text
        else:
            text = str(item).strip()
        if text:
            texts.append(text)
    if texts:
        return texts
    tasks = permit.tasks.filter(status=ReviewTask.Status.ANSWERED).prefetch_related("conditions")
    for task in tasks:
        texts += [t for t in task.condition_texts() if t not in texts]
    return texts


#: The most address points the map's detail labels (the nearest to the works).
MAP_ADDRESSES = 60


def _streets_near(town, areas) -> tuple[list, list]:
    """The town's streets (its resurfaced-streets layer) and address points inside the map's
    detail around `areas`, from the town's own layers."""
    bounds = detail_bounds(areas)
    if bounds is None:
        return [], []
    box = Polygon.from_bbox(bounds)
    box.srid = LV95
    centre = box.centroid
    streets = [
        (street.name, street.geometry)
        for street in ResurfacedStreet.objects.filter(
            municipality=town, geometry__intersects=box
        ).order_by("name", "pk")[:200]
    ]
    nearest = (
        Address.objects.filter(municipality=town, point__within=box)
        .annotate(distance=Distance("point", centre))
        .order_by("distance", "pk")[:MAP_ADDRESSES]
    )
    return streets, [(address.label, address.point) for address in nearest]


def _applicant_name(permit: PermitRequest) -> str:
    if permit.organisation_id:
        return permit.organisation.name
    return permit.applicant.full_name


def permit_pdf(*, permit: PermitRequest, verify_url: str, language: str | None = None) -> bytes:
    """The permit as issued: facts, map extract, conditions, validity, fees, QR code."""
    town = permit.municipality
    with translation.override(language or town.default_language):
        colour = colors.HexColor(town.primary_colour or "#1f4e79")
        styles = _styles(colour)
        title = _("Excavation permit")
        end = permit.valid_until or permit.planned_end
        closure = permit.get_road_closure_display()
        impact = [str(closure)]
        if permit.pavement_closure:
            impact.append(_("pavement closed"))
        if permit.parking_places_removed:
            impact.append(_("%(n)d parking places removed") % {"n": permit.parking_places_removed})
        areas = [a.geometry for a in permit.areas.all()]
        streets, addresses = _streets_near(town, areas)
        story: list = [
            _p(f"{title} {permit.reference}", styles["title"]),
            _facts(
                [
                    (_("Reference"), permit.reference),
                    (_("Status"), permit.get_status_display()),
                    (_("Applicant"), _applicant_name(permit)),
                    (_("Kind of work"), permit.get_kind_display()),
                    (_("Location"), permit.location_text or "—"),
                    (_("Description of the works"), permit.description),
                    (_("Impact"), ", ".join(impact)),
                    (_("Valid from"), _day(permit.planned_start)),
                    (_("Valid until"), _day(end)),
                    (
                        _("Granted on"),
                        _day(timezone.localdate(permit.decided_at)) if permit.decided_at else "—",
                    ),
                ],
                styles,
            ),
            _p(_("Map extract"), styles["h2"]),
            MapExtract(
                territory=town.territory,
                areas=areas,
                streets=streets,
                addresses=addresses,
                width=174 * mm,
                height=62 * mm,
                font=fonts()[0],
                colour=colour,
                labels=(_("Overview"), _("Work areas")),
            ),
            _p(_("Conditions"), styles["h2"]),
        ]
        conditions = permit_conditions(permit)
        if conditions:
            story += [_p(f"{i}. {text}", styles["body"]) for i, text in enumerate(conditions, 1)]
        else:
            story.append(_p(_("No particular condition."), styles["body"]))
        story += [
            _p(_("Fees"), styles["h2"]),
            _facts(
                [
                    (_("Base fee"), _chf(permit.fee_base)),
                    (_("Occupation of the public domain"), _chf(permit.fee_occupation)),
                    (_("Total fees"), _chf(permit.fee_total)),
                    (_("Reinstatement deposit"), _chf(permit.deposit)),
                ],
                styles,
            ),
            Spacer(1, 6 * mm),
            KeepTogether(
                Table(
                    [
                        [
                            QrCode(verify_url, 32 * mm),
                            [
                                _p(_("Verify this permit"), styles["label"]),
                                _p(_("Scan the code or open this address:"), styles["body"]),
                                _p(verify_url, styles["small"]),
                            ],
                        ]
                    ],
                    colWidths=[36 * mm, None],
                    style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE")],
                )
            ),
        ]
        buffer = io.BytesIO()
        frame = _page_frame(town, title)
        _document(buffer, f"{title} {permit.reference}").build(
            story, onFirstPage=frame, onLaterPages=frame
        )
        return buffer.getvalue()


def invoice_pdf(*, permit: PermitRequest, language: str | None = None) -> bytes:
    """The invoice of the permit's fees (and the reinstatement deposit, refundable): the one
    billing issued at the grant, with its QR-bill payment part; for a town that does not bill
    through billing, the fees as a statement."""
    invoice = permit_grant_invoice(permit)
    settings = billing_settings_find(municipality=permit.municipality)
    if invoice is not None and settings is not None:
        return billing_pdf.invoice_pdf(invoice=invoice, settings=settings, language=language)
    town = permit.municipality
    with translation.override(language or town.default_language):
        colour = colors.HexColor(town.primary_colour or "#1f4e79")
        styles = _styles(colour)
        title = _("Invoice")
        issued = (
            timezone.localdate(permit.decided_at) if permit.decided_at else timezone.localdate()
        )
        due = issued + dt.timedelta(days=30)
        zero = Decimal("0")
        total_due = (permit.fee_total or zero) + (permit.deposit or zero)
        lines = [
            [_p(_("Item"), styles["label"]), _p(_("Amount"), styles["label"])],
            [_p(_("Base fee"), styles["body"]), _p(_chf(permit.fee_base), styles["body"])],
            [
                _p(_("Occupation of the public domain"), styles["body"]),
                _p(_chf(permit.fee_occupation), styles["body"]),
            ],
            [_p(_("Total fees"), styles["label"]), _p(_chf(permit.fee_total), styles["label"])],
            [
                _p(
                    _("Reinstatement deposit (refunded after the guarantee period)"), styles["body"]
                ),
                _p(_chf(permit.deposit), styles["body"]),
            ],
            [_p(_("Amount due"), styles["label"]), _p(_chf(total_due), styles["label"])],
        ]
        table = Table(lines, colWidths=[None, 45 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colour),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.3, colors.HexColor("#cccccc")),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.8, colour),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ]
            )
        )
        story = [
            _p(permit.invoice_address or _applicant_name(permit), styles["body"]),
            Spacer(1, 10 * mm),
            _p(f"{title} {permit.reference}", styles["title"]),
            _facts(
                [
                    (_("Excavation permit"), permit.reference),
                    (_("Invoice date"), _day(issued)),
                    (_("Payable by"), _day(due)),
                    (_("Kind of work"), permit.get_kind_display()),
                    (_("Works"), f"{_day(permit.planned_start)} – {_day(permit.planned_end)}"),
                ],
                styles,
            ),
            Spacer(1, 6 * mm),
            table,
            Spacer(1, 6 * mm),
            _p(
                _("Please pay within 30 days, quoting the reference %(ref)s.")
                % {"ref": permit.reference},
                styles["body"],
            ),
        ]
        buffer = io.BytesIO()
        frame = _page_frame(town, title)
        _document(buffer, f"{title} {permit.reference}").build(
            story, onFirstPage=frame, onLaterPages=frame
        )
        return buffer.getvalue()
