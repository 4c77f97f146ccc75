"""Venues kept by the moderators: position in WGS84 stored in LV95, accessibility, a photo
checked by its content and stored as a fresh PNG; refusals save nothing; other towns' 404."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from commune.accounts.tests.factories import UserFactory
from commune.agenda.models import Venue
from commune.tenants.scoping import scope

from .factories import VenueFactory


def url(name, **kwargs):
    return reverse(f"agenda:{name}", kwargs={"town": "pully", **kwargs})


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#336699").save(buffer, "JPEG", comment=b"secret-metadata")
    return SimpleUploadedFile("salle.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def position(in_town):
    """A point inside the test town, in WGS84."""
    point = in_town.territory.point_on_surface.transform(4326, clone=True)
    return {"latitude": f"{point.y:.6f}", "longitude": f"{point.x:.6f}"}


def test_a_moderator_adds_a_venue_with_its_access_position_and_photo(
    staff_client, in_town, moderator, position
):
    client = staff_client(moderator)
    data = {
        "name": "Salle du Prieuré",
        "address": "Chemin du Prieuré 2",
        "postcode": "1009",
        "locality": "Pully",
        "features": ["step_free", "hearing_loop"],
        "photo": jpeg(),
        **position,
    }
    # when
    response = client.post(url("venue-new"), data)
    # then
    assert response.status_code == 302
    venue = Venue.objects.get()
    assert (venue.step_free, venue.hearing_loop, venue.quiet_room) == (True, True, False)
    assert venue.openagenda_codes() == ["hi", "mi"]
    assert venue.location.srid == 2056
    assert venue.wgs84()[0] == pytest.approx(float(position["latitude"]), abs=1e-6)
    photo = client.get(url("venue-photo", venue_id=venue.pk))
    body = b"".join(photo.streaming_content) if photo.streaming else photo.content
    assert body.startswith(b"\x89PNG") and b"secret-metadata" not in body


def test_a_photo_that_is_not_an_image_and_a_far_position_are_refused_nothing_saved(
    staff_client, in_town, moderator, position
):
    client = staff_client(moderator)
    fake = SimpleUploadedFile("salle.png", b"<html><script>x</script></html>", "image/png")
    response = client.post(
        url("venue-new"), {"name": "X", "address": "Y", "photo": fake, **position}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    far = client.post(
        url("venue-new"), {"name": "X", "address": "Y", "latitude": "47.37", "longitude": "8.54"}
    )
    assert far.status_code == 200
    assert "pas dans la commune" in far.content.decode() or "not in or near" in far.content.decode()
    assert Venue.objects.count() == 0


def test_venues_are_managed_by_moderators_only_and_other_towns_are_404(
    client, staff_client, in_town, town_b, moderator
):
    with scope(town_b):
        foreign = VenueFactory(municipality=town_b)
    client.force_login(UserFactory())
    assert client.get(url("venues")).status_code == 403
    moderator_client = staff_client(moderator)
    assert moderator_client.get(url("venues")).status_code == 200
    assert moderator_client.get(url("venue-edit", venue_id=foreign.pk)).status_code == 404
    assert moderator_client.post(url("venue-edit", venue_id=foreign.pk), {}).status_code == 404
    assert moderator_client.get(url("venue-photo", venue_id=foreign.pk)).status_code == 404
