"""/<town>/manage/: a municipality admin's settings, departments and staff."""

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from commune.accounts.models import Membership, Role, User
from commune.accounts.tests.factories import PASSWORD, UserFactory
from commune.core.models import AuditEntry
from commune.tenants.models import Department, Municipality
from commune.tenants.scoping import scope

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)


def grant(town, user, role, department=None):
    with scope(town):
        return Membership.objects.create(
            municipality=town, user=user, role=role, department=department
        )


@pytest.fixture
def admin_user(town_a):
    user = UserFactory(full_name="Admin Pully")
    grant(town_a, user, Role.MUNICIPALITY_ADMIN)
    return user


@pytest.fixture
def admin(staff_client, admin_user):
    client = staff_client(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def department(town, code="roads", name="Routes"):
    with scope(town):
        return Department.objects.create(municipality=town, code=code, name=name)


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#8a1538").save(buffer, fmt)
    return buffer.getvalue()


def settings_data(**changes):
    return {
        "modules": ["permits", "agenda"],
        "contact_email": "greffe@pully.example.ch",
        "primary_colour": "#8a1538",
    } | changes


# --- access ---------------------------------------------------------------------------------


def test_anonymous_goes_to_login_and_other_roles_get_403(client, staff_client, town_a):
    assert client.get("/pully/manage/")["Location"].startswith("/accounts/login/")
    officer = UserFactory()
    grant(town_a, officer, Role.PERMIT_OFFICER)
    assert staff_client(officer).get("/pully/manage/").status_code == 403


def test_admin_of_town_a_gets_403_on_town_b(admin, town_b):
    for path in ("/lutry/manage/", "/lutry/manage/departments/", "/lutry/manage/staff/"):
        assert admin.get(path).status_code == 403
        assert admin.post(path, settings_data()).status_code == 403


def test_admin_needs_the_second_factor(client, admin_user):
    client.post("/accounts/login/", {"username": admin_user.email, "password": PASSWORD})
    assert client.get("/pully/manage/")["Location"].startswith("/accounts/2fa/")


# --- settings -------------------------------------------------------------------------------


def test_admin_changes_modules_contact_and_colour_with_an_audit_entry(admin, town_a):
    response = admin.post(
        "/pully/manage/",
        settings_data(contact_email="info@pully.example.ch", primary_colour="#1F4E79"),
    )
    assert response["Location"] == "/pully/manage/"
    town_a.refresh_from_db()
    assert town_a.modules == ["permits", "agenda"]
    assert town_a.contact_email == "info@pully.example.ch"
    assert town_a.primary_colour == "#1F4E79"
    entry = AuditEntry.objects.get(action="update_settings")
    assert entry.municipality_id == town_a.pk
    assert entry.after["contact_email"] == "info@pully.example.ch"
    assert entry.before["modules"] == ["permits", "mobility", "agenda", "portal"]
    # the town's home page now offers only the enabled modules
    home = admin.get("/pully/").content.decode()
    assert "Excavation permits" in home and "Mobility observatory" not in home


def test_low_contrast_colour_is_refused_in_french_and_nothing_is_saved(
    staff_client, admin_user, town_a
):
    client = staff_client(admin_user)  # French, the default
    response = client.post("/pully/manage/", settings_data(primary_colour="#ffff00"))
    assert response.status_code == 400
    assert "difficile à lire" in response.content.decode()
    town_a.refresh_from_db()
    assert town_a.primary_colour != "#ffff00"
    assert not AuditEntry.objects.filter(action="update_settings").exists()


def test_unknown_module_is_refused(admin, town_a):
    response = admin.post("/pully/manage/", settings_data(modules=["permits", "casino"]))
    assert response.status_code == 400
    assert "casino is not one of the available choices" in response.content.decode()


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("logo.png", image("PNG")),
        ("logo.jpg", image("JPEG")),
        ("named-wrongly.svg", image("PNG")),  # judged by content, not by name
    ],
)
def test_logo_upload_accepts_png_and_jpeg_and_stores_a_png(admin, town_a, filename, content):
    upload = SimpleUploadedFile(filename, content)
    response = admin.post("/pully/manage/", settings_data(logo=upload))
    assert response.status_code == 302
    town_a.refresh_from_db()
    assert re.fullmatch(rf"logos/{town_a.pk}-[0-9a-f]{{16}}\.png", town_a.logo.name)
    with town_a.logo.open("rb") as stored, Image.open(stored) as img:
        assert (img.format, img.size) == ("PNG", (4, 4))


