"""Rollups: indicator results kept beside the raw partitions, maintained at import.

A rollup partition is an indicator run on one raw partition and written as a partition of its
own: ``counts/2024-03.parquet`` gives ``counts_hourly/2024-03.parquet`` (``hourly_volume``),
then ``counts_profile/2024-03.parquet`` (``profile_partials`` of those hours) and
``counts_daily/2024-03.parquet`` (``daily_of_hourly``: the pieces of days); the same hours
kept per mode in ``counts_mode_hourly`` (what a filter of several modes reads) and per day and
mode in ``counts_mode_daily`` (one mode), and from them the catalogue's
``counts_sites`` (each site's modes, hours, first and last day: the observatory's page never
scans the rows to list its sites) and ``counts_town_hourly`` (every site together per local
hour and mode: the profile of the sites that missed no hour); ``od/2024-03.parquet`` gives
``od_daily/2024-03.parquet`` (``od_daily``). The same Ibis definitions compute them, so a
rollup is never a second definition of an indicator.

Combining partitions is exact: a (site, UTC hour) never spans two raw partitions (they are cut
by UTC month), profile partials and daily OD trips are sums, which add up again across
partitions (a local month or day cut by the UTC month boundary comes in two pieces that add
up), and the catalogue's spans are sums, minima and maxima.

Each rollup partition records a fingerprint of the raw partition it came from (size and the
last 64 KiB, which hold the Parquet footer with every column's statistics). A query uses a
rollup only when every raw partition has a rollup with the same fingerprint; otherwise it reads
the raw rows: the same result, slower. Importers call :func:`refresh` after writing, which
recomputes only what is stale and removes rollups whose raw partition is gone.

Where rollups cannot answer, the raw rows do: an hour-of-day filter on the OD matrix or the
typology.

A rollup's definition has a version, recorded with the fingerprint: changing what a rollup
holds means raising its version, and every partition built before is then stale.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import ibis
import pyarrow.parquet as pq

from analytics import indicators
from analytics.engines import Warehouse, dataset_dir, duckdb_backend
from analytics.store import locked, write_atomic
from analytics.timeparse import local_hour_slots

SOURCE_KEY = b"commune.rollup.source"


@dataclass(frozen=True)
class Rollup:
    name: str  # the rollup's dataset
    source: str  # the dataset it is computed from, partition by partition
    build: object  # ibis.Table -> ibis.Table
    version: int = 1  # raise it when `build` changes what the rollup holds

    def stamp(self, source: Path) -> str:
        """What a partition built now from `source` records (compared to decide freshness)."""
        return f"v{self.version}:{fingerprint(source)}"


ROLLUPS = (
    Rollup("counts_hourly", "counts", indicators.hourly_volume),
    Rollup("counts_profile", "counts_hourly", indicators.profile_partials),
    Rollup("counts_daily", "counts_hourly", indicators.daily_of_hourly),
    Rollup("counts_mode_hourly", "counts", indicators.hourly_volume_by_mode),
    Rollup("counts_mode_daily", "counts_mode_hourly", indicators.daily_by_mode),
    Rollup("counts_sites", "counts_mode_hourly", indicators.site_spans),
    Rollup("counts_town_hourly", "counts_mode_hourly", indicators.town_hourly),
    Rollup("od_daily", "od", indicators.od_daily, version=2),  # 2: by via too (typology)
)


def fingerprint(path: Path) -> str:
    """Identifies a Parquet file's content cheaply: its size and its last 64 KiB (the footer)."""
    stat = path.stat()
    return _fingerprint(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)


@functools.lru_cache(maxsize=4096)
def _fingerprint(path: str, size: int, mtime_ns: int, inode: int) -> str:
    # cached per (size, mtime, inode): a rewritten file (atomic rename: a new inode) is re-read
    with open(path, "rb") as stream:
        stream.seek(max(0, size - 65536))
        tail = stream.read()
    return f"{size}:{hashlib.sha256(tail).hexdigest()}"


def _recorded_source(path: Path) -> str | None:
    stat = path.stat()
    return _recorded(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)


@functools.lru_cache(maxsize=4096)
def _recorded(path: str, size: int, mtime_ns: int, inode: int) -> str | None:
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError):
        return None
    value = metadata.get(SOURCE_KEY)
    return value.decode() if value else None


def _partitions(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(folder.glob("*.parquet"))} if folder.is_dir() else {}


def stale(root: Path, municipality_id: int | str, rollup: Rollup) -> tuple[list[str], list[str]]:
    """(raw partitions whose rollup is missing or outdated, rollup partitions with no source)."""
    sources = _partitions(dataset_dir(root, municipality_id, rollup.source))
    built = _partitions(dataset_dir(root, municipality_id, rollup.name))
    outdated = [
        name
        for name, path in sources.items()
        if name not in built or _recorded_source(built[name]) != rollup.stamp(path)
    ]
    return outdated, sorted(set(built) - set(sources))


