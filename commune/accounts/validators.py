"""The Swiss business identification number (UID, CHE-123.456.789)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4)


def uid_normalise(value: str) -> str:
    """Accept 'CHE-123.456.789', 'che123456789', 'CHE 123 456 789 MWST'; return the canonical
    form, or raise ValidationError when the format or the check digit is wrong."""
    compact = re.sub(r"[\s.\-]", "", value.upper())
    compact = re.sub(r"(MWST|TVA|IVA|HR|RC|RI)$", "", compact)
    match = re.fullmatch(r"CHE(\d{9})", compact)
    if not match:
        raise ValidationError(
            _("Enter the Swiss business number as CHE-123.456.789."), code="uid_format"
        )
    digits = match.group(1)
    remainder = sum(int(d) * w for d, w in zip(digits[:8], _WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    if check == 10 or check != int(digits[8]):
        raise ValidationError(
            _("This business number does not exist (its check digit is wrong)."), code="uid_check"
        )
    return f"CHE-{digits[0:3]}.{digits[3:6]}.{digits[6:9]}"
