"""The town's open data: fixed tables made once per period, then frozen (analytics.opendata).

A week (cut at the month's edges) is published when it is over by PUBLICATION_DELAY and the
family's data reaches its last day; a month, once all its weeks are published, from their bases.
Each publication is suppressed together with what its block (the month) already published, and
never recomputed: an import that later corrects a published period changes the analysts' figures,
not the public ones (republishing would let the difference reveal the correction).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from commune.core import audit
from commune.tenants.models import Municipality

from .. import warehouse
from ..models import MobilitySettings, Publication
from ..selectors import mobility_settings_get, perimeter_zones
from ..warehouse import opendata

logger = logging.getLogger(__name__)

# Days after a period's end before it is published: late deliveries of its data get in first.
PUBLICATION_DELAY = dt.timedelta(days=3)


def publication_period(publication: Publication):
    """The analytics.opendata.Period of a publication."""
    return opendata.Period(publication.start, publication.end, publication.kind)


def _perimeter(municipality: Municipality, settings: MobilitySettings) -> list[str]:
    zones = warehouse.observatory_places(municipality=municipality, site_ids=[])["zones"]
    return perimeter_zones(municipality=municipality, zones=zones, settings=settings)


def publication_make(
    *, municipality: Municipality, family: str, period, perimeter: list[str] | None = None
) -> Publication:
    """Make and store the open data of one period and family: a week from the warehouse, a
    month from its weeks' bases, suppressed with its block's earlier publications (frozen).
    `perimeter`: the town's perimeter zones (read from its settings when not given).
    Raises IntegrityError when it is already published (e.g. by another worker).

    The tables are made outside any transaction and only stored in one: on SQLite a
    transaction holds the file's one write lock, and a month's suppression takes seconds, during
    which every other write (a login, the scheduler) would wait and then fail."""
    settings = mobility_settings_get(municipality=municipality)
    if perimeter is None:
        perimeter = _perimeter(municipality, settings)
    k = settings.k_anonymity
    basis, frozen = {}, []
    if period.kind == opendata.WEEK:
        basis = warehouse.opendata_basis(municipality=municipality, family=family, period=period)
    else:
        weeks = Publication.objects.filter(
            municipality=municipality, family=family, kind=Publication.Kind.WEEK
        ).filter(start__gte=period.start, end__lte=period.end)
        for week in weeks:
            frozen.append(
                opendata.Frozen(
                    period=publication_period(week),
                    basis=week.basis,
                    perimeter=week.perimeter,
                    hidden=opendata.keys_from_json(week.hidden),
                )
            )
            k = max(k, week.k)
    made = opendata.publish(
        opendata.FAMILIES[family],
        period=period,
        perimeter=perimeter,
        k=k,
        basis=basis,
        frozen=frozen,
    )
    with transaction.atomic():
        publication = Publication.objects.create(
            municipality=municipality,
            family=family,
            kind=period.kind,
            start=period.start,
            end=period.end,
            k=k,
            perimeter=perimeter,
            tables=made.tables,
            hidden=opendata.keys_to_json(made.hidden),
            basis=basis,
        )
        audit.record(
            actor=None,
            obj=publication,
            action="opendata_published",
            after={"family": family, "period": period.key, "k": k, "hidden": len(made.hidden)},
        )
    if made.unprotectable:
        logger.warning(
            "open data %s %s of town %s: values below k already determined by earlier "
            "publications: %s",
            family,
            period.key,
            municipality.pk,
            made.unprotectable[:10],
        )
    return publication


def publications_due(*, municipality: Municipality, today: dt.date) -> list[tuple[str, object]]:
    """(family, period) pairs to publish now, weeks before the month they belong to."""
    published = set(
        Publication.objects.filter(municipality=municipality).values_list("family", "kind", "start")
    )
    due = []
    for family in Publication.Family.values:
        span = warehouse.opendata_span(municipality=municipality, family=family)
        if span is None:
            continue
        first, last = span
        ready = min(last, today - PUBLICATION_DELAY)
        for month in opendata.months_between(first, ready):
            weeks = opendata.weeks_of(month)
            done = 0
            for week in weeks:
                if (family, week.kind, week.start) in published:
                    done += 1
                elif first <= week.end <= ready:
                    due.append((family, week))
                    done += 1
            if done == len(weeks) and month.end <= ready:
                if (family, month.kind, month.start) not in published:
                    due.append((family, month))
    return due


def opendata_publish(*, municipality: Municipality, today: dt.date) -> list[Publication]:
    """Publish every period of the town that is due (safe to run twice, or in two workers:
    a period already published is skipped)."""
    made = []
    due = publications_due(municipality=municipality, today=today)
    settings = mobility_settings_get(municipality=municipality)
    perimeter = _perimeter(municipality, settings) if due else []
    for family, period in due:
        try:
            made.append(
                publication_make(
                    municipality=municipality, family=family, period=period, perimeter=perimeter
                )
            )
        except IntegrityError:
            logger.info("open data %s %s already published", family, period.key)
    return made
