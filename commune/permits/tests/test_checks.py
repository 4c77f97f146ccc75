import datetime as dt

from django.utils import translation

from commune.accounts.tests.factories import OrganisationFactory, UserFactory
from commune.permits.models import Finding, PermitRequest, ResurfacedStreet
from commune.permits.services.checks import add_months
from commune.permits.services.submission import permit_submit

from .conftest import MONDAY, at
from .factories import area_add, draft, rect


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
    from commune.accounts.tests.factories import UserFactory, add_member

    other_person = UserFactory(language="de")
    theirs, ours = OrganisationFactory(), OrganisationFactory()
    add_member(theirs, other_person)  # each acts for their organisation and follows its file
    add_member(ours, applicant)
    _submitted(
        in_town,
        other_person,
        organisation=theirs,
        planned_start=dt.date(2026, 9, 1),
        planned_end=dt.date(2026, 9, 4),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(in_town, applicant, organisation=ours, dx=110)
    recipients = {m["To"] for m in smtp_server.wait_for(3)}
    assert {applicant.email, other_person.email} <= recipients


def test_an_emergency_is_flagged_as_such_and_not_for_its_notice(in_town, settings_a, applicant):
    # given emergency works starting the day they are asked for
    permit = _submitted(in_town, applicant, is_emergency=True, planned_start=MONDAY)
    # then the officer reads that they are an emergency, and nothing about the notice
    assert [(f.kind, f.text) for f in permit.findings.all()] == [
        (Finding.Kind.EMERGENCY, "Travaux urgents.")
    ]


def test_the_notice_counts_the_cantons_working_days(in_town, settings_a, applicant):
    # given a request sent on Monday 11 May 2026 in Vaud, where 10 working days are asked:
    # 12, 13, (14 Ascension), 15, 18, 19, 20, 21, 22, (25 Whit Monday, a Vaud holiday), 26, 27
    sent = at(dt.date(2026, 5, 11))
    # when the works start on the 9th working day after it, then on the 10th
    early, in_time = (
        permit_submit(
            permit=draft(
                in_town,
                applicant=applicant,
                planned_start=start,
                planned_end=dt.date(2026, 5, 29),
                dx=dx,
            ),
            applicant=applicant,
            now=sent,
        )
        for start, dx in ((dt.date(2026, 5, 26), 100), (dt.date(2026, 5, 27), 900))
    )
    # then only the first is told that the notice is not respected, with the town's figure
    assert not early.notice_respected and in_time.notice_respected
    with translation.override("en"):
        assert [f.text for f in early.findings.filter(kind=Finding.Kind.NOTICE)] == [
            "The works start less than 10 working days after the request."
        ]
    assert not in_time.findings.filter(kind=Finding.Kind.NOTICE).exists()


def test_a_withdrawn_request_at_the_same_place_and_time_is_no_conflict(
    in_town, settings_a, applicant
):
    # given works planned at (100, 100), then withdrawn, and works of another utility on the
    # same street in September, refused
    withdrawn = _submitted(in_town, applicant)
    refused = _submitted(
        in_town,
        applicant,
        organisation=OrganisationFactory(),
        planned_start=dt.date(2026, 9, 1),
        planned_end=dt.date(2026, 9, 4),
    )
    PermitRequest.objects.filter(pk=withdrawn.pk).update(status=PermitRequest.Status.WITHDRAWN)
    PermitRequest.objects.filter(pk=refused.pk).update(status=PermitRequest.Status.REFUSED)
    # when another request digs there in June
    second = _submitted(in_town, applicant, organisation=OrganisationFactory(), dx=104)
    # then neither is a conflict nor a reason to coordinate
    assert not second.findings.exists()


def test_one_conflict_per_other_request_however_many_areas_are_near_it(
    in_town, settings_a, applicant
):
    # given a trench from x=100 to x=304 and a small area at x=330..334, both in the same week
    trench = _submitted(in_town, applicant, w=204)
    small = _submitted(in_town, applicant, dx=330)
    # when a request has two areas, at x=100..104 (near the trench only) and x=300..304 (near
    # the trench and, 26 m away, the small area)
    permit = area_add(draft(in_town, applicant=applicant), in_town, 300)
    permit = permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    # then each of the other requests is one conflict
    conflicts = permit.findings.filter(kind=Finding.Kind.CONFLICT)
    assert sorted(f.other_permit_id for f in conflicts) == sorted([trench.pk, small.pk])


def test_a_moratorium_is_flagged_on_the_street_dug_only_and_shows_it_on_the_map(
    in_town, settings_a, applicant
):
    # given the street dug under moratorium, and another one 500 m away
    dug = ResurfacedStreet.objects.create(
        municipality=in_town,
        name="Avenue de Lavaux",
        geometry=rect(in_town, 90, 95, w=100, h=12),
        resurfaced_on=dt.date(2024, 9, 1),
        moratorium_until=dt.date(2029, 9, 1),
    )
    ResurfacedStreet.objects.create(
        municipality=in_town,
        name="Chemin lointain",
        geometry=rect(in_town, 600, 95, w=100, h=12),
        resurfaced_on=dt.date(2024, 9, 1),
        moratorium_until=dt.date(2029, 9, 1),
    )
    # when works are asked on the first
    permit = _submitted(in_town, applicant)
    # then the finding names that street, links it and draws it
    (finding,) = permit.findings.filter(kind=Finding.Kind.MORATORIUM)
    with translation.override("en"):
        assert finding.text == "Avenue de Lavaux was resurfaced; no digging before Sept. 1, 2029."
    assert finding.street == dug
    assert finding.geometry.equals(dug.geometry)


def test_one_coordination_per_other_utility_naming_it_and_drawing_its_works(
    in_town, settings_a, applicant
):
    # given two other utilities on the same street in September: a trench from x=100 to x=304
    # and a small area at x=320..324
    autumn = dict(planned_start=dt.date(2026, 9, 1), planned_end=dt.date(2026, 9, 4))
    gas = OrganisationFactory(name="Gaz du Léman")
    telecom = OrganisationFactory(name="Fibre Lavaux")
    trench = _submitted(in_town, applicant, organisation=gas, w=204, **autumn)
    small = _submitted(in_town, applicant, organisation=telecom, dx=320, **autumn)
    # when a third utility asks for two areas in June, at x=100..104 and x=300..304
    permit = draft(in_town, applicant=applicant, organisation=OrganisationFactory())
    permit = area_add(permit, in_town, 300)
    permit = permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    # then it is told once of each, by name, with their works on the map
    coordination = list(permit.findings.filter(kind=Finding.Kind.COORDINATION))
    assert sorted(f.other_permit_id for f in coordination) == sorted([trench.pk, small.pk])
    found = {f.other_permit_id: f for f in coordination}
    with translation.override("en"):
        assert found[trench.pk].text == (
            f"Gaz du Léman plans works on the same street ({trench.reference}, from Sept. 1, 2026):"
            " share one trench?"
        )
        assert found[small.pk].text.startswith("Fibre Lavaux plans works on the same street")
    assert found[trench.pk].geometry.equals(trench.areas.get().geometry)
    assert found[small.pk].geometry.equals(small.areas.get().geometry)


def test_two_private_persons_on_the_same_street_are_told_to_coordinate(in_town, settings_a):
    # given a private person digging the street in September
    neighbour = UserFactory(full_name="Anne Rochat")
    first = _submitted(
        in_town, neighbour, planned_start=dt.date(2026, 9, 1), planned_end=dt.date(2026, 9, 4)
    )
    # when another private person asks for June, 10 m along it
    applicant = UserFactory(full_name="Luc Favre")
    second = _submitted(in_town, applicant, dx=110)
    # then the town's staff read whom to bring together
    (finding,) = second.findings.filter(kind=Finding.Kind.COORDINATION)
    assert finding.other_permit == first
    with translation.override("en"):
        assert finding.text.startswith("Anne Rochat plans works on the same street")


def test_an_applicant_is_not_told_to_coordinate_with_himself(in_town, settings_a, applicant):
    # given works the applicant asked for his company in September
    _submitted(
        in_town,
        applicant,
        organisation=OrganisationFactory(),
        planned_start=dt.date(2026, 9, 1),
        planned_end=dt.date(2026, 9, 4),
    )
    # when he asks privately for June on the same street
    second = _submitted(in_town, applicant, dx=110)
    # then there is nobody else to coordinate with
    assert not second.findings.filter(kind=Finding.Kind.COORDINATION).exists()


def test_the_coordination_window_counts_calendar_months():
    # six months after 15 July is 15 January of the next year, six months before 1 June is
    # 1 December of the year before
    assert add_months(dt.date(2026, 7, 15), 6) == dt.date(2027, 1, 15)
    assert add_months(dt.date(2026, 6, 1), -6) == dt.date(2025, 12, 1)
    # and a day the month lacks is its last: 31 August + 6 months is 28 February
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
