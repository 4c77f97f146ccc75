import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from commune.accounts import demo
from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import PASSWORD, UserFactory, totp_device
from commune.tenants import demo as tenants_demo
from commune.tenants.scoping import scope

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

MANAGE = "/pully/manage/"


def staff_user(town, role=Role.MUNICIPALITY_ADMIN, **kwargs):
    user = UserFactory(**kwargs)
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role)
    return user


def password_login(client, user, next_url=""):
    return client.post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD, "next": next_url}
    )


def test_staff_is_sent_to_the_second_factor_after_the_password(client, town_a):
    user = staff_user(town_a)
    totp_device(user)
    response = password_login(client, user, MANAGE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/?next=%2Fpully%2Fmanage%2F"
    # the staff page itself still refuses a password-only session
    assert client.get(MANAGE)["Location"].startswith("/accounts/2fa/")


def test_first_time_staff_enrols_by_scanning_the_qr_code_and_typing_a_code(english, town_a):
    # given
    user = staff_user(town_a)
    password_login(english, user, MANAGE)
    # when: the enrolment page shows a QR code (inline SVG) and the key in text
    page = english.get(f"/accounts/2fa/?next={MANAGE}")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "<path" in body
    key = re.search(r'<code id="totp-key">([A-Z2-7]+)</code>', body).group(1)
    # the same pending key on reload
    assert key in english.get("/accounts/2fa/").content.decode()
    code = totp(base64.b32decode(key))
    response = english.post("/accounts/2fa/", {"code": f"{code:06d}", "next": MANAGE})
    # then
    assert response.status_code == 302
    assert response["Location"] == MANAGE
    assert TOTPDevice.objects.get(user=user).confirmed
    assert english.get(MANAGE).status_code == 200


def test_the_code_page_accepts_the_current_code_and_refuses_a_wrong_one(english, town_a):
    user = staff_user(town_a)
    device = totp_device(user)
    password_login(english, user, MANAGE)
    page = english.get(f"/accounts/2fa/?next={MANAGE}")
    assert "<svg" not in page.content.decode()  # already enrolled: no new QR code
    wrong = english.post("/accounts/2fa/", {"code": "000000", "next": MANAGE})
    assert wrong.status_code == 200
    assert "This code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # the wait after one failure has passed
    device.save()
    right = english.post("/accounts/2fa/", {"code": f"{totp(device.bin_key):06d}", "next": MANAGE})
    assert right.status_code == 302
    assert english.get(MANAGE).status_code == 200


def test_throttling_refuses_even_the_right_code_right_after_failures(english, town_a):
    user = staff_user(town_a)
    device = totp_device(user)
    password_login(english, user, MANAGE)
    for _ in range(3):
        english.post("/accounts/2fa/", {"code": "000000"})
    response = english.post("/accounts/2fa/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    assert english.get(MANAGE)["Location"].startswith("/accounts/2fa/")


def test_citizens_do_not_need_a_second_factor(client, db):
    user = UserFactory()
    response = password_login(client, user)
    assert response["Location"] == "/accounts/"
    assert client.get("/accounts/2fa/?next=/accounts/")["Location"] == "/accounts/"
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_platform_admin_needs_the_second_factor_too(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    response = password_login(client, admin, "/admin/")
    assert response["Location"] == "/accounts/2fa/?next=%2Fadmin%2F"


def test_demo_staff_share_the_published_totp_key(client, db):
    demo.load(tenants_demo.load())
    admin_email = tenants_demo.staff_email("admin", "pully")
    client.post("/accounts/login/", {"username": admin_email, "password": demo.DEMO_PASSWORD})
    code = totp(base64.b32decode(demo.DEMO_TOTP_BASE32))
    response = client.post("/accounts/2fa/", {"code": f"{code:06d}", "next": MANAGE})
    assert response["Location"] == MANAGE
    assert client.get(MANAGE).status_code == 200
