from argparse import ArgumentTypeError
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from commune.mobility import services
from commune.mobility.models import DataImport
from commune.tenants import scoping
from commune.tenants.models import Municipality

# command-line option → the pipeline's reading option (analytics.ingest.counts.CountsOptions)
READING_OPTIONS = {
    "layout": "layout",
    "delimiter": "delimiter",
    "decimal": "decimal",
    "site_col": "site",
    "timestamp_col": "timestamp",
    "count_col": "count",
    "direction_col": "direction",
    "mode_col": "mode",
    "lane_col": "lane",
    "date_col": "date",
    "hour_col": "hour",
    "default_mode": "default_mode",
}
QUARANTINE_LINES_SHOWN = 50


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-03-17.")
            % {"value": text}
        ) from None


class ProgressBar:
    """A one-line bar on a terminal; on a pipe or a log, one line per quarter. `stream` is a
    command's OutputWrapper (self.stderr)."""

    width = 30

    def __init__(self, stream) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = -1

    def __call__(self, percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if self.tty:
            filled = self.width * percent // 100
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {percent:3d} %", ending="\n" if percent == 100 else "")
            self.stream.flush()
        elif percent // 25 > self.shown // 25 or (percent == 100 and self.shown != 100):
            self.stream.write(f"{percent} %")
        self.shown = percent


class Command(BaseCommand):
    help = (
        "Import a data file into a town's mobility warehouse. Rows that cannot be read are listed "
        "(file, line, reason) and the rest is imported; importing the same file again changes "
        "nothing. Exit code 2 when the file or the options cannot be used."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="The town's address name.")
        parser.add_argument("--kind", required=True, choices=DataImport.Kind.values)
        parser.add_argument("--tz", default="Europe/Zurich", help="Time zone of local times.")
        parser.add_argument("--language", help="Language of messages (default: the town's).")
        parser.add_argument("--layout", choices=["long", "wide"])
        parser.add_argument("--delimiter", help="Column separator (default: guessed).")
        parser.add_argument("--decimal", help="Decimal mark (default: .).")
        parser.add_argument("--site-col", help="Column of the site id (long layout).")
        parser.add_argument("--timestamp-col", help="Column of the timestamp (long layout).")
        parser.add_argument("--count-col", help="Column of the count (long layout).")
        parser.add_argument("--direction-col")
        parser.add_argument("--mode-col")
        parser.add_argument("--lane-col")
        parser.add_argument("--date-col", help="Column of the date (wide layout).")
        parser.add_argument("--hour-col", help="Column of the hour, e.g. 6:00-6:59 (wide).")
        parser.add_argument("--default-mode", help="Mode when the file has no mode column.")
        parser.add_argument("--sites", help="Wide layout: comma-separated site columns.")
        parser.add_argument(
            "--service-date",
            type=_iso_date,
            help="GTFS: the day whose departures to store, YYYY-MM-DD (default: today if the "
            "timetable runs today, otherwise its first Tuesday).",
        )

    def handle(self, *args, **options):
        town = Municipality.objects.filter(slug=options["municipality"]).first()
        language = options["language"] or (town.default_language if town else "fr")
        with translation.override(language):
            if town is None:
                raise CommandError(
                    _("Unknown municipality: %(slug)s") % {"slug": options["municipality"]},
                    returncode=2,
                )
            with scoping.scope(town):
                self._import(town, options)

    def _import(self, town: Municipality, options: dict) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path}, returncode=2)
        reading = {
            target: options[source]
            for source, target in READING_OPTIONS.items()
            if options.get(source) is not None
        }
        if options.get("sites"):
            reading["sites"] = [s.strip() for s in options["sites"].split(",") if s.strip()]
        if options.get("service_date"):
            reading["service_date"] = options["service_date"].isoformat()
        if reading.get("delimiter") in {"\\t", "tab"}:
            reading["delimiter"] = "\t"
        try:
            data_import = services.import_create(
                municipality=town,
                kind=options["kind"],
                source_name=path.name,
                time_zone=options["tz"],
                options=reading,
            )
        except services.ImportOptionsError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            _("Importing %(file)s into %(town)s (%(kind)s)")
            % {"file": path.name, "town": town.name, "kind": data_import.get_kind_display()}
        )
        data_import = services.import_run(
            data_import=data_import, path=path, progress=ProgressBar(self.stderr)
        )
        if data_import.status == DataImport.Status.FAILED:
            raise CommandError(data_import.error_message, returncode=2)
        self._summary(data_import)

    def _summary(self, data_import: DataImport) -> None:
        quarantine = data_import.quarantine
        self.stdout.write(
            _("Rows imported: %(new)s, replaced: %(replaced)s, in quarantine: %(bad)s")
            % {
                "new": data_import.rows_imported,
                "replaced": data_import.rows_replaced,
                "bad": len(quarantine),
            }
        )
        for note in data_import.notes_shown:
            self.stdout.write(note)
        if quarantine:
            self.stdout.write(_("Rows not imported (file:line: reason):"))
            for row in data_import.quarantine_shown[:QUARANTINE_LINES_SHOWN]:
                self.stdout.write(f"  {row['file']}:{row['line']}: {row['reason']}")
            if len(quarantine) > QUARANTINE_LINES_SHOWN:
                self.stdout.write(
                    _("  … and %(n)s more (see import #%(id)s)")
                    % {"n": len(quarantine) - QUARANTINE_LINES_SHOWN, "id": data_import.pk}
                )
        self.stdout.write(self.style.SUCCESS(_("Import #%(id)s done.") % {"id": data_import.pk}))
