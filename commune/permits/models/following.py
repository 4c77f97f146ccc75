"""Who is told about a file: the people of the applicant's side who follow it, and the conflicts
already announced (told once per pair of files, not at every recompute)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .permit import PermitRequest


class FileFollower(TenantModel):
    """One person's choice about a file's e-mails: a member of the file's organisation who
    follows it (`follows`), or its submitter who stopped following (`follows=False`). Without a
    row the submitter follows and the other members do not (services/following.py)."""

    permit = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    follows = models.BooleanField(_("follows the file"), default=True)

    class Meta:
        verbose_name = _("follower of a file")
        verbose_name_plural = _("followers of a file")
        constraints = [
            models.UniqueConstraint(fields=["permit", "user"], name="file_follower_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.permit}"


class ConflictNotice(TenantModel):
    """A conflict between two files that was announced (in the files' history and by e-mail):
    one row per pair, the lower id first, so that recomputing the conflicts tells nobody twice."""

    first = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("conflict announced")
        verbose_name_plural = _("conflicts announced")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="conflict_notice_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="conflict_notice_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} × {self.second_id}"