def is_fresh(root: Path, municipality_id: int | str, name: str) -> bool:
    """True when the rollup ``name`` (and the rollups it is built on) answer for every raw
    partition; False when there is nothing to answer for."""
    by_name = {r.name: r for r in ROLLUPS}
    rollup = by_name[name]
    if not _partitions(dataset_dir(root, municipality_id, rollup.source)):
        return False
    outdated, orphans = stale(Path(root), municipality_id, rollup)
    if outdated or orphans:
        return False
    return rollup.source not in by_name or is_fresh(root, municipality_id, rollup.source)


def refresh(
    root: str | Path, municipality_id: int | str, *, warehouse: Warehouse | None = None
) -> dict[str, int]:
    """Bring every rollup of a town up to date; returns the partitions rebuilt per rollup.

    Holds the source dataset's lock while it reads a partition, so an import cannot rewrite
    it halfway. Idempotent: a second call rebuilds nothing.
    """
    root = Path(root)
    warehouse = warehouse or duckdb_backend(root)
    rebuilt: dict[str, int] = {}
    for rollup in ROLLUPS:  # in order: counts_profile is built from counts_hourly
        source_dir = dataset_dir(root, municipality_id, rollup.source)
        target_dir = dataset_dir(root, municipality_id, rollup.name)
        if not source_dir.is_dir():
            continue
        with locked(source_dir):
            outdated, orphans = stale(root, municipality_id, rollup)
            target_dir.mkdir(parents=True, exist_ok=True)
            for name in outdated:
                source = source_dir / name
                stamp = rollup.stamp(source)
                table = warehouse.to_pyarrow(rollup.build(warehouse.read_file(source)))
                metadata = dict(table.schema.metadata or {}) | {SOURCE_KEY: stamp.encode()}
                write_atomic(table.replace_schema_metadata(metadata), target_dir / name)
            for name in orphans:
                (target_dir / name).unlink()
        rebuilt[rollup.name] = len(outdated)
    return rebuilt


# --- reading: the rollup when it answers, the raw rows otherwise ----------------------------


def _fresh_table(w: Warehouse, municipality_id, name: str) -> ibis.Table | None:
    if not is_fresh(w.root, municipality_id, name):
        return None
    return w.read(dataset_dir(w.root, municipality_id, name))


def hourly(w: Warehouse, municipality_id, *, start=None, end=None, sites=None, modes=None):
    """`indicators.hourly_volume` of the town's counts, from ``counts_hourly`` when it answers
    (``counts_mode_hourly`` for a mode filter)."""
    kw = {"start": start, "end": end, "sites": sites}
    if modes is None:
        rolled = _fresh_table(w, municipality_id, "counts_hourly")
        if rolled is not None:
            return indicators.restrict_counts(rolled, **kw)
    else:
        rolled = _fresh_table(w, municipality_id, "counts_mode_hourly")
        if rolled is not None:
            chosen = indicators.restrict_counts(rolled, modes=modes, **kw)
            return indicators.hourly_of_modes(chosen)
    counts = w.table(municipality_id, "counts")
    return indicators.hourly_volume(counts, modes=modes, **kw)


def site_spans(w: Warehouse, municipality_id) -> ibis.Table:
    """`indicators.site_spans` of the town's counts (site, mode, hours, first and last local
    date), from ``counts_sites`` when it answers: the catalogue without a scan of the rows."""
    rolled = _fresh_table(w, municipality_id, "counts_sites")
    if rolled is None:
        counts = w.table(municipality_id, "counts")
        rolled = indicators.site_spans(indicators.hourly_volume_by_mode(counts))
    return indicators.site_spans_of_partials(rolled)


def daily(w: Warehouse, municipality_id, *, start=None, end=None, sites=None, modes=None):
    """`indicators.daily_volume`, from the daily rollup when it answers (the days kept per mode
    for one mode, the hours kept per mode for several)."""
    rolled = _days_rolled(w, municipality_id, start=start, end=end, sites=sites, modes=modes)
    if rolled is not None:
        return indicators.daily_of_partials(rolled)
    h = hourly(w, municipality_id, start=start, end=end, sites=sites, modes=modes)
    return indicators.daily_of_hourly(h)


def day_pieces(w: Warehouse, municipality_id, *, start=None, end=None, sites=None, modes=None):
    """Rows (site_id, local_date, volume, hours_observed) whose sums per site are the sums of
    `daily` per site: the daily rollup's pieces of days as stored (a local day cut by a
    partition's edge is in two), not merged day by day first - what a figure per site over
    the period reads (4 M days a year at a canton's scale: merging them costs a second)."""
    rolled = _days_rolled(w, municipality_id, start=start, end=end, sites=sites, modes=modes)
    if rolled is not None:
        return rolled
    return daily(w, municipality_id, start=start, end=end, sites=sites, modes=modes)


