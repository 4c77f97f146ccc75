"""Who may open which permit document: the whole matrix of people × documents, against the
real views. Documents are for the applicant, the colleagues of its organisation and the file's
permit staff (the town's permit officers and administrators; a service's reviewers once the
file was routed to their service). Drafts belong to the applicant alone. Outsiders get 404
(nobody learns which ids exist); the town's other staff get 403."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.permits.models import Attachment, Finding, PermitRequest, ReviewTask
from commune.permits.tests.factories import ReviewTaskFactory
from commune.permits.tests.public_helpers import work
from commune.tenants.models import Department
from commune.tenants.scoping import scope

Status = PermitRequest.Status
JUNE = dt.date(2026, 6, 1)


@dataclass
class World:
    town: object
    other_town: object
    people: dict
    in_review: PermitRequest
    granted: PermitRequest
    draft: PermitRequest
    files: dict  # permit -> its attachment


def _attachment(town, permit, name="plan.pdf") -> Attachment:
    attachment = Attachment(
        municipality=town,
        permit=permit,
        name=name,
        mime_type="application/pdf",
        size=15,
        purpose=Attachment.Purpose.PLAN,
    )
    attachment.file.save(name, ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    attachment.save()
    return attachment


def _member(town, role, department=None):
    user = UserFactory(kind="staff")
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role, department=department)
    return user


@pytest.fixture
def world(town_a, town_b) -> World:
    org, other_org = OrganisationFactory(), OrganisationFactory()
    applicant, colleague, stranger_in_org = UserFactory(), UserFactory(), UserFactory()
    add_member(org, applicant)
    add_member(org, colleague)
    add_member(other_org, stranger_in_org)
    with scope(town_a):
        roads = Department.objects.create(municipality=town_a, code="roads", name="Routes")
        parks = Department.objects.create(municipality=town_a, code="parks", name="Parcs")
        common = {"applicant": applicant, "organisation": org, "start": JUNE}
        in_review = work(town_a, status=Status.IN_REVIEW, **common)
        granted = work(town_a, status=Status.GRANTED, dx=300, **common)
        draft = work(town_a, status=Status.DRAFT, dx=500, **common)
        ReviewTaskFactory(municipality=town_a, permit=in_review, department=roads)
        ReviewTaskFactory(
            municipality=town_a,
            permit=granted,
            department=roads,
            status=ReviewTask.Status.ANSWERED,
            opinion=ReviewTask.Opinion.FAVOURABLE,
        )
        files = {p.pk: _attachment(town_a, p) for p in (in_review, granted, draft)}
    platform_admin = UserFactory(kind="staff", is_superuser=True, is_staff=True)
    people = {
        "anonymous": None,
        "citizen": UserFactory(),
        "applicant": applicant,
        "colleague": colleague,
        "other_organisation": stranger_in_org,
        "permit_officer": _member(town_a, Role.PERMIT_OFFICER),
        "routed_reviewer": _member(town_a, Role.SERVICE_REVIEWER, roads),
        "other_reviewer": _member(town_a, Role.SERVICE_REVIEWER, parks),
        "mobility_analyst": _member(town_a, Role.MOBILITY_ANALYST),
        "agenda_moderator": _member(town_a, Role.AGENDA_MODERATOR),
        "municipality_admin": _member(town_a, Role.MUNICIPALITY_ADMIN),
        "platform_admin": platform_admin,
        "other_town_officer": _member(town_b, Role.PERMIT_OFFICER),
    }
    return World(town_a, town_b, people, in_review, granted, draft, files)


def _as(person: str, world: World, client, staff_client):
    user = world.people[person]
    if user is None:
        return client
    if user.kind == "staff":
        return staff_client(user)  # staff have passed the second factor
    client.force_login(user)
    return client


DOCUMENTS = {
    "plan_in_review": lambda w: f"permits/{w.in_review.pk}/files/{w.files[w.in_review.pk].pk}/",
    "plan_granted": lambda w: f"permits/{w.granted.pk}/files/{w.files[w.granted.pk].pk}/",
    "permit_pdf": lambda w: f"works/documents/{w.granted.pk}/permit.pdf",
    "invoice_pdf": lambda w: f"works/documents/{w.granted.pk}/invoice.pdf",
    "draft_page": lambda w: f"permits/{w.draft.pk}/",
    "draft_plan": lambda w: f"permits/{w.draft.pk}/files/{w.files[w.draft.pk].pk}/",
}

LOGIN = 302
#: person -> expected status for each document, in the order of DOCUMENTS.
MATRIX = {
    "anonymous": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    "citizen": (404, 404, 404, 404, 404, 404),
    "applicant": (200, 200, 200, 200, 200, 200),
    "colleague": (200, 200, 200, 200, 200, 200),
    "other_organisation": (404, 404, 404, 404, 404, 404),
    "permit_officer": (200, 200, 200, 200, 404, 404),
    "routed_reviewer": (200, 200, 200, 200, 404, 404),
    "other_reviewer": (403, 403, 403, 403, 404, 404),
    "mobility_analyst": (403, 403, 403, 403, 404, 404),
    "agenda_moderator": (403, 403, 403, 403, 404, 404),
    "municipality_admin": (200, 200, 200, 200, 404, 404),
    "platform_admin": (404, 404, 404, 404, 404, 404),
    "other_town_officer": (404, 404, 404, 404, 404, 404),
}
CASES = [
    pytest.param(person, document, expected, id=f"{person}-{document}")
    for person, row in MATRIX.items()
    for document, expected in zip(DOCUMENTS, row, strict=True)
]


@pytest.mark.parametrize(("person", "document", "expected"), CASES)
def test_who_may_open_which_permit_document(
    world, client, staff_client, person, document, expected
):
    # given the person, logged in (staff with their second factor)
    http = _as(person, world, client, staff_client)

    # when they open the document in the permit's town
    response = http.get(f"/pully/{DOCUMENTS[document](world)}")

    # then
    assert response.status_code == expected
    if expected == LOGIN:
        assert response["Location"].startswith("/accounts/login/")
    if expected == 200 and document != "draft_page":
        assert response["Cache-Control"] == "private, no-store"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(b"%PDF")


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_another_towns_document_is_a_404_even_for_its_own_staff_elsewhere(
    world, staff_client, document
):
    # given Lutry's permit officer, asking for Pully's documents under Lutry's address
    http = staff_client(world.people["other_town_officer"])

    # then Lutry has no such permit
    assert http.get(f"/lutry/{DOCUMENTS[document](world)}").status_code == 404


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_the_applicant_cannot_reach_its_documents_through_another_town(world, client, document):
    client.force_login(world.people["applicant"])
    assert client.get(f"/lutry/{DOCUMENTS[document](world)}").status_code == 404


STAFF_PAGES = {
    "in_review": lambda w: w.in_review,
    "granted": lambda w: w.granted,
    "draft": lambda w: w.draft,
}
#: The staff page of a file (it lists the documents): drafts exist for nobody on staff.
STAFF_MATRIX = {
    "permit_officer": (200, 200, 404),
    "routed_reviewer": (200, 200, 404),
    "other_reviewer": (403, 403, 404),
    "municipality_admin": (200, 200, 404),
    "mobility_analyst": (403, 403, 403),
    "agenda_moderator": (403, 403, 403),
}


@pytest.mark.parametrize(
    ("person", "page", "expected"),
    [
        pytest.param(person, page, expected, id=f"{person}-{page}")
        for person, row in STAFF_MATRIX.items()
        for page, expected in zip(STAFF_PAGES, row, strict=True)
    ],
)
def test_who_may_open_a_files_staff_page(world, staff_client, person, page, expected):
    http = staff_client(world.people[person])
    permit = STAFF_PAGES[page](world)
    assert http.get(f"/pully/permits/staff/{permit.pk}/").status_code == expected


def test_a_service_removed_from_the_review_loses_the_documents(world, staff_client):
    # given the roads service removed from the file in review by the officer
    with scope(world.town):
        ReviewTask.objects.filter(permit=world.in_review).update(status=ReviewTask.Status.CANCELLED)
    http = staff_client(world.people["routed_reviewer"])

    # then its reviewer may no longer open the file, its plan or the removed review's page
    assert http.get(f"/pully/{DOCUMENTS['plan_in_review'](world)}").status_code == 403
    assert http.get(f"/pully/permits/staff/{world.in_review.pk}/").status_code == 403
    with scope(world.town):
        task = ReviewTask.objects.get(permit=world.in_review)
    assert http.get(f"/pully/permits/staff/tasks/{task.pk}/").status_code == 403


@pytest.mark.parametrize("action", ["decide", "complement", "services", "inspect"])
def test_an_officer_cannot_act_on_a_draft(world, staff_client, action):
    # given a draft the applicant has not submitted
    http = staff_client(world.people["permit_officer"])

    # when the officer posts an action on it by its id
    response = http.post(f"/pully/permits/staff/{world.draft.pk}/{action}/", {})

    # then the draft does not exist for the town's staff
    assert response.status_code == 404


def test_drafts_appear_in_no_staff_overview(world, staff_client):
    # given a draft whose description is recognisable
    with scope(world.town):
        PermitRequest.objects.filter(pk=world.draft.pk).update(description="BROUILLON-SECRET")
        draft_area = world.draft.areas.get().pk
    http = staff_client(world.people["permit_officer"])

    # then neither the queue, the map, its GeoJSON nor the statistics show it
    for path in (
        "/pully/permits/staff/",
        "/pully/permits/staff/?q=BROUILLON",
        "/pully/permits/staff/map/",
        "/pully/permits/staff/map/?status=draft",
    ):
        response = http.get(path)
        assert response.status_code == 200
        assert "BROUILLON-SECRET" not in response.content.decode()
    collection = http.get("/pully/permits/staff/map.geojson?status=draft").json()
    assert draft_area not in [feature["id"] for feature in collection["features"]]
    stats = http.get("/pully/permits/staff/stats/").content.decode()
    assert str(Status.DRAFT.label) not in stats


#: person -> the files the staff map and a file's conflicts link for them (the others are
#: listed by their reference alone: a link would open a refusal). The parks' reviewer has the
#: parks' file only.
LINKED = {
    "permit_officer": {"in_review", "granted", "parks"},
    "municipality_admin": {"in_review", "granted", "parks"},
    "routed_reviewer": {"in_review", "granted"},
    "other_reviewer": {"parks"},
}


@pytest.fixture
def parks_file(world) -> PermitRequest:
    """A file in review routed to the parks' service only."""
    with scope(world.town):
        parks = Department.objects.get(code="parks")
        permit = work(world.town, status=Status.IN_REVIEW, dx=700, start=JUNE)
        ReviewTaskFactory(municipality=world.town, permit=permit, department=parks)
    return permit


