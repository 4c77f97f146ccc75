"""GTFS timetables from the web page and the command line (issue 9): the service date asked
(an ISO date box, a default inside the feed's calendar), a day outside the feed refused with its
validity, a feed whose stops are far from the town refused, and the departures page.

The real Cairns feed (analytics/tests/data, see ATTRIBUTION.md) is read as published, and also
moved stop by stop onto the test town (every stop shifted by the same offset), so that a Swiss
town's territory holds a real network."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from commune.accounts.models import Role
from commune.mobility.models import DataImport
from commune.mobility.services import import_create, import_run
from commune.tenants.scoping import scope

from .test_import_views import imports_of, list_url, member

CAIRNS = Path(__file__).parents[3] / "analytics" / "tests" / "data" / "cairns_gtfs.zip"
PIER = "750449"  # The Pier Cairns - Terminus Stop E


def moved_onto(town, path: Path) -> Path:
    """The Cairns feed with its busiest stop at the centre of `town` and every stop moved by the
    same offset."""
    centre = town.territory.centroid.transform(4326, clone=True)
    with zipfile.ZipFile(CAIRNS) as source:
        members = {name: source.read(name) for name in source.namelist()}
    stops = list(csv.DictReader(io.StringIO(members["stops.txt"].decode("utf-8-sig"))))
    pier = next(s for s in stops if s["stop_id"] == PIER)
    dlat = centre.y - float(pier["stop_lat"])
    dlon = centre.x - float(pier["stop_lon"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(stops[0]))
    writer.writeheader()
    for stop in stops:
        stop["stop_lat"] = f"{float(stop['stop_lat']) + dlat:.6f}"
        stop["stop_lon"] = f"{float(stop['stop_lon']) + dlon:.6f}"
        writer.writerow(stop)
    members["stops.txt"] = out.getvalue().encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as moved:
        for name, content in members.items():
            moved.writestr(name, content)
    return path


def pier_departures_by_hand(day_services: set[str]) -> int:
    with zipfile.ZipFile(CAIRNS) as archive:
        trips = csv.DictReader(io.TextIOWrapper(archive.open("trips.txt"), "utf-8-sig"))
        running = {t["trip_id"] for t in trips if t["service_id"] in day_services}
        times = csv.DictReader(io.TextIOWrapper(archive.open("stop_times.txt"), "utf-8-sig"))
        return sum(1 for r in times if r["stop_id"] == PIER and r["trip_id"] in running)


def imported(town, path: Path, **options) -> DataImport:
    with scope(town):
        data_import = import_create(
            municipality=town, kind="gtfs", source_name=path.name, options=options
        )
        return import_run(data_import=data_import, path=path)


@pytest.fixture
def analyst(staff_client, town_a):
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def departures_url(town, **query):
    url = reverse("mobility:departures", kwargs={"town": town.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_upload_form_asks_for_the_service_date_in_an_iso_date_box(analyst, town_a):
    page = analyst.get(list_url(town_a)).content.decode()
    assert 'type="date" name="service_date"' in page


def test_a_web_upload_without_a_date_imports_the_feeds_first_tuesday(
    transactional_db, analyst, town_a, tmp_path, django_capture_on_commit_callbacks
):
    # (transactional: the import runs in a child process, which sees committed rows only)
    feed = moved_onto(town_a, tmp_path / "horaire.zip")
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(
            list_url(town_a),
            {
                "kind": "gtfs",
                "file": SimpleUploadedFile("horaire.zip", feed.read_bytes()),
                "time_zone": "Europe/Zurich",
                "service_date": "",
                "submission_key": str(uuid.uuid4()),
            },
        )
    [done] = imports_of(town_a)
    assert response.status_code == 302
    assert done.status == "done", done.error_message
    page = analyst.get(response["Location"]).content.decode()
    assert "Departures of May 27, 2014 (the timetable runs from May 26, 2014 to Dec. 28" in page
    assert done.rows_imported > 0


def test_a_web_upload_with_a_date_reads_that_day(analyst, town_a, tmp_path):
    # given the date box's value (ISO)
    feed = moved_onto(town_a, tmp_path / "horaire.zip")
    response = analyst.post(
        list_url(town_a),
        {
            "kind": "gtfs",
            "file": SimpleUploadedFile("horaire.zip", feed.read_bytes()),
            "time_zone": "Europe/Zurich",
            "service_date": "2014-06-10",
            "submission_key": str(uuid.uuid4()),
        },
    )
    [queued] = imports_of(town_a)
    assert response.status_code == 302
    assert queued.options == {"service_date": "2014-06-10"}


def test_a_day_outside_the_feed_fails_the_import_with_the_feeds_validity(
    town_a, tmp_path, settings
):
    done = imported(town_a, moved_onto(town_a, tmp_path / "h.zip"), service_date="2026-03-17")
    assert done.status == "failed"
    with translation.override("en"):
        assert done.error_message == (
            "The file could not be imported: h.zip: the timetable runs from May 26, 2014 to "
            "Dec. 28, 2014; March 17, 2026 is outside it. Choose a service date in that range."
        )
    assert not (settings.WAREHOUSE_DIR / str(town_a.pk) / "departures").exists()


def test_the_real_cairns_feed_is_refused_for_a_swiss_town(town_a, tmp_path, settings):
    done = imported(town_a, CAIRNS, service_date="2014-06-10")
    assert done.status == "failed"
    assert done.error_key == "import.refused"
    assert done.error_params["code"] == "gtfs_no_stop_in_town"
    assert not (settings.WAREHOUSE_DIR / str(town_a.pk) / "departures").exists()


def test_the_departures_page_shows_the_pier_per_hour_as_the_files_say(
    analyst, town_a, town_b, staff_client, tmp_path
):
    # given the departures of Tuesday 10 June 2014 (only the weekday service runs)
    done = imported(town_a, moved_onto(town_a, tmp_path / "h.zip"), service_date="2014-06-10")
    assert done.status == "done"
    total = pier_departures_by_hand({"CNS2014-CNS_MUL-Weekday-00"})
    # when
    page = analyst.get(departures_url(town_a, stop="Pier")).content.decode()
    # then
    assert "The Pier Cairns - Terminus Stop E <small>(750449)</small></th>" in page
    assert f"<td>{total}</td>" in page
    # and another town's staff sees none of it
    other = staff_client(member(town_b, Role.MOBILITY_ANALYST))
    other.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    elsewhere = other.get(departures_url(town_b)).content.decode()
    assert "No timetable has been imported yet" in elsewhere
    assert "Pier" not in elsewhere


def test_a_day_not_stored_is_a_clear_400(analyst, town_a, tmp_path):
    imported(town_a, moved_onto(town_a, tmp_path / "h.zip"), service_date="2014-06-10")
    response = analyst.get(departures_url(town_a, date="2014-06-11"))
    assert response.status_code == 400
    assert "No departures are stored for this day" in response.content.decode()
    assert analyst.get(departures_url(town_a, date="nonsense")).status_code == 400


def test_the_command_without_a_date_imports_the_default_day(town_a, tmp_path):
    out = io.StringIO()
    feed = moved_onto(town_a, tmp_path / "h.zip")
    call_command(
        "mobility_import",
        str(feed),
        "--municipality",
        town_a.slug,
        "--kind",
        "gtfs",
        "--language",
        "en",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Departures of May 27, 2014" in out.getvalue()


def test_the_command_refuses_a_date_it_cannot_read_clearly(town_a, tmp_path):
    # (the option is read before --language applies: in the active language, here French)
    with (
        translation.override("fr"),
        pytest.raises(CommandError, match="n'est pas une date : écrivez-la AAAA-MM-JJ"),
    ):
        call_command(
            "mobility_import",
            str(CAIRNS),
            "--municipality",
            town_a.slug,
            "--kind",
            "gtfs",
            "--service-date",
            "10.06.2014",
        )
