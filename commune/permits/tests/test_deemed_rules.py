"""Deemed opinions per service and closure level (issue 8): the town says, for each service and
each closure level, whether its silence counts as favourable; by default its general setting,
except the traffic police on a full closure. The staff page shows and edits the table."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from commune.accounts.tests.factories import MembershipFactory
from commune.permits import workflow
from commune.permits.models import DeemedOpinionRule, PermitRequest, ReviewTask, RoutingRule
from commune.permits.services.deemed import deemed_rules_save
from commune.permits.services.review import review_clocks_run
from commune.permits.services.submission import permit_submit
from commune.tenants.models import Department
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .conftest import MONDAY, at
from .factories import draft, town_settings

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

#: Due Tuesday 19 May 2026; 5 working days late on Wednesday 27 May (Whit Monday between).
DEEMED_DAY = at(dt.date(2026, 5, 27))
DAY_BEFORE = at(dt.date(2026, 5, 26))


@pytest.mark.parametrize(
    ("town_default", "rule", "code", "closure", "expected"),
    [
        (True, None, "roads", "full", True),
        (True, None, "traffic", "one_lane", True),
        (True, None, "traffic", "full", False),  # the default's one exception
        (False, None, "roads", "none", False),
        (True, True, "traffic", "full", True),  # the town's rule wins
        (True, False, "roads", "none", False),
        (False, True, "roads", "none", True),
    ],
)
def test_silence_is_favourable(town_default, rule, code, closure, expected):
    assert (
        workflow.silence_is_favourable(
            town_default=town_default, rule=rule, department_code=code, road_closure=closure
        )
        is expected
    )


@pytest.fixture
def police(in_town):
    return DepartmentFactory(municipality=in_town, code="traffic", name="Police du trafic")


def _full_closure(town, applicant, department) -> PermitRequest:
    RoutingRule.objects.get_or_create(municipality=town, department=department)
    return permit_submit(
        permit=draft(town, applicant=applicant, road_closure="full"),
        applicant=applicant,
        now=at(MONDAY),
    )


def _task(permit, department) -> ReviewTask:
    return permit.tasks.get(department=department)


def test_the_traffic_police_silent_on_a_full_closure_is_not_deemed(
    in_town, settings_a, applicant, police, roads
):
    town_settings(in_town, deemed_consent=True, deemed_after_days=5)
    permit = _full_closure(in_town, applicant, police)
    RoutingRule.objects.create(municipality=in_town, department=roads)
    permit.tasks.create(municipality=in_town, department=roads, due_date=dt.date(2026, 5, 19))
    assert review_clocks_run(municipality=in_town, now=DAY_BEFORE)["deemed"] == 0
    counts = review_clocks_run(municipality=in_town, now=DEEMED_DAY)
    assert counts["deemed"] == 1  # the roads only
    assert _task(permit, roads).is_deemed
    assert _task(permit, police).status == ReviewTask.Status.OPEN


def test_a_town_rule_makes_the_police_silence_count(in_town, settings_a, applicant, police):
    town_settings(in_town, deemed_consent=True, deemed_after_days=5)
    DeemedOpinionRule.objects.create(
        municipality=in_town, department=police, road_closure="full", silence_is_favourable=True
    )
    permit = _full_closure(in_town, applicant, police)
    assert review_clocks_run(municipality=in_town, now=DAY_BEFORE)["deemed"] == 0
    assert review_clocks_run(municipality=in_town, now=DEEMED_DAY)["deemed"] == 1
    assert _task(permit, police).is_deemed


def test_a_town_rule_keeps_a_service_open_where_the_town_deems_by_default(
    in_town, settings_a, applicant, roads
):
    town_settings(in_town, deemed_consent=True, deemed_after_days=5)
    DeemedOpinionRule.objects.create(
        municipality=in_town, department=roads, road_closure="full", silence_is_favourable=False
    )
    permit = _full_closure(in_town, applicant, roads)
    assert review_clocks_run(municipality=in_town, now=DEEMED_DAY)["deemed"] == 0
    assert _task(permit, roads).status == ReviewTask.Status.OPEN


def test_saving_keeps_defaults_as_defaults_and_twice_changes_nothing(in_town, police, roads):
    town_settings(in_town, deemed_consent=True)
    values = {(d.pk, c): True for d in (police, roads) for c in ("none", "one_lane", "full")}
    values[(police.pk, "full")] = False  # as the default says
    assert deemed_rules_save(municipality=in_town, actor=None, values=values) == 0
    values[(police.pk, "full")] = True
    assert deemed_rules_save(municipality=in_town, actor=None, values=values) == 1
    assert deemed_rules_save(municipality=in_town, actor=None, values=values) == 0
    assert list(DeemedOpinionRule.objects.values_list("department_id", "road_closure")) == [
        (police.pk, "full")
    ]


def test_the_staff_page_shows_and_saves_the_table(town_a, town_b, client, staff_client):
    with scope(town_a):
        town_settings(town_a, deemed_consent=True)
        police = DepartmentFactory(municipality=town_a, code="traffic", name="Police du trafic")
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    with scope(town_b):
        foreign = DepartmentFactory(municipality=town_b, code="roads", name="Routes de Lutry")
    http = staff_client(officer)
    page = html.unescape(http.get("/pully/permits/staff/deemed-opinions/").content.decode())
    assert "Police du trafic" in page and "Routes de Lutry" not in page
    assert f'name="deemed-{police.pk}-full">' in page  # unticked: the default exception
    assert f'name="deemed-{police.pk}-none" checked>' in page
    ticked = {f"deemed-{police.pk}-{c}": "on" for c in ("none", "one_lane", "full")}
    ticked[f"deemed-{foreign.pk}-full"] = "on"  # another town's service: ignored
    response = http.post("/pully/permits/staff/deemed-opinions/", ticked)
    assert response.status_code == 302
    with scope(town_a):
        assert list(DeemedOpinionRule.objects.values_list("road_closure", flat=True)) == ["full"]
    with scope(town_b):
        assert not DeemedOpinionRule.objects.exists()
        assert Department.objects.filter(pk=foreign.pk).exists()


def test_a_service_reviewer_may_not_open_the_page(town_a, staff_client):
    with scope(town_a):
        roads = DepartmentFactory(municipality=town_a, code="roads", name="Routes")
        reviewer = MembershipFactory(
            municipality=town_a, role="service_reviewer", department=roads
        ).user
    response = staff_client(reviewer).get("/pully/permits/staff/deemed-opinions/")
    assert response.status_code in {403, 404}
