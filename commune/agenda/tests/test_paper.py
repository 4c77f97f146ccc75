"""The agenda on paper, read back by poppler (pdftotext, pdftoppm) and pypdf: the weekly
large-print agenda has no text under 14 pt, marks cancelled and moved dates, groups by
neighbourhood and holds only this town's public dates; the poster's QR code (read by zbarimg)
opens the event's page."""

import datetime as dt
import io
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from commune.agenda.models import DateChange
from commune.agenda.paper import MIN_PT, QR_SIZE
from commune.tenants.links import absolute_url
from commune.tenants.scoping import scope

from .conftest import NOW, at
from .factories import EventFactory, VenueFactory

pytestmark = pytest.mark.clock

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def url(name, town="pully", **kwargs):
    return reverse(f"agenda:{name}", kwargs={"town": town, **kwargs})


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def font_sizes(pdf: bytes) -> list[float]:
    """The size of every piece of text as drawn (font size × text and page matrices)."""
    sizes = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.append(font_size * abs(tm[3]) * abs(cm[3]))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.fixture
def week(in_town, town_b, venue):
    """The week of Monday 12 October 2026 in Pully: a weekly Wednesday (Rosiaz) with its
    14 October cancelled, a one-off of 8 October moved to Friday 16 (Centre), a Thursday
    whose 15 October moved to Friday of the next week (Centre), a draft; Lutry's event that week."""
    tea = EventFactory(
        municipality=in_town, venue=venue, title="Thé dansant", neighbourhood="Rosiaz"
    )
    DateChange.objects.create(
        municipality=in_town, event=tea, original_start=at(2026, 10, 14), cancelled=True
    )
    market = EventFactory(
        municipality=in_town,
        venue=venue,
        title="Marché aux livres",
        neighbourhood="Centre",
        rrule="",
        starts_at=at(2026, 10, 8, 9),
        price_kind="amount",
        price_amount="5.00",
    )
    DateChange.objects.create(
        municipality=in_town,
        event=market,
        original_start=at(2026, 10, 8, 9),
        starts_at=at(2026, 10, 16, 10),
    )
    choir = EventFactory(
        municipality=in_town,
        venue=venue,
        title="Chorale",
        neighbourhood="Centre",
        starts_at=at(2026, 10, 8, 18),
        rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=5",
    )
    DateChange.objects.create(
        municipality=in_town,
        event=choir,
        original_start=at(2026, 10, 15, 18),
        starts_at=at(2026, 10, 23, 18),
    )
    EventFactory(municipality=in_town, venue=venue, title="Brouillon secret", status="draft")
    with scope(town_b):
        EventFactory(municipality=town_b, title="Loto de Lutry", neighbourhood="Rosiaz")
    return in_town


def test_the_weekly_agenda_is_large_print_by_neighbourhood_with_changes_marked(client, week):
    # when
    response = client.get(url("paper-week") + "?start=2026-10-12", **ENGLISH)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    sizes = font_sizes(pdf)
    assert sizes and min(sizes) >= MIN_PT == 14
    assert max(sizes) > 20  # titles larger
    text = pdf_text(pdf)
    assert "Agenda of Pully" in text
    # by neighbourhood (alphabetical), then by day
    assert text.index("Centre") < text.index("Rosiaz")
    assert text.index("Marché aux livres") < text.index("Thé dansant")
    # the cancelled Wednesday said so, the moved dates too
    assert "CANCELLED — 14:00–16:00 Thé dansant" in text
    assert "Instead of Thursday 8 October 2026, 09:00".lower() in text.lower()
    assert "MOVED — 18:00–20:00 Chorale — now on Friday 23 October 2026, 18:00" in text
    # venue, address, accessibility in words, price
    assert "Maison pour Tous, Avenue du Prieuré 2, 1009 Pully" in text
    assert "step-free access" in text and "hearing loop" in text
    assert "CHF 5.00" in text and "Free" in text
    # another town's event and a draft are not printed
    assert "Loto de Lutry" not in text
    assert "Brouillon secret" not in text


def test_the_weekly_agenda_outside_its_week_has_other_dates(client, week):
    # the next week: the Thursday moved there appears at its new time, nothing cancelled
    text = pdf_text(client.get(url("paper-week") + "?start=2026-10-19", **ENGLISH).content)
    assert "Friday 23 October 2026 18:00–20:00 Chorale Moved — instead of Thursday 15" in text
    assert "CANCELLED" not in text and "Marché aux livres" not in text
    # in French (the default), day names inside a sentence are in lower case
    french = pdf_text(client.get(url("paper-week") + "?start=2026-10-19").content)
    assert "Du lundi 19 octobre 2026 au dimanche 25 octobre 2026" in french
    assert "Déplacé — au lieu du jeudi 15 octobre 2026, 18:00" in french


