import datetime as dt

import pytest

from commune.permits.deadlines import (
    add_working_days,
    add_years,
    is_working_day,
    working_days_between,
)

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock


def test_weekend_is_skipped():
    friday = dt.date(2026, 3, 13)
    assert add_working_days(friday, 1, "VD") == dt.date(2026, 3, 16)


def test_due_date_over_easter_in_vaud_skips_good_friday_and_easter_monday():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are holidays in VD.
    thursday = dt.date(2026, 4, 2)
    assert add_working_days(thursday, 1, "VD") == dt.date(2026, 4, 7)
    assert add_working_days(thursday, 10, "VD") == dt.date(2026, 4, 20)


def test_due_date_over_christmas_and_new_year_in_vaud():
    # 24.12.2026 is a Thursday; Christmas (Fri 25.12) and New Year (Fri 1.1.2027) are
    # holidays: 28, 29, 30, 31 December, then Monday 4 January.
    start = dt.date(2026, 12, 24)
    assert add_working_days(start, 1, "VD") == dt.date(2026, 12, 28)
    assert add_working_days(start, 5, "VD") == dt.date(2027, 1, 4)


def test_holidays_differ_by_canton():
    berchtold = dt.date(2027, 1, 2)  # a Saturday in 2027: use 2026's Friday 2 January
    assert berchtold.weekday() == 5
    friday = dt.date(2026, 1, 2)
    assert not is_working_day(friday, "VD")
    assert is_working_day(friday, "GE")


def test_counting_back_and_between():
    tuesday = dt.date(2026, 4, 7)
    assert add_working_days(tuesday, -1, "VD") == dt.date(2026, 4, 2)
    assert working_days_between(dt.date(2026, 4, 2), dt.date(2026, 4, 7), "VD") == 1
    assert working_days_between(dt.date(2026, 4, 7), dt.date(2026, 4, 2), "VD") == 0


def test_zero_days_moves_a_sunday_to_monday():
    assert add_working_days(dt.date(2026, 3, 15), 0, "VD") == dt.date(2026, 3, 16)


def test_zero_days_moves_a_cantonal_holiday_to_the_next_working_day_of_that_canton():
    # given Friday 2 January 2026, Saint Berchtold's Day: a holiday in Vaud, not in Geneva
    berchtold = dt.date(2026, 1, 2)
    # then a date due that day in Vaud moves to Monday 5 January, in Geneva it stays
    assert add_working_days(berchtold, 0, "VD") == dt.date(2026, 1, 5)
    assert add_working_days(berchtold, 0, "GE") == berchtold


def test_a_guarantee_from_29_february_ends_on_28_february_of_a_common_year():
    # given an inspection on 29 February 2028 and a two-year guarantee
    leap_day = dt.date(2028, 2, 29)
    # then it ends on the last day of February 2030, and on 29 February four years on
    assert add_years(leap_day, 2) == dt.date(2030, 2, 28)
    assert add_years(leap_day, 4) == dt.date(2032, 2, 29)
    assert add_years(dt.date(2027, 3, 1), 2) == dt.date(2029, 3, 1)
