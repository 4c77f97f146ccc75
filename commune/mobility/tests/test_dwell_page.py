"""Dwell time on the observatory page when the operator delivered it (suppressed when public)."""

from django.test import Client

from commune.accounts.models import Role
from commune.mobility import warehouse
from commune.mobility.tests.test_observatory import member, publish_all, url, write_data

PRESENCE = """zone_id,timestamp,count,dwell_class
Z000,2026-01-13T10:00+01:00,300,0-15
Z000,2026-01-13T10:00+01:00,500,15-30
Z000,2026-01-13T10:00+01:00,3,240+
"""


def test_dwell_time_is_shown_per_zone_and_small_cells_are_hidden_in_public(
    staff_client, town_a, tmp_path
):
    # given observatory data without dwell: no dwell section
    write_data(town_a, days=14)
    analyst = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    period = {"start": "2026-01-05", "end": "2026-01-18"}
    assert 'id="dwell-title"' not in analyst.get(url(town_a), period).content.decode()
    # when the operator's presence file with dwell classes is imported
    path = tmp_path / "presence.csv"
    path.write_text(PRESENCE)
    warehouse.import_file(municipality=town_a, kind="network_presence", path=path)
    response = analyst.get(url(town_a), period)
    # then the analyst sees each band of zone Z000, by its name, with its share
    rows = [(r["zone"], r["persons"]) for r in response.context["shown"]["dwell"]]
    assert rows == [("Centre – Prieuré", 300), ("Centre – Prieuré", 500), ("Centre – Prieuré", 3)]
    assert 'id="dwell-table"' in response.content.decode()
    # and the public page of that week hides the cell of 3 persons (k = 20) and what would
    # reveal it
    publish_all(town_a)
    public = Client().get(url(town_a, "mobility:observatory-open"), {"period": "2026-01-12"})
    shown = {r["label"]: r["persons"] for r in public.context["shown"]["dwell"]}
    assert 3 not in shown.values()
    assert any(v is None for v in shown.values())
