"""What the town publishes as open data: its k-anonymity settings and the frozen publications
of each period."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel
from commune.tenants.scoping import TenantManager


class MobilitySettings(TenantModel):
    """The town's observatory settings: the k of k-anonymity for everything published (no
    published figure comes from fewer than k devices or persons) and the perimeter zones whose
    traffic typology is the headline figure. One row per town, created on first use."""

    k_anonymity = models.PositiveIntegerField(
        _("minimum group size (k)"),
        default=20,
        validators=[MinValueValidator(2)],
        help_text=_("No published figure comes from fewer than k persons."),
    )
    perimeter_zones = models.JSONField(
        _("perimeter zones"),
        default=list,
        blank=True,
        help_text=_("Zone ids of the studied perimeter (e.g. the town centre)."),
    )

    url_kwarg = None

    class Meta:
        verbose_name = _("observatory settings")
        verbose_name_plural = _("observatory settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="mobility_settings_one_per_town"),
            models.CheckConstraint(
                condition=models.Q(k_anonymity__gte=2), name="mobility_settings_k_min_2"
            ),
        ]

    def __str__(self) -> str:
        return f"k = {self.k_anonymity}"


class PublicationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("A publication is frozen: it cannot be changed.")


class Publication(TenantModel):
    """The open data of one fixed period (a calendar month, or a calendar week cut at the
    month's edges) for one family of tables (analytics.opendata): made once, when the period is
    over and its data is in, suppressed together with everything published before it, then
    frozen. Never recomputed: a published figure that changed would tell the difference.

    `tables` is what the public side serves. `basis` holds the underlying cells a week was made
    from (its month is made from its weeks' bases): private, never served. `hidden` lists the
    keys of the period's figures that are not published, for the audit of the next period of
    the same block."""

    class Family(models.TextChoices):
        COUNTS = "counts", _("Counting sites")
        OD = "od", _("Origin–destination trips")
        PRESENCE = "presence", _("Presence in zones")

    class Kind(models.TextChoices):
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    family = models.CharField(_("family of tables"), max_length=16, choices=Family.choices)
    kind = models.CharField(_("kind of period"), max_length=8, choices=Kind.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    k = models.PositiveIntegerField(_("minimum group size (k)"))
    perimeter = models.JSONField(_("perimeter zones"), default=list, blank=True)
    tables = models.JSONField(_("published tables"), default=dict)
    hidden = models.JSONField(_("suppressed figures"), default=list, blank=True)
    basis = models.JSONField(_("underlying cells (private)"), default=dict, blank=True)

    objects = TenantManager.from_queryset(PublicationQuerySet)()

    url_kwarg = None

    class Meta:
        ordering = ["start", "kind", "family"]
        verbose_name = _("open-data publication")
        verbose_name_plural = _("open-data publications")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "family", "kind", "start"], name="publication_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="publication_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.kind} {self.start}–{self.end}"

    @property
    def made_at(self):
        return self.created_at

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("A publication is frozen: it cannot be changed.")
        super().save(*args, **kwargs)
