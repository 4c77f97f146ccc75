import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import commune.permits.models.uploads


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0014_followers_and_conflict_notices"),
        ("tenants", "0002_logos_as_png"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingUpload",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("form_token", models.UUIDField(db_index=True)),
                (
                    "file",
                    models.FileField(
                        upload_to=commune.permits.models.uploads.pending_upload_path,
                        verbose_name="file",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("mime_type", models.CharField(max_length=40)),
                ("size", models.PositiveIntegerField()),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenants.municipality",
                        verbose_name="municipality",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "file waiting for its request",
                "ordering": ["created_at", "pk"],
            },
        ),
    ]
