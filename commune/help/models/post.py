"""Requests and offers of help, the people without an account the coordinator enters for them,
the neighbours' answers and the messages between the two matched people."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import LV95, TenantModel

from .neighbour import Neighbour, Neighbourhood


class Category(models.TextChoices):
    SHOPPING = "shopping", _("Shopping")
    RIDE = "ride", _("A ride to the doctor")
    VISIT = "visit", _("A visit")
    ACCOMPANY = "accompany", _("Accompanying someone to an activity")
    REPAIR = "repair", _("Small repairs")
    OTHER = "other", _("Other")


class Caller(TenantModel):
    """Someone who called the social service (or came to the counter) and has no account:
    name, phone and address are seen by the coordinator only."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")

    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood")
    )
    location = models.PointField(_("position of the address"), srid=LV95, null=True, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=8, choices=Channel.choices, default=Channel.PHONE
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("caller")
        verbose_name_plural = _("callers")

    def __str__(self) -> str:
        return self.name


class Post(TenantModel):
    """A request (someone needs help) or an offer (someone can help). Its author is a verified
    neighbour, or a caller entered by the coordinator. Seen by the verified neighbours of its
    neighbourhood, or within `radius_m` of its point. Status changes through workflow.py."""

    class Direction(models.TextChoices):
        REQUEST = "request", _("Request")
        OFFER = "offer", _("Offer")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MATCHED = "matched", _("Matched")
        DONE = "done", _("Done")
        NO_ONE_FOUND = "no_one_found", _("No one found")
        CANCELLED = "cancelled", _("Cancelled")

    direction = models.CharField(
        _("kind"), max_length=8, choices=Direction.choices, default=Direction.REQUEST
    )
    category = models.CharField(_("what"), max_length=10, choices=Category.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("details"), blank=True)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("until"), null=True, blank=True)
    availability = models.CharField(_("when"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood")
    )
    #: Seen within this distance of `location` instead of in the neighbourhood only.
    radius_m = models.PositiveIntegerField(_("radius (metres)"), null=True, blank=True)
    location = models.PointField(srid=LV95, null=True, blank=True)
    author = models.ForeignKey(
        Neighbour, on_delete=models.CASCADE, null=True, blank=True, related_name="posts"
    )
    caller = models.ForeignKey(
        Caller, on_delete=models.PROTECT, null=True, blank=True, related_name="posts"
    )
    partner = models.ForeignKey(
        Neighbour, on_delete=models.SET_NULL, null=True, blank=True, related_name="matches"
    )
    partner_caller = models.ForeignKey(
        Caller, on_delete=models.PROTECT, null=True, blank=True, related_name="matches"
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default="open")
    #: The coordinator calls the person back on this day (the town's date).
    follow_up_on = models.DateField(_("call back on"), null=True, blank=True)
    event = models.ForeignKey(
        "agenda.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    occurrence_start = models.DateTimeField(_("date of the activity"), null=True, blank=True)
    #: Each of the two matched people agreed to show their phone and e-mail to the other.
    author_shares = models.BooleanField(default=False)
    partner_shares = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    url_kwarg = "post_id"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("help request or offer")
        verbose_name_plural = _("help requests and offers")
        indexes = [models.Index(fields=["municipality", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author__isnull=True) | models.Q(caller__isnull=True),
                name="help_post_one_author",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def contacts_shared(self) -> bool:
        return self.author_shares and self.partner_shares


class Answer(TenantModel):
    """A verified neighbour answers a post: "I can help" on a request, "I'd like that" on an
    offer. The author (or the coordinator for a caller) accepts one: the post is matched."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="answers")
    neighbour = models.ForeignKey(Neighbour, on_delete=models.CASCADE, related_name="answers")
    note = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(fields=["post", "neighbour"], name="help_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.neighbour} → {self.post}"


class Message(TenantModel):
    """A message between the two matched people, inside the platform (no contact details)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(Neighbour, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=2000)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("message")

    def __str__(self) -> str:
        return f"{self.sender}: {self.body[:40]}"


class Report(TenantModel):
    """A neighbour tells the coordinator that a post breaks the rules (money asked, abuse…).
    The coordinator looks at it, closes the post if needed, and marks the report handled."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Neighbour, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("what is wrong"), max_length=500)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="help_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reporter} ⚑ {self.post}"
