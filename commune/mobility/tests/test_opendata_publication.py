"""Publishing the open data (services/opendata.py): when a period is published, that it is then
frozen (a later import changes the analysts' figures, never a published one), the hourly job,
and the public page and exports that serve only published periods."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow.parquet as pq
import pytest
import time_machine
from django.db import connection
from django.test import Client

from commune.accounts.models import Role
from commune.core import schedule
from commune.mobility import tasks, warehouse
from commune.mobility.exports import INDICATORS
from commune.mobility.models import Publication
from commune.mobility.services import opendata as service
from commune.mobility.services.opendata import opendata_publish
from commune.tenants.scoping import scope

from .test_observatory import _csv, member, publish_all, url, write_data

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

ZURICH = ZoneInfo("Europe/Zurich")


def published(town) -> list[tuple[str, str, str]]:
    with scope(town):
        return sorted((p.family, p.kind, p.start.isoformat()) for p in Publication.objects.all())


def test_a_week_is_published_once_it_is_over_and_its_data_is_in(town_a):
    # given: counts, OD and presence from Monday 5 January for 14 days (to Sunday 18)
    write_data(town_a, days=14)
    # when: two days after the first week (the delay is three days)
    with scope(town_a):
        assert opendata_publish(municipality=town_a, today=dt.date(2026, 1, 13)) == []
        # then nothing; on the third day, the first week of each family
        made = opendata_publish(municipality=town_a, today=dt.date(2026, 1, 14))
    assert sorted((p.family, p.start.isoformat()) for p in made) == [
        ("counts", "2026-01-05"),
        ("od", "2026-01-05"),
        ("presence", "2026-01-05"),
    ]
    # when: long after, the second week too, but not the week after the data ends, nor
    # January (its first days have no data, so its first week is never published)
    with scope(town_a):
        later = opendata_publish(municipality=town_a, today=dt.date(2026, 3, 1))
    assert sorted({p.start.isoformat() for p in later}) == ["2026-01-12"]
    assert ("counts", "month", "2026-01-01") not in published(town_a)
    # and: running again publishes nothing twice
    with scope(town_a):
        assert opendata_publish(municipality=town_a, today=dt.date(2026, 3, 1)) == []


def test_a_month_is_published_after_its_weeks_from_what_they_published(staff_client, town_a):
    # given: data from 5 January to 1 March, and February's first weeks published
    write_data(town_a, days=56)
    with scope(town_a):
        opendata_publish(municipality=town_a, today=dt.date(2026, 2, 19))
    assert ("counts", "week", "2026-02-09") in published(town_a)
    assert ("counts", "month", "2026-02-01") not in published(town_a)
    with scope(town_a):
        week = Publication.objects.get(family="counts", kind="week", start="2026-02-09")
    before = week.tables
    old_p01 = dict(week.tables["sites"]["rows"])["P01"]
    # when: a late delivery adds a lane of 1,000 vehicles an hour to site P01 on Tuesday
    # 10 February, and the rest of February is published
    path = _late_lane(town_a, dt.date(2026, 2, 10), "P01", 1000)
    report = warehouse.import_file(municipality=town_a, kind="counts", path=path)
    assert report.rows_imported == 24
    with scope(town_a):
        opendata_publish(municipality=town_a, today=dt.date(2026, 3, 10))
        week.refresh_from_db()
        month = Publication.objects.get(family="counts", kind="month", start="2026-02-01")
        weeks = Publication.objects.filter(
            family="counts", kind="week", start__gte="2026-02-01", end__lte="2026-02-28"
        )
        weekly_p01 = [dict(w.tables["sites"]["rows"])["P01"] for w in weeks]
    # then: the published week did not change, and the month adds up its weeks as they were
    # published (the correction is not in the open data: it would show as a difference)
    assert week.tables == before
    assert dict(month.tables["sites"]["rows"])["P01"] == sum(weekly_p01)
    assert old_p01 in weekly_p01
    # and: the analysts see the corrected figures
    analyst = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    internal = _csv(
        analyst.get(
            url(town_a, "mobility:export-csv"),
            {"start": "2026-02-09", "end": "2026-02-15", "indicator": "sites"},
        )
    )
    assert internal.set_index("site_id").volume["P01"] == old_p01 + 24 * 1000


def _late_lane(town, day: dt.date, site: str, per_hour: int):
    """A counts file delivering a lane of `site` that was missing on `day`."""
    zone = ZoneInfo("Europe/Zurich")
    first = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    hours = [first + dt.timedelta(hours=h) for h in range(24)]
    frame = pd.DataFrame(
        {
            "site_id": site,
            "timestamp": [h.isoformat() for h in hours],
            "count": per_hour,
            "mode": "car",
            "lane": "2",
        }
    )
    path = warehouse.warehouse_root().parent / "late-lane.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_publication_cannot_be_changed(town_a):
    write_data(town_a, days=14)
    publish_all(town_a)
    with scope(town_a):
        publication = Publication.objects.first()
        publication.tables = {}
        with pytest.raises(PermissionError):
            publication.save()
        with pytest.raises(PermissionError):
            Publication.objects.update(tables={})


def test_the_hourly_job_publishes_through_the_scheduler(town_a):
    # given: a town with the observatory and two weeks of data
    town_a.modules = sorted({*town_a.modules, "mobility"})
    town_a.save(update_fields=["modules"])
    write_data(town_a, days=14)
    now = dt.datetime(2026, 1, 22, 4, 0, tzinfo=ZURICH)
    # when: the scheduler enqueues its due jobs (the test backend runs them at once)
    with time_machine.travel(now, tick=False):
        due = schedule.enqueue_due(now=now)
    # then: the job ran, and both weeks of every family are published
    assert tasks.opendata_publish_all.module_path in due
    assert [k for k in published(town_a) if k[0] == "counts"] == [
        ("counts", "week", "2026-01-05"),
        ("counts", "week", "2026-01-12"),
    ]
    assert len(published(town_a)) == 6


@pytest.fixture
def two_weeks(town_a):
    write_data(town_a, days=14)
    publish_all(town_a)
    return town_a


def test_the_public_side_ignores_free_dates_sites_and_modes(two_weeks):
    # given: what a visitor gets for the latest period, without and with free parameters
    client = Client()
    export = url(two_weeks, "mobility:export-open-csv")
    plain = client.get(export, {"indicator": "daily"})
    free = client.get(
        export,
        {"indicator": "daily", "start": "2026-01-14", "end": "2026-01-14", "site": "P01"},
    )
    free_mode = client.get(export, {"indicator": "daily", "mode": "bicycle"})
    page = client.get(url(two_weeks, "mobility:observatory-open"), {"site": "P01"})
    # then: the same published week, every site, every day
    assert plain.content == free.content == free_mode.content
    daily = _csv(plain)
    assert sorted(set(daily.local_date)) == [f"2026-01-{d}" for d in range(12, 19)]
    assert daily.site_id.nunique() == 8
    assert page.status_code == 200
    assert page.context["period"].key == "2026-01-12"
    assert len(page.context["shown"]["sites"]) == 8


@pytest.mark.parametrize(
    "period, message",
    [
        ("2025-01", "choix valide"),
        ("2026-01-13", "choix valide"),
        ("9999-99-99", "choix valide"),
        ("<script>", "choix valide"),
        ("", "Ce champ est obligatoire"),
    ],
)
def test_a_period_not_published_is_a_clear_400_in_the_visitors_language(two_weeks, period, message):
    # when
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    page = client.get(url(two_weeks, "mobility:observatory-open"), {"period": period})
    export = client.get(
        url(two_weeks, "mobility:export-open-csv"), {"period": period, "indicator": "od"}
    )
    # then: the page says so and shows the latest period; the export says so
    assert page.status_code == 400
    body = page.content.decode()
    assert "Cette période n’est pas publiée" in body
    assert "<script>" not in body.split("<main")[1]
    assert page.context["period"].key == "2026-01-12"
    assert export.status_code == 400
    assert message in export.content.decode()


def test_an_unknown_indicator_is_a_400(two_weeks):
    response = Client().get(url(two_weeks, "mobility:export-open-csv"), {"indicator": "salaries"})
    assert response.status_code == 400
    assert "indicator" in response.content.decode().lower() or "indicateur" in (
        response.content.decode().lower()
    )


def test_every_export_of_every_published_period_is_readable_and_names_its_period(two_weeks):
    client = Client()
    for period, start, end in (("2026-01-05", "05", "11"), ("2026-01-12", "12", "18")):
        for indicator in INDICATORS:
            for name in ("mobility:export-open-csv", "mobility:export-open-parquet"):
                response = client.get(
                    url(two_weeks, name), {"period": period, "indicator": indicator}
                )
                assert response.status_code == 200, (period, indicator, name)
                assert f"-open-2026-01-{start}-2026-01-{end}." in response["Content-Disposition"]
                if name.endswith("parquet"):
                    pq.read_table(io.BytesIO(response.content))
        geo = client.get(url(two_weeks, "mobility:export-open-geojson"), {"period": period})
        assert json.loads(geo.content)["type"] == "FeatureCollection"
    # and: the page lists both weeks, and links the other one
    page = client.get(url(two_weeks, "mobility:observatory-open"), {"period": "2026-01-05"})
    body = page.content.decode()
    assert '<option value="2026-01-12"' in body and 'href="?period=2026-01-12"' in body


def test_another_town_sees_none_of_this_towns_open_data(two_weeks, town_b):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    # when: the other town's open page and exports, with this town's period
    page = client.get(url(town_b, "mobility:observatory-open"))
    asked = client.get(url(town_b, "mobility:observatory-open"), {"period": "2026-01-12"})
    export = client.get(url(town_b, "mobility:export-open-csv"), {"period": "2026-01-12"})
    # then: it has nothing published
    assert page.status_code == 200 and not page.context["has_data"]
    assert asked.status_code == 400 and not asked.context["has_data"]
    assert "choix valide" in asked.content.decode()
    assert export.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_tables_are_made_outside_the_write_transaction(town_a, monkeypatch):
    """On SQLite a transaction holds the file's one write lock: the seconds of suppression run
    outside it, and only the row is written in one (the demo's scheduler failed with 'database
    is locked' while a year of open data was published)."""
    write_data(town_a, days=14)
    seen = []
    real = service.opendata.publish

    def publish(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(service.opendata, "publish", publish)
    with scope(town_a):
        made = opendata_publish(municipality=town_a, today=dt.date(2026, 1, 14))
    assert len(made) == 3 and seen == [False, False, False]
    assert published(town_a) == [
        ("counts", "week", "2026-01-05"),
        ("od", "week", "2026-01-05"),
        ("presence", "week", "2026-01-05"),
    ]
