"""After the inspection (issue 8): the applicant reads the defects and their repair deadline
(page and mail), the periodic job watches the deadline (a reminder before, the officers told
after, once each), the next accepted inspection resolves the defects, and the end of the
guarantee period without open defects proposes the deposit's refund to finance."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commune.billing.models import Deposit
from commune.billing.services.deposits import deposit_hold
from commune.permits.models import Inspection, PermitRequest
from commune.permits.services.inspection import (
    guarantee_watch_run,
    repair_step,
    repairs_watch_run,
)
from commune.permits.services.works import inspection_record, works_reinstate
from commune.permits.tasks import permit_clocks_tick
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

from .conftest import at

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
INSPECTED = dt.date(2026, 6, 10)  # a Wednesday
FIX_BY = dt.date(2026, 6, 30)  # a Tuesday: reminded from Friday 26 June (2 working days)


def _reinstated(town, applicant):
    permit = work(town, status=Status.REINSTATED, start=dt.date(2026, 6, 1), applicant=applicant)
    permit.reinstated_at = at(dt.date(2026, 6, 8))
    permit.save()
    return permit


def _defects(permit, officer):
    return inspection_record(
        permit=permit,
        inspector=officer,
        result=Inspection.Result.DEFECTS,
        notes="Joint ouvert devant le n° 12",
        fix_by=FIX_BY,
        now=at(INSPECTED),
    )


def test_the_repair_step_at_its_boundaries():
    remind_from = dt.date(2026, 6, 26)
    kw = {"fix_by": FIX_BY, "remind_from": remind_from, "reminded": False, "escalated": False}
    assert repair_step(today=remind_from - dt.timedelta(days=1), **kw) is None
    assert repair_step(today=remind_from, **kw) == "remind"
    assert repair_step(today=FIX_BY, **kw) == "remind"
    assert repair_step(today=FIX_BY, **{**kw, "reminded": True}) is None
    assert repair_step(today=FIX_BY + dt.timedelta(days=1), **kw) == "escalate"
    late = {**kw, "reminded": True, "escalated": True}
    assert repair_step(today=FIX_BY + dt.timedelta(days=1), **late) is None


def test_the_applicant_reads_the_defects_and_the_deadline_by_mail_and_on_the_page(
    town_a, applicant, officer, client, smtp_server, django_capture_on_commit_callbacks
):
    with scope(town_a):
        permit = _reinstated(town_a, applicant)
        with django_capture_on_commit_callbacks(execute=True):
            _defects(permit, officer)
    (mail,) = smtp_server.wait_for(1)
    text = smtp_server.text_of(mail)
    assert "Joint ouvert devant le n° 12" in text
    assert "30 juin 2026" in text  # the repair deadline, in the reader's words
    client.force_login(applicant)
    page = html.unescape(client.get(f"/pully/permits/{permit.pk}/").content.decode())
    assert "Joint ouvert devant le n° 12" in page
    assert "À réparer d'ici au 30 juin 2026" in page


def test_the_job_reminds_then_tells_the_officers_once_each(
    in_town, settings_a, applicant, officer, smtp_server, django_capture_on_commit_callbacks
):
    permit = _reinstated(in_town, applicant)
    _defects(permit, officer)
    assert repairs_watch_run(municipality=in_town, now=at(dt.date(2026, 6, 25))) == {
        "repair_reminded": 0,
        "repair_escalated": 0,
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = repairs_watch_run(municipality=in_town, now=at(dt.date(2026, 6, 26)))
        again = repairs_watch_run(municipality=in_town, now=at(dt.date(2026, 6, 29)))
    assert first["repair_reminded"] == 1 and again["repair_reminded"] == 0
    (reminder,) = smtp_server.wait_for(1)
    assert reminder["To"] == applicant.email and permit.reference in reminder["Subject"]
    assert repairs_watch_run(municipality=in_town, now=at(FIX_BY))["repair_escalated"] == 0
    after = at(FIX_BY + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        counts = permit_clocks_tick.call(now=after.isoformat())
        again = permit_clocks_tick.call(now=(after + dt.timedelta(days=1)).isoformat())
    assert counts["repair_escalated"] == 1 and again["repair_escalated"] == 0
    escalation = smtp_server.wait_for(2)[1]
    assert escalation["To"] == officer.email and permit.reference in escalation["Subject"]


def test_repairs_declared_stop_the_watch_and_the_re_inspection_resolves_the_defects(
    in_town, settings_a, applicant, officer
):
    permit = _reinstated(in_town, applicant)
    defects = _defects(permit, officer)
    works_reinstate(
        permit=permit,
        applicant=applicant,
        photos=[(SimpleUploadedFile("rue.png", PNG), "image/png")],
        now=at(dt.date(2026, 6, 20)),
    )
    late = at(FIX_BY + dt.timedelta(days=1))
    assert repairs_watch_run(municipality=in_town, now=late)["repair_escalated"] == 0
    inspection_record(
        permit=permit,
        inspector=officer,
        result=Inspection.Result.ACCEPTED,
        notes="",
        fix_by=None,
        now=at(dt.date(2026, 6, 24)),
    )
    defects.refresh_from_db()
    assert defects.resolved_at == at(dt.date(2026, 6, 24))
    permit.refresh_from_db()
    assert permit.status == Status.CLOSED and permit.guarantee_until == dt.date(2028, 6, 24)


def test_the_end_of_the_guarantee_proposes_the_deposit_refund_once(
    in_town, settings_a, applicant, officer
):
    permit = _reinstated(in_town, applicant)
    deposit = deposit_hold(
        municipality=in_town,
        source_kind="permit",
        source_id=permit.pk,
        source_label=permit.reference,
        amount=Decimal("500.00"),
        held_since=dt.date(2026, 5, 20),
    )
    inspection_record(
        permit=permit,
        inspector=officer,
        result=Inspection.Result.ACCEPTED,
        notes="",
        fix_by=None,
        now=at(dt.date(2026, 6, 24)),
    )
    last_day = dt.date(2028, 6, 24)
    assert guarantee_watch_run(municipality=in_town, now=at(last_day, 23)) == {"guarantee_ended": 0}
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.HELD
    day_after = at(last_day + dt.timedelta(days=1))
    assert guarantee_watch_run(municipality=in_town, now=day_after) == {"guarantee_ended": 1}
    assert guarantee_watch_run(municipality=in_town, now=day_after) == {"guarantee_ended": 0}
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.REFUND_PROPOSED
    assert permit.reference in deposit.note
    permit.refresh_from_db()
    assert permit.guarantee_ended_at == day_after


def test_open_defects_keep_the_deposit(in_town, settings_a, applicant, officer):
    permit = _reinstated(in_town, applicant)
    _defects(permit, officer)
    # a file closed without follow-up while defects were open (the town's choice): no refund
    PermitRequest.objects.filter(pk=permit.pk).update(
        status=Status.ABANDONED, guarantee_until=dt.date(2026, 7, 1)
    )
    assert guarantee_watch_run(municipality=in_town, now=at(dt.date(2026, 7, 2))) == {
        "guarantee_ended": 0
    }


def test_an_inspection_accepted_on_29_february(in_town, settings_a, applicant, officer):
    permit = work(in_town, status=Status.REINSTATED, start=dt.date(2028, 2, 1), applicant=applicant)
    inspection_record(
        permit=permit,
        inspector=officer,
        result=Inspection.Result.ACCEPTED,
        notes="",
        fix_by=None,
        now=at(dt.date(2028, 2, 29)),
    )
    permit.refresh_from_db()
    assert permit.guarantee_until == dt.date(2030, 2, 28)
