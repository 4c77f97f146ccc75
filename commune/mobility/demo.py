"""Demo sensors for the observatory: a few car parks and counters per demo town (idempotent)."""

from __future__ import annotations

from django.contrib.gis.geos import Point

from commune.tenants import scoping

from .models import Sensor

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
