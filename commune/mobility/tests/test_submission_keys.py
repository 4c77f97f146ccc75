"""Submission keys of imports and evaluations belong to the person who sends the form (issue 7):
a colleague who sends the same key gets a job of their own, never the first person's."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from commune.accounts.models import Role
from commune.mobility.models import DataImport, Evaluation
from commune.mobility.services.evaluations import evaluation_submit
from commune.tenants.scoping import scope

from .test_import_views import COUNTS, detail_url, list_url, member


def _upload(client, town, key, name):
    return client.post(
        list_url(town),
        {
            "kind": "counts",
            "file": SimpleUploadedFile(name, COUNTS),
            "time_zone": "Europe/Zurich",
            "layout": "long",
            "submission_key": str(key),
        },
    )


def test_an_import_key_sent_by_a_colleague_makes_their_own_import(staff_client, town_a):
    # given: analyst B uploaded a file under a key
    key = uuid.uuid4()
    b = member(town_a, Role.MOBILITY_ANALYST)
    a = member(town_a, Role.MOBILITY_ANALYST)
    _upload(staff_client(b), town_a, key, "b.csv")
    # when: analyst A sends their own file with the same key
    response = _upload(staff_client(a), town_a, key, "a.csv")
    # then: A's file is recorded as A's import, and A is sent to it, not to B's
    with scope(town_a):
        mine = DataImport.objects.get(uploaded_by=a)
        theirs = DataImport.objects.get(uploaded_by=b)
    assert (mine.source_name, theirs.source_name) == ("a.csv", "b.csv")
    assert response["Location"] == detail_url(town_a, mine)


def test_an_import_key_sent_twice_by_its_owner_is_still_one_import(staff_client, town_a):
    key = uuid.uuid4()
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    first = _upload(client, town_a, key, "a.csv")
    second = _upload(client, town_a, key, "a.csv")
    with scope(town_a):
        [only] = DataImport.objects.all()
    assert first["Location"] == second["Location"] == detail_url(town_a, only)


def _evaluate(town, user, key, title):
    with scope(town):
        return evaluation_submit(
            municipality=town,
            title=title,
            treated=["P01"],
            control=["P07"],
            intervention_date=dt.date(2026, 3, 2),
            before_days=28,
            after_days=28,
            requested_by=user,
            submission_key=key,
        )


def test_an_evaluation_key_sent_by_a_colleague_makes_their_own_evaluation(town_a):
    # given: analyst B asked for an evaluation under a key
    key = uuid.uuid4()
    b = member(town_a, Role.MOBILITY_ANALYST)
    a = member(town_a, Role.MOBILITY_ANALYST)
    theirs = _evaluate(town_a, b, key, "Évaluation de B")
    # when: analyst A asks for another with the same key
    mine = _evaluate(town_a, a, key, "Évaluation de A")
    # then: A gets their own evaluation; B's is not handed over
    assert mine.pk != theirs.pk
    assert (mine.requested_by, mine.title) == (a, "Évaluation de A")
    with scope(town_a):
        assert Evaluation.objects.count() == 2
    # and: B's own retry still finds B's
    assert _evaluate(town_a, b, key, "Évaluation de B").pk == theirs.pk
