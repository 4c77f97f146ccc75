"""The demo towns ship with a year of synthetic observatory data, written once, fast, with a
known -15 % effect on Pully's two centre sites that the evaluation finds."""

from __future__ import annotations

import datetime as dt
import time

from commune.mobility import demo, warehouse
from commune.mobility.models import MobilitySettings
from commune.tenants.scoping import scope


def test_load_demo_writes_a_year_once_and_the_evaluation_finds_the_injected_effect(town_a, town_b):
    # when
    began = time.monotonic()
    demo.load_observatory([town_a, town_b])
    elapsed = time.monotonic() - began
    # then: a year of counts for 8 sites and 12 zones per town, in seconds
    for town, prefix in ((town_a, "P"), (town_b, "L")):
        catalogue = warehouse.observatory_catalogue(municipality=town)
        assert catalogue["first"] == demo.OBSERVATORY_START
        assert (catalogue["last"] - catalogue["first"]).days == demo.OBSERVATORY_DAYS - 1
        assert list(catalogue["sites"].site_id) == [f"{prefix}0{i}" for i in range(1, 9)]
        assert len(catalogue["zones"]) == 12
        with scope(town):
            settings = MobilitySettings.objects.get(municipality=town)
        assert settings.perimeter_zones == ["Z000", "Z001", "Z002", "Z003"]
    assert elapsed < 30, f"demo data took {elapsed:.1f} s"
    # and: a second run changes nothing (no file rewritten)
    files = sorted(warehouse.town_folder(municipality=town_a).rglob("*.parquet"))
    stamps = [f.stat().st_mtime_ns for f in files]
    demo.load_observatory([town_a, town_b])
    assert sorted(warehouse.town_folder(municipality=town_a).rglob("*.parquet")) == files
    assert [f.stat().st_mtime_ns for f in files] == stamps
    # and: the demo evaluation finds the injected -15 %
    result = warehouse.evaluate_intervention(
        municipality=town_a,
        treated=demo.DEMO_TREATED,
        control=demo.DEMO_CONTROL,
        intervention=demo.DEMO_INTERVENTION,
        before_days=56,
        after_days=56,
    )
    assert result["pooled"]["low_pct"] <= -15 <= result["pooled"]["high_pct"]
    assert result["pooled"]["significant"]
    # and: Lutry, with no intervention, shows none at the same date
    lutry = warehouse.evaluate_intervention(
        municipality=town_b,
        treated=["L01", "L02"],
        control=["L07", "L08"],
        intervention=demo.DEMO_INTERVENTION,
        before_days=56,
        after_days=56,
    )
    assert abs(lutry["pooled"]["effect_pct"]) < 3
    assert dt.date.fromisoformat(result["intervention"]) == demo.DEMO_INTERVENTION
