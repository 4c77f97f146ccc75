import datetime as dt

from commune.accounts.tests.factories import OrganisationFactory
from commune.permits.models import Finding, ResurfacedStreet
from commune.permits.services.submission import permit_submit

from .conftest import MONDAY, at
from .factories import draft, rect


def _submitted(town, applicant, **kw):
    return permit_submit(
        permit=draft(town, applicant=applicant, **kw), applicant=applicant, now=at(MONDAY)
    )


def test_overlapping_area_at_the_same_time_is_a_conflict(in_town, settings_a, applicant):
    # given granted works at (100, 100)
    first = _submitted(in_town, applicant)
    # when another request digs 20 m away during the same week
    second = _submitted(in_town, applicant, dx=124)
    # then the conflict is found, with the other works' area for the map
    conflict = second.findings.get(kind=Finding.Kind.CONFLICT)
    assert conflict.other_permit == first
    assert conflict.geometry is not None
    assert first.reference in conflict.text


def test_works_farther_than_the_distance_are_no_conflict(in_town, settings_a, applicant):
    _submitted(in_town, applicant)
    second = _submitted(in_town, applicant, dx=160)  # 56 m beyond the first area's edge
    assert not second.findings.filter(kind=Finding.Kind.CONFLICT).exists()


def test_distance_threshold_is_the_towns(in_town, settings_a, applicant):
    settings_a.conflict_distance_m = 60
    settings_a.save()
    _submitted(in_town, applicant)
    second = _submitted(in_town, applicant, dx=160)
    assert second.findings.filter(kind=Finding.Kind.CONFLICT).exists()


def test_same_place_at_another_time_is_no_conflict(in_town, settings_a, applicant):
    _submitted(in_town, applicant)
    later = _submitted(
        in_town,
        applicant,
        planned_start=dt.date(2026, 6, 8),
        planned_end=dt.date(2026, 6, 12),
    )
    assert not later.findings.filter(kind=Finding.Kind.CONFLICT).exists()


def test_a_street_under_moratorium_is_flagged(in_town, settings_a, applicant):
    ResurfacedStreet.objects.create(
        municipality=in_town,
        name="Avenue de Lavaux",
        geometry=rect(in_town, 90, 95, w=100, h=12),
        resurfaced_on=dt.date(2024, 9, 1),
        moratorium_until=dt.date(2029, 9, 1),
    )
    permit = _submitted(in_town, applicant)
    finding = permit.findings.get(kind=Finding.Kind.MORATORIUM)
    assert "Avenue de Lavaux" in finding.text
    assert permit.status == "in_review"


def test_an_expired_moratorium_is_no_finding(in_town, settings_a, applicant):
    ResurfacedStreet.objects.create(
        municipality=in_town,
        name="Chemin ancien",
        geometry=rect(in_town, 90, 95, w=100, h=12),
        resurfaced_on=dt.date(2018, 9, 1),
        moratorium_until=dt.date(2023, 9, 1),
    )
    assert not _submitted(in_town, applicant).findings.filter(kind="moratorium").exists()


def test_another_utility_on_the_same_street_within_months_is_told_to_coordinate(
    in_town, settings_a, applicant
):
    # given another utility digging the same street in three months
    other_org = OrganisationFactory()
    first = _submitted(
        in_town,
        applicant,
        organisation=other_org,
        planned_start=dt.date(2026, 9, 1),
        planned_end=dt.date(2026, 9, 4),
    )
    # when a second utility asks for June, 10 m along the street
    second = _submitted(in_town, applicant, organisation=OrganisationFactory(), dx=110)
    # then both may share one trench: coordination, not a conflict
    finding = second.findings.get(kind=Finding.Kind.COORDINATION)
    assert finding.other_permit == first
    assert not second.findings.filter(kind=Finding.Kind.CONFLICT).exists()


def test_coordination_is_not_asked_of_the_same_organisation(in_town, settings_a, applicant):
    org = OrganisationFactory()
    _submitted(
        in_town,
        applicant,
        organisation=org,
        planned_start=dt.date(2026, 9, 1),
        planned_end=dt.date(2026, 9, 4),
    )
    second = _submitted(in_town, applicant, organisation=org, dx=110)
    assert not second.findings.filter(kind=Finding.Kind.COORDINATION).exists()


def test_coordination_mails_both_applicants(
    in_town, settings_a, applicant, smtp_server, django_capture_on_commit_callbacks
):
    from commune.accounts.tests.factories import UserFactory

    other_person = UserFactory(language="de")
    _submitted(
        in_town,
        other_person,
        organisation=OrganisationFactory(),
        planned_start=dt.date(2026, 9, 1),
        planned_end=dt.date(2026, 9, 4),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(in_town, applicant, organisation=OrganisationFactory(), dx=110)
    recipients = {m["To"] for m in smtp_server.wait_for(3)}
    assert {applicant.email, other_person.email} <= recipients
