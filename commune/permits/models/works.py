"""After the grant: extensions asked for and inspections of the reinstated street."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .permit import PermitRequest


class ExtensionRequest(TenantModel):
    """The applicant asks to work longer than planned; the officer accepts or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    permit = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="extensions")
    new_end = models.DateField(_("new end date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    url_kwarg = "extension_id"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("extension request")

    def __str__(self) -> str:
        return f"{self.permit} → {self.new_end}"


class Inspection(TenantModel):
    """The roads service inspects the reinstated street: accepted, or defects to fix by a
    deadline (watched; resolved by the next accepted inspection)."""

    class Result(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DEFECTS = "defects", _("Defects to fix")

    permit = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="inspections")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    inspected_on = models.DateField(_("inspected on"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)
    fix_by = models.DateField(_("defects to fix by"), null=True, blank=True)
    # Defects: the periodic job reminds the applicant before `fix_by` and tells the officers
    # after it (once each); the next accepted inspection resolves them.
    repair_reminded_at = models.DateTimeField(null=True, blank=True)
    repair_escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("defects resolved"), null=True, blank=True)

    url_kwarg = "inspection_id"

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("inspection")

    def __str__(self) -> str:
        return f"{self.permit} {self.inspected_on}: {self.result}"
