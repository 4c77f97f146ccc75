"""An activity in the town's agenda, its recurrence and the changes to single dates."""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .choices import Category, PriceKind
from .venue import Venue

#: Every date and time of the agenda is local time in this zone (RRULE, EXDATE, RDATE).
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


class Event(TenantModel):
    """An activity offered by an organisation (or by the town itself, `organisation` empty):
    its first date `starts_at`, and when it recurs an RRULE with EXDATE/RDATE, all in
    Europe/Zurich local time. Status changes only through workflow.py's transitions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    price_kind = models.CharField(
        _("price"), max_length=8, choices=PriceKind.choices, default=PriceKind.FREE
    )
    price_amount = models.DecimalField(
        _("amount (CHF)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    neighbourhood = models.CharField(_("neighbourhood"), max_length=80, blank=True)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="events", verbose_name=_("venue")
    )
    starts_at = models.DateTimeField(_("first date"))
    duration = models.DurationField(_("duration"))
    #: RFC 5545 RRULE value without "RRULE:" (UNTIL in UTC, as RFC 5545 wants with a TZID).
    rrule = models.CharField(_("recurrence rule"), max_length=300, blank=True)
    #: Local times ("2026-12-24T14:00") left out of the rule, and added to it.
    exdates = models.JSONField(default=list, blank=True)
    rdates = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    #: Places per date; empty: no registration (people just come).
    capacity = models.PositiveIntegerField(_("places per date"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    #: Title, description, venue and organiser without accents, lower-cased (services fill it).
    search_text = models.TextField(editable=False, blank=True)
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    url_kwarg = "event_id"

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule or self.rdates)


class DateChange(TenantModel):
    """One date of an event changed: cancelled, moved, or held at another venue. Keyed by the
    date as the rule gives it (`original_start`, iCalendar's RECURRENCE-ID)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="changes")
    original_start = models.DateTimeField(_("date as planned"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    starts_at = models.DateTimeField(_("new date"), null=True, blank=True)
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other venue"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["original_start"]
        verbose_name = _("date change")
        constraints = [
            models.UniqueConstraint(fields=["event", "original_start"], name="datechange_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event} @ {self.original_start:%Y-%m-%d %H:%M}"


class TrustedOrganisation(TenantModel):
    """An organisation whose events the town publishes without review."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    trusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("trusted organisation")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "organisation"], name="trusted_organisation_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)
