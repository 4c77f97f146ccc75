"""Indicators: each defined once as an Ibis expression, so DuckDB and Spark run the same thing.

Inputs are the store's datasets (see analytics/README.md): ``counts`` (site_id, ts_utc,
local_date, local_hour, count, direction, mode, lane), ``od`` (origin, destination, via, ts_utc,
local_date, local_hour, trips), ``presence`` (zone_id, ts_utc, local_date, local_hour,
origin_zone, origin_distance_km, count) and ``departures`` (stop_id, service_date, departure_s,
route_id, trip_id). Local day and hour are those of the town's zone (Europe/Zurich), computed at
ingest, never UTC. Every function returns an unexecuted Ibis table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import ibis
from ibis import _

from analytics.timeparse import local_hours

TZ = "Europe/Zurich"
CATCHMENT_BANDS_KM = (1.0, 5.0, 10.0, 20.0)
DWELL_BANDS_MIN = (15.0, 30.0, 60.0, 120.0, 240.0)


def _period(t: ibis.Table, start: date | None, end: date | None) -> ibis.Table:
    """Keep local dates in [start, end) when given."""
    if start is not None:
        t = t.filter(t.local_date >= start)
    if end is not None:
        t = t.filter(t.local_date < end)
    return t


def restrict_counts(t, *, start=None, end=None, sites=None, modes=None) -> ibis.Table:
    """Rows of a period of local dates [start, end), of some sites and some modes (when given)."""
    t = _period(t, start, end)
    if sites is not None:
        t = t.filter(t.site_id.isin(list(sites)))
    if modes is not None:
        t = t.filter(t["mode"].isin(list(modes)))
    return t


def hourly_volume(counts: ibis.Table, *, start=None, end=None, sites=None, modes=None):
    """Vehicles/persons per site and hour: the sum over directions, lanes and the selected modes.

    One row per (site_id, hour_utc); ``local_date``/``local_hour`` label it in local time (the
    autumn day has two rows with local_hour 2, the spring day none).
    """
    t = restrict_counts(counts, start=start, end=end, sites=sites, modes=modes)
    return t.group_by(
        site_id=t.site_id,
        hour_utc=t.ts_utc.truncate("h"),
        local_date=t.local_date,
        local_hour=t.local_hour,
    ).agg(volume=t["count"].sum())


def hourly_volume_by_mode(counts: ibis.Table, *, start=None, end=None, sites=None, modes=None):
    """`hourly_volume` kept per mode: one row per (site_id, mode, hour_utc). What a mode filter
    reads when kept as a rollup (analytics/rollups.py); `hourly_of_modes` sums it back."""
    t = restrict_counts(counts, start=start, end=end, sites=sites, modes=modes)
    return t.group_by(
        site_id=t.site_id,
        mode=t["mode"],
        hour_utc=t.ts_utc.truncate("h"),
        local_date=t.local_date,
        local_hour=t.local_hour,
    ).agg(volume=t["count"].sum())


def hourly_of_modes(by_mode: ibis.Table) -> ibis.Table:
    """`hourly_volume` (the sum over the modes present) from `hourly_volume_by_mode` rows."""
    return by_mode.group_by(["site_id", "hour_utc", "local_date", "local_hour"]).agg(
        volume=by_mode.volume.sum()
    )


def site_spans(by_mode: ibis.Table) -> ibis.Table:
    """Per site and mode: hours counted, first and last local date - the observatory's
    catalogue. Partial results (of some months) combine with `site_spans_of_partials`."""
    t = by_mode
    return t.group_by(["site_id", "mode"]).agg(
        hours=t.count(), first_date=t.local_date.min(), last_date=t.local_date.max()
    )


def site_spans_of_partials(partials: ibis.Table) -> ibis.Table:
    p = partials
    return p.group_by(["site_id", "mode"]).agg(
        hours=p.hours.sum(), first_date=p.first_date.min(), last_date=p.last_date.max()
    )


def daily_volume(counts: ibis.Table, *, start=None, end=None, sites=None, modes=None):
    """Volume per site and local day, with the number of hours observed that day (23-25 if full)."""
    return daily_of_hourly(hourly_volume(counts, start=start, end=end, sites=sites, modes=modes))


def daily_of_hourly(hourly: ibis.Table) -> ibis.Table:
    """Daily volumes from hourly volumes (one row per site and UTC hour, as `hourly_volume`)."""
    return hourly.group_by(site_id=hourly.site_id, local_date=hourly.local_date).agg(
        volume=hourly.volume.sum(), hours_observed=hourly.count()
    )


def daily_of_partials(partials: ibis.Table) -> ibis.Table:
    """`daily_of_hourly` from pieces of days (a local day cut by a UTC month boundary is in two
    monthly partitions): volumes and hours observed add up."""
    p = partials
    return p.group_by(["site_id", "local_date"]).agg(
        volume=p.volume.sum(), hours_observed=p.hours_observed.sum()
    )


def weekday_hour_profile(counts: ibis.Table, *, start=None, end=None, sites=None, modes=None):
    """Mean hourly volume per site, ISO weekday (1 = Monday) and local hour.

    The mean is over the observed hours (missing hours are not zeros); on the autumn day both
    02:00 hours count as observations of hour 2. Each hour is a partial of one hour
    (`profile_of_partials`), so partials kept per month (`profile_partials`, see
    analytics/rollups.py) combine into the same result.
    """
    h = _with_weekday(hourly_volume(counts, start=start, end=end, sites=sites, modes=modes))
    return profile_of_partials(h.mutate(volume_sum=h.volume, n_hours=ibis.literal(1, "int64")))


def daily_by_mode(by_mode: ibis.Table) -> ibis.Table:
    """`daily_of_hourly` kept per mode, from `hourly_volume_by_mode` rows: what a filter on one
    mode reads (an hour with two chosen modes is one hour observed, so several modes read
    the hours)."""
    t = by_mode
    return t.group_by(["site_id", "local_date", "mode"]).agg(
        volume=t.volume.sum(), hours_observed=t.count()
    )


def town_hourly(by_mode: ibis.Table) -> ibis.Table:
    """The volume of every site together per local date, local hour and mode, from
    `hourly_volume_by_mode` rows: the sums of the weekday x hour profile of the sites that
    missed no hour (analytics/rollups.py `town_profile`). Partials of months add up."""
    t = by_mode
    return t.group_by(["local_date", "local_hour", "mode"]).agg(volume=t.volume.sum())


def _with_weekday(hourly: ibis.Table) -> ibis.Table:
    return hourly.mutate(iso_weekday=(hourly.local_date.day_of_week.index() + 1).cast("int8"))


def profile_partials(hourly: ibis.Table) -> ibis.Table:
    """Sum and number of observed hours per site, local month, ISO weekday and local hour:
    partial results that add up over any set of months (a local month may come in pieces)."""
    h = _with_weekday(hourly).mutate(local_month=hourly.local_date.truncate("M"))
    return h.group_by(["site_id", "local_month", "iso_weekday", "local_hour"]).agg(
        volume_sum=h.volume.sum(), n_hours=h.count()
    )


def profile_of_partials(partials: ibis.Table) -> ibis.Table:
    """The weekday x hour profile (mean_volume, n_hours) from partial sums: rows with
    site_id, iso_weekday, local_hour, volume_sum and n_hours."""
    p = partials
    return p.group_by(["site_id", "iso_weekday", "local_hour"]).agg(
        mean_volume=p.volume_sum.sum() / p.n_hours.sum(), n_hours=p.n_hours.sum()
    )


def od_matrix(od: ibis.Table, *, start=None, end=None, hours: Iterable[int] | None = None):
    """Trips per (origin, destination) over a period of local dates and optional local hours."""
    t = _period(od, start, end)
    if hours is not None:
        t = t.filter(t.local_hour.isin(list(hours)))
    return t.group_by(["origin", "destination"]).agg(trips=t.trips.sum())


def od_daily(od: ibis.Table) -> ibis.Table:
    """Trips per (origin, destination, via, local date): what `od_matrix` and
    `traffic_typology` need when no hours are selected, kept per partition by
    analytics/rollups.py."""
    return od.group_by(["origin", "destination", "via", "local_date"]).agg(trips=od.trips.sum())


def traffic_typology(od: ibis.Table, perimeter: Sequence[str], *, start=None, end=None):
    """Shares of internal, exchange and through trips for a perimeter (a set of zones).

    internal: origin and destination inside; exchange: exactly one end inside; through: both ends
    outside and the trip crossed the perimeter (``via`` zone inside, as the operator delivers it).
    Trips that never touch the perimeter are left out. One row per type with trips and share.
    """
    zones = list(perimeter)
    t = _period(od, start, end)
    o_in, d_in = t.origin.isin(zones), t.destination.isin(zones)
    kind = ibis.cases(
        (o_in & d_in, "internal"),
        (o_in | d_in, "exchange"),
        (t.via.isin(zones), "through"),
        else_=ibis.null("string"),
    ).name("typology")
    t = t.mutate(typology=kind).filter(_.typology.notnull())
    agg = t.group_by("typology").agg(trips=t.trips.sum())
    return agg.mutate(share=agg.trips.cast("float64") / agg.trips.sum().over())


def band_lower_bound(value: ibis.Value, bands: Sequence[float]) -> ibis.Value:
    """The lower bound of the band ``value`` falls in: bands [0, b1), [b1, b2), ... [bn, inf)."""
    lower = ibis.literal(0.0)
    for b in sorted(bands):
        lower = ibis.ifelse(value >= b, float(b), lower)
    return lower


def catchment(
    presence: ibis.Table,
    *,
    zones=None,
    bands_km: Sequence[float] = CATCHMENT_BANDS_KM,
    start=None,
    end=None,
):
    """Presence (person-hours) in ``zones`` by distance band from the visitors' home zone.

    Bands are [0, b1), [b1, b2), ... [bn, inf) in km from ``origin_distance_km``; ``band`` is the
    lower bound in km (0 = nearest). Rows without a home origin are left out.
    """
    t = _period(presence, start, end).filter(_.origin_distance_km.notnull())
    if zones is not None:
        t = t.filter(t.zone_id.isin(list(zones)))
    t = t.mutate(band_km=band_lower_bound(t.origin_distance_km, bands_km))
    agg = t.group_by("band_km").agg(presence=t["count"].sum())
    return agg.mutate(share=agg.presence.cast("float64") / agg.presence.sum().over())


def modal_split(counts: ibis.Table, *, start=None, end=None, sites=None):
    """Volume and share per mode, from classified counters (rows with mode 'all' left out)."""
    t = restrict_counts(counts, start=start, end=end, sites=sites).filter(_["mode"] != "all")
    agg = t.group_by("mode").agg(volume=t["count"].sum())
    return agg.mutate(share=agg.volume.cast("float64") / agg.volume.sum().over())


def missing_hours(counts: ibis.Table, *, start=None, end=None, sites=None, tz: str = TZ):
    """Data quality: per site, hours expected, observed and missing.

    With a period (``start`` and ``end``, local dates, end excluded), every hour of it is
    expected (23 or 25 on the clock-change days in ``tz``), of each site of ``sites`` when given,
    so a site that never delivered has a row with every hour missing. Without one, expected
    hours run from the first to the last hour seen in the data (all sites together). An hour
    counts as observed when the site delivered any count in it (quarter-hour data counts each
    hour once).
    """
    hourly = hourly_volume(counts, start=start, end=end, sites=sites)
    return missing_hours_of_hourly(hourly, start=start, end=end, sites=sites, tz=tz)


def missing_hours_of_hourly(
    hourly: ibis.Table, *, start=None, end=None, sites=None, tz: str = TZ
) -> ibis.Table:
    """`missing_hours` from hourly volumes (one row per site and UTC hour)."""
    per_site = hourly.group_by("site_id").agg(observed_hours=hourly.count())
    return _missing_of_observed(per_site, hourly, start=start, end=end, sites=sites, tz=tz)


def missing_hours_of_period(daily: ibis.Table, *, start, end, sites=None, tz: str = TZ):
    """`missing_hours` of a period (local dates [start, end)) from daily volumes with their
    hours observed (`daily_of_hourly`): what the observatory's page reads from the daily
    rollup, a row per site and day instead of per hour."""
    per_site = daily.group_by("site_id").agg(observed_hours=daily.hours_observed.sum())
    return _missing_of_observed(per_site, None, start=start, end=end, sites=sites, tz=tz)


def _missing_of_observed(per_site, hourly, *, start, end, sites, tz):
    if sites is not None:
        every = ibis.memtable({"site_id": list(sites)}, schema={"site_id": "string"})
        joined = every.left_join(per_site, every.site_id == per_site.site_id)
        per_site = joined.select(
            site_id=every.site_id, observed_hours=per_site.observed_hours.fill_null(0)
        )
    if start is not None and end is not None:
        expected = ibis.literal(local_hours(start, end, tz), "int64")
        out = per_site.mutate(expected_hours=expected)
    else:
        first, last = hourly.hour_utc.min(), hourly.hour_utc.max()
        span = ((last.epoch_seconds() - first.epoch_seconds()) / 3600 + 1).cast("int64")
        out = per_site.cross_join(hourly.aggregate(expected_hours=span))
    return out.mutate(missing_hours=out.expected_hours - out.observed_hours)


def step_changes(counts: ibis.Table, *, window_days: int = 14, threshold: float = 0.3):
    """Data quality: days where a site's level jumps (e.g. an equipment change).

    For each site and day, the mean daily volume of the ``window_days`` days after (from that day
    on) is compared with the ``window_days`` days before; a relative change beyond ``threshold``
    (with full windows on both sides) flags the day. Returns the flagged days with the ratio.
    """
    d = daily_volume(counts)
    before = ibis.window(group_by=d.site_id, order_by=d.local_date, rows=(-window_days, -1))
    after = ibis.window(group_by=d.site_id, order_by=d.local_date, rows=(0, window_days - 1))
    d = d.mutate(
        mean_before=d.volume.mean().over(before),
        mean_after=d.volume.mean().over(after),
        n_before=d.volume.count().over(before),
        n_after=d.volume.count().over(after),
    )
    d = d.filter((d.n_before == window_days) & (d.n_after == window_days) & (d.mean_before > 0))
    d = d.mutate(ratio=d.mean_after / d.mean_before)
    flagged = d.filter((d.ratio > 1 + threshold) | (d.ratio < 1 - threshold))
    return flagged.select("site_id", "local_date", "mean_before", "mean_after", "ratio")


def pt_supply(departures: ibis.Table, *, service_date: date | None = None):
    """Public-transport departures per stop and local hour of a service day, with headways.

    ``mean_headway_min`` is the mean gap (minutes) between a departure in that hour and the
    previous departure from the same stop that day (null for the day's first departure alone).
    """
    t = departures
    if service_date is not None:
        t = t.filter(t.service_date == service_date)
    w = ibis.window(group_by=[t.stop_id, t.service_date], order_by=[t.departure_s, t.trip_id])
    t = t.mutate(gap_s=t.departure_s - t.departure_s.lag().over(w))
    t = t.mutate(hour=(t.departure_s // 3600).cast("int16"))
    return t.group_by(["stop_id", "service_date", "hour"]).agg(
        departures=t.count(), mean_headway_min=(t.gap_s.mean() / 60.0)
    )


def parking_occupancy(readings: ibis.Table, *, start=None, end=None, sensors=None):
    """Mean occupancy of each car park per local hour: occupied spaces / capacity, averaged over
    the readings of that hour of the day in the period (1.0 = full).

    Only parking sensors with a known capacity count; ``n_readings`` says how many readings
    each mean rests on.
    """
    t = _period(readings, start, end)
    t = t.filter((t.kind == "parking") & (t.capacity > 0))
    if sensors is not None:
        t = t.filter(t.sensor_id.isin(list(sensors)))
    t = t.mutate(occupancy=t.value / t.capacity.cast("float64"))
    return t.group_by(["sensor_id", "local_hour"]).agg(
        mean_occupancy=t.occupancy.mean(), n_readings=t.count()
    )


def dwell_time(
    dwell: ibis.Table,
    *,
    zones=None,
    bands_min: Sequence[float] = DWELL_BANDS_MIN,
    start=None,
    end=None,
):
    """Distribution of dwell time per zone: persons by dwell band and their share in the zone.

    Bands are [0, b1), [b1, b2), ... [bn, inf) minutes of ``dwell_min`` (as the operator
    delivers it, see analytics.ingest.classes); ``band_min`` is the band's lower bound.
    """
    t = _period(dwell, start, end)
    if zones is not None:
        t = t.filter(t.zone_id.isin(list(zones)))
    t = t.mutate(band_min=band_lower_bound(t.dwell_min, bands_min))
    agg = t.group_by(["zone_id", "band_min"]).agg(persons=t["count"].sum())
    zone = ibis.window(group_by=agg.zone_id)
    return agg.mutate(share=agg.persons.cast("float64") / agg.persons.sum().over(zone))
