"""Payment references: the QR reference (QRR, 27 digits, mod 10 recursive check digit) when the
town's account is a QR-IBAN, the creditor reference (SCOR, ISO 11649, "RF…") otherwise."""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.ch import esr
from stdnum.iso7064 import mod_97_10


def qrr_for(*, year: int, sequence: int) -> str:
    """The 27-digit QR reference of the invoice numbered `sequence` in `year`: 26 digits
    (zero-padded year and sequence) and the check digit."""
    payload = f"{year:04d}{sequence:010d}".zfill(26)
    return payload + esr.calc_check_digit(payload)


def scor_for(*, year: int, sequence: int) -> str:
    """The creditor reference (ISO 11649) of the invoice numbered `sequence` in `year`."""
    payload = f"{year:04d}{sequence:08d}"
    return "RF" + mod_97_10.calc_check_digits(payload + "RF") + payload


def reference_for(*, year: int, sequence: int, qr_iban: bool) -> str:
    return (
        qrr_for(year=year, sequence=sequence) if qr_iban else scor_for(year=year, sequence=sequence)
    )


def reference_normal(text: str | None) -> str | None:
    """The reference as stored on invoices (no spaces, upper case) when `text` is a valid QRR or
    SCOR, else None: a bank file's reference is matched only when its check digits hold."""
    if not text:
        return None
    compact = re.sub(r"\s+", "", str(text)).upper()
    if compact.isdigit() and len(compact) <= 27:
        compact = compact.zfill(27)
        return compact if esr.is_valid(compact) else None
    if compact.startswith("RF") and iso11649.is_valid(compact):
        return compact
    return None


def reference_display(reference: str) -> str:
    """As printed: a QRR in groups of five from the right after two digits, a SCOR in fours."""
    if reference.isdigit():
        return esr.format(reference)
    return iso11649.format(reference)
