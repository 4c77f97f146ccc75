"""Who must pass a second factor, and the TOTP devices that provide it (django-otp)."""

from __future__ import annotations

import base64

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from commune.core import audit

from .access import is_staff_somewhere

ENROLMENT_DEVICE_NAME = "enrolment"


def needs_second_factor(user) -> bool:
    """Town staff (any Membership) and platform admins; citizens and companies do not."""
    return is_staff_somewhere(user)


def confirmed_devices(user) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def enrolment_device(user) -> TOTPDevice:
    """The pending (unconfirmed) device, created once so the QR code stays the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False)
    return device


def base32_key(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_svg(text: str) -> str:
    """An inline SVG QR code (no image file, no JavaScript), 0.8 mm a module; segno with error
    correction M, as the permit PDF's."""
    return segno.make(text, error="m").svg_inline(scale=0.8, unit="mm")


def device_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """The first correct code confirms the enrolment; recorded in the audit trail."""
    device.confirmed = True
    device.name = "authenticator"
    device.save(update_fields=["confirmed", "name"])
    audit.record(actor=device.user, obj=device.user, action="enrol_second_factor")
    return device
