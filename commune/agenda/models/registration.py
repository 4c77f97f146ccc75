"""Registrations for one date of an event, within the date's capacity, with a waitlist."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .event import Event


class Registration(TenantModel):
    """A person registered for one date of an event (`original_start`, the date's key), by
    themselves online or by staff "on behalf of" someone at the counter or on the phone (a
    name and a phone number, no account needed). Past the capacity a registration waits; a
    place that frees up is offered to the first waiting, who has until `offered_until`."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITING = "waiting", _("On the waitlist")
        OFFERED = "offered", _("Place offered, to confirm")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Offer expired")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("At the counter")
        PHONE = "phone", _("By phone")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    original_start = models.DateTimeField(_("date"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    offered_until = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    #: Where a confirmation letter goes when the person has neither e-mail nor mobile phone:
    #: the lines of the address window (name first).
    address = models.TextField(_("postal address"), blank=True)
    #: A neighbour comes with the person (help's "Accompany me", set by help's services).
    accompanied = models.BooleanField(_("comes accompanied"), default=False)

    url_kwarg = "registration_id"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start", "user"],
                condition=models.Q(user__isnull=False),
                name="registration_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"


#: The statuses that hold a place of a date (an offered place is kept until it is answered).
HOLDING = (Registration.Status.CONFIRMED, Registration.Status.OFFERED)


class RegistrationLetter(TenantModel):
    """A confirmation that goes by post, for a person registered without e-mail or mobile
    phone: queued when the registration is made (or a place offered), printed in the day's
    batch (`printed_on`), and in that batch only, however often the batch is printed."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Registration confirmed")
        WAITING = "waiting", _("On the waitlist")
        OFFERED = "offered", _("Place offered")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("letter"), max_length=10, choices=Kind.choices)
    printed_on = models.DateField(_("printed in the batch of"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration letter")
        indexes = [models.Index(fields=["municipality", "printed_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.registration}"


class RegistrationCall(TenantModel):
    """A person staff must phone because no message reached them: their SMS failed and they
    have no address, or a place was offered to someone with neither e-mail, mobile phone nor
    address. Shown with the phone number and what to tell them (`message`) on the organiser's
    attendee page and the day's post page, until a member of staff marks it done."""

    class Reason(models.TextChoices):
        SMS_FAILED = "sms_failed", _("The SMS could not be sent")
        NO_CHANNEL = "no_channel", _("No e-mail, mobile phone or address")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="calls")
    kind = models.CharField(_("about"), max_length=10, choices=RegistrationLetter.Kind.choices)
    reason = models.CharField(_("why"), max_length=12, choices=Reason.choices)
    message = models.TextField(_("what to tell them"))
    done_at = models.DateTimeField(_("called on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    url_kwarg = "call_id"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("call to make")
        indexes = [models.Index(fields=["municipality", "done_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.registration}"
