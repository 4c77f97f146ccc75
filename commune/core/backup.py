"""Backup and restore: one tar.gz holding every row of every app and every stored file.

The archive holds `manifest.json` (format, date, row count per model, sha256 of every file,
applied migrations), `db.json` (dumpdata of every app, all towns, times to the microsecond,
natural keys for content types and permissions, which migrate re-creates with other ids) and
the files under `media/` (MEDIA_ROOT) and `warehouse/` (the observatory's Parquet files,
WAREHOUSE_DIR).
Restore goes into an empty, freshly migrated database and refuses to erase data unless forced.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
# Rows that `migrate` creates itself; other rows point to them by natural key.
EXCLUDED = ["contenttypes", "auth.permission"]
_EXCLUDED_MODELS = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """The archive cannot be restored here; the message says why and what to do."""


_unscoped: list[Callable[[], AbstractContextManager]] = []


def unscoped_register(context: Callable[[], AbstractContextManager]) -> None:
    """A context in which queries see every town's rows, which backup and restore run in:
    tenants registers its scopes_disabled() from its ready(), since core knows no towns."""
    if context not in _unscoped:
        _unscoped.append(context)


@contextmanager
def _every_town() -> Iterator[None]:
    with ExitStack() as stack:
        for context in _unscoped:
            stack.enter_context(context())
        yield


def _folders() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "warehouse": Path(settings.WAREHOUSE_DIR)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def model_labels() -> list[str]:
    """Every concrete model whose rows a backup carries."""
    return sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in _EXCLUDED_MODELS
    )


def row_counts() -> dict[str, int]:
    """Rows per model in the database, every town included."""
    with _every_town():
        counts = {label: apps.get_model(label)._base_manager.count() for label in model_labels()}
    return {label: n for label, n in counts.items() if n}


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backup_create(*, output: Path) -> dict:
    """Write the archive to `output` (atomically: a partial file never has the final name)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "db.json"
        with _every_town(), transaction.atomic():
            call_command(
                "dumpdata",
                format="exactjson",
                exclude=EXCLUDED,
                natural_foreign=True,
                use_base_manager=True,
                output=str(dump),
                verbosity=0,
            )
            migrations = _applied_migrations()
        with open(dump, encoding="utf-8") as stream:
            counts = Counter(row["model"] for row in json.load(stream))
        files = {
            f"{name}/{path.relative_to(root).as_posix()}": (path, _sha256(path))
            for name, root in _folders().items()
            for path in _files_under(root)
        }
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "rows": dict(sorted(counts.items())),
            "files": {name: digest for name, (_, digest) in sorted(files.items())},
            "migrations": migrations,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname="db.json")
            for name, (path, _) in sorted(files.items()):
                archive.add(path, arcname=name)
        partial.replace(output)
    return manifest


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe path ({name!r}); it was not restored.")
    return path


#: What reading a cut or garbled tar.gz raises, past its first block.
_DAMAGED = (OSError, EOFError, tarfile.TarError, zlib.error)


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError("This file is not a commune backup (no readable manifest).") from exc
    except _DAMAGED as exc:
        raise BackupError(f"The archive is damaged ({exc}); nothing was changed.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def restore_blockers() -> list[str]:
    """Why restoring here would overwrite something: rows in the database, stored files."""
    blockers = [f"{label}: {n} rows" for label, n in row_counts().items()]
    for name, root in _folders().items():
        count = len(_files_under(root))
        if count:
            blockers.append(f"{name} folder {root}: {count} files")
    return blockers


def _erase_files() -> None:
    for root in _folders().values():
        if root.exists():
            for child in root.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()


def _stage(archive: tarfile.TarFile, manifest: dict, folder: Path) -> tuple[Path, Path]:
    """Extract the dump and the manifest's files into `folder` and check every file's sha256,
    before anything here is touched: a damaged archive changes nothing. Returns the dump and
    the folder of the files."""
    dump, staged = folder / "db.json", folder / "files"
    try:
        for member in archive.getmembers():
            name = _safe_name(member.name)
            if not member.isfile():
                continue
            if name.as_posix() == "db.json":
                target = dump
            elif name.parts[0] in _folders() and name.as_posix() in manifest["files"]:
                target = staged / name
            else:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as out:
                shutil.copyfileobj(archive.extractfile(member), out)
    except _DAMAGED as exc:
        raise BackupError(f"The archive is damaged ({exc}); nothing was changed.") from exc
    for name, digest in manifest["files"].items():
        path = staged / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"The archive is damaged: {name} is missing or altered.")
    return dump, staged


def _load(dump: Path, manifest: dict, *, erase: bool) -> None:
    """Load the dump in one transaction (after erasing every row, if asked): whatever fails
    leaves the database as it was."""
    with _every_town(), transaction.atomic():
        if erase:
            call_command("flush", interactive=False, verbosity=0, database=DEFAULT_DB_ALIAS)
        try:
            call_command("loaddata", str(dump), verbosity=0)
        except (DeserializationError, DatabaseError) as exc:
            raise BackupError(
                f"The archive's database dump cannot be loaded ({exc}); nothing was changed."
            ) from exc
        counts = row_counts()
        if counts != manifest["rows"]:
            raise BackupError(
                f"Restored rows differ from the backup: {counts} != {manifest['rows']}"
            )


def backup_restore(*, archive_path: Path, force: bool = False) -> dict:
    """Restore the archive; refuses a non-empty database or file store unless `force`. The
    archive is read and checked whole before anything is erased."""
    try:
        archive = tarfile.open(archive_path, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot read {archive_path}: {exc}") from exc
    with archive, tempfile.TemporaryDirectory() as tmp:
        manifest = _read_manifest(archive)
        known = {tuple(m) for m in _applied_migrations()}
        unknown = [f"{a}.{n}" for a, n in manifest["migrations"] if (a, n) not in known]
        if unknown:
            raise BackupError(
                "The backup comes from a newer version (migrations not applied here: "
                f"{', '.join(unknown[:5])}). Update the code and run migrate first."
            )
        blockers = restore_blockers()
        if blockers and not force:
            raise BackupError(
                "Refusing to restore over existing data ("
                + "; ".join(blockers[:5])
                + (" …" if len(blockers) > 5 else "")
                + "). Restore into a freshly migrated, empty database and empty folders, "
                "or pass --force to erase everything here first."
            )
        dump, staged = _stage(archive, manifest, Path(tmp))
        _load(dump, manifest, erase=bool(blockers))
        if blockers:
            _erase_files()
        for name in manifest["files"]:
            folder, rest = name.split("/", 1)
            target = _folders()[folder] / rest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staged / name, target)
    return manifest
