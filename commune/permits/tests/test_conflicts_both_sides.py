"""Conflicts are pairs (issue 8): both files show one, and it is recomputed whenever a fact it
depends on changes — the other file withdrawn, refused, closed without follow-up, its works
ended, or its end moved by an extension."""

from __future__ import annotations

import datetime as dt

import pytest

from commune.permits.models import ExtensionRequest, Finding, PermitRequest
from commune.permits.selectors import permit_map_features
from commune.permits.services.decision import permit_abandon, permit_refuse
from commune.permits.services.submission import permit_submit, permit_withdraw
from commune.permits.services.works import extension_decide, works_end, works_start

from .conftest import MONDAY, at
from .factories import draft

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status


def _submitted(town, applicant, **kw):
    return permit_submit(
        permit=draft(town, applicant=applicant, **kw), applicant=applicant, now=at(MONDAY)
    )


def _conflicts(permit) -> list[int]:
    return sorted(
        permit.findings.filter(kind=Finding.Kind.CONFLICT).values_list("other_permit_id", flat=True)
    )


@pytest.fixture
def pair(in_town, settings_a, applicant):
    """Two requests 20 m apart the same week: the first granted (routine), then the second."""
    first = _submitted(in_town, applicant)
    second = _submitted(in_town, applicant, dx=124, w=30, h=30)  # too large to be routine
    return first, second


def test_a_conflict_shows_on_both_files_and_on_the_staff_map(in_town, pair):
    first, second = pair
    # the later request names the earlier one, and the earlier one now names the later one
    assert _conflicts(second) == [first.pk]
    assert _conflicts(first) == [second.pk]
    assert second.reference in first.findings.get(kind=Finding.Kind.CONFLICT).text
    # the staff map says, for each file, which files it is in conflict with
    features = permit_map_features(municipality=in_town)["features"]
    by_permit = {f["properties"]["permit_id"]: f["properties"]["conflicts"] for f in features}
    assert by_permit == {first.pk: [second.reference], second.pk: [first.reference]}


def test_the_withdrawal_of_either_file_ends_the_conflict_on_both(pair, applicant):
    first, second = pair
    permit_withdraw(permit=second, applicant=applicant, now=at(MONDAY))
    assert _conflicts(first) == [] and _conflicts(second) == []


def test_a_refusal_or_an_abandon_ends_the_conflict(in_town, pair, officer, applicant):
    first, second = pair
    third = _submitted(in_town, applicant, dx=90, w=30, h=30)
    assert _conflicts(first) == sorted([second.pk, third.pk])
    permit_refuse(
        permit=second, officer=officer, reasons="Trop près.", now=at(MONDAY), override_reason="x"
    )
    assert _conflicts(first) == [third.pk]
    assert _conflicts(third) == [first.pk]
    permit_abandon(permit=third, officer=officer, reason="Plus de nouvelles.", now=at(MONDAY))
    assert _conflicts(first) == [] and _conflicts(third) == []


def test_the_end_of_the_works_ends_the_conflict(pair, applicant):
    first, second = pair
    works_start(permit=first, applicant=applicant, now=at(first.planned_start))
    assert _conflicts(first) == [second.pk]  # works under way are still in the way
    works_end(permit=first, applicant=applicant, now=at(first.planned_start))
    assert _conflicts(second) == [] and _conflicts(first) == []


def test_an_extension_into_another_files_dates_makes_a_conflict(in_town, applicant, officer):
    first = _submitted(in_town, applicant)
    later = _submitted(
        in_town,
        applicant,
        dx=124,
        w=30,
        h=30,
        planned_start=first.planned_end + dt.timedelta(days=3),
        planned_end=first.planned_end + dt.timedelta(days=6),
    )
    assert _conflicts(first) == [] and _conflicts(later) == []
    extension = ExtensionRequest.objects.create(
        municipality=in_town,
        permit=first,
        new_end=first.planned_end + dt.timedelta(days=4),
        reason="Rocher",
    )
    extension_decide(extension=extension, officer=officer, accept=True, now=at(MONDAY))
    assert _conflicts(first) == [later.pk]
    assert _conflicts(later) == [first.pk]
