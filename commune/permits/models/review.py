"""The services' reviews of a request, and the complements asked of the applicant."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .permit import PermitRequest
from .texts import render_parts


class ReviewTask(TenantModel):
    """One department's review of one request, with its due date in working days and the
    reason it was chosen. Reminders, escalation and deemed opinions are timestamped here."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the opinion")
        ANSWERED = "answered", _("Answered")
        CANCELLED = "cancelled", _("Removed by the officer")
        SUPERSEDED = "superseded", _("Decided without this opinion")

    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", _("Favourable")
        CONDITIONS = "conditions", _("Favourable with conditions")
        UNFAVOURABLE = "unfavourable", _("Unfavourable")

    class Reason(models.TextChoices):
        KIND = "kind", _("Kind of work")
        IMPACT = "impact", _("Impact on traffic")
        LAYER = "layer", _("Work area touches a layer")
        MANUAL = "manual", _("Added by the officer")
        ALWAYS = "always", _("Reviews every request")

    permit = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey(
        "tenants.Department", on_delete=models.PROTECT, verbose_name=_("department")
    )
    reason = models.CharField(_("why"), max_length=10, choices=Reason.choices)
    # Why, in sentences written out when read (see `reason_text`): a list of `Text.as_json()`.
    # `reason_detail` holds the text that rows found before keys were stored (in one language).
    reason_parts = models.JSONField(default=list, blank=True)
    reason_detail = models.CharField(_("details"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    due_date = models.DateField(_("due"))
    paused_days = models.PositiveSmallIntegerField(_("days paused"), default=0)
    opinion = models.CharField(_("opinion"), max_length=12, choices=Opinion.choices, blank=True)
    # Two texts, for two audiences: the remark goes to the applicant with the opinion and the
    # conditions; the internal note is for the town's staff only and never leaves them.
    remark = models.TextField(_("remark for the applicant"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    conditions = models.ManyToManyField(
        "permits.StandardCondition", blank=True, verbose_name=_("standard conditions")
    )
    free_conditions = models.TextField(_("other conditions"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    is_deemed = models.BooleanField(_("deemed favourable (no answer in time)"), default=False)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_after_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    url_kwarg = "task_id"

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("review task")
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "department"],
                condition=~models.Q(status="cancelled"),
                name="review_task_one_per_department",
            )
        ]

    def __str__(self) -> str:
        return f"{self.permit} — {self.department}"

    @property
    def reason_text(self) -> str:
        """Why this service reviews, in the reader's language (the stored text for older rows)."""
        return render_parts(self.reason_parts, fallback=self.reason_detail)

    def condition_texts(self) -> list[str]:
        texts = [c.text for c in self.conditions.all()]
        texts += [line.strip() for line in self.free_conditions.splitlines() if line.strip()]
        return texts


class ComplementRequest(TenantModel):
    """The officer asks the applicant for more; every clock of the request pauses until the
    applicant answers, and the due dates then move by the working days paused."""

    permit = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="complements")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    question = models.TextField(_("what is missing"))
    asked_at = models.DateTimeField(_("asked"))
    # The town's complement_days from the day asked (none on complements asked before).
    due_date = models.DateField(_("to provide by"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(_("working days paused"), default=0)

    url_kwarg = "complement_id"

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("complement request")

    def __str__(self) -> str:
        return f"{self.permit}: {self.question[:40]}"
