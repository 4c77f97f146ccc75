"""Parking occupancy and dwell time in the observatory's CSV/Parquet exports: the analyst's with
the page's filters, the open data's per published period, dwell time k-suppressed."""

from __future__ import annotations

import datetime as dt
import io

import pyarrow.parquet as pq
from django.test import Client

from commune.accounts.models import Role
from commune.mobility import warehouse
from commune.mobility.services.exports import readings_export
from commune.mobility.tests.factories import SensorFactory
from commune.mobility.tests.test_dwell_page import PRESENCE
from commune.mobility.tests.test_observatory import _csv, member, publish_all, url, write_data
from commune.mobility.tests.test_parking_occupancy import read

PERIOD = {"start": "2026-01-05", "end": "2026-01-18"}
PUBLISHED = {"period": "2026-01-12"}  # the published week of 12 to 18 January


def _car_park_half_full_at_8(town):
    park = SensorFactory(
        municipality=town, external_id="P-CENTRE", name="Parking du Centre", capacity=200
    )
    day = dt.datetime(2026, 1, 13, 7, 0, tzinfo=dt.UTC)  # 08:00 in Zurich
    read(town, park, day, 60)
    read(town, park, day + dt.timedelta(minutes=30), 140)
    readings_export(municipality=town)


def _parquet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    return pq.read_table(io.BytesIO(response.content))


def _export_links(response) -> list[str]:
    return [ind for ind, _label in response.context["shown"]["indicators"]]


def test_parking_occupancy_is_exported_as_csv_and_parquet_with_the_pages_filters(
    staff_client, town_a
):
    # given observatory data and a car park half full on average at 08:00
    write_data(town_a, days=14)
    _car_park_half_full_at_8(town_a)
    publish_all(town_a)
    analyst = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    query = {**PERIOD, "indicator": "occupancy"}
    # when
    page = analyst.get(url(town_a), PERIOD)
    internal = _csv(analyst.get(url(town_a, "mobility:export-csv"), query))
    public = _csv(
        Client().get(
            url(town_a, "mobility:export-open-csv"), {**PUBLISHED, "indicator": "occupancy"}
        )
    )
    table = _parquet(analyst.get(url(town_a, "mobility:export-parquet"), query))
    # then: the page offers the export, and both sides publish the car park's hour at 50 %
    assert "occupancy" in _export_links(page)
    assert "indicator=occupancy" in page.content.decode()
    for frame in (internal, public, table.to_pandas()):
        assert list(frame.columns) == [
            "sensor_id",
            "name",
            "local_hour",
            "mean_occupancy",
            "n_readings",
        ]
        assert frame[["sensor_id", "name", "local_hour", "mean_occupancy"]].values.tolist() == [
            ["P-CENTRE", "Parking du Centre", 8, 0.5]
        ]
    # and: a period without readings exports no row
    later = {"start": "2026-01-14", "end": "2026-01-18", "indicator": "occupancy"}
    assert _csv(analyst.get(url(town_a, "mobility:export-csv"), later)).empty


def test_dwell_time_is_exported_and_suppressed_under_k_in_the_open_data(
    staff_client, town_a, tmp_path
):
    # given observatory data and the operator's dwell classes (one cell of 3 persons; k = 20)
    write_data(town_a, days=14)
    path = tmp_path / "presence.csv"
    path.write_text(PRESENCE)
    warehouse.import_file(municipality=town_a, kind="network_presence", path=path)
    publish_all(town_a)
    analyst = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    query = {**PERIOD, "indicator": "dwell"}
    published = {**PUBLISHED, "indicator": "dwell"}
    # when
    internal = _csv(analyst.get(url(town_a, "mobility:export-csv"), query))
    public = _csv(Client().get(url(town_a, "mobility:export-open-csv"), published))
    table = _parquet(
        Client().get(url(town_a, "mobility:export-open-parquet"), published)
    ).to_pandas()
    page = Client().get(url(town_a, "mobility:observatory-open"), PUBLISHED)
    # then: the analyst has every band
    columns = ["zone_id", "zone_name", "band_min", "persons", "share"]
    assert list(internal.columns) == columns
    assert internal.persons.tolist() == [300, 500, 3]
    # and: the public exports hide the 3 and a second cell, so no subtraction reveals it
    for frame in (public, table):
        assert list(frame.columns) == columns
        assert len(frame) == 3
        assert 3 not in frame.persons.dropna().tolist()
        assert frame.persons.isna().sum() >= 2
        assert (frame.persons.dropna() >= 20).all()
        assert frame.share[frame.persons.isna()].isna().all()
    assert "dwell" in _export_links(page)
    # and: a period before the delivery exports no row
    before = {"start": "2026-01-05", "end": "2026-01-12", "indicator": "dwell"}
    assert _csv(analyst.get(url(town_a, "mobility:export-csv"), before)).empty


def test_without_readings_or_dwell_the_page_offers_no_such_export(staff_client, town_a):
    # given observatory counts only
    write_data(town_a, days=14)
    analyst = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    # when
    links = _export_links(analyst.get(url(town_a), PERIOD))
    # then
    assert "occupancy" not in links and "dwell" not in links
    assert "daily" in links
