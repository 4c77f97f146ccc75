"""manage.py town_create: a new town and its first municipality administrator (docs/deploy.md,
step 9). Lives in accounts, not tenants: it creates an account, and tenants imports nothing
from accounts (the layers in pyproject.toml)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from commune.accounts.services.towns import town_create
from commune.tenants.models import Canton, Module
from commune.tenants.services import territory_read

#: The model's field names as the options that give them.
OPTIONS = {
    "name": "--name",
    "slug": "--slug",
    "ofs_number": "--ofs-number",
    "canton": "--canton",
    "territory": "--territory",
    "languages": "--languages",
    "contact_email": "--contact-email",
    "modules": "--modules",
    "admin_email": "--admin-email",
    "full_name": "--admin-name",
    "email": "--admin-email",
    "role": "--admin-email",
}


def _codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


class Command(BaseCommand):
    help = (
        "Create a town and its first municipality administrator, who is mailed a link to "
        "choose a password. Running it again for the same town changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="its address: /<slug>/")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--ofs-number", type=int, required=True, help="the Federal Statistical Office's number"
        )
        parser.add_argument("--canton", required=True, help=", ".join(Canton.values))
        parser.add_argument(
            "--territory",
            type=Path,
            required=True,
            help="the boundary: a GeoJSON, shapefile or GeoPackage file (its first feature)",
        )
        parser.add_argument(
            "--languages", default="fr", help="comma-separated, the first is the default"
        )
        parser.add_argument("--modules", default="", help=", ".join(Module.values))
        parser.add_argument("--contact-email", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", required=True)

    @no_translations  # an operator's command: its messages and Django's in English
    def handle(self, *args, **options):
        try:
            town, created = town_create(
                actor=None,
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
                name=options["name"].strip(),
                slug=options["slug"].strip(),
                ofs_number=options["ofs_number"],
                canton=options["canton"].strip().upper(),
                territory=territory_read(path=options["territory"]),
                languages=_codes(options["languages"]),
                contact_email=options["contact_email"].strip(),
                modules=_codes(options["modules"]),
            )
        except ValidationError as exc:
            raise CommandError(_explain(exc)) from exc
        if not created:
            self.stdout.write(f"The town {town.name} (/{town.slug}/) exists: nothing changed.")
            return
        area = town.territory.area / 1e6
        self.stdout.write(
            f"{town.name}: /{town.slug}/, canton {town.canton}, area {area:.1f} km², "
            f"modules {', '.join(town.modules) or 'none'}.\n"
            f"Administrator {options['admin_email'].strip().lower()}: a mail with a link to "
            "choose a password is queued (the worker sends it)."
        )


def _explain(exc: ValidationError) -> str:
    """One line per refused option: `--canton: Value 'XX' is not a valid choice.`"""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    lines = []
    for field, errors in exc.message_dict.items():
        where = OPTIONS.get(field, field)
        lines += [f"{where}: {message}" for message in errors]
    if "canton" in exc.message_dict:
        lines.append(f"Cantons: {', '.join(Canton.values)}")
    if "modules" in exc.message_dict:
        lines.append(f"Modules: {', '.join(Module.values)}")
    return "\n".join(lines)
