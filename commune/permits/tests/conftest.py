import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from commune.accounts.tests.factories import MembershipFactory, UserFactory
from commune.tenants.tests.factories import DepartmentFactory

from .browser import pully  # noqa: F401 - the browser tests' demo town
from .factories import town_settings

ZURICH = ZoneInfo("Europe/Zurich")


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZURICH)


#: Monday 4 May 2026: a plain working week, well before the works planned in June.
MONDAY = dt.date(2026, 5, 4)


@pytest.fixture
def settings_a(in_town):
    return town_settings(in_town, minimum_notice_days=10, review_days=10, conflict_distance_m=50)


@pytest.fixture
def applicant(db):
    return UserFactory(full_name="Luc Favre", language="fr")


@pytest.fixture
def roads(in_town):
    return DepartmentFactory(municipality=in_town, code="roads", name="Routes")


@pytest.fixture
def officer(in_town):
    return MembershipFactory(municipality=in_town, role="permit_officer").user


@pytest.fixture
def roads_reviewer(in_town, roads):
    return MembershipFactory(municipality=in_town, role="service_reviewer", department=roads).user
