"""What each town configures: its rules, tariff, routing, layers, conditions and streets."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import LV95, TenantModel

from .choices import RoadClosure, WorkKind

#: swisstopo's grey national map, as Web Mercator tiles (the maps' background by default).
DEFAULT_BASEMAP_URL = (
    "https://wmts.geo.admin.ch/1.0.0/ch.swisstopo.pixelkarte-grau/default/current/3857/"
    "{z}/{x}/{y}.jpeg"
)
DEFAULT_BASEMAP_ATTRIBUTION = "© swisstopo"
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_origin(url: str) -> str:
    """The origin ("https://host[:port]") a valid tile URL template loads from, for the
    Content-Security-Policy; ValueError when the template is not one we accept."""
    if any(c.isspace() or c in "\"'<>;,\\" for c in url) or not url.isprintable():
        raise ValueError("characters")
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise ValueError("https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError("credentials")
    host = parts.hostname or ""
    if not _HOST.match(host):
        raise ValueError("host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("port") from None
    if parts.fragment or _PLACEHOLDER.search(parts.netloc):
        raise ValueError("host")
    return f"https://{host}:{port}" if port else f"https://{host}"


def validate_tile_template(url: str) -> None:
    """A WMTS/XYZ tile address over https, without credentials, with {z}, {x} and {y}."""
    try:
        tile_origin(url)
    except ValueError:
        raise ValidationError(
            _(
                "Give an https address of the tiles, without user name or password, such as "
                "https://tiles.example.ch/{z}/{x}/{y}.png."
            ),
            code="invalid",
        ) from None
    parts = urlsplit(url)
    placeholders = set(_PLACEHOLDER.findall(f"{parts.path}?{parts.query}"))
    if placeholders != {"{z}", "{x}", "{y}"}:
        raise ValidationError(
            _(
                "The address must hold {z}, {x} and {y} (the zoom level, the tile's column and "
                "row) and no other placeholder."
            ),
            code="placeholders",
        )


def default_rates() -> dict[str, str]:
    return {"local": "0.20", "collector": "0.35", "main": "0.50"}


class PermitSettings(TenantModel):
    """One row per town: notice and review deadlines, conflict rules, the routine rules and
    the tariff (base fee + area × days × rate by road category, reinstatement deposit)."""

    minimum_notice_days = models.PositiveSmallIntegerField(
        _("minimum notice (working days)"), default=10
    )
    review_days = models.PositiveSmallIntegerField(_("review deadline (working days)"), default=10)
    # About 30 calendar days: the applicant's time to send a complement the officer asked for.
    complement_days = models.PositiveSmallIntegerField(
        _("deadline for a complement (working days)"), default=20
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("reminder before the due date (working days)"), default=2
    )
    escalation_days_after = models.PositiveSmallIntegerField(
        _("escalation to the officer after (working days late)"), default=2
    )
    deemed_consent = models.BooleanField(_("a silent service counts as favourable"), default=False)
    deemed_after_days = models.PositiveSmallIntegerField(
        _("deemed favourable after (working days late)"), default=5
    )
    conflict_distance_m = models.PositiveIntegerField(_("conflict distance (m)"), default=50)
    coordination_months = models.PositiveSmallIntegerField(
        _("coordination window (months)"), default=6
    )
    coordination_distance_m = models.PositiveIntegerField(
        _("same street: distance (m)"), default=30
    )
    moratorium_years = models.PositiveSmallIntegerField(
        _("moratorium after resurfacing (years)"), default=5
    )
    expiry_reminder_days = models.PositiveSmallIntegerField(
        _("reminder before the permit expires (days)"), default=5
    )
    routine_enabled = models.BooleanField(_("grant routine requests automatically"), default=True)
    routine_max_area_m2 = models.DecimalField(
        _("routine: largest area (m²)"), max_digits=10, decimal_places=2, default=Decimal("20")
    )
    routine_max_closure = models.CharField(
        _("routine: largest road closure"),
        max_length=10,
        choices=RoadClosure.choices,
        default=RoadClosure.NONE,
    )
    routine_allows_pavement_closure = models.BooleanField(
        _("routine: pavement closure allowed"), default=False
    )
    fee_base = models.DecimalField(
        _("base fee (CHF)"), max_digits=10, decimal_places=2, default=Decimal("100")
    )
    rates = models.JSONField(
        _("rate per m² and day by road category (CHF)"), default=default_rates, blank=True
    )
    deposit_per_m2 = models.DecimalField(
        _("reinstatement deposit per m² (CHF)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("50"),
    )
    deposit_minimum = models.DecimalField(
        _("minimum deposit (CHF)"), max_digits=10, decimal_places=2, default=Decimal("500")
    )
    guarantee_years = models.PositiveSmallIntegerField(_("guarantee period (years)"), default=2)
    # Who inspects the restored streets besides the permit officers: that service's reviewers
    # inspect every work of the town, routed to them or not (services' access: permits/access.py).
    inspecting_department = models.ForeignKey(
        "tenants.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service that inspects the works"),
        help_text=_("Its reviewers inspect the restored streets, as the permit officers do."),
    )

    # The maps' background (public works map, staff map, request form): tiles in Web Mercator
    # from the town's WMTS; the page's security policy admits that host (permits/basemap.py).
    basemap_url = models.CharField(
        _("background map: tile address"),
        max_length=500,
        default=DEFAULT_BASEMAP_URL,
        validators=[validate_tile_template],
        help_text=_("An https address with {z}, {x} and {y}, such as swisstopo's WMTS."),
    )
    basemap_attribution = models.CharField(
        _("background map: credit"), max_length=200, default=DEFAULT_BASEMAP_ATTRIBUTION
    )

    url_kwarg = "settings_id"

    class Meta:
        verbose_name = _("permit settings")
        verbose_name_plural = _("permit settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="permit_settings_one_per_town")
        ]

    def __str__(self) -> str:
        return f"{self.municipality}"

    def clean(self) -> None:
        """The inspecting service is one of the town's own."""
        department = self.inspecting_department
        if department is not None and department.municipality_id != self.municipality_id:
            raise ValidationError(
                {"inspecting_department": _("Choose one of the town's own services.")}
            )


