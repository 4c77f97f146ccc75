"""Benchmark of the e-permis de fouille at scale: 20,000 files in one town.

    .venv/bin/python bench/permits.py                       # SpatiaLite (throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commune .venv/bin/python bench/permits.py
    .venv/bin/python bench/permits.py --files 1000 20000 --repeat 40

Creates a throwaway test database (Django's test-database machinery: SpatiaLite under
var/test-runs/<pid>/, or test_<name> on PostgreSQL, destroyed at the end), fills one town with
permit files by bulk_create — plausible statuses over five years, one or two small work areas
each inside the territory, review tasks for the files in review — and, at each size, prints
the median and p95 time and the SQL query count of:

- the officer's queue page (permits-core's view, through the test client, logged in as an
  officer who passed the second factor; 50 files a page), its first page and page 19 (the
  last one at 1,000 files),
- the public works layer: /works/works.geojson and an OGC API items page (limit=100),
- conflict detection for one new request: permits-core's nearby_areas() query alone, and the
  whole findings_compute() (conflicts, moratorium, coordination).

Prints figures; it never fails on time. Targets (issue 3): under 150 ms median for the queue
and the layer, under 50 ms for conflict detection, query counts that do not grow with files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.gis.geos import MultiPolygon, Polygon  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

TODAY = dt.date.today()
SIDE = 3000.0  # the town is a 3 km square
ORIGIN = (2540000.0, 1150000.0)
# Share of files by status over five years: most are closed history, a few are current.
STATUS_MIX = [
    ("closed", 0.78),
    ("refused", 0.03),
    ("withdrawn", 0.02),
    ("draft", 0.02),
    ("submitted", 0.01),
    ("in_review", 0.04),
    ("complement_requested", 0.01),
    ("granted", 0.04),
    ("works_started", 0.02),
    ("works_ended", 0.01),
    ("reinstated", 0.01),
    ("inspected_defects", 0.01),
]
CURRENT = {"submitted", "in_review", "complement_requested", "granted", "works_started"}
CURRENT |= {"works_ended", "reinstated", "inspected_defects"}


def make_town():
    from commune.accounts.models import Membership, Organisation, Role, User
    from commune.tenants.models import Department, Municipality
    from commune.tenants.scoping import scope

    x, y = ORIGIN
    ring = [(x, y), (x + SIDE, y), (x + SIDE, y + SIDE), (x, y + SIDE), (x, y)]
    town = Municipality.objects.create(
        name="Bench-ville",
        slug="bench",
        ofs_number=9999,
        canton="VD",
        territory=MultiPolygon(Polygon(ring, srid=2056), srid=2056),
        languages=["fr"],
        contact_email="greffe@bench.example.ch",
        modules=["permits"],
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Entreprise {i} SA", uid=f"CHE-{100 + i:03d}.{200 + i:03d}.{300:03d}")
        for i in range(40)
    )
    users = [
        User.objects.create_user(f"applicant{i}@bench.example.ch", "x", full_name=f"A {i}")
        for i in range(40)
    ]
    officer = User.objects.create_user("officer@bench.example.ch", "x", full_name="Officer")
    with scope(town):
        departments = Department.objects.bulk_create(
            Department(municipality=town, name=name, code=name.lower())
            for name in ("Routes", "Eaux", "Police", "Parcs", "Environnement")
        )
        Membership.objects.create(municipality=town, user=officer, role=Role.PERMIT_OFFICER)
    return town, orgs, users, officer, departments


def _statuses(rng: random.Random, n: int) -> list[str]:
    names, weights = zip(*STATUS_MIX, strict=True)
    return rng.choices(names, weights=weights, k=n)


def add_files(town, orgs, users, departments, *, count: int, start_index: int, seed: int):
    """bulk_create `count` files with their areas (and review tasks for those in review)."""
    from commune.permits.models import PermitRequest, ReviewTask, WorkArea
    from commune.tenants.scoping import scope

    rng = random.Random(seed)
    permits = []
    for i, status in enumerate(_statuses(rng, count), start=start_index):
        if status in CURRENT:
            start = TODAY + dt.timedelta(days=rng.randint(-20, 120))
        else:
            start = TODAY - dt.timedelta(days=rng.randint(30, 5 * 365))
        end = start + dt.timedelta(days=rng.randint(1, 30))
        org = rng.choice(orgs)
        permits.append(
            PermitRequest(
                municipality=town,
                reference="" if status == "draft" else f"BEN-{start.year}-{i:05d}",
                status=status,
                applicant=rng.choice(users),
                organisation=org,
                site_manager_name="Chef de chantier",
                site_manager_phone="+41 79 000 00 00",
                invoice_address="Case postale, 1000 Lausanne",
                kind=rng.choice(list(PermitRequest.Kind.values)),
                description="Travaux de réseau",
                road_closure=rng.choice(["none", "none", "one_lane", "full"]),
                planned_start=start,
                planned_end=end,
                valid_until=end if status not in {"draft", "submitted", "in_review"} else None,
            )
        )
    with scope(town):
        permits = PermitRequest.objects.bulk_create(permits, batch_size=2000)
        areas, tasks = [], []
        for permit in permits:
            for _ in range(rng.choice((1, 1, 1, 2))):
                w, h = rng.uniform(3, 30), rng.uniform(1, 3)
                x = ORIGIN[0] + rng.uniform(10, SIDE - 40)
                y = ORIGIN[1] + rng.uniform(10, SIDE - 10)
                box = Polygon.from_bbox((x, y, x + w, y + h))
                box.srid = 2056
                areas.append(
                    WorkArea(
                        municipality=town,
                        permit=permit,
                        drawn=box,
                        geometry=box,
                        area_m2=w * h,
                        length_m=w,
                        starts_on=permit.planned_start,
                        ends_on=permit.planned_end,
                    )
                )
            if permit.status in {"in_review", "complement_requested", "submitted"}:
                for department in rng.sample(departments, rng.randint(1, 3)):
                    tasks.append(
                        ReviewTask(
                            municipality=town,
                            permit=permit,
                            department=department,
                            reason="kind",
                            due_date=TODAY + dt.timedelta(days=rng.randint(-5, 10)),
                        )
                    )
        WorkArea.objects.bulk_create(areas, batch_size=2000)
        ReviewTask.objects.bulk_create(tasks, batch_size=2000)


def officer_client(officer) -> Client:
    client = Client()
    device = TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(fn, repeat: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, queries of one call); one warm-up call first."""
    fn()
    with CaptureQueriesContext(connection) as queries:
        fn()
    # count now: the next request's reset_queries() empties the log the context reads from
    count = len(queries)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, count


