"""Demo sensors for the observatory: a few car parks and counters per demo town (idempotent)."""

from __future__ import annotations

from datetime import date

from django.contrib.gis.geos import Point

from commune.tenants import scoping

from . import warehouse
from .models import MobilitySettings, Sensor

SENSORS = {
    "pully": [
        ("P-CENTRE", "Parking du Centre", Sensor.Kind.PARKING, 180, (2541050, 1151250)),
        ("P-GARE", "Parking de la Gare", Sensor.Kind.PARKING, 95, (2540800, 1150900)),
        ("C-AV-LAVAUX", "Compteur avenue de Lavaux", Sensor.Kind.COUNTER, None, (2541300, 1151400)),
    ],
    "lutry": [
        ("P-BOURG", "Parking du Bourg", Sensor.Kind.PARKING, 120, (2543900, 1150600)),
        ("C-QUAI", "Compteur quai Gustave-Doret", Sensor.Kind.COUNTER, None, (2543700, 1150350)),
    ],
}


def load(towns) -> None:
    for town in towns:
        with scoping.scope(town):
            for external_id, name, kind, capacity, (x, y) in SENSORS.get(town.slug, []):
                Sensor.objects.update_or_create(
                    municipality=town,
                    external_id=external_id,
                    defaults={
                        "name": name,
                        "kind": kind,
                        "capacity": capacity,
                        "position": Point(x, y, srid=2056),
                    },
                )
    load_observatory(towns)


# --- the observatory: a year of synthetic data per demo town ----------------------------------
# Site ids end in digits (the generator derives each site's level from them). Site modes come
# from the generator: 1, 2, 7, 8 car; 3 bicycle; 4 pedestrian; 5 heavy; 6 bus.
OBSERVATORY_START = date(2025, 11, 3)
OBSERVATORY_DAYS = 364
# The demo evaluation: a -15 % effect on Pully's two centre sites from this date.
DEMO_INTERVENTION = date(2026, 5, 4)
DEMO_TREATED = ["P01", "P02"]
DEMO_CONTROL = ["P07", "P08"]
# The day of the demo bus line's departures (a Tuesday); its stops are the counting sites.
DEMO_TIMETABLE_DAY = date(2026, 6, 9)
OBSERVATORY_SITES = {
    "pully": {
        "centre": (2541000.0, 1151400.0),
        "sites": [
            ("P01", "Avenue du Prieuré (centre)", 2541050, 1151300),
            ("P02", "Rue de la Poste (centre)", 2541150, 1151450),
            ("P03", "Quai Milliquet (vélos)", 2540700, 1150550),
            ("P04", "Place de la Gare (piétons)", 2540850, 1150900),
            ("P05", "Route de Vevey (poids lourds)", 2541900, 1150700),
            ("P06", "Avenue de Lavaux (bus)", 2541400, 1151000),
            ("P07", "Chemin de Rennier", 2540400, 1151900),
            ("P08", "Avenue des Désertes", 2541700, 1152500),
        ],
    },
    "lutry": {
        "centre": (2544000.0, 1151200.0),
        "sites": [
            ("L01", "Route de Lavaux (Bourg)", 2543850, 1150550),
            ("L02", "Grand-Rue", 2543950, 1150650),
            ("L03", "Quai Gustave-Doret (vélos)", 2543700, 1150350),
            ("L04", "Place du Port (piétons)", 2543800, 1150400),
            ("L05", "Route de la Croix (poids lourds)", 2544600, 1152300),
            ("L06", "Route de Lutry (bus)", 2543200, 1150900),
            ("L07", "Chemin du Crochet", 2544300, 1151400),
            ("L08", "Route de Savuit", 2545000, 1151700),
        ],
    },
}


def load_observatory(towns) -> None:
    """Write a year of synthetic counts, zones, presence and OD flows into each demo town's
    warehouse folder (skipped when already there), and the perimeter of its centre zones."""
    for town in towns:
        spec = OBSERVATORY_SITES.get(town.slug)
        if spec is None:
            continue
        pully = town.slug == "pully"
        warehouse.demo_observatory_write(
            municipality=town,
            sites=[
                {"site_id": sid, "name": name, "kind": "counter", "e": float(e), "n": float(n)}
                for sid, name, e, n in spec["sites"]
            ],
            start=OBSERVATORY_START,
            days=OBSERVATORY_DAYS,
            zones_centre=spec["centre"],
            effect_sites=DEMO_TREATED if pully else None,
            effect_date=DEMO_INTERVENTION if pully else None,
            seed=1 if pully else 2,
        )
        warehouse.demo_timetable_write(
            municipality=town,
            stops=[(sid, name, float(e), float(n)) for sid, name, e, n in spec["sites"]],
            day=DEMO_TIMETABLE_DAY,
        )
        with scoping.scope(town):
            MobilitySettings.objects.get_or_create(
                municipality=town,
                defaults={"perimeter_zones": ["Z000", "Z001", "Z002", "Z003"]},
            )
