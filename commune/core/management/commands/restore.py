"""`manage.py restore FILE [--force]`: bring back a backup into an empty installation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commune.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into a freshly migrated, empty database and empty media and "
        "warehouse folders. --force erases what is there first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a .tar.gz written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="erase every row and stored file here before restoring",
        )

    def handle(self, *args, archive: Path, force: bool = False, **options):
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        try:
            manifest = backup_restore(archive_path=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} "
                f"models and {len(manifest['files'])} files from {archive} "
                f"(backup of {manifest['created_at']})."
            )
        )
