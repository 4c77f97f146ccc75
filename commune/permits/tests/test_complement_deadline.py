"""A complement asked of the applicant has a deadline (issue 8): the town's number of working days
(PermitSettings.complement_days) from the day it is asked, on the canton's calendar. The
applicant reads it on the request's page and in the e-mail; once it has passed, the officer's
page says so and offers to refuse the request or close the file without follow-up."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.permits.models import ComplementRequest, PermitRequest
from commune.permits.tests.factories import town_settings
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

from .conftest import ZURICH

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
#: Wednesday 6 May 2026; Ascension (14 May) and Whit Monday (25 May) are holidays in Vaud.
ASKED = dt.datetime(2026, 5, 6, 9, tzinfo=ZURICH)


@pytest.fixture
def officer(town_a):
    user = UserFactory(kind="staff", language="fr")
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=user, role=Role.PERMIT_OFFICER)
    return user


def _file(town, applicant=None):
    with scope(town):
        fields = {"applicant": applicant} if applicant else {}
        return work(town, status=Status.IN_REVIEW, start=dt.date(2026, 9, 1), **fields)


def _ask(http, permit):
    response = http.post(
        f"/pully/permits/staff/{permit.pk}/complement/", {"question": "Plan de signalisation ?"}
    )
    assert response.status_code == 302


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_applicant_reads_by_when_to_answer(
    town_a,
    officer,
    applicant,
    staff_client,
    client,
    time_machine,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    # given the town's default deadline (20 working days)
    with scope(town_a):
        town_settings(town_a)
    permit = _file(town_a, applicant)
    time_machine.move_to(ASKED, tick=False)

    # when the officer asks for a complement on Wednesday 6 May
    with django_capture_on_commit_callbacks(execute=True):
        _ask(staff_client(officer), permit)

    # then it is due 20 working days later, on Friday 5 June (over Ascension and Whit Monday)
    with scope(town_a):
        assert ComplementRequest.objects.get(permit=permit).due_date == dt.date(2026, 6, 5)
    client.force_login(applicant)
    page = _text(client.get(f"/pully/permits/{permit.pk}/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "À fournir au plus tard le 5 juin 2026." in page
    [mail] = smtp_server.wait_for(1)
    assert "À fournir au plus tard le 5 juin 2026." in smtp_server.text_of(mail)


def test_the_deadline_is_the_towns_setting(town_a, officer, staff_client, time_machine):
    with scope(town_a):
        town_settings(town_a, complement_days=10)
    permit = _file(town_a)
    time_machine.move_to(ASKED, tick=False)

    _ask(staff_client(officer), permit)

    with scope(town_a):
        assert ComplementRequest.objects.get(permit=permit).due_date == dt.date(2026, 5, 21)


def test_once_the_deadline_has_passed_the_officer_is_told_and_may_end_the_file(
    town_a, officer, staff_client, time_machine
):
    # given a complement asked on 6 May, due on 5 June
    with scope(town_a):
        town_settings(town_a)
    permit = _file(town_a)
    time_machine.move_to(ASKED, tick=False)
    http = staff_client(officer)
    _ask(http, permit)
    overdue = "Le délai du complément est échu depuis le 5 juin 2026"

    # when the officer opens the file on its last day, then the next working day (logging in
    # again: a session lasts two weeks)
    time_machine.move_to(dt.datetime(2026, 6, 5, 17, tzinfo=ZURICH), tick=False)
    on_the_day = _text(staff_client(officer).get(f"/pully/permits/staff/{permit.pk}/"))
    time_machine.move_to(dt.datetime(2026, 6, 8, 8, tzinfo=ZURICH), tick=False)
    after = _text(staff_client(officer).get(f"/pully/permits/staff/{permit.pk}/"))

    # then the page gives the due date, and says when it has passed, offering to end the file
    assert "Complément demandé, à fournir au plus tard le 5 juin 2026." in on_the_day
    assert overdue not in on_the_day
    assert f"{overdue} : vous pouvez refuser la demande ou classer le dossier sans suite." in after
    assert 'value="refuse"' in after and 'id="abandon-title"' in after


def test_a_file_whose_complement_is_overdue_is_among_the_officers_exceptions(
    town_a, officer, staff_client, time_machine
):
    # given a complement asked on 6 May, due on 5 June
    with scope(town_a):
        town_settings(town_a)
    permit = _file(town_a)
    time_machine.move_to(ASKED, tick=False)
    _ask(staff_client(officer), permit)
    exceptions = "/pully/permits/staff/?view=exceptions"

    # when the officer reads the exceptions on its last day, then the next working day
    time_machine.move_to(dt.datetime(2026, 6, 5, 17, tzinfo=ZURICH), tick=False)
    on_the_day = _text(staff_client(officer).get(exceptions))
    time_machine.move_to(dt.datetime(2026, 6, 8, 8, tzinfo=ZURICH), tick=False)
    after = _text(staff_client(officer).get(exceptions))

    # then the file is listed, with why, only once the deadline has passed
    assert permit.reference not in on_the_day
    assert permit.reference in after
    assert "complément en retard" in after
