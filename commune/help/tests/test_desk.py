"""The coordinator's desk over HTTP: a request entered for someone who called, followed to its
end with a call-back day (the list shows the calls due today, the town's date), a helper who
called recorded, a neighbour verified at the counter, the letters printed as a PDF in large
type whose codes then work."""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.utils import timezone
from pypdf import PdfReader

from commune.help.models import Caller, Neighbour, Post
from commune.help.services import neighbours

from .conftest import neighbour

pytestmark = pytest.mark.clock


@pytest.fixture
def desk(staff_client, coordinator):
    return staff_client(coordinator)


def test_a_phone_request_for_a_new_caller_is_entered_once(desk, rosiaz):
    form = desk.get("/pully/help/desk/phone/")
    key = re.search(r'name="key" value="([^"]+)"', form.content.decode()).group(1)
    values = {
        "name": "Germaine Pittet",
        "phone": "+41 21 555 99 99",
        "address": "Chemin de la Rosiaz 7",
        "neighbourhood": rosiaz.pk,
        "channel": "phone",
        "direction": "request",
        "category": "visit",
        "title": "Une visite le jeudi",
        "follow_up_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "key": key,
    }
    first = desk.post("/pully/help/desk/phone/", values)
    second = desk.post("/pully/help/desk/phone/", values)
    assert first.status_code == second.status_code == 302
    post = Post.objects.get()
    assert first["Location"] == f"/pully/help/desk/posts/{post.pk}/"
    assert post.caller.name == "Germaine Pittet" and post.author is None
    assert post.status == "open"
    assert Caller.objects.count() == 1


def test_a_phone_request_without_a_name_says_so_and_saves_nothing(desk, rosiaz):
    response = desk.post(
        "/pully/help/desk/phone/",
        {"neighbourhood": rosiaz.pk, "direction": "request", "category": "visit", "title": "x"},
    )
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()
    assert Post.objects.count() == 0 and Caller.objects.count() == 0


def _caller_post(caller, coordinator, **extra) -> Post:
    return Post.objects.create(
        municipality=caller.municipality,
        caller=caller,
        neighbourhood=caller.neighbourhood,
        location=caller.location,
        category="visit",
        title=extra.pop("title", "Visite"),
        created_by=coordinator,
        **extra,
    )


def test_the_desk_lists_the_calls_due_today_in_the_towns_date(
    desk, caller, coordinator, time_machine
):
    # 23:30 UTC on 9 November is already 10 November in Zurich
    time_machine.move_to(dt.datetime(2026, 11, 9, 23, 30, tzinfo=dt.UTC), tick=False)
    _caller_post(
        caller, coordinator, title="Rappel aujourd'hui", follow_up_on=dt.date(2026, 11, 10)
    )
    _caller_post(caller, coordinator, title="Rappel demain", follow_up_on=dt.date(2026, 11, 11))
    _caller_post(
        caller,
        coordinator,
        title="Rappel fini",
        follow_up_on=dt.date(2026, 11, 9),
        status="done",
    )
    body = desk.get("/pully/help/desk/").content.decode()
    due = body.split('id="due-title"')[1].split("</section>")[0]
    assert "Rappel aujourd&#x27;hui" in due
    assert "Rappel demain" not in due and "Rappel fini" not in due


def test_the_coordinator_records_a_helper_who_called_then_closes_it(desk, caller, coordinator):
    post = _caller_post(caller, coordinator)
    url = f"/pully/help/desk/posts/{post.pk}/"
    desk.post(url, {"action": "helper", "name": "Jean Voisin", "phone": "079 000 00 00"})
    post.refresh_from_db()
    assert post.status == "matched" and post.partner_caller.name == "Jean Voisin"
    day = timezone.localdate() + dt.timedelta(days=10)
    desk.post(url, {"action": "follow_up", "day": day.isoformat()})
    post.refresh_from_db()
    assert post.follow_up_on == day
    desk.post(url, {"action": "close", "target": "done"})
    post.refresh_from_db()
    assert post.status == "done"
    # a move outside the table is refused with a message, nothing changes
    response = desk.post(url, {"action": "close", "target": "open"}, follow=True)
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.status == "done"


def test_the_coordinator_accepts_a_neighbours_answer_for_the_caller(
    desk, caller, coordinator, bruno
):
    post = _caller_post(caller, coordinator)
    answer = post.answers.create(municipality=post.municipality, neighbour=bruno)
    desk.post(f"/pully/help/desk/posts/{post.pk}/", {"action": "accept", "answer": answer.pk})
    post.refresh_from_db()
    assert post.status == "matched" and post.partner == bruno


def test_no_one_found_closes_an_open_request(desk, caller, coordinator):
    post = _caller_post(caller, coordinator)
    desk.post(f"/pully/help/desk/posts/{post.pk}/", {"action": "close", "target": "no_one_found"})
    post.refresh_from_db()
    assert post.status == "no_one_found"


def test_verified_at_the_counter_only_with_the_id_checked(desk, rosiaz):
    pending = neighbour(rosiaz, "Paul Pending", verified=False)
    url = f"/pully/help/desk/neighbours/{pending.pk}/verify/"
    desk.post(url, {})
    pending.refresh_from_db()
    assert not pending.is_verified
    desk.post(url, {"id_checked": "on", "east": "2540321", "north": "1151234"})
    pending.refresh_from_db()
    assert pending.is_verified and pending.channel == "counter"
    assert (pending.location.x, pending.location.y) == (2540321, 1151234)


def _font_sizes(pdf: bytes) -> list[float]:
    sizes = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.append(font_size * abs(tm[3]) * abs(cm[3]))

    for pdf_page in PdfReader(io.BytesIO(pdf)).pages:
        pdf_page.extract_text(visitor_text=visit)
    return sizes


def test_the_letters_pdf_is_large_print_and_its_codes_work(desk, rosiaz, client):
    # given: two residents waiting for a letter, one at the counter (no letter)
    paul = neighbour(rosiaz, "Paul Pending", verified=False)
    neighbour(rosiaz, "Rita Rue", verified=False)
    neighbour(rosiaz, "Claire Guichet", verified=False, channel="counter")
    # when
    response = desk.post("/pully/help/desk/letters/")
    # then: two pages, rendered by poppler, no text under 14 pt
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Paul Pending" in text and "Claire Guichet" not in text
    sizes = _font_sizes(pdf)
    assert sizes and min(sizes) >= 14
    # the code printed for Paul verifies his address
    page_of_paul = text.split("Paul Pending")[1]
    code = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", page_of_paul).group(1)
    assert code not in "".join(paul.codes.values_list("code_hash", flat=True))
    neighbours.code_enter(neighbour=paul, typed=code, now=paul.codes.get().created_at)
    assert Neighbour.objects.get(pk=paul.pk).is_verified
    # and the page of addresses to verify has no letter left to print
    page = desk.get("/pully/help/desk/neighbours/").content.decode()
    assert 'action="/pully/help/desk/letters/"' not in page
