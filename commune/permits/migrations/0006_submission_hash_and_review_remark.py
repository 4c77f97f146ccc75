"""Issue 7: a fingerprint of the data a submission key came with (the same key with other
data is refused), and a reviewer's two texts apart: the remark for the applicant and the
internal note. The old `comments` become internal notes: a reviewer wrote them without
being told the applicant would read them, so they stay inside the town's staff."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0005_sentences_stored_as_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="permitrequest",
            name="submission_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RenameField(
            model_name="reviewtask",
            old_name="comments",
            new_name="internal_note",
        ),
        migrations.AlterField(
            model_name="reviewtask",
            name="internal_note",
            field=models.TextField(blank=True, verbose_name="internal note"),
        ),
        migrations.AddField(
            model_name="reviewtask",
            name="remark",
            field=models.TextField(blank=True, verbose_name="remark for the applicant"),
        ),
    ]