def cases(town, client: Client):
    from commune.permits.models import PermitRequest, WorkArea
    from commune.permits.selectors import permit_settings_get
    from commune.permits.services.checks import findings_compute, nearby_areas
    from commune.tenants.scoping import scope

    def get(path):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response.content

        return call

    # a new request in the middle of the town, in three weeks
    x, y = ORIGIN[0] + SIDE / 2, ORIGIN[1] + SIDE / 2
    with scope(town):
        new = PermitRequest.objects.create(
            municipality=town,
            applicant=PermitRequest.objects.first().applicant,
            site_manager_name="-",
            site_manager_phone="-",
            invoice_address="-",
            kind="gas",
            description="Nouvelle demande",
            planned_start=TODAY + dt.timedelta(days=21),
            planned_end=TODAY + dt.timedelta(days=30),
        )
        box = Polygon.from_bbox((x, y, x + 20, y + 2))
        box.srid = 2056
        WorkArea.objects.create(
            municipality=town,
            permit=new,
            drawn=box,
            geometry=box,
            area_m2=40,
            length_m=20,
            starts_on=new.planned_start,
            ends_on=new.planned_end,
        )
        settings = permit_settings_get(municipality=town)

    def nearby():
        with scope(town):
            return list(
                nearby_areas(
                    geometry=box,
                    distance_m=settings.conflict_distance_m,
                    start=new.planned_start,
                    end=new.planned_end,
                    exclude_id=new.pk,
                )
            )

    def findings():
        with scope(town):
            return findings_compute(permit=new, settings=settings, today=TODAY)

    slug = town.slug

    def geojson_cold():
        cache.clear()
        return get(f"/{slug}/works/works.geojson")()

    return [
        ("officer's queue page", get(f"/{slug}/permits/staff/"), 150),
        ("officer's queue, page 19", get(f"/{slug}/permits/staff/?page=19"), 150),
        ("works layer GeoJSON", get(f"/{slug}/works/works.geojson"), 150),
        ("works layer GeoJSON, cache cleared", geojson_cold, 150),
        (
            "OGC API items (limit=100)",
            get(f"/{slug}/ogcapi/collections/works/items?limit=100"),
            150,
        ),
        ("conflicts: nearby_areas()", nearby, 50),
        ("all checks: findings_compute()", findings, 50),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), throwaway")
    try:
        town, orgs, users, officer, departments = make_town()
        client = officer_client(officer)
        results: dict[int, list[tuple[str, float, float, int, int]]] = {}
        have = 0
        for size in sorted(args.files):
            t = time.perf_counter()
            add_files(
                town, orgs, users, departments, count=size - have, start_index=have, seed=size
            )
            have = size
            print(f"\n{size:,} files in one town (created in {time.perf_counter() - t:.1f} s)")
            results[size] = []
            for name, fn, target in cases(town, client):
                median, p95, queries = measure(fn, args.repeat)
                results[size].append((name, median, p95, queries, target))
                flag = "ok" if median < target else "OVER TARGET"
                print(
                    f"  {name:<36} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                    f"{queries:3d} queries   (target < {target} ms: {flag})"
                )
        sizes = sorted(results)
        print("\nSQL queries per call, by number of files:")
        print("  " + " " * 36 + "".join(f"{s:>10,}" for s in sizes))
        for i, (name, *_rest) in enumerate(results[sizes[0]]):
            print(f"  {name:<36}" + "".join(f"{results[s][i][3]:>10}" for s in sizes))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
