import datetime as dt

import pytest

from commune.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)
from commune.agenda.models import ZURICH

from .factories import VenueFactory


def at(y, m, d, h=14, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=ZURICH)


#: Before every date of the tests' events, so that "coming" dates are all of them.
NOW = at(2026, 9, 1, 9)


@pytest.fixture
def venue(in_town):
    return VenueFactory(municipality=in_town, name="Maison pour Tous")


@pytest.fixture
def association(db):
    return OrganisationFactory(name="Club des aînés de Pully")


@pytest.fixture
def member(association):
    user = UserFactory(full_name="Anne Chappuis", email="anne@aines.example.ch", language="fr")
    add_member(association, user, manager=True)
    return user


@pytest.fixture
def colleague(association):
    user = UserFactory(full_name="Jean Rey", email="jean@aines.example.ch", language="de")
    add_member(association, user)
    return user


@pytest.fixture
def moderator(in_town):
    return MembershipFactory(
        municipality=in_town,
        role="agenda_moderator",
        user__email="agenda@pully.example.ch",
        user__language="fr",
    ).user