class RoutingRule(TenantModel):
    """Says which department reviews: for a kind of work, for an impact, or (through a
    ReviewLayer) for a place. A rule with no condition set matches every request."""

    class Impact(models.TextChoices):
        ANY = "", _("Any impact")
        FULL_CLOSURE = "full_closure", _("Road fully closed")
        ANY_CLOSURE = "any_closure", _("Any road closure")
        PAVEMENT = "pavement", _("Pavement closed")
        PARKING = "parking", _("Parking places removed")

    department = models.ForeignKey(
        "tenants.Department", on_delete=models.CASCADE, verbose_name=_("department")
    )
    kind = models.CharField(_("kind of work"), max_length=20, choices=WorkKind.choices, blank=True)
    impact = models.CharField(_("impact"), max_length=20, choices=Impact.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    url_kwarg = "rule_id"

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.department}: {self.get_kind_display() or '*'} / {self.impact or '*'}"


class ReviewLayer(TenantModel):
    """A layer the town uploaded (GeoJSON or shapefile): a work area touching one of its
    features adds the layer's department to the review."""

    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        "tenants.Department", on_delete=models.CASCADE, verbose_name=_("department")
    )
    source_name = models.CharField(_("uploaded file"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    url_kwarg = "layer_id"

    class Meta:
        verbose_name = _("review layer")
        verbose_name_plural = _("review layers")

    def __str__(self) -> str:
        return self.name


class ReviewFeature(TenantModel):
    """One feature of a ReviewLayer, in LV95."""

    layer = models.ForeignKey(ReviewLayer, on_delete=models.CASCADE, related_name="features")
    label = models.CharField(_("label"), max_length=200, blank=True)
    geometry = models.GeometryField(_("geometry"), srid=LV95, spatial_index=True)

    url_kwarg = "feature_id"

    class Meta:
        verbose_name = _("layer feature")

    def __str__(self) -> str:
        return self.label or f"{self.layer} #{self.pk}"


class StandardCondition(TenantModel):
    """A condition from the town's library that reviewers attach to a favourable opinion."""

    code = models.SlugField(_("code"), max_length=40)
    text = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    url_kwarg = "condition_id"

    class Meta:
        ordering = ["code"]
        verbose_name = _("standard condition")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="condition_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class ResurfacedStreet(TenantModel):
    """A street the town resurfaced: no digging there until the moratorium ends."""

    name = models.CharField(_("street"), max_length=200)
    geometry = models.GeometryField(_("geometry"), srid=LV95, spatial_index=True)
    resurfaced_on = models.DateField(_("resurfaced on"))
    moratorium_until = models.DateField(_("moratorium until"))

    url_kwarg = "street_id"

    class Meta:
        verbose_name = _("resurfaced street")

    def __str__(self) -> str:
        return self.name


class DeemedOpinionRule(TenantModel):
    """Whether one service's silence counts as a favourable opinion (once its review is late by
    the town's `deemed_after_days`) for one level of road closure. Without a row, the town's
    `deemed_consent` says, except for the traffic police on a full closure: never deemed
    (workflow.silence_is_favourable; docs/decisions/0011)."""

    department = models.ForeignKey(
        "tenants.Department",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("department"),
    )
    road_closure = models.CharField(_("road closure"), max_length=10, choices=RoadClosure.choices)
    silence_is_favourable = models.BooleanField(_("silence counts as favourable"))

    url_kwarg = "rule_id"

    class Meta:
        verbose_name = _("deemed opinion rule")
        verbose_name_plural = _("deemed opinion rules")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "department", "road_closure"],
                name="deemed_rule_one_per_service_and_closure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} / {self.road_closure}: {self.silence_is_favourable}"

    def clean(self) -> None:
        """The service is one of the town's own."""
        if self.department_id and self.department.municipality_id != self.municipality_id:
            raise ValidationError({"department": _("Choose one of the town's own services.")})
