"""Evaluations over the town's counts (analytics.evaluation): one mode at a time, never modes
summed together, with the town's canton for public holidays; read on the configured engine
(warehouse_store)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from analytics import rollups
from analytics.evaluation import evaluate, rank_controls
from commune.tenants.models import Municipality

from .engine import warehouse_store


def _hourly(municipality: Municipality, *, start, end, sites: list[str], mode: str | None):
    store = warehouse_store()
    return store.execute(
        rollups.hourly(
            store,
            municipality.pk,
            start=start,
            end=end,
            sites=sites,
            modes=[mode] if mode else None,
        )
    )


def _the_one_mode(municipality: Municipality, sites: list[str]) -> str:
    store = warehouse_store()
    spans = store.execute(rollups.site_spans(store, municipality.pk))
    modes = sorted(set(spans[spans.site_id.isin(sites)]["mode"]))
    if len(modes) != 1:
        raise ValueError(
            _("these sites count several modes (%(modes)s): choose one, they are never added")
            % {"modes": ", ".join(modes) or "—"}
        )
    return modes[0]


def evaluation_compute(
    *,
    municipality: Municipality,
    treated: list[str],
    control: list[str],
    intervention: dt.date,
    before_days: int,
    after_days: int,
    mode: str | None,
) -> dict:
    """Difference-in-differences effect of an intervention on the counts of ``mode`` at the
    town's sites (None: the one mode the sites count; several are never added together).
    Raises ValueError for sites without data or counting several modes when none is chosen,
    and FileNotFoundError when the town has no counts yet."""
    mode = mode or _the_one_mode(municipality, [*treated, *control])
    hourly = _hourly(
        municipality,
        start=intervention - dt.timedelta(days=before_days),
        end=intervention + dt.timedelta(days=after_days),
        sites=list(treated) + list(control),
        mode=mode,
    )
    result = evaluate(
        hourly,
        treated=list(treated),
        control=list(control),
        intervention=intervention,
        before_days=before_days,
        after_days=after_days,
        subdiv=municipality.canton,
    )
    result["mode"] = mode or ""
    return result


def controls_ranked(
    *,
    municipality: Municipality,
    treated: list[str],
    candidates: list[str],
    intervention: dt.date,
    before_days: int,
    mode: str | None,
) -> list[dict]:
    """Candidate control sites, the one whose before window moves most like the treated
    sites' first (analytics.evaluation.rank_controls). An empty list when nothing was counted."""
    try:
        hourly = _hourly(
            municipality,
            start=intervention - dt.timedelta(days=before_days),
            end=intervention,
            sites=list(treated) + list(candidates),
            mode=mode,
        )
    except FileNotFoundError:
        return []
    return rank_controls(
        hourly,
        treated=list(treated),
        candidates=list(candidates),
        intervention=intervention,
        before_days=before_days,
        subdiv=municipality.canton,
    )
