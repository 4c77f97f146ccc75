"""The agenda's demo: associations, venues with accessibility, a year of activities with a
moved and a cancelled date, one awaiting moderation; loading it twice changes nothing."""

import datetime as dt

import pytest

from commune.accounts import demo as accounts_demo
from commune.agenda import demo as agenda_demo
from commune.agenda.models import DateChange, Event, Registration, TrustedOrganisation, Venue
from commune.agenda.services.dates import event_occurrences
from commune.tenants import demo
from commune.tenants.scoping import scope

# The demo's dates start from the day it is loaded.
pytestmark = pytest.mark.clock

YEAR = dt.timedelta(days=365)


def test_the_demo_loads_twice_into_the_same_rows(db):
    towns = demo.load()
    accounts_demo.load(towns)
    agenda_demo.load(towns)
    agenda_demo.load(towns)
    for town in towns:
        with scope(town):
            assert Venue.objects.count() == len(agenda_demo.VENUES)
            assert Event.objects.count() == len(agenda_demo.ACTIVITIES)
            assert Event.objects.filter(status="submitted").count() == 1
            assert DateChange.objects.count() == 3
            assert TrustedOrganisation.objects.count() == 1
            assert Registration.objects.count() == 2 + len(agenda_demo.WAITLIST)
            computer = Event.objects.get(title="Aide informatique pour les aînés")
            states = list(Registration.objects.filter(event=computer).values_list("name", "status"))
            assert states == [
                ("Paul Mottier", "confirmed"),
                ("Odette Ruchet", "cancelled"),
                ("Louise Bron", "offered"),
                ("Jean Pasche", "waiting"),
            ]
            assert sum(v.accessibility_features() != [] for v in Venue.objects.all()) >= 3
            tea = Event.objects.get(title="Thé dansant")
            dates = event_occurrences(
                event=tea, after=tea.starts_at, before=tea.starts_at + dt.timedelta(days=366)
            )
            assert len(dates) >= 50
            assert sum(o.cancelled for o in dates) == 1 and sum(o.moved for o in dates) == 1
            # every recurring activity runs for a year from the day the demo is loaded
            for event in Event.objects.exclude(rrule="").filter(status="published"):
                dates = event_occurrences(
                    event=event, after=event.starts_at, before=event.starts_at + YEAR
                )
                assert dates[-1].start - dates[0].start >= YEAR - dt.timedelta(days=35), event
