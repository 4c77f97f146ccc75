"""Municipalities (the tenants), their domain names and their departments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from commune.core.models import TimeStampedModel

from .scoping import TenantManager

LV95 = 2056

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class Canton(models.TextChoices):
    AG = "AG", "Aargau"
    AI = "AI", "Appenzell Innerrhoden"
    AR = "AR", "Appenzell Ausserrhoden"
    BE = "BE", "Bern / Berne"
    BL = "BL", "Basel-Landschaft"
    BS = "BS", "Basel-Stadt"
    FR = "FR", "Fribourg / Freiburg"
    GE = "GE", "Genève"
    GL = "GL", "Glarus"
    GR = "GR", "Graubünden / Grigioni"
    JU = "JU", "Jura"
    LU = "LU", "Luzern"
    NE = "NE", "Neuchâtel"
    NW = "NW", "Nidwalden"
    OW = "OW", "Obwalden"
    SG = "SG", "St. Gallen"
    SH = "SH", "Schaffhausen"
    SO = "SO", "Solothurn"
    SZ = "SZ", "Schwyz"
    TG = "TG", "Thurgau"
    TI = "TI", "Ticino"
    UR = "UR", "Uri"
    VD = "VD", "Vaud"
    VS = "VS", "Valais / Wallis"
    ZG = "ZG", "Zug"
    ZH = "ZH", "Zürich"


class Module(models.TextChoices):
    PERMITS = "permits", _("Excavation permits")
    MOBILITY = "mobility", _("Mobility observatory")
    AGENDA = "agenda", _("Community agenda")
    HELP = "help", _("Neighbourhood help")
    BILLING = "billing", _("Invoices and payments")
    PORTAL = "portal", _("Citizen portal")


def _relative_luminance(hex_value: str) -> float:
    channels = []
    for i in (1, 3, 5):
        c = int(hex_value[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(hex_value: str) -> float:
    return 1.05 / (_relative_luminance(hex_value) + 0.05)


class Municipality(TimeStampedModel):
    """A town served by this installation; every town-owned row points to one."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("address name"), max_length=50, unique=True, help_text=_("Used in the address: /<slug>/")
    )
    ofs_number = models.PositiveIntegerField(_("OFS number"), unique=True)
    canton = models.CharField(_("canton"), max_length=2, choices=Canton.choices)
    territory = models.MultiPolygonField(_("territory"), srid=LV95)
    languages = models.JSONField(
        _("languages"),
        default=list,
        help_text=_("Language codes offered, the first is the default."),
    )
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    primary_colour = models.CharField(
        _("main colour"), max_length=7, default="#1f4e79", validators=[hex_colour]
    )
    contact_email = models.EmailField(_("contact e-mail"))
    modules = models.JSONField(_("enabled modules"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.primary_colour and contrast_with_white(self.primary_colour) < 4.5:
            raise ValidationError(
                {
                    "primary_colour": _(
                        "White text on this colour is hard to read (contrast below 4.5:1); "
                        "choose a darker colour."
                    )
                }
            )
        unknown = set(self.modules or []) - set(Module.values)
        if unknown:
            raise ValidationError(
                {"modules": _("Unknown modules: %(m)s") % {"m": ", ".join(sorted(unknown))}}
            )

    def has_module(self, module: str) -> bool:
        return module in (self.modules or [])

    @property
    def default_language(self) -> str:
        return (self.languages or ["fr"])[0]

    @property
    def offered_languages(self) -> list[str]:
        """The town's languages the platform can speak, default first; never empty."""
        known = {code for code, _name in settings.LANGUAGES}
        return [code for code in self.languages or [] if code in known] or [self.default_language]

    def enabled_modules(self) -> list[Module]:
        return [Module(m) for m in Module.values if m in (self.modules or [])]


class Domain(models.Model):
    """A host name that serves one town at its root (e.g. e-services.pully.ch)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain name"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("domain name")

    def __str__(self) -> str:
        return self.domain


class TenantModel(TimeStampedModel):
    """Base of every town-owned model: carries its municipality, queried through the scope."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )

    objects = TenantManager()

    #: The URL keyword that carries this model's id (see the isolation test).
    url_kwarg: str | None = None

    class Meta:
        abstract = True


class Department(TenantModel):
    """A service of the town (roads, water, traffic police…) that reviews and acts."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40)
    email = models.EmailField(_("e-mail"), blank=True)

    url_kwarg = "department_id"

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="department_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name
