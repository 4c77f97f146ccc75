"""`manage.py backup --output FILE`: every row of every app and every stored file, one tar.gz."""

from pathlib import Path

from django.core.management.base import BaseCommand

from commune.core.backup import backup_create


class Command(BaseCommand):
    help = "Write a backup archive (database rows, uploaded files, observatory Parquet files)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="the .tar.gz to write")

    def handle(self, *args, output: Path, **options):
        manifest = backup_create(output=output)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {output}: {sum(manifest['rows'].values())} rows in "
                f"{len(manifest['rows'])} models, {len(manifest['files'])} files."
            )
        )
