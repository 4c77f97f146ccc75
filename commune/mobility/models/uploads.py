"""A file on its way to an import: sent whole by the form or in chunks that resume, then
previewed with its column mapping before the import starts (services/uploads.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .jobs import DataImport


class PendingUpload(TenantModel):
    """A data file received (or being received) for an import that has not started yet: its
    declared size, the bytes received so far, and the kind and time zone chosen with it. The
    bytes live in the private media folder (`path`); an upload left alone is removed by the
    worker (tasks.uploads_clean_all)."""

    class Status(models.TextChoices):
        RECEIVING = "receiving", _("Receiving")
        COMPLETE = "complete", _("Received")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    name = models.CharField(_("file name"), max_length=300)
    kind = models.CharField(_("kind of data"), max_length=32, choices=DataImport.Kind.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Zurich")
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    received = models.PositiveBigIntegerField(_("bytes received"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVING
    )

    url_kwarg = "upload_id"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received__lte=models.F("size")),
                name="pending_upload_received_within_size",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> Path:
        """Where its bytes are kept (private media, a folder per town)."""
        folder = Path(settings.MEDIA_ROOT) / "mobility" / "uploads" / str(self.municipality_id)
        return folder / f"{self.pk}.part"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE
