"""The demo: help switched on in Pully and Lutry, its people and posts, loaded twice alike."""

import pytest
from django.utils import timezone

from commune.accounts import demo as accounts_demo
from commune.accounts.models import Membership
from commune.agenda import demo as agenda_demo
from commune.help import demo as help_demo
from commune.help.models import Neighbour, Post
from commune.tenants import demo, scoping

# The companion is asked for a coming date of the agenda's demo, which starts on loading day.
pytestmark = pytest.mark.clock


def test_the_demo_loads_twice_the_same(db):
    towns = demo.load()
    accounts_demo.load(towns)
    agenda_demo.load(towns)
    help_demo.load(towns)
    help_demo.load(towns)
    for town in towns:
        town.refresh_from_db()
        assert "help" in town.modules
        with scoping.scope(town):
            assert Membership.objects.filter(role="help_coordinator").count() == 1
            assert Neighbour.objects.filter(status="verified").count() == 2
            assert Neighbour.objects.filter(status="pending").count() == 1
            states = set(Post.objects.values_list("status", flat=True))
            assert states == {"open", "matched", "done", "no_one_found"}
            # "Accompany me": a companion asked for a coming date of the agenda's tea dance
            (companion,) = Post.objects.filter(category="accompany", event__isnull=False)
            assert companion.event.title == "Thé dansant" and companion.status == "open"
            assert companion.occurrence_start > timezone.now()