@pytest.mark.parametrize(
    "content",
    [
        SVG,
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<svg xmlns='http://www.w3.org/2000/svg'><text>&x;</text></svg>",
        b"<html><body>not an image</body></html>",
        b"%PDF-1.4 not an image",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    ],
)
def test_logo_upload_refuses_svg_and_other_types_with_a_message(admin, town_a, content):
    upload = SimpleUploadedFile("logo.svg", content)
    response = admin.post("/pully/manage/", settings_data(logo=upload))
    assert response.status_code == 400
    assert "Upload a PNG or JPEG image" in response.content.decode()
    town_a.refresh_from_db()
    assert not town_a.logo


def test_logo_upload_over_the_size_limit_is_refused(admin, town_a, settings):
    settings.MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("logo.png", image("PNG") + b"\0" * 200)
    response = admin.post("/pully/manage/", settings_data(logo=upload))
    assert response.status_code == 400
    assert "The file is too big" in response.content.decode()
    town_a.refresh_from_db()
    assert not town_a.logo


def test_admin_cannot_change_platform_wide_fields(admin, town_a):
    admin.post(
        "/pully/manage/",
        settings_data(slug="hacked", is_active="", ofs_number="1", name="Hacked"),
    )
    town_a.refresh_from_db()
    assert (town_a.slug, town_a.is_active, town_a.ofs_number, town_a.name) == (
        "pully",
        True,
        5590,
        "Pully",
    )


# --- departments ----------------------------------------------------------------------------


