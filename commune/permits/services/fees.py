"""The town's tariff: base fee + area × days × rate by road category, and the deposit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Fees:
    base: Decimal
    occupation: Decimal
    total: Decimal
    deposit: Decimal


def _chf(value: Decimal) -> Decimal:
    """Rounded to 5 centimes, as Swiss invoices are."""
    return (value * 20).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 20


def fee_compute(*, area_m2: float, days: int, road_category: str, tariff) -> Fees:
    """Pure: `tariff` is the town's PermitSettings (or anything with the same fields)."""
    area = Decimal(str(round(area_m2, 2)))
    rate = Decimal(str((tariff.rates or {}).get(road_category, "0")))
    occupation = _chf(area * Decimal(days) * rate)
    base = _chf(Decimal(tariff.fee_base))
    deposit = max(_chf(area * Decimal(tariff.deposit_per_m2)), Decimal(tariff.deposit_minimum))
    return Fees(base=base, occupation=occupation, total=base + occupation, deposit=_chf(deposit))
