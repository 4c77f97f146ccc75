"""Zones and sites by name on the observatory (issue 9: "not Z000 or ids"): the flows table,
the flows on the map, the perimeter's list and the dwell table read the catalogue's names."""

from __future__ import annotations

import re

from django.utils.html import escape

from .test_observatory import analyst, data_a, url  # noqa: F401  (fixtures)


def test_flows_and_the_perimeter_are_named_by_the_zones_names(analyst, data_a):  # noqa: F811
    response = analyst.get(url(data_a), {"start": "2026-01-05", "end": "2026-02-15"})
    body = response.content.decode()
    zones = response.context["data"]["catalogue"]["zones"]
    names = dict(zip(zones.zone_id, zones.name, strict=True))
    assert set(names) >= {"Z000", "Z001"} and names["Z000"] != "Z000"
    # the flows table: names in both columns, never a bare id
    section = body[body.index('id="flows-title"') : body.index('id="catchment-title"')]
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", section)
    assert cells
    for origin, destination in cells:
        assert origin in {escape(n) for n in names.values()}
        assert destination in {escape(n) for n in names.values()}
    # the map's flows say the same
    flows = response.context["layers"]["flows"]
    assert flows and all(" → " in f["label"] for f in flows)
    assert not any(zone in f["label"].split(" → ") for f in flows for zone in names)
    # the perimeter is listed by name
    assert f"Perimeter: {escape(names['Z000'])}, {escape(names['Z001'])}" in body
