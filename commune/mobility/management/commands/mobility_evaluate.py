import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from commune.mobility.warehouse.evaluation import evaluation_compute
from commune.tenants.models import Municipality


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _pct(value: float) -> str:
    return f"{value:+.1f} %".replace("-", "−")


class Command(BaseCommand):
    help = (
        "Evaluate an intervention on counting sites by difference-in-differences: the effect "
        "per site and pooled, with a 95 % interval. Exit code 2 when the input cannot be used."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="The town's address name.")
        parser.add_argument("--treated", required=True, help="Comma-separated treated site ids.")
        parser.add_argument("--control", required=True, help="Comma-separated control site ids.")
        parser.add_argument("--date", required=True, help="Intervention date, YYYY-MM-DD.")
        parser.add_argument("--before", type=int, default=56, help="Days before (default 56).")
        parser.add_argument("--after", type=int, default=56, help="Days after (default 56).")
        parser.add_argument(
            "--mode",
            help="The one mode to evaluate (car, bicycle, pedestrian...); without it, the one "
            "mode the sites count (modes are never added together: sites counting several need "
            "--mode).",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--language", help="Language of messages (default: the town's).")

    def handle(self, *args, **options):
        town = Municipality.objects.filter(slug=options["municipality"]).first()
        language = options["language"] or (town.default_language if town else "fr")
        with translation.override(language):
            if town is None:
                raise CommandError(
                    _("Unknown municipality: %(slug)s") % {"slug": options["municipality"]},
                    returncode=2,
                )
            result = self._evaluate(town, options)
            if options["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            else:
                self._print(result)

    def _evaluate(self, town: Municipality, options: dict) -> dict:
        try:
            intervention = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(
                _("Not a date (YYYY-MM-DD): %(d)s") % {"d": options["date"]}, returncode=2
            ) from None
        if options["before"] < 1 or options["after"] < 1:
            raise CommandError(_("--before and --after must be at least 1 day."), returncode=2)
        try:
            return evaluation_compute(
                municipality=town,
                treated=_ids(options["treated"]),
                control=_ids(options["control"]),
                intervention=intervention,
                before_days=options["before"],
                after_days=options["after"],
                mode=options["mode"],
            )
        except FileNotFoundError:
            raise CommandError(
                _("%(town)s has no counts imported yet.") % {"town": town.name}, returncode=2
            ) from None
        except ValueError as exc:
            raise CommandError(
                _("The evaluation is not possible: %(e)s") % {"e": exc}, returncode=2
            ) from exc

    def _print(self, result: dict) -> None:
        self.stdout.write(result["summary_fr"])
        self.stdout.write("")
        rows = [(_("All treated sites"), result["pooled"])] + list(result["per_site"].items())
        for label, effect in rows:
            self.stdout.write(
                f"{label:<24} {_pct(effect['effect_pct']):>9}  "
                f"[{_pct(effect['low_pct'])} ; {_pct(effect['high_pct'])}]  "
                f"p={effect['p_value']:.3f}"
            )
        self.stdout.write("")
        self.stdout.write(result["method"])
