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
        permit_grant(permit=permit, officer=officer, now=at(MONDAY), extra_conditions=["Balisage"])
    granted = smtp_server.wait_for(3)[-1]
    assert granted["To"] == applicant.email
    assert "Balisage" in smtp_server.text_of(granted)
    assert permit.reference in granted["Subject"]
