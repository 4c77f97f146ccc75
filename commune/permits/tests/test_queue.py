"""The officer's queue: 50 files a page, page links that work without JavaScript, a total,
per-row figures computed for the page only, and a query count that does not grow."""

import datetime as dt
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commune.permits.models import PermitRequest
from commune.tenants.scoping import scope

from .factories import PermitRequestFactory, ReviewTaskFactory

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

SEQUENCE = itertools.count(1)
ROW = re.compile(r'href="/pully/permits/staff/(\d+)/"')


def files(town, n: int, **fields) -> list[PermitRequest]:
    fields.setdefault("status", "in_review")
    with scope(town):
        return [
            PermitRequestFactory(
                municipality=town,
                reference=f"{town.slug[:2].upper()}-{next(SEQUENCE):05d}",
                planned_start=dt.date(2026, 6, 1) + dt.timedelta(days=i),
                planned_end=dt.date(2026, 6, 1) + dt.timedelta(days=i + 3),
                **fields,
            )
            for i in range(n)
        ]


def row_ids(response) -> list[int]:
    return [int(pk) for pk in ROW.findall(response.content.decode())]


def test_the_queue_shows_fifty_files_a_page_with_a_total_and_page_links(
    town_a, town_b, officer, staff_client
):
    # given: 120 files in Pully, a draft, and files in Lutry
    own = files(town_a, 120)
    files(town_a, 1, status="draft")
    files(town_b, 5)
    client = staff_client(officer)
    # when
    first = client.get("/pully/permits/staff/")
    last = client.get("/pully/permits/staff/?page=3")
    # then
    assert first.status_code == 200 and last.status_code == 200
    assert row_ids(first) == [p.pk for p in own[:50]]
    assert row_ids(last) == [p.pk for p in own[100:]]
    assert 'data-total="120"' in first.content.decode()
    assert first.context["page"].paginator.num_pages == 3
    assert 'href="?page=2"' in first.content.decode()


def test_page_links_keep_the_filters(town_a, officer, staff_client):
    # given
    files(town_a, 60, kind="gas")
    files(town_a, 3, kind="water")
    # when
    page = staff_client(officer).get("/pully/permits/staff/?kind=gas")
    # then
    body = page.content.decode()
    assert 'data-total="60"' in body
    assert 'href="?kind=gas&amp;page=2"' in body


def test_an_out_of_range_or_garbled_page_number_is_not_an_error(town_a, officer, staff_client):
    files(town_a, 3)
    client = staff_client(officer)
    assert row_ids(client.get("/pully/permits/staff/?page=99")) != []
    assert client.get("/pully/permits/staff/?page=abc").status_code == 200


def test_per_row_figures_are_right_on_a_later_page(town_a, officer, staff_client):
    # given: the 60th file has a late open task, the 61st an answered one only
    own = files(town_a, 70)
    with scope(town_a):
        ReviewTaskFactory(municipality=town_a, permit=own[59], due_date=dt.date(2020, 1, 1))
        ReviewTaskFactory(municipality=town_a, permit=own[60], status="answered")
    # when
    page = staff_client(officer).get("/pully/permits/staff/?page=2")
    # then
    rows = {p.pk: p for p in page.context["permits"]}
    assert rows[own[59].pk].open_tasks == 1 and rows[own[59].pk].has_late
    assert rows[own[60].pk].open_tasks == 0 and not rows[own[60].pk].has_late


def test_the_number_of_queries_does_not_grow_with_the_files(town_a, officer, staff_client):
    client = staff_client(officer)
    files(town_a, 10)
    client.get("/pully/permits/staff/")
    with CaptureQueriesContext(connection) as few:
        client.get("/pully/permits/staff/")
    files(town_a, 150)
    with CaptureQueriesContext(connection) as many:
        client.get("/pully/permits/staff/?page=2")
    assert len(many) == len(few)
