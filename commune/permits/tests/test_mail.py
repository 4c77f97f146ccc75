from commune.permits.models import RoutingRule
from commune.permits.services.decision import permit_grant
from commune.permits.services.submission import permit_submit

from .conftest import MONDAY, at
from .factories import draft


def test_applicant_is_told_of_submission_and_grant_and_the_service_of_its_task(
    in_town,
    settings_a,
    applicant,
    roads,
    roads_reviewer,
    officer,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    RoutingRule.objects.create(municipality=in_town, department=roads, impact="any_closure")
    with django_capture_on_commit_callbacks(execute=True):
        permit = permit_submit(
            permit=draft(in_town, applicant=applicant, road_closure="one_lane"),
            applicant=applicant,
            now=at(MONDAY),
        )
    messages = smtp_server.wait_for(2)
    assert {m["To"] for m in messages} == {applicant.email, roads_reviewer.email}
    with django_capture_on_commit_callbacks(execute=True):
        permit_grant(
            permit=permit,
            officer=officer,
            now=at(MONDAY),
            extra_conditions=["Balisage"],
            override_reason="Les routes ont répondu par téléphone.",
        )
    # the roads, which had not answered, are told their review is closed (issue 8)
    after_grant = smtp_server.wait_for(4)[2:]
    assert {m["To"] for m in after_grant} == {applicant.email, roads_reviewer.email}
    granted = next(m for m in after_grant if m["To"] == applicant.email)
    assert "Balisage" in smtp_server.text_of(granted)
    assert permit.reference in granted["Subject"]
