"""The enrolment QR code, read as an authenticator app reads it: Chromium draws the SVG the page
serves, zbar decodes the picture, and what it reads is the device's own otpauth:// address."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import PASSWORD, UserFactory
from commune.core.testing import qr_codes_in
from commune.tenants.scoping import scope

pytestmark = pytest.mark.browser


def _decoded(browser, svg: str, folder) -> list[str]:
    """What zbar reads in `svg` once Chromium has drawn it, black on white, 4x."""
    page = browser.new_page(device_scale_factor=4)
    try:
        page.set_content(f'<body style="margin:40px;background:#fff">{svg}</body>')
        picture = folder / "qr.png"
        page.locator("svg").screenshot(path=picture)
    finally:
        page.close()
    return qr_codes_in(picture)


def test_the_enrolment_qr_code_holds_the_devices_otpauth_address(
    browser, english, town_a, tmp_path
):
    # given: a new town admin, password typed, no device yet
    user = UserFactory()
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=user, role=Role.MUNICIPALITY_ADMIN)
    english.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    # when: the second-factor page shows the enrolment code
    body = english.get("/accounts/2fa/").content.decode()
    svg = re.search(r"<svg.*?</svg>", body, re.S).group(0)
    # then: scanned, it is the pending device's address, key included
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert _decoded(browser, svg, tmp_path) == [device.config_url]
    assert "secret=" in device.config_url
