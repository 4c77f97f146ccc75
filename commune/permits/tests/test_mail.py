import datetime as dt

from django.utils import translation

from commune.core.audit import action_label
from commune.permits.models import RoutingRule
from commune.permits.services.decision import permit_grant
from commune.permits.services.review import review_clocks_run
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


def test_each_mail_links_to_the_page_where_its_reader_acts(
    in_town,
    settings_a,
    applicant,
    roads,
    roads_reviewer,
    officer,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    # given a request the roads review, due on 18 May
    RoutingRule.objects.create(municipality=in_town, department=roads, impact="any_closure")
    with django_capture_on_commit_callbacks(execute=True):
        permit = permit_submit(
            permit=draft(in_town, applicant=applicant, road_closure="one_lane"),
            applicant=applicant,
            now=at(MONDAY),
        )
    task = permit.tasks.get()
    mails = {m["To"]: m for m in smtp_server.wait_for(2)}
    # the applicant is led to the request's page, the reviewer to the opinion form
    base = "http://testserver/pully/permits"
    assert f"{base}/{permit.pk}/" in smtp_server.text_of(mails[applicant.email])
    assert f"{base}/staff/tasks/{task.pk}/" in smtp_server.text_of(mails[roads_reviewer.email])
    assert f'href="{base}/staff/tasks/{task.pk}/"' in smtp_server.html_of(
        mails[roads_reviewer.email]
    )

    # when the roads are late past the escalation (two working days after the due date)
    with django_capture_on_commit_callbacks(execute=True):
        review_clocks_run(municipality=in_town, now=at(task.due_date + dt.timedelta(days=7)))

    # then the officer's escalation says "Retard signalé" (not "Transmission :") and leads to
    # the file's services
    escalation = next(m for m in smtp_server.wait_for(4)[2:] if m["To"] == officer.email)
    assert escalation["Subject"].strip().startswith("Retard signalé : Routes")
    assert f"{base}/staff/{permit.pk}/#routing-title" in smtp_server.text_of(escalation)


def test_the_french_history_says_works_started_without_a_dangling_le():
    with translation.override("fr"):
        assert action_label("works_started") == "travaux commencés"
