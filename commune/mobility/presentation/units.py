"""What a chart's values count, with their unit: by the counted mode (cars and bicycles are
never named as one another) and the indicator's step (a day, an hour)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

#: A mode's unit per day and per hour (the modes of analytics.ingest.counts).
_UNITS = {
    "car": (lambda: _("vehicles a day"), lambda: _("vehicles an hour")),
    "heavy": (lambda: _("heavy vehicles a day"), lambda: _("heavy vehicles an hour")),
    "bus": (lambda: _("buses a day"), lambda: _("buses an hour")),
    "bicycle": (lambda: _("bicycles a day"), lambda: _("bicycles an hour")),
    "pedestrian": (lambda: _("pedestrians a day"), lambda: _("pedestrians an hour")),
}


def count_unit(modes: Iterable[str], *, per: str) -> str:
    """The unit of counts of `modes` per "day" or "hour": the mode's own when there is one,
    "passages, all modes" when several were added together, "passages" when unknown."""
    found = sorted(set(modes))
    step = 0 if per == "day" else 1
    if len(found) == 1 and found[0] in _UNITS:
        return _UNITS[found[0]][step]()
    if len(found) > 1:
        return _("passages a day, all modes") if step == 0 else _("passages an hour, all modes")
    return _("passages a day") if step == 0 else _("passages an hour")


def modes_of(data: dict, sites: Iterable[str], chosen: list[str] | None) -> list[str]:
    """The modes counted at `sites`: those chosen in the filter, or what the catalogue knows
    each site counted (nothing known on the public side: its tables carry no mode)."""
    if chosen:
        return list(chosen)
    known = data["catalogue"].get("site_modes") or {}
    return sorted({mode for site in sites for mode in known.get(site, [])})
