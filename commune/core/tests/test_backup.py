"""backup → wipe → restore gives back every row (per model, every value) and every file."""

import hashlib
import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from commune.accounts.models import Role
from commune.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)
from commune.core import audit
from commune.core.backup import model_labels
from commune.tenants.scoping import scope, scopes_disabled
from commune.tenants.tests.factories import DepartmentFactory

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock


def every_row() -> dict[str, list[dict]]:
    """Every row of every backed-up model, serialised (pk and every field value)."""
    rows = {}
    with scopes_disabled():
        for label in model_labels():
            model = apps.get_model(label)
            queryset = model._base_manager.order_by("pk")
            data = json.loads(
                serializers.serialize("exactjson", queryset, use_natural_foreign_keys=True)
            )
            if data:
                rows[label] = data
    return rows


def every_file() -> dict[str, str]:
    found = {}
    for name in ("MEDIA_ROOT", "WAREHOUSE_DIR"):
        root = Path(getattr(settings, name))
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file():
                key = f"{name}/{path.relative_to(root)}"
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    for name in ("MEDIA_ROOT", "WAREHOUSE_DIR"):
        root = Path(getattr(settings, name))
        for path in sorted(root.rglob("*"), reverse=True) if root.exists() else []:
            path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture
def isolated_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WAREHOUSE_DIR = tmp_path / "warehouse"
    settings.MEDIA_ROOT.mkdir()
    return settings


@pytest.fixture
def populated(transactional_db, isolated_storage, town_a, town_b):
    """Rows in several models of both towns, geometry, a FileField, an audit trail, Parquet."""
    town_a.logo.save("pully.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    # sub-millisecond digits: Django's json format would cut them; the backup must not
    joined = datetime(2026, 3, 29, 1, 30, 0, 500, tzinfo=UTC)
    citizen = UserFactory(full_name="Élise Müller", language="de", date_joined=joined)
    org = OrganisationFactory(name="Romande Énergie SA")
    add_member(org, citizen, manager=True)
    for town in (town_a, town_b):
        with scope(town):
            department = DepartmentFactory(municipality=town, name=f"Routes {town.name}")
            MembershipFactory(municipality=town, role=Role.MUNICIPALITY_ADMIN)
            MembershipFactory(municipality=town, role=Role.SERVICE_REVIEWER, department=department)
        audit.record(actor=citizen, obj=town, action="configure", after={"modules": ["permits"]})
    parquet = Path(settings.WAREHOUSE_DIR) / str(town_a.pk) / "hourly_volume.parquet"
    parquet.parent.mkdir(parents=True)
    parquet.write_bytes(b"PAR1" + bytes(range(256)) * 40 + b"PAR1")
    (Path(settings.MEDIA_ROOT) / "permits" / "é dossier").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "permits" / "é dossier" / "plan.pdf").write_bytes(b"%PDF-1.7\n")
    return town_a


def test_restore_gives_back_every_row_and_every_file(populated, tmp_path):
    # given
    rows_before, files_before = every_row(), every_file()
    assert {"tenants.municipality", "tenants.department", "accounts.user"} <= set(rows_before)
    assert {"accounts.membership", "accounts.organisationmember", "core.auditentry"} <= set(
        rows_before
    )
    assert len(files_before) == 3
    archive = tmp_path / "backup.tar.gz"
    # when: back up, wipe the database and the folders, restore
    call_command("backup", output=str(archive), verbosity=0)
    wipe()
    assert every_row() == {} and every_file() == {}
    call_command("restore", str(archive), verbosity=0)
    # then every row (pk and every value, geometry included) and every file is back
    assert every_row() == rows_before
    assert every_file() == files_before
    with scopes_disabled():
        town = apps.get_model("tenants.municipality").objects.get(slug="pully")
    assert town.territory.equals(populated.territory)
    assert town.territory.srid == 2056
    assert town.logo.read().startswith(b"<svg")
    User = apps.get_model("accounts.user")
    assert User.objects.get(full_name="Élise Müller").date_joined.microsecond == 500


def test_restore_refuses_a_database_that_is_not_empty(populated, tmp_path):
    # given a backup and a database that still holds data
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    rows_before = every_row()
    # when / then
    with pytest.raises(CommandError, match="Refusing to restore over existing data.*--force"):
        call_command("restore", str(archive), verbosity=0)
    assert every_row() == rows_before


def test_restore_with_force_replaces_what_is_there(populated, tmp_path):
    # given a backup, then more data and files written after it
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    rows_before, files_before = every_row(), every_file()
    UserFactory(full_name="Arrivé après la sauvegarde")
    (Path(settings.MEDIA_ROOT) / "late.txt").write_text("late")
    # when
    call_command("restore", str(archive), force=True, verbosity=0)
    # then the installation is exactly what was backed up
    assert every_row() == rows_before
    assert every_file() == files_before


def rewritten(archive: Path, target: Path, **replace: bytes) -> Path:
    """A copy of a backup archive with some members' contents replaced (by name)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = replace.get(member.name, source.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def damaged_archives(archive: Path, folder: Path) -> dict[str, Path]:
    """Ways a backup file goes bad: not a backup, cut short, a file altered, a dump that does
    not load or lacks rows. Each is keyed by what the refusal says."""
    bogus = folder / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    truncated = folder / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    plan = "media/permits/é dossier/plan.pdf"
    return {
        "Cannot read": bogus,
        "damaged": truncated,
        "damaged: media/permits/é dossier/plan.pdf": rewritten(
            archive, folder / "altered.tar.gz", **{plan: b"%PDF-1.7 forged\n"}
        ),
        "database dump cannot be loaded": rewritten(
            archive, folder / "dump.tar.gz", **{"db.json": b'[{"model": "tenants.municipality"'}
        ),
        "Restored rows differ": rewritten(archive, folder / "empty.tar.gz", **{"db.json": b"[]"}),
    }


@pytest.mark.filterwarnings("ignore:No fixture data found")  # the dump emptied on purpose
@pytest.mark.parametrize("force", [False, True])
def test_restore_refuses_a_damaged_archive_and_changes_nothing(populated, tmp_path, force):
    # given an installation with data and files, and damaged copies of its backup
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    rows_before, files_before = every_row(), every_file()
    # when each is restored, even with --force (which would erase what is here)
    for reason, damaged in damaged_archives(archive, tmp_path).items():
        with pytest.raises(CommandError, match=reason if force else "Cannot read|damaged|Refusing"):
            call_command("restore", str(damaged), force=force, verbosity=0)
        # then every row and every file is still there, unchanged
        assert every_row() == rows_before, reason
        assert every_file() == files_before, reason
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), force=force, verbosity=0)
    # and the backup itself still restores
    call_command("restore", str(archive), force=True, verbosity=0)
    assert every_row() == rows_before
    assert every_file() == files_before
