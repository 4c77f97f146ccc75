import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, models, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from commune.accounts.models import Role
from commune.accounts.tests.factories import MembershipFactory, UserFactory
from commune.core import audit
from commune.core.models import AuditEntry
from commune.core.templatetags.audit import shown
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory


def staff(town, role):
    with scope(town):
        department = None
        if role == Role.SERVICE_REVIEWER:
            department = DepartmentFactory(municipality=town)
        return MembershipFactory(municipality=town, role=role, department=department)


def render_trail(obj, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load audit %}{% audit_trail obj %}")
    return template.render(Context({"obj": obj, "request": request}))


@pytest.fixture
def changed_town(town_a):
    officer = UserFactory(full_name="Anne Officier")
    audit.record(
        actor=officer,
        obj=town_a,
        action="settings-change",
        before={"primary_colour": "#1f4e79", "modules": ["permits"]},
        after={"primary_colour": "#8a1538", "modules": ["permits"]},
        comment="Nouvelle charte graphique",
    )
    return town_a


def test_trail_shows_when_who_what_and_changed_fields_to_the_towns_admin(changed_town):
    # given
    admin = staff(changed_town, Role.MUNICIPALITY_ADMIN).user
    # when
    html = render_trail(changed_town, admin)
    # then
    assert "Anne Officier" in html
    assert "settings change" in html
    assert "Nouvelle charte graphique" in html
    assert "#1f4e79" in html and "#8a1538" in html
    assert "<time datetime=" in html
    # an unchanged field is not listed as a change
    assert "['permits']" not in html
    assert "<form" not in html and "<input" not in html


def test_trail_is_shown_to_platform_admins(changed_town):
    root = UserFactory(is_superuser=True, is_staff=True)
    assert "settings change" in render_trail(changed_town, root)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.MUNICIPALITY_ADMIN])
def test_trail_is_hidden_from_other_roles_of_the_same_town(changed_town, role):
    member = staff(changed_town, role).user
    html = render_trail(changed_town, member)
    assert "settings-change" not in html
    assert html.strip() == ""


def test_trail_is_hidden_from_the_admin_of_another_town(changed_town, town_b):
    other_admin = staff(town_b, Role.MUNICIPALITY_ADMIN).user
    assert render_trail(changed_town, other_admin).strip() == ""


def test_trail_is_hidden_from_anonymous_visitors_and_citizens(changed_town):
    assert render_trail(changed_town, AnonymousUser()).strip() == ""
    assert render_trail(changed_town, UserFactory()).strip() == ""


def test_trail_of_a_tenant_record_is_shown_to_its_towns_admin(town_a):
    # given a town-owned record (a role held in the town) with a history
    membership = staff(town_a, Role.PERMIT_OFFICER)
    audit.record(actor=None, obj=membership, action="grant-role", after={"role": "permit_officer"})
    admin = staff(town_a, Role.MUNICIPALITY_ADMIN).user
    # when
    html = render_trail(membership, admin)
    # then the field shows its human name and the system is the actor
    assert "grant role" in html
    assert "Role" in html or "Rôle" in html
    assert "système" in html


def test_entries_cannot_be_changed_or_deleted_through_the_orm(changed_town):
    entry = AuditEntry.objects.get()
    entry.action = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "settings-change"


def test_what_the_database_itself_enforces_on_each_backend(changed_town):
    """PostgreSQL refuses raw UPDATE/DELETE with a trigger; SQLite cannot keep such a trigger
    across Django's table rebuilds, so there only the ORM guards above hold."""
    entry = AuditEntry.objects.get()
    update = "UPDATE core_auditentry SET action = 'rewritten' WHERE id = %s"
    delete = "DELETE FROM core_auditentry WHERE id = %s"
    if connection.vendor == "postgresql":
        for sql in (update, delete):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [entry.pk])
        assert AuditEntry.objects.get().action == "settings-change"
    else:
        assert connection.vendor == "sqlite"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'core_auditentry'"
            )
            assert cursor.fetchone()[0] == 0


def test_deleting_a_user_keeps_their_entries_with_their_name(changed_town):
    # given the officer who made the change leaves
    entry = AuditEntry.objects.get()
    label = entry.actor_label
    # when their account is deleted (the FK is SET NULL, which the trigger allows)
    entry.actor.delete()
    # then the entry is still there, with who it was
    entry = AuditEntry.objects.get()
    assert entry.actor is None
    assert entry.actor_label == label


def test_the_admin_lists_entries_but_offers_no_add_change_or_delete(staff_client, changed_town):
    client = staff_client(UserFactory(is_superuser=True, is_staff=True))
    entry = AuditEntry.objects.get()
    listing = client.get("/admin/core/auditentry/")
    assert listing.status_code == 200
    assert "settings-change" in listing.content.decode()
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    detail = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert 'name="action"' not in detail.content.decode()
    response = client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_trail_names_registered_actions_in_words(changed_town):
    # given: an app named its action
    audit.actions_register({"settings-change": "réglages de la commune modifiés"})
    admin = staff(changed_town, Role.MUNICIPALITY_ADMIN).user
    try:
        # when
        html = render_trail(changed_town, admin)
    finally:
        audit._action_labels.pop("settings-change")
    # then
    assert "réglages de la commune modifiés" in html
    assert "settings change" not in html


def test_trail_shows_values_as_the_reader_knows_them(db):
    # given a change of a person's kind, activity, language and roles, read by a platform admin
    person = UserFactory(full_name="Léa Rochat")
    audit.record(
        actor=None,
        obj=person,
        action="settings-change",
        before={"kind": "citizen", "is_active": True, "notes": [], "tags": ["a"], "ghost": []},
        after={"kind": "staff", "is_active": False, "notes": ["x", "y"], "tags": [], "ghost": None},
    )
    reader = UserFactory(is_superuser=True, is_staff=True)
    # when
    with translation.override("fr"):
        html = render_trail(person, reader)
    # then: labels, yes and no, a list's items, an emptied list as "—", no change listed twice
    assert "<del>Personne privée</del>" in html and "<ins>Personnel communal</ins>" in html
    assert "<del>oui</del>" in html and "<ins>non</ins>" in html
    assert "<ins>x, y</ins>" in html and "<del>a</del>" in html
    assert "[" not in html and "True" not in html and "citizen" not in html
    assert "ghost" not in html


@pytest.mark.parametrize(
    ("field", "value", "language", "expected"),
    [
        (models.DecimalField(decimal_places=2, max_digits=9), "114.4", "fr", "114,40"),
        (models.DecimalField(decimal_places=2, max_digits=9), "1234.5", "de", "1\u202f234,50"),
        (models.DecimalField(decimal_places=2, max_digits=9), "114.4", "en", "114.40"),
        (models.DateField(), "2027-01-25", "fr", "25.01.2027"),
        (models.DateTimeField(), "2027-01-25T13:30:00+00:00", "fr", "25.01.2027 14:30"),
        (models.DateField(), "not a date", "fr", "not a date"),
        (None, {"roads": True}, "fr", "roads: oui"),
        (None, 3, "fr", "3"),
        (None, "", "fr", None),
    ],
)
def test_a_value_is_shown_in_the_readers_language(field, value, language, expected):
    with translation.override(language):
        assert shown(field, value) == expected
