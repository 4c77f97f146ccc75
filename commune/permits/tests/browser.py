"""Helpers for the permits' browser tests: the demo towns with their permit configuration,
one logged-in Chromium page per person, and drawing a work area with mouse clicks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Polygon
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from commune.accounts import demo as accounts_demo
from commune.accounts.models import Membership, Role, User
from commune.accounts.tests.browser import log_in, open_page  # noqa: F401 - the permits tests' entry
from commune.permits import demo as permits_demo
from commune.tenants import demo, scoping
from commune.tenants.models import Department

PARKS_REVIEWER = "parcs@pully.example.ch"
APPLICANT = "direction@gcleman.example.ch"  # Sofia Bianchi, Génie Civil du Léman SA (demo)


@pytest.fixture
def pully(transactional_db):
    """The demo towns and people, Pully's permit configuration, and a parks reviewer."""
    towns = demo.load()
    accounts_demo.load(towns)
    town = next(t for t in towns if t.slug == "pully")
    with scoping.scope(town):
        permits_demo.configure(town)
        user, _ = User.objects.get_or_create(
            email=PARKS_REVIEWER, defaults={"full_name": "Réviseuse parcs", "kind": "staff"}
        )
        user.set_password(accounts_demo.DEMO_PASSWORD)
        user.email_verified = True
        user.save()
        TOTPDevice.objects.get_or_create(
            user=user, name="demo", defaults={"key": accounts_demo.DEMO_TOTP_KEY, "confirmed": True}
        )
        Membership.objects.get_or_create(
            municipality=town,
            user=user,
            role=Role.SERVICE_REVIEWER,
            department=Department.objects.get(code="parks"),
        )
    return town


def trees_origin(town) -> tuple[float, float]:
    """Where the demo's protected trees stand (east of the territory's inner point)."""
    centre = town.territory.point_on_surface
    return centre.x, centre.y


def lv95_to_wgs84(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    ring = Polygon([*points, points[0]], srid=2056).transform(4326, clone=True)
    return [(lat, lng) for lng, lat in ring.coords[0][:-1]]


def draw_area(page, ring_lv95: list[tuple[float, float]], map_id: str = "permit-map") -> None:
    """Zoom the map on the ring (as a user would), click each corner, close the area."""
    corners = lv95_to_wgs84(ring_lv95)
    lat = sum(c[0] for c in corners) / len(corners)
    lng = sum(c[1] for c in corners) / len(corners)
    page.wait_for_function(f"() => document.getElementById('{map_id}').leafletMap !== undefined")
    page.evaluate(
        f"document.getElementById('{map_id}').leafletMap.setView([{lat}, {lng}], 19, "
        "{animate: false})"
    )
    box = page.locator(f"#{map_id}").bounding_box()
    for corner_lat, corner_lng in corners:
        point = page.evaluate(
            f"(() => {{ const p = document.getElementById('{map_id}').leafletMap"
            f".latLngToContainerPoint([{corner_lat}, {corner_lng}]); return [p.x, p.y]; }})()"
        )
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.locator("[data-map-close]").click()


def fill_request(page, *, kind: str, description: str, start: dt.date, days: int, **extra):
    """Fill the request form's fields by name (the drawn area is already in the textarea)."""
    page.select_option("select[name=organisation]", index=1)
    page.fill("[name=site_manager_name]", "Paulo Ferreira")
    page.fill("[name=site_manager_phone]", "+41 79 555 12 34")
    page.fill("[name=invoice_address]", "Case postale, 1001 Lausanne")
    page.select_option("select[name=kind]", kind)
    page.fill("[name=description]", description)
    page.fill("[name=planned_start]", start.isoformat())
    page.fill("[name=planned_end]", (start + dt.timedelta(days=days)).isoformat())
    if "road_closure" in extra:
        page.select_option("select[name=road_closure]", extra["road_closure"])


def submit_request(page) -> None:
    page.locator("button[name=submit]").click()
    page.wait_for_url(lambda url: "/new/" not in url)


def start_in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)
