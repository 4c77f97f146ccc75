"""The tariff: base fee + area x days x the road category's rate, and the reinstatement deposit
(area x rate per m², never below the town's minimum), each rounded to 5 centimes as Swiss
invoices are. Every expected figure is worked out by hand in the comments, not by the code."""

from decimal import Decimal

import pytest

from commune.permits.models import PermitRequest, PermitSettings
from commune.permits.services.fees import fee_compute
from commune.permits.services.submission import permit_submit

from .conftest import MONDAY, at
from .factories import draft, town_settings


def tariff(**fields) -> PermitSettings:
    """A town's tariff as the database holds it (Decimal columns, rates as JSON strings)."""
    defaults = {
        "fee_base": Decimal("100.00"),
        "rates": {"local": "0.20", "collector": "0.37", "main": "1.71"},
        "deposit_per_m2": Decimal("50.00"),
        "deposit_minimum": Decimal("500.00"),
    }
    return PermitSettings(**(defaults | fields))


def test_the_occupation_fee_is_area_times_days_times_the_categorys_rate_to_5_centimes():
    # given 11.6 m² (as GEOS measures it: a hair below) for 3 days on a collector road
    # 11.6 x 3 x 0.37 = 12.876 CHF -> 12.876 / 0.05 = 257.52 -> 258 x 0.05 = 12.90
    # base 99.97 -> 1999.4 -> 1999 x 0.05 = 99.95; total 99.95 + 12.90 = 112.85
    # deposit 11.6 x 47.33 = 549.028 -> 10980.56 -> 10981 x 0.05 = 549.05 (above the minimum)
    fees = fee_compute(
        area_m2=11.599999999999,
        days=3,
        road_category="collector",
        tariff=tariff(fee_base=Decimal("99.97"), deposit_per_m2=Decimal("47.33")),
    )
    # then
    assert (fees.base, fees.occupation, fees.total, fees.deposit) == (
        Decimal("99.95"),
        Decimal("12.90"),
        Decimal("112.85"),
        Decimal("549.05"),
    )


def test_an_amount_halfway_between_two_5_centime_steps_is_rounded_up():
    # given 2.5 m² x 3 days x 1.71 = 12.825 CHF: 256.5 steps of 5 centimes exactly
    fees = fee_compute(area_m2=2.5, days=3, road_category="main", tariff=tariff())
    # then 257 steps (half up, not to even: 12.80), and the total adds the base fee
    assert fees.occupation == Decimal("12.85")
    assert fees.total == Decimal("112.85")


@pytest.mark.parametrize(
    ("category", "occupation"),
    [
        ("local", Decimal("8.00")),  # 8 m² x 5 days x 0.20
        ("collector", Decimal("14.80")),  # 8 x 5 x 0.37
        ("main", Decimal("68.40")),  # 8 x 5 x 1.71
        ("footpath", Decimal("0.00")),  # a category the tariff does not price
    ],
)
def test_each_road_category_has_its_own_rate(category, occupation):
    fees = fee_compute(area_m2=8.0, days=5, road_category=category, tariff=tariff())
    assert fees.occupation == occupation
    assert fees.total == Decimal("100.00") + occupation


def test_a_town_without_rates_charges_the_base_fee_only():
    fees = fee_compute(area_m2=8.0, days=5, road_category="local", tariff=tariff(rates=None))
    assert (fees.occupation, fees.total) == (Decimal("0.00"), Decimal("100.00"))


def test_the_area_counts_to_the_hundredth_of_a_square_metre():
    # given 10.004 m² for 100 days at 1.71: the area is taken as 10.00 m² (to 0.01 m²)
    # 10.00 x 100 x 1.71 = 1710.00 (10.004 would give 1710.684 -> 1710.70)
    fees = fee_compute(area_m2=10.004, days=100, road_category="main", tariff=tariff())
    assert fees.occupation == Decimal("1710.00")


def test_the_deposit_is_never_below_the_towns_minimum_and_is_rounded_too():
    # given 8 m² x 50 = 400 CHF, below a minimum of 512.34 (-> 10246.8 -> 10247 x 0.05)
    small = fee_compute(
        area_m2=8.0,
        days=1,
        road_category="local",
        tariff=tariff(deposit_minimum=Decimal("512.34")),
    )
    # and 12 m² x 50 = 600 CHF, above it
    large = fee_compute(area_m2=12.0, days=1, road_category="local", tariff=tariff())
    # then
    assert small.deposit == Decimal("512.35")
    assert large.deposit == Decimal("600.00")


def test_a_routine_grant_stores_the_fees_of_the_towns_tariff(in_town, applicant):
    # given Pully's tariff and a request of 4 x 2.9 m = 11.6 m² on a local road for Monday 1 to
    # Wednesday 3 June 2026: 3 days, both ends counted
    town_settings(
        in_town,
        minimum_notice_days=10,
        fee_base=Decimal("99.97"),
        rates={"local": "0.37"},
        deposit_per_m2=Decimal("47.33"),
        deposit_minimum=Decimal("500.00"),
    )
    permit = draft(
        in_town,
        applicant=applicant,
        w=4,
        h=2.9,
        planned_start=MONDAY.replace(month=6, day=1),
        planned_end=MONDAY.replace(month=6, day=3),
    )
    # when it is submitted and granted with no human step
    permit = permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    # then the figures worked out in the first test are those stored on the permit
    assert permit.status == PermitRequest.Status.GRANTED and permit.is_routine
    permit.refresh_from_db()
    assert (permit.fee_base, permit.fee_occupation, permit.fee_total, permit.deposit) == (
        Decimal("99.95"),
        Decimal("12.90"),
        Decimal("112.85"),
        Decimal("549.05"),
    )
