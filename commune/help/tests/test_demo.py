"""The demo: help switched on in Pully and Lutry, its people and posts, loaded twice alike."""

from commune.accounts import demo as accounts_demo
from commune.accounts.models import Membership
from commune.help import demo as help_demo
from commune.help.models import Neighbour, Post
from commune.tenants import demo, scoping


def test_the_demo_loads_twice_the_same(db):
    towns = demo.load()
    accounts_demo.load(towns)
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
