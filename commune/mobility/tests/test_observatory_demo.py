"""The demo towns ship with a year of synthetic observatory data, written once, fast, with a
known -15 % effect on Pully's two centre sites that the evaluation finds."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from commune.accounts.models import Role
from commune.mobility import demo, services, warehouse
from commune.mobility.models import MobilitySettings
from commune.mobility.warehouse.evaluation import evaluation_compute
from commune.tenants.scoping import scope

from .test_observatory import member, url, write_data


def test_load_demo_writes_a_year_once_and_the_evaluation_finds_the_injected_effect(town_a, town_b):
    # when
    demo.load_observatory([town_a, town_b])
    # then: a year of counts for 8 sites and 12 zones per town
    for town, prefix in ((town_a, "P"), (town_b, "L")):
        catalogue = warehouse.observatory_catalogue(municipality=town)
        assert catalogue["first"] == demo.OBSERVATORY_START
        assert (catalogue["last"] - catalogue["first"]).days == demo.OBSERVATORY_DAYS - 1
        assert list(catalogue["sites"].site_id) == [f"{prefix}0{i}" for i in range(1, 9)]
        assert len(catalogue["zones"]) == 12
        with scope(town):
            settings = MobilitySettings.objects.get(municipality=town)
        assert settings.perimeter_zones == ["Z000", "Z001", "Z002", "Z003"]
    # and: a second run changes nothing (no file rewritten)
    files = sorted(warehouse.town_folder(municipality=town_a).rglob("*.parquet"))
    stamps = [f.stat().st_mtime_ns for f in files]
    demo.load_observatory([town_a, town_b])
    assert sorted(warehouse.town_folder(municipality=town_a).rglob("*.parquet")) == files
    assert [f.stat().st_mtime_ns for f in files] == stamps
    # and: the demo evaluation finds the injected -15 %
    result = evaluation_compute(
        municipality=town_a,
        mode=None,  # the sites' one mode
        treated=demo.DEMO_TREATED,
        control=demo.DEMO_CONTROL,
        intervention=demo.DEMO_INTERVENTION,
        before_days=56,
        after_days=56,
    )
    assert result["pooled"]["low_pct"] <= -15 <= result["pooled"]["high_pct"]
    assert result["pooled"]["significant"]
    # and: Lutry, with no intervention, shows none at the same date
    lutry = evaluation_compute(
        municipality=town_b,
        mode=None,
        treated=["L01", "L02"],
        control=["L07", "L08"],
        intervention=demo.DEMO_INTERVENTION,
        before_days=56,
        after_days=56,
    )
    assert abs(lutry["pooled"]["effect_pct"]) < 3
    assert dt.date.fromisoformat(result["intervention"]) == demo.DEMO_INTERVENTION


def _stored(town, dataset: str) -> pd.DataFrame:
    return pd.read_parquet(warehouse.town_folder(municipality=town) / dataset)


def _reimport(town, tmp_path, kind: str, rows: pd.DataFrame):
    path = tmp_path / f"{kind}.csv"
    rows.assign(timestamp=rows.ts_utc.map(lambda t: t.isoformat())).drop(columns="ts_utc").to_csv(
        path, index=False
    )
    with scope(town):
        data_import = services.import_create(municipality=town, kind=kind, source_name=path.name)
        return services.import_run(data_import=data_import, path=path)


def test_reimporting_rows_of_the_demo_changes_nothing(staff_client, town_a, tmp_path):
    # given: a demo town, and what its analyst downloads for a week
    write_data(town_a, days=14)
    analyst = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    week = {"start": "2026-01-12", "end": "2026-01-18"}

    def downloads() -> list[bytes]:
        return [
            analyst.get(url(town_a, "mobility:export-csv"), {**week, "indicator": ind}).content
            for ind in ("daily", "sites", "od", "typology")
        ]

    before = downloads()
    counts, od = _stored(town_a, "counts"), _stored(town_a, "od")
    day = dt.date(2026, 1, 14)
    # when: a day of its counts and of its trips imported again, as a town would send them
    counts_again = _reimport(
        town_a,
        tmp_path,
        "counts",
        counts[counts.local_date == day][["site_id", "ts_utc", "count", "direction", "mode"]],
    )
    od_again = _reimport(
        town_a,
        tmp_path,
        "network_od",
        od[od.local_date == day][["origin", "destination", "via", "ts_utc", "trips"]],
    )
    # then: every row found unchanged, nothing stored twice, the same downloads
    for again in (counts_again, od_again):
        assert (again.status, again.rows_imported, again.rows_replaced) == ("done", 0, 0)
        assert not again.quarantine
    assert len(_stored(town_a, "counts")) == len(counts)
    assert len(_stored(town_a, "od")) == len(od)
    assert downloads() == before


def test_a_demo_written_in_chunk_files_is_moved_to_the_importers_layout(
    staff_client, town_a, tmp_path
):
    # given: a demo town written as the demo once wrote it (chunk files part-NNNNN.parquet),
    # and a day of its counts imported again on top (so stored twice)
    write_data(town_a, days=14)
    folder = warehouse.town_folder(municipality=town_a)
    for dataset in ("counts", "od"):
        rows = _stored(town_a, dataset)
        for month in (folder / dataset).glob("*.parquet"):
            month.unlink()
        rows.to_parquet(folder / dataset / "part-00000.parquet", index=False)
    counts = _stored(town_a, "counts")
    day = counts[counts.local_date == dt.date(2026, 1, 14)]
    doubled = _reimport(
        town_a, tmp_path, "counts", day[["site_id", "ts_utc", "count", "direction", "mode"]]
    )
    assert doubled.rows_imported == len(day)  # what the issue saw
    # when: the demo is loaded again (as every deployment of the demo does)
    demo.load_observatory([town_a])
    # then: every row once, in month partitions, and a new import of the same rows changes nothing
    assert sorted(p.name for p in (folder / "counts").glob("*.parquet")) == ["2026-01.parquet"]
    assert not list((folder / "od").glob("part-*.parquet"))
    assert len(_stored(town_a, "counts")) == len(counts)
    again = _reimport(
        town_a, tmp_path, "counts", day[["site_id", "ts_utc", "count", "direction", "mode"]]
    )
    assert (again.rows_imported, again.rows_replaced) == (0, 0)
    analyst = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    daily = analyst.get(
        url(town_a, "mobility:export-csv"),
        {"start": "2026-01-14", "end": "2026-01-14", "indicator": "daily"},
    )
    assert pd.read_csv(io.BytesIO(daily.content)).volume.sum() == day["count"].sum()


def test_the_demo_towns_have_a_bus_line_on_the_departures_page(staff_client, town_a):
    # when
    demo.load_observatory([town_a])
    # then: the demo day, 66 departures at each of the 8 stops (15' from 6:00, 30' after 20:00)
    assert warehouse.departure_days(municipality=town_a) == [demo.DEMO_TIMETABLE_DAY]
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/{town_a.slug}/mobility/departures/").content.decode()
    assert page.count("<td>66</td>") == 8
    assert "<td>4 (15′)</td>" in page
