"""Logos stored before SVG was refused: each PNG or JPEG logo is re-encoded as a fresh PNG (as
the logo service now stores them); an SVG logo — or a file that cannot be read as a picture —
is dropped, because rasterising SVG would need cairo. The town's admin uploads a PNG again.
"""

from django.core.exceptions import ValidationError
from django.db import migrations, transaction


def logos_as_png(apps, schema_editor):
    from commune.tenants.services import logo_png, logo_store

    Municipality = apps.get_model("tenants", "Municipality")
    for town in Municipality.objects.exclude(logo="").order_by("pk"):
        previous = town.logo.name
        storage = town.logo.storage
        try:
            with town.logo.open("rb") as fh:
                png = logo_png(fh)
        except (ValidationError, OSError):
            town.logo = ""
            town.save(update_fields=["logo"])
            transaction.on_commit(lambda name=previous, files=storage: files.delete(name))
            print(f"\n  {town.slug}: logo {previous} dropped (not a PNG or JPEG)", end="")
            continue
        logo_store(municipality=town, png=png)
        town.save(update_fields=["logo"])


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(logos_as_png, migrations.RunPython.noop)]
