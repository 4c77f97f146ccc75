import datetime as dt
import zoneinfo

import pytest
from django.contrib.gis.geos import Point

from commune.accounts.tests.factories import MembershipFactory, UserFactory
from commune.help.models import Neighbour
from commune.tenants.tests.factories import square

from .factories import CallerFactory, NeighbourFactory, NeighbourhoodFactory, PostFactory

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
NOW = dt.datetime(2026, 11, 10, 10, 0, tzinfo=ZURICH)


@pytest.fixture
def town(in_town):
    """Pully with the help module switched on."""
    in_town.modules = [*in_town.modules, "help"]
    in_town.save(update_fields=["modules"])
    return in_town


@pytest.fixture
def rosiaz(town):
    return NeighbourhoodFactory(municipality=town, name="Rosiaz")


@pytest.fixture
def centre(town):
    return NeighbourhoodFactory(municipality=town, name="Centre", area=square(2545000, 1151000))


def neighbour(quarter, name, *, at=(2540500, 1151500), verified=True, **extra) -> Neighbour:
    return NeighbourFactory(
        municipality=quarter.municipality,
        neighbourhood=quarter,
        user=UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.ch"),
        location=Point(*at, srid=2056),
        status="verified" if verified else "pending",
        **extra,
    )


@pytest.fixture
def alice(rosiaz):
    """Asks for help in Rosiaz."""
    return neighbour(rosiaz, "Alice Dubois", phone="+41 21 555 11 11")


@pytest.fixture
def bruno(rosiaz):
    """A verified helper in Rosiaz, 300 m from Alice."""
    return neighbour(rosiaz, "Bruno Favre", at=(2540800, 1151500), phone="+41 21 555 22 22")


@pytest.fixture
def request_post(alice):
    return PostFactory(municipality=alice.municipality, author=alice, title="Courses du mardi")


@pytest.fixture
def coordinator(town):
    return MembershipFactory(
        municipality=town,
        role="help_coordinator",
        user__email="social@pully.example.ch",
        user__full_name="Service social",
    ).user


@pytest.fixture
def caller(rosiaz):
    return CallerFactory(
        municipality=rosiaz.municipality,
        neighbourhood=rosiaz,
        name="Germaine Pittet",
        phone="+41 21 555 99 99",
        address="Chemin de la Rosiaz 7",
    )
