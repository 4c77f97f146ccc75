"""Files on their way to an import: the preview with its column mapping, uploads in chunks that
resume after a dropped connection, their checks (offset, SHA-256, size, quota), other towns'
uploads, abandoned ones (issue 9)."""

import datetime as dt
import hashlib
import http.client
import json
import uuid
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.mobility.models import DataImport, PendingUpload
from commune.mobility.tasks import uploads_clean_all
from commune.tenants.scoping import scope

SEMICOLON = (
    "Zählstelle;Datum;Anzahl\n"
    "A1;2026-03-17 08:00;100,0\n"
    "A1;2026-03-17 09:00;1'200,0\n"
    "A1;2026-03-17 10:00;12x\n"
    "B2;2026-03-17 08:00;7\n"
).encode()


def member(town, role=Role.MOBILITY_ANALYST):
    user = UserFactory()
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role)
    return user


@pytest.fixture
def analyst_user(town_a):
    return member(town_a)


@pytest.fixture
def analyst(staff_client, analyst_user):
    client = staff_client(analyst_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def create_url(town):
    return reverse("mobility:upload-create", kwargs={"town": town.slug})


def start(client, town, content, *, name="comptages.csv", kind="counts"):
    response = client.post(
        create_url(town),
        {"name": name, "size": len(content), "kind": kind, "time_zone": "Europe/Zurich"},
    )
    return response


def put(client, url, offset, data):
    return client.generic(
        "PUT", f"{url}?offset={offset}", data, content_type="application/octet-stream"
    )


def uploads_of(town):
    with scope(town):
        return list(PendingUpload.objects.all())


def test_a_file_sent_in_chunks_is_checked_and_previewed(analyst, town_a, settings):
    # given chunks of 32 bytes
    settings.IMPORT_UPLOAD_CHUNK_BYTES = 32
    started = start(analyst, town_a, SEMICOLON)
    assert started.status_code == 201
    state = started.json()
    # when the file is sent chunk after chunk, then closed with its SHA-256
    offset = 0
    while offset < len(SEMICOLON):
        answer = put(analyst, state["url"], offset, SEMICOLON[offset : offset + 32])
        assert answer.status_code == 200, answer.content
        offset = answer.json()["offset"]
    closed = analyst.post(state["url"], {"sha256": hashlib.sha256(SEMICOLON).hexdigest()})
    # then the server holds the file once, whole, and gives the preview's address
    assert closed.status_code == 200
    assert closed.json()["complete"] is True
    [upload] = uploads_of(town_a)
    assert upload.path.read_bytes() == SEMICOLON
    page = analyst.get(closed.json()["preview"])
    assert page.status_code == 200
    html = page.content.decode()
    # the separator, decimal mark and columns are detected and preselected
    assert '<option value=";" selected>' in html
    assert '<option value="," selected>' in html
    assert '<option value="Zählstelle" selected>' in html
    assert '<option value="Anzahl" selected>' in html
    # and the rows are read as the import will read them
    assert "<td>1200</td>" in html
    assert "value “12x” is not a number, line 4, column count" in html


def test_a_chunk_at_the_wrong_offset_is_refused_with_what_the_server_holds(analyst, town_a):
    # given 10 bytes received
    state = start(analyst, town_a, SEMICOLON).json()
    put(analyst, state["url"], 0, SEMICOLON[:10])
    # when a chunk claims another offset
    answer = put(analyst, state["url"], 20, SEMICOLON[20:30])
    # then it is refused with the offset to go on from, and nothing is written
    assert answer.status_code == 409
    assert answer.json()["offset"] == 10
    assert analyst.get(state["url"]).json()["offset"] == 10


def test_a_file_whose_sha256_differs_is_refused_and_removed(analyst, town_a):
    # given a file sent whole
    state = start(analyst, town_a, SEMICOLON).json()
    put(analyst, state["url"], 0, SEMICOLON)
    # when closed with another hash
    answer = analyst.post(state["url"], {"sha256": hashlib.sha256(b"other").hexdigest()})
    # then
    assert answer.status_code == 422
    assert "damaged" in answer.json()["error"]
    assert uploads_of(town_a) == []


def test_an_upload_cannot_be_closed_before_all_its_bytes_arrived(analyst, town_a):
    state = start(analyst, town_a, SEMICOLON).json()
    put(analyst, state["url"], 0, SEMICOLON[:5])
    answer = analyst.post(state["url"], {"sha256": hashlib.sha256(SEMICOLON).hexdigest()})
    assert answer.status_code == 409
    assert answer.json()["offset"] == 5


def test_a_chunk_past_the_announced_size_or_the_chunk_limit_is_refused(analyst, town_a, settings):
    settings.IMPORT_UPLOAD_CHUNK_BYTES = 16
    state = start(analyst, town_a, b"0123456789").json()
    assert put(analyst, state["url"], 0, b"0123456789ABCDEF").status_code == 400
    assert put(analyst, state["url"], 0, b"0" * 17).status_code == 413
    assert analyst.get(state["url"]).json()["offset"] == 0


def test_size_cap_and_per_person_quota(analyst, town_a, settings):
    # given a cap of 100 bytes a file and 150 bytes a person
    settings.IMPORT_UPLOAD_MAX_BYTES = 100
    settings.IMPORT_UPLOAD_QUOTA_BYTES = 150
    # then a file of 101 bytes is refused, two of 80 pass the quota once
    assert start(analyst, town_a, b"x" * 101).status_code == 413
    assert start(analyst, town_a, b"x" * 80).status_code == 201
    refused = start(analyst, town_a, b"x" * 80)
    assert refused.status_code == 413
    assert "quota" in refused.json()["error"]


def login(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from commune.accounts.tests.factories import totp_device

    client = Client()
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_another_towns_or_another_persons_upload_is_not_found(analyst, town_a, town_b):
    # given an upload in town B and one of a colleague in town A
    state_b = start(login(member(town_b)), town_b, SEMICOLON).json()
    state_a = start(login(member(town_a)), town_a, SEMICOLON).json()
    assert state_b["id"] != state_a["id"]
    # then
    for state in (state_b, state_a):
        url = state["url"].replace(town_b.slug, town_a.slug)
        assert analyst.get(url).status_code == 404
        assert put(analyst, url, 0, b"x").status_code == 404
        assert analyst.get(url + "preview/").status_code == 404


@pytest.mark.clock
def test_uploads_left_alone_are_removed_by_the_worker(analyst, town_a, time_machine):
    # given an upload started a day and an hour ago, and one started now
    time_machine.move_to(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC), tick=False)
    old = start(analyst, town_a, SEMICOLON).json()
    put(analyst, old["url"], 0, SEMICOLON[:10])
    time_machine.move_to(dt.datetime(2026, 5, 5, 10, 0, tzinfo=dt.UTC), tick=False)
    start(analyst, town_a, SEMICOLON)
    [path_old] = [u.path for u in uploads_of(town_a) if u.pk == old["id"]]
    # when
    removed = uploads_clean_all.call()
    # then
    assert removed == 1
    assert [u.pk for u in uploads_of(town_a)] != [old["id"]]
    assert len(uploads_of(town_a)) == 1
    assert not path_old.exists()


def test_the_plain_form_leads_to_the_preview_and_the_import_runs_with_the_settings(
    transactional_db, analyst, town_a, django_capture_on_commit_callbacks
):
    # given a ;-separated file with decimal commas sent by the plain form
    response = analyst.post(
        reverse("mobility:import-list", kwargs={"town": town_a.slug}),
        {
            "kind": "counts",
            "file": SimpleUploadedFile("comptages.csv", SEMICOLON),
            "time_zone": "Europe/Zurich",
            "layout": "long",
            "submission_key": str(uuid.uuid4()),
            "action": "preview",
        },
    )
    assert response.status_code == 302
    preview_url = response["Location"]
    assert analyst.get(preview_url).status_code == 200
    # when the analyst starts the import with the detected settings
    with django_capture_on_commit_callbacks(execute=True):
        started = analyst.post(
            preview_url,
            {
                "delimiter": ";",
                "decimal": ",",
                "time_zone": "Europe/Zurich",
                "map_site": "Zählstelle",
                "map_timestamp": "Datum",
                "map_count": "Anzahl",
                "submission_key": str(uuid.uuid4()),
                "action": "import",
            },
        )
    # then the import runs with those options and the right totals
    assert started.status_code == 302
    with scope(town_a):
        [done] = DataImport.objects.all()
    assert done.options == {
        "delimiter": ";",
        "decimal": ",",
        "site": "Zählstelle",
        "timestamp": "Datum",
        "count": "Anzahl",
    }
    assert (done.status, done.rows_imported) == ("done", 3)
    assert [(q["line"], q["key"], q["params"]["value"]) for q in done.quarantine] == [
        (4, "value_not_number", "12x")
    ]
    assert uploads_of(town_a) == []  # the file moved to the import


def test_a_required_column_left_unmapped_is_asked_for(analyst, town_a):
    state = start(analyst, town_a, SEMICOLON).json()
    put(analyst, state["url"], 0, SEMICOLON)
    analyst.post(state["url"], {"sha256": hashlib.sha256(SEMICOLON).hexdigest()})
    answer = analyst.post(
        state["preview"],
        {
            "delimiter": ";",
            "decimal": ",",
            "time_zone": "Europe/Zurich",
            "map_site": "",
            "map_timestamp": "Datum",
            "map_count": "Anzahl",
            "submission_key": str(uuid.uuid4()),
            "action": "import",
        },
    )
    assert answer.status_code == 200
    assert "Choose the column that holds this." in answer.content.decode()
    with scope(town_a):
        assert not DataImport.objects.exists()


def test_a_connection_dropped_in_a_chunk_resumes_where_the_server_stands(
    live_server, transactional_db, town_a, analyst_user, staff_client, settings
):
    # given a live server and an upload of 3 chunks of 64 KiB
    settings.IMPORT_UPLOAD_CHUNK_BYTES = 64 * 1024
    content = bytes(range(256)) * 768  # 192 KiB
    client = staff_client(analyst_user)
    state = start(client, town_a, content).json()
    cookies = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    host = urlparse(live_server.url)
    assert put(client, state["url"], 0, content[: 64 * 1024]).status_code == 200
    # when the second chunk's connection drops after 20,000 of its 65,536 bytes
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    connection.putrequest("PUT", f"{state['url']}?offset={64 * 1024}")
    connection.putheader("Content-Length", str(64 * 1024))
    connection.putheader("Cookie", cookies)
    connection.putheader("Host", f"{town_a.slug}.localhost")
    connection.endheaders()
    connection.send(content[64 * 1024 : 64 * 1024 + 20_000])
    connection.sock.shutdown(2)
    connection.close()
    # then the server says how much it holds, and the rest is sent from there
    held = json.loads(client.get(state["url"]).content)["offset"]
    assert 64 * 1024 <= held <= 64 * 1024 + 20_000
    offset = held
    while offset < len(content):
        answer = put(client, state["url"], offset, content[offset : offset + 64 * 1024])
        offset = answer.json()["offset"]
    closed = client.post(state["url"], {"sha256": hashlib.sha256(content).hexdigest()})
    assert closed.status_code == 200, closed.content
    [upload] = uploads_of(town_a)
    assert upload.path.read_bytes() == content
