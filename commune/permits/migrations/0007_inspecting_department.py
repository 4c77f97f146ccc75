"""Who inspects the works besides the permit officers becomes a town setting: it was the
department whose code is "roads", hard-coded in the inspection view. Each town keeps what it
had: its "roads" department, when it has one."""

import django.db.models.deletion
from django.db import migrations, models


def roads_inspect(apps, schema_editor):
    PermitSettings = apps.get_model("permits", "PermitSettings")
    Department = apps.get_model("tenants", "Department")
    for settings in PermitSettings.objects.all():
        roads = Department.objects.filter(municipality_id=settings.municipality_id, code="roads")
        settings.inspecting_department = roads.first()
        settings.save(update_fields=["inspecting_department"])


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0006_submission_hash_and_review_remark"),
        ("tenants", "0002_logos_as_png"),
    ]

    operations = [
        migrations.AddField(
            model_name="permitsettings",
            name="inspecting_department",
            field=models.ForeignKey(
                blank=True,
                help_text="Its reviewers inspect the restored streets, as the permit officers do.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="tenants.department",
                verbose_name="service that inspects the works",
            ),
        ),
        migrations.RunPython(roads_inspect, migrations.RunPython.noop),
    ]