def _linked_files(html: str, world: World, parks_file) -> set[str]:
    """The files the page links to their staff page, by their name in LINKED."""
    names = {world.in_review.pk: "in_review", world.granted.pk: "granted", parks_file.pk: "parks"}
    return {names[int(pk)] for pk in re.findall(r'href="/pully/permits/staff/(\d+)/"', html)}


@pytest.mark.parametrize("person", list(LINKED))
def test_pages_that_list_files_link_only_those_their_reader_may_open(
    world, staff_client, person, parks_file
):
    # given the file in review in conflict with the granted one and with a file of the parks
    with scope(world.town):
        for other in (world.granted, parks_file):
            Finding.objects.create(
                municipality=world.town,
                permit=world.in_review,
                kind=Finding.Kind.CONFLICT,
                other_permit=other,
                message="Même rue, mêmes jours.",
            )
    http = staff_client(world.people[person])

    # when the map of the files is read
    html = http.get("/pully/permits/staff/map/").content.decode()

    # then every file is listed, and linked when its reader may open it
    for file in (world.in_review, world.granted, parks_file):
        assert file.reference in html
    assert _linked_files(html, world, parks_file) == LINKED[person]
    for pk in re.findall(r'href="/pully/permits/staff/(\d+)/"', html):
        assert http.get(f"/pully/permits/staff/{pk}/").status_code == 200

    # and a file's conflicts link the other files the same way
    if "in_review" in LINKED[person]:
        page = http.get(f"/pully/permits/staff/{world.in_review.pk}/").content.decode()
        conflicts = re.search(r'<ul class="conflicts">(.*?)</ul>', page, re.S).group(1)
        assert parks_file.reference in conflicts and world.granted.reference in conflicts
        assert _linked_files(conflicts, world, parks_file) == LINKED[person] - {"in_review"}


@pytest.mark.parametrize("person", list(LINKED))
def test_the_queue_lists_the_files_its_reader_may_open(world, staff_client, person, parks_file):
    # given a file of the parks' service, and a review of each service late
    with scope(world.town):
        ReviewTask.objects.filter(status=ReviewTask.Status.OPEN).update(
            due_date=dt.date(2000, 1, 3)
        )
    http = staff_client(world.people[person])
    for view, expected in [
        ("all", LINKED[person]),
        ("late", LINKED[person] - {"granted"}),  # its review is answered
    ]:
        html = http.get("/pully/permits/staff/", {"view": view}).content.decode()
        assert _linked_files(html, world, parks_file) == expected, view
        for file, name in [(world.in_review, "in_review"), (parks_file, "parks")]:
            assert (file.reference in html) == (name in expected), (view, name)
