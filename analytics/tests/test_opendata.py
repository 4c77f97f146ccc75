"""analytics.opendata: the fixed periods, and a week and its month published from bases."""

from datetime import date

import pytest

from analytics import opendata
from analytics.opendata import MONTH, WEEK, Frozen, Period, publish

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock


def test_a_month_is_its_weeks_cut_at_its_edges():
    # given March 2026 (Sunday 1 to Tuesday 31)
    march = opendata.month_of(date(2026, 3, 17))
    # when
    weeks = opendata.weeks_of(march)
    # then: Sunday 1 alone, four whole weeks, Monday 30 and Tuesday 31
    assert march == Period(date(2026, 3, 1), date(2026, 3, 31), MONTH)
    assert [(w.start.day, w.end.day) for w in weeks] == [
        (1, 1),
        (2, 8),
        (9, 15),
        (16, 22),
        (23, 29),
        (30, 31),
    ]
    assert sum(len(w.days()) for w in weeks) == 31
    assert all(w.kind == WEEK for w in weeks)


@pytest.mark.parametrize(
    "key, period",
    [
        ("2026-03", Period(date(2026, 3, 1), date(2026, 3, 31), MONTH)),
        ("2026-03-02", Period(date(2026, 3, 2), date(2026, 3, 8), WEEK)),
        ("2026-03-30", Period(date(2026, 3, 30), date(2026, 3, 31), WEEK)),
        ("2026-03-03", None),  # not the first day of a week
        ("2026-13", None),
        ("9999-12-31x", None),
        ("", None),
    ],
)
def test_a_period_is_named_by_its_key(key, period):
    assert opendata.period_of_key(key) == period
    if period is not None:
        assert period.key == key


def test_hours_of_a_period_count_the_clock_changes():
    march = opendata.month_of(date(2026, 3, 1))
    october = opendata.month_of(date(2026, 10, 1))
    assert opendata.hours_in(march) == 31 * 24 - 1
    assert opendata.hours_in(october) == 31 * 24 + 1


def _od_basis(trips: dict[tuple[str, str], int]) -> dict:
    return {
        "trips": {
            "origin": [o for o, _d in trips],
            "destination": [d for _o, d in trips],
            "via": [""] * len(trips),
            "trips": list(trips.values()),
        }
    }


FEBRUARY = opendata.month_of(date(2026, 2, 1))
WEEKS = opendata.weeks_of(FEBRUARY)  # Sunday 1 alone, then four whole weeks


def test_a_week_is_published_alone_and_its_month_with_what_its_weeks_published():
    # given: one zone pair small in the first week (5 trips), the others large
    od = opendata.FAMILIES["od"]
    bases = {
        w: _od_basis(
            {("A", "A"): 40, ("A", "B"): 5 if i == 0 else 30, ("B", "A"): 50, ("B", "B"): 60}
        )
        for i, w in enumerate(WEEKS)
    }
    frozen = []
    # when: each week, then the month
    for week in WEEKS:
        made = publish(od, period=week, perimeter=["A"], k=20, basis=bases[week])
        frozen.append(Frozen(week, bases[week], ["A"], made.hidden))
    month = publish(od, period=FEBRUARY, perimeter=["A"], k=20, frozen=frozen)
    # then: the small cell is hidden in its week with a partner (a line never hides one)
    first = {key[2:]: key for key in frozen[0].hidden if key[0] == "od"}
    assert ("A", "B") in first and len(frozen[0].hidden) >= 2
    # and: the month hides A -> B too, though it is 125: shown, it would give the first week's
    # 5 as 125 - 4 x 30 (differencing across periods); the other cells add the weeks up
    rows = {(o, d): t for o, d, t in month.tables["od"]["rows"]}
    assert rows[("A", "B")] is None
    assert rows[("B", "B")] in (None, 60 * 5)
    assert month.unprotectable == []
    # and: a share is never shown without its part
    for _kind, trips, share in month.tables["typology"]["rows"]:
        assert trips is not None or share is None


def test_a_month_is_refused_before_all_its_weeks():
    od = opendata.FAMILIES["od"]
    week = WEEKS[0]
    frozen = [Frozen(week, _od_basis({("A", "B"): 40}), [], set())]
    with pytest.raises(ValueError, match="after all its weeks"):
        publish(od, period=FEBRUARY, perimeter=[], k=20, frozen=frozen)
