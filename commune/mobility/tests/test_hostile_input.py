"""Hostile input to the observatory and the imports: dates in year 9999 on the analyst's page,
the open page and every export; an intervention date in 9999; a file named .zip that is not
one. Each is refused with a message (400, or an import that fails and says why), never a 500."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commune.accounts.models import Role
from commune.mobility.models import DataImport, Evaluation
from commune.tenants.scoping import scope

from .test_observatory import member, write_data

NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
ANALYST_PAGES = [
    "mobility:observatory",
    "mobility:export-csv",
    "mobility:export-parquet",
    "mobility:export-geojson",
]
#: The public side publishes fixed periods only: free dates are not read at all.
OPEN_PAGES = [
    "mobility:observatory-open",
    "mobility:export-open-csv",
    "mobility:export-open-parquet",
    "mobility:export-open-geojson",
]
FAR_PERIODS = [
    {"start": "9999-12-31", "end": "9999-12-31"},
    {"start": "9999-01-01", "end": "9999-12-31"},
    {"start": "0001-01-01", "end": "0001-01-02"},
    {"start": "2026-01-05", "end": "9999-12-31"},
]


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def data_a(town_a):
    write_data(town_a, days=14)
    return town_a


@pytest.fixture
def analyst(staff_client, town_a):
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


@pytest.mark.parametrize("name", ANALYST_PAGES)
def test_a_period_in_year_9999_or_year_1_is_a_400_on_the_analyst_page_and_exports(
    analyst, data_a, name
):
    url = reverse(name, kwargs={"town": data_a.slug})
    for period in FAR_PERIODS:
        response = analyst.get(url, period)
        assert response.status_code == 400, (name, period, response.status_code)
        assert "Choisissez une date entre le" in response.content.decode(), (name, period)


@pytest.mark.parametrize("name", OPEN_PAGES)
def test_a_period_in_year_9999_never_gives_a_500_on_the_open_page_and_exports(data_a, name):
    url = reverse(name, kwargs={"town": data_a.slug})
    for query in [*FAR_PERIODS, {"period": "9999-12"}, {"period": "9999-W53"}]:
        response = Client(HTTP_ACCEPT_LANGUAGE="fr").get(url, query)
        assert response.status_code < 500, (name, query, response.status_code)


def evaluation_data(**overrides) -> dict:
    data = {
        "title": "Zone 30",
        "treated": ["P01"],
        "control": ["P03"],
        "intervention_date": "2026-01-12",
        "before_days": "7",
        "after_days": "7",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_an_intervention_in_year_9999_is_refused_and_nothing_is_saved(analyst, data_a, day):
    url = reverse("mobility:evaluation-list", kwargs={"town": data_a.slug})
    response = analyst.post(url, evaluation_data(intervention_date=day, after_days="366"))
    assert response.status_code == 400
    assert response.context["form"].errors["intervention_date"]
    with scope(data_a):
        assert not Evaluation.objects.exists()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _corrupt_member(archive: bytes) -> bytes:
    """A zip whose directory is intact but whose compressed data is garbage."""
    start = archive.index(b"PK\x03\x04") + 30 + len("stops.txt")
    return archive[:start] + b"\xff" * 40 + archive[start + 40 :]


NOT_ZIPS = {
    "text": b"stop_id,stop_name\n1,Gare\n",
    "zip header only": b"PK\x03\x04" + b"\x00" * 200,
    "empty archive": _zip({}),
    "not gtfs": _zip({"readme.txt": b"hello"}),
    "corrupt member": _corrupt_member(_zip({"stops.txt": b"stop_id,stop_name\n" * 500})),
}


@pytest.mark.parametrize("what", sorted(NOT_ZIPS))
def test_a_file_named_zip_that_is_not_a_timetable_is_refused_with_a_message(
    analyst, town_a, what, django_capture_on_commit_callbacks
):
    # when: uploaded, and the import job run
    url = reverse("mobility:import-list", kwargs={"town": town_a.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(
            url,
            {
                "kind": DataImport.Kind.GTFS,
                "file": SimpleUploadedFile("timetable.zip", NOT_ZIPS[what]),
                "time_zone": "Europe/Zurich",
                "submission_key": str(uuid.uuid4()),
            },
        )
    # then: refused on the form, or taken and failed with a reason — never a 500
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert response.context["form"].errors["file"]
        return
    with scope(town_a):
        data_import = DataImport.objects.get()
    assert data_import.status == DataImport.Status.FAILED, data_import.status
    assert data_import.error_message


# --- sensor messages ----------------------------------------------------------------------


def sensor_message(ts: str) -> bytes:
    return f'{{"sensor": "P1", "ts": "{ts}", "value": 1}}'.encode()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"[" * 50_000 + b"]" * 50_000, "bad_json"),
        (sensor_message("9999-12-31T23:59:59+00:00"), "bad_timestamp"),
        (sensor_message("0001-01-01T00:00:00+00:00"), "bad_timestamp"),
        (sensor_message("2026-12-06T10:00:00+00:00"), "bad_timestamp"),
    ],
)
def test_a_hostile_sensor_message_is_quarantined_and_the_export_still_runs(town_a, payload, reason):
    # given: a sensor of the town, and one good reading
    from commune.mobility.models import QuarantinedMessage
    from commune.mobility.services.exports import readings_export
    from commune.mobility.services.readings import Outcome, message_receive

    from .factories import SensorFactory

    topic = "commune/pully/sensors/P1/readings"
    with scope(town_a):
        SensorFactory(municipality=town_a, external_id="P1")
    message_receive(topic=topic, payload=sensor_message("2026-12-04T09:00:00+00:00"))
    # when
    outcome = message_receive(topic=topic, payload=payload)
    # then: quarantined with its reason, and the town's readings still export
    assert outcome == Outcome.QUARANTINED
    with scope(town_a):
        assert QuarantinedMessage.objects.get().reason == reason
    assert readings_export(municipality=town_a, full=True) == 1