def test_admin_creates_and_edits_a_department(admin, town_a):
    created = admin.post(
        "/pully/manage/departments/new/",
        {"name": "Service des eaux", "code": "water", "email": "eaux@pully.example.ch"},
    )
    assert created["Location"] == "/pully/manage/departments/"
    with scope(town_a):
        water = Department.objects.get(code="water")
    assert water.municipality_id == town_a.pk
    edited = admin.post(
        f"/pully/manage/departments/{water.pk}/",
        {"name": "Eaux et égouts", "code": "water", "email": ""},
    )
    assert edited.status_code == 302
    water.refresh_from_db()
    assert (water.name, water.email) == ("Eaux et égouts", "")
    actions = list(
        AuditEntry.objects.filter(object_id=str(water.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "update"]
    assert "Eaux et égouts" in admin.get("/pully/manage/departments/").content.decode()


def test_a_department_code_is_unique_in_the_town_and_twice_creates_one(admin, town_a, town_b):
    department(town_b, code="water")  # the same code in another town is fine
    data = {"name": "Service des eaux", "code": "water", "email": ""}
    assert admin.post("/pully/manage/departments/new/", data).status_code == 302
    again = admin.post("/pully/manage/departments/new/", data)
    assert again.status_code == 200
    assert "Another department already uses this code." in again.content.decode()
    with scope(town_a):
        assert Department.objects.filter(code="water").count() == 1


def test_another_towns_department_is_404(admin, town_b):
    theirs = department(town_b, name="Routes de Lutry")
    assert admin.get(f"/pully/manage/departments/{theirs.pk}/").status_code == 404
    response = admin.post(
        f"/pully/manage/departments/{theirs.pk}/", {"name": "x", "code": "x", "email": ""}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Routes de Lutry"


# --- staff ----------------------------------------------------------------------------------


def test_granting_a_role_to_a_new_email_creates_the_account_and_mails_a_password_link(
    admin, client, town_a, smtp_server, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/pully/manage/staff/",
            {
                "email": "Nouveau@Pully.example.ch",
                "full_name": "Jean Nouveau",
                "role": Role.PERMIT_OFFICER,
            },
        )
    # then
    assert response["Location"] == "/pully/manage/staff/"
    person = User.objects.get(email="nouveau@pully.example.ch")
    assert person.kind == User.Kind.STAFF and not person.has_usable_password()
    with scope(town_a):
        assert Membership.objects.filter(user=person, role=Role.PERMIT_OFFICER).exists()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "nouveau@pully.example.ch"
    assert message["Subject"] == "Votre compte du personnel pour Pully"
    link = re.search(r"https?://\S+", smtp_server.text_of(message)).group(0)
    path = "/" + link.split("/", 3)[3]
    admin.logout()
    page = client.get(path, follow=True)
    new = "mot-de-passe-du-personnel"
    client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    person.refresh_from_db()
    assert person.check_password(new) and person.email_verified
    assert {e.action for e in AuditEntry.objects.all()} >= {"staff_create", "role_grant"}


def test_granting_a_role_to_an_existing_email_reuses_that_person(
    admin, town_a, town_b, smtp_server, django_capture_on_commit_callbacks
):
    # given: someone who already works for Lutry
    lutry_staff = UserFactory(email="agent@lutry.example.ch")
    grant(town_b, lutry_staff, Role.PERMIT_OFFICER)
    # when (the welcome mail would leave on commit: the callbacks run, as in production)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/pully/manage/staff/",
            {"email": "agent@lutry.example.ch", "full_name": "", "role": Role.AGENDA_MODERATOR},
        )
    # then: one account, a role in each town, no new mail
    assert response.status_code == 302
    assert User.objects.filter(email="agent@lutry.example.ch").count() == 1
    with scope(town_a):
        assert Membership.objects.get(user=lutry_staff).role == Role.AGENDA_MODERATOR
    with scope(town_b):
        assert Membership.objects.get(user=lutry_staff).role == Role.PERMIT_OFFICER
    assert smtp_server.wait_for(1, timeout=1) == []


def test_a_service_reviewer_needs_a_department_of_this_town(admin, town_a, town_b):
    theirs = department(town_b, code="roads")
    ours = department(town_a, code="roads")
    data = {"email": "r@pully.example.ch", "full_name": "Réviseur", "role": Role.SERVICE_REVIEWER}
    missing = admin.post("/pully/manage/staff/", data)
    assert "A service reviewer needs a department." in missing.content.decode()
    foreign = admin.post("/pully/manage/staff/", data | {"department": theirs.pk})
    assert "Select a valid choice" in foreign.content.decode()
    assert not User.objects.filter(email="r@pully.example.ch").exists()
    ok = admin.post("/pully/manage/staff/", data | {"department": ours.pk})
    assert ok.status_code == 302
    with scope(town_a):
        assert Membership.objects.get(user__email="r@pully.example.ch").department == ours


def test_granting_the_same_role_twice_keeps_one(admin, town_a):
    data = {"email": "x@pully.example.ch", "full_name": "X", "role": Role.MOBILITY_ANALYST}
    assert admin.post("/pully/manage/staff/", data).status_code == 302
    again = admin.post("/pully/manage/staff/", data)
    assert "This person already holds this role." in again.content.decode()
    with scope(town_a):
        assert Membership.objects.filter(user__email="x@pully.example.ch").count() == 1


def test_a_new_person_needs_a_name(admin):
    response = admin.post(
        "/pully/manage/staff/", {"email": "x@pully.example.ch", "role": Role.PERMIT_OFFICER}
    )
    assert "Enter the person&#x27;s name." in response.content.decode()
    assert not User.objects.filter(email="x@pully.example.ch").exists()


def test_admin_revokes_a_role_after_confirming(admin, town_a):
    officer = UserFactory(full_name="Officier")
    membership = grant(town_a, officer, Role.PERMIT_OFFICER)
    url = f"/pully/manage/staff/{membership.pk}/revoke/"
    assert "Officier" in admin.get("/pully/manage/staff/").content.decode()
    assert admin.get(url).status_code == 200
    assert admin.post(url)["Location"] == "/pully/manage/staff/"
    with scope(town_a):
        assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get(action="role_revoke")
    assert entry.before["role"] == Role.PERMIT_OFFICER and entry.municipality_id == town_a.pk


def test_another_towns_role_is_404_and_untouched(admin, town_b):
    theirs = grant(town_b, UserFactory(), Role.MUNICIPALITY_ADMIN)
    url = f"/pully/manage/staff/{theirs.pk}/revoke/"
    assert admin.get(url).status_code == 404
    assert admin.post(url).status_code == 404
    with scope(town_b):
        assert Membership.objects.filter(pk=theirs.pk).exists()


def test_the_last_administrator_cannot_be_revoked(admin, admin_user, town_a):
    with scope(town_a):
        own = Membership.objects.get(user=admin_user)
    response = admin.post(f"/pully/manage/staff/{own.pk}/revoke/", follow=True)
    assert "at least one administrator" in response.content.decode()
    with scope(town_a):
        assert Membership.objects.filter(pk=own.pk).exists()


def test_staff_page_shows_only_this_towns_people(admin, town_b):
    grant(town_b, UserFactory(full_name="Agent de Lutry"), Role.PERMIT_OFFICER)
    assert "Agent de Lutry" not in admin.get("/pully/manage/staff/").content.decode()
    assert Municipality.objects.count() == 2