def _days_rolled(w: Warehouse, municipality_id, *, start, end, sites, modes):
    """The pieces of days of the period from ``counts_daily`` (all modes) or from
    ``counts_mode_daily`` (one mode); None when neither answers."""
    if modes is None:
        rolled = _fresh_table(w, municipality_id, "counts_daily")
    elif len(set(modes)) == 1:
        rolled = _fresh_table(w, municipality_id, "counts_mode_daily")
    else:
        return None
    if rolled is None:
        return None
    chosen = indicators.restrict_counts(rolled, start=start, end=end, sites=sites, modes=modes)
    return chosen.select("site_id", "local_date", "volume", "hours_observed")


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def profile(w: Warehouse, municipality_id, *, start=None, end=None, sites=None, modes=None):
    """`indicators.weekday_hour_profile`: stored monthly partials for the whole local months of
    the period, partials computed from the hourly rollup for the days at its edges."""
    if modes is None and _fresh_table(w, municipality_id, "counts_profile") is None:
        counts = w.table(municipality_id, "counts")
        return indicators.weekday_hour_profile(
            counts, start=start, end=end, sites=sites, modes=modes
        )
    partials = _profile_partials(w, municipality_id, start=start, end=end, sites=sites, modes=modes)
    return indicators.profile_of_partials(partials)


def _profile_partials(w: Warehouse, municipality_id, *, start, end, sites, modes):
    if modes is not None:
        h = hourly(w, municipality_id, start=start, end=end, sites=sites, modes=modes)
        return indicators.profile_partials(h)
    stored = _fresh_table(w, municipality_id, "counts_profile")
    first = None if start is None or start.day == 1 else _next_month(start)
    first = start if first is None else first
    last = None if end is None else end.replace(day=1)  # whole months: [first, last)
    if first is not None and last is not None and first >= last:
        edges = [(start, end)]
        whole = None
    else:
        edges = [(start, first)] if start is not None and first != start else []
        if end is not None and last != end:
            edges.append((last, end))
        whole = stored
        if first is not None:
            whole = whole.filter(whole.local_month >= first)
        if last is not None:
            whole = whole.filter(whole.local_month < last)
        if sites is not None:
            whole = whole.filter(whole.site_id.isin(list(sites)))
    parts = [] if whole is None else [whole]
    for a, b in edges:
        h = hourly(w, municipality_id, start=a, end=b, sites=sites)
        parts.append(indicators.profile_partials(h))
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def town_profile(
    w: Warehouse,
    municipality_id,
    *,
    start: date,
    end: date,
    modes=None,
    incomplete=(),
    tz=indicators.TZ,
) -> ibis.Table | None:
    """The weekday x hour profile summed over every site of the town (iso_weekday, local_hour,
    mean_volume) for local dates [start, end), when every site with counts in the period but
    those of `incomplete` has every hour of it; None when ``counts_town_hourly`` does not answer.

    A site that missed no hour has the same number of hours of each weekday and hour as the
    calendar (`local_hour_slots`), so the sum of such sites' means is the sum of their volumes
    over that number: read from ``counts_town_hourly`` (a few thousand rows a month) instead of
    site by site (1.9 M groups a month at a canton's scale). The `incomplete` sites are taken
    out of that sum and averaged one by one, as `profile` does. The same figures as summing
    `profile` over the sites (analytics/tests/test_rollups.py)."""
    town = _fresh_table(w, municipality_id, "counts_town_hourly")
    if town is None:
        return None
    t = indicators.restrict_counts(town, start=start, end=end, modes=modes)
    t = t.mutate(iso_weekday=t.local_date.day_of_week.index() + 1, local_hour=t.local_hour)
    slot = {"iso_weekday": "int64", "local_hour": "int64"}
    sums = t.group_by(["iso_weekday", "local_hour"]).agg(volume_sum=t.volume.sum()).cast(slot)
    calendar = local_hour_slots(start, end, tz)
    expected = ibis.memtable(
        {
            "iso_weekday": [d for d, _h in calendar],
            "local_hour": [h for _d, h in calendar],
            "n_expected": list(calendar.values()),
        },
        schema={**slot, "n_expected": "int64"},
    )
    out = sums.join(expected, ["iso_weekday", "local_hour"])
    if not incomplete:
        return out.select("iso_weekday", "local_hour", mean_volume=out.volume_sum / out.n_expected)
    p = _profile_partials(
        w, municipality_id, start=start, end=end, sites=list(incomplete), modes=modes
    )
    per_site = p.group_by(["site_id", "iso_weekday", "local_hour"]).agg(
        s=p.volume_sum.sum(), n=p.n_hours.sum()
    )
    apart = (
        per_site.group_by(["iso_weekday", "local_hour"])
        .agg(inc_sum=per_site.s.sum(), inc_mean=(per_site.s / per_site.n).sum())
        .cast(slot)
    )
    out = out.left_join(apart, ["iso_weekday", "local_hour"])
    mean = (out.volume_sum - out.inc_sum.fill_null(0)) / out.n_expected
    return out.select(
        iso_weekday=out.iso_weekday,
        local_hour=out.local_hour,
        mean_volume=mean + out.inc_mean.fill_null(0),
    )


def od_trips(w: Warehouse, municipality_id, *, hours=None) -> ibis.Table:
    """The table `indicators.od_matrix` and `indicators.traffic_typology` should read:
    ``od_daily`` unless hours are selected."""
    rolled = None if hours is not None else _fresh_table(w, municipality_id, "od_daily")
    return rolled if rolled is not None else w.table(municipality_id, "od")
