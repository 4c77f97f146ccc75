"""The permit PDF's map (issue 8): the detail draws the town's streets and address points near
the works, from the town's own layers (nothing fetched), and a site too small for the scale at
a minimum size, seen on the page as poppler renders it."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from PIL import Image
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from commune.permits import pdf
from commune.permits.models import Address, PermitRequest, ResurfacedStreet
from commune.permits.models.address import address_key
from commune.permits.pdf_map import MapExtract
from commune.permits.public.verification import verify_url
from commune.permits.tests.public_helpers import work
from commune.tenants.documents import fonts
from commune.tenants.scoping import scope

from .factories import origin
from .test_pdf import pdf_text

pytestmark = pytest.mark.clock  # the permit's dates are from today


def _address(town, label, dx, dy):
    x, y = origin(town)
    Address.objects.create(
        municipality=town,
        label=label,
        point=Point(x + dx, y + dy, srid=2056),
        search_key=address_key(label),
    )


def test_the_pdf_map_names_the_streets_and_addresses_near_the_works_only(town_a):
    # given works at 100 m from the town's corner, two addresses and a resurfaced street
    # beside them, and an address and a street a kilometre away
    with scope(town_a):
        x, y = origin(town_a)
        _address(town_a, "Avenue de Lavaux 12", 110, 95)
        _address(town_a, "Avenue de Lavaux 14", 125, 95)
        _address(town_a, "Route de Lutry 99", 1100, 1100)
        for name, dx in (("Chemin du Port", 90), ("Chemin des Vignes", 1090)):
            ResurfacedStreet.objects.create(
                municipality=town_a,
                name=name,
                geometry=LineString((x + dx, y + 80), (x + dx, y + 140), srid=2056),
                resurfaced_on=dt.date(2020, 5, 1),
                moratorium_until=dt.date(2025, 5, 1),
            )
        permit = work(town_a, road_closure=PermitRequest.Closure.ONE_LANE, dx=100, dy=100)
        # when
        body = pdf.permit_pdf(permit=permit, verify_url=verify_url(permit), language="fr")
    # then the detail names the near street, each address's number and its street once
    text = pdf_text(body)
    assert "Chemin du Port" in text
    assert "Avenue de Lavaux" in text
    assert "12" in text.split() and "14" in text.split()
    assert "Route de Lutry" not in text
    assert "Chemin des Vignes" not in text


def _reddish_pixels_in_the_detail(town, area, tmp_path) -> int:
    """Draw the map extract alone, render it with poppler, count the works' red pixels in
    the detail panel (the right 60 %; the overview marks every site with a dot of its own)."""
    buffer = io.BytesIO()
    page = pdf_canvas.Canvas(buffer, pagesize=(180 * mm, 70 * mm))
    extract = MapExtract(
        territory=town.territory,
        areas=[area],
        width=174 * mm,
        height=62 * mm,
        font=fonts()[0],
        colour=pdf.colors.HexColor("#1f4e79"),
        labels=("Vue d'ensemble", "Emprises"),
    )
    extract.wrapOn(page, 174 * mm, 62 * mm)
    extract.drawOn(page, 3 * mm, 4 * mm)
    page.save()
    document = tmp_path / "extract.pdf"
    document.write_bytes(buffer.getvalue())
    subprocess.run(  # noqa: S603 - poppler, a fixed command
        ["pdftoppm", "-r", "150", "-png", "-singlefile", document, tmp_path / "extract"],  # noqa: S607
        check=True,
    )
    image = Image.open(tmp_path / "extract.png").convert("RGB")
    width, height = image.size
    detail = image.crop((int(width * 0.45), 0, width, height))
    return sum(1 for r, g, b in detail.get_flattened_data() if r > 150 and g < 120 and b < 120)


def test_a_pit_too_small_for_the_scale_is_drawn_at_the_minimum_size(town_a, tmp_path):
    # given a 30 x 30 cm pit (0.2 mm at the detail's scale) and a 40 x 40 m site
    x, y = origin(town_a)
    pit = Polygon.from_bbox((x + 100, y + 100, x + 100.3, y + 100.3))
    pit.srid = 2056
    site = Polygon.from_bbox((x + 100, y + 100, x + 140, y + 140))
    site.srid = 2056
    # when each is drawn
    pit_pixels = _reddish_pixels_in_the_detail(town_a, pit, tmp_path)
    # then the pit covers about a disc 3 mm wide (at 150 dpi: 17.7 px across)
    diameter_px = 3.0 / 25.4 * 150
    assert pit_pixels >= 0.5 * 3.14 * (diameter_px / 2) ** 2
    # and a site large enough is drawn as it is, with no circle over it
    assert _reddish_pixels_in_the_detail(town_a, site, tmp_path) > pit_pixels