def test_a_wrong_week_is_a_clear_error_not_a_500(client, week):
    response = client.get(url("paper-week") + "?start=31.02.2026", **ENGLISH)
    assert response.status_code == 400
    assert "Wrong date" in response.content.decode()
    far = client.get(url("paper-week") + "?start=2099-01-05", **ENGLISH)
    assert far.status_code == 400 and "Choose a date between" in far.content.decode()


def test_the_moderators_page_chooses_the_week_and_links_posters(
    staff_client, client, week, moderator, member
):
    # an anonymous visitor is sent to log in, an association's member is refused
    assert client.get(url("paper")).status_code == 302
    client.force_login(member)
    assert client.get(url("paper")).status_code == 403
    client.logout()
    # given
    page = staff_client(moderator).get(url("paper") + "?start=2026-10-12", **ENGLISH)
    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert url("paper-week") + "?start=2026-10-12" in html
    assert "Thé dansant" in html and "Loto de Lutry" not in html
    assert "Brouillon secret" not in html


def read_qr(pdf: bytes, folder) -> str:
    document = folder / "poster.pdf"
    document.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", document, folder / "page"], check=True)
    picture = sorted(folder.glob("page*.png"))[0]
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(picture)],
        capture_output=True,
        check=False,
    )
    return done.stdout.decode().strip()


def test_the_poster_s_qr_code_opens_the_event_page(client, week, tmp_path):
    # given
    with scope(week):
        event = EventFactory(
            municipality=week, title="Atelier mémoire", organisation=None, neighbourhood="Centre"
        )
    # when
    response = client.get(url("poster", event_id=event.pk), **ENGLISH)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    expected = absolute_url(url("event", event_id=event.pk), municipality=week)
    assert read_qr(response.content, tmp_path) == expected
    text = pdf_text(response.content)
    assert "Atelier mémoire" in text
    assert "Every week on Wednesday at 14:00, 10 times" in text
    assert "Wednesday 7 October 2026, 14:00–16:00" in text
    assert "Organiser: Pully" in text and "Price: Free" in text
    assert expected in text
    assert min(font_sizes(response.content)) >= MIN_PT
    assert QR_SIZE > 50  # points: about 2 cm and more, scannable from a distance


def test_a_poster_of_another_town_or_a_draft_is_404(client, week, town_b):
    with scope(town_b):
        lutry = EventFactory(municipality=town_b, venue=VenueFactory(municipality=town_b))
    with scope(week):
        draft = EventFactory(municipality=week, status="draft")
    assert client.get(url("poster", event_id=lutry.pk)).status_code == 404
    assert client.get(url("poster", event_id=draft.pk)).status_code == 404
    assert client.get(url("poster", town="lutry", event_id=lutry.pk)).status_code == 200


def test_the_week_starts_today_by_default(client, week):
    # NOW is 1 September 2026: nothing of October in the default seven days
    text = pdf_text(client.get(url("paper-week"), **ENGLISH).content)
    assert "Tuesday 1 September 2026" in text
    assert "No activity this week." in text
    assert dt.date(2026, 9, 1) == NOW.date()


@pytest.mark.parametrize(
    ("rrule", "rdates", "expected"),
    [
        ("FREQ=MONTHLY;BYDAY=1TU;COUNT=12", [], "Every month, the 1st Tuesday at 14:00, 12 times"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20261231T225959Z",
            [],
            "Every 2 weeks on Monday, Thursday at 14:00, until 31 December 2026",
        ),
        ("", ["2026-10-20T14:00"], "On chosen dates at 14:00"),
        ("", [], "Wednesday 7 October 2026, 14:00–16:00"),
        ("FREQ=MONTHLY;BYMONTHDAY=7", [], "Wednesday 7 October 2026, 14:00–16:00"),
    ],
)
def test_the_poster_says_the_rule_in_words(in_town, venue, rrule, rdates, expected):
    from django.utils import translation

    from commune.agenda.paper import rule_text

    event = EventFactory.build(municipality=in_town, venue=venue, rrule=rrule, rdates=rdates)
    with translation.override("en"):
        assert rule_text(event) == expected
