"""Files sent with a request form that was not saved (a validation error, a check): kept for
the same person and the same form until it is saved, or for a day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel


def pending_upload_path(instance: PendingUpload, filename: str) -> str:
    return f"permits/{instance.municipality_id}/pending/{instance.form_token}/{filename}"


class PendingUpload(TenantModel):
    """A checked plan (PDF, PNG, JPEG) waiting for its request form to be saved: tied to the
    user who sent it and to the form's token, turned into an Attachment on the save, deleted
    after PENDING_UPLOAD_HOURS otherwise (tasks.pending_uploads_purge)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    form_token = models.UUIDField(db_index=True)
    file = models.FileField(_("file"), upload_to=pending_upload_path)
    name = models.CharField(_("name"), max_length=200)
    mime_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("file waiting for its request")

    def __str__(self) -> str:
        return self.name
