"""People, the organisations they act for, and their roles in each town."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commune.core.models import TimeStampedModel
from commune.tenants.models import TenantModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, email_verified=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an e-mail address; platform admins have `is_superuser`."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Private person")
        COMPANY = "company", _("Company or utility")
        STAFF = "staff", _("Municipal staff")

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    kind = models.CharField(
        _("account type"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN
    )
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_platform_admin(self) -> bool:
        return self.is_active and self.is_superuser


uid_validator = RegexValidator(
    r"^CHE-\d{3}\.\d{3}\.\d{3}$", _("Enter the Swiss business number as CHE-123.456.789.")
)


class Organisation(TimeStampedModel):
    """A company or utility that asks for permits; several people can act for it."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        UTILITY = "utility", _("Utility (water, gas, electricity, telecom…)")

    name = models.CharField(_("name"), max_length=200)
    uid = models.CharField(
        _("business number (UID)"), max_length=15, unique=True, validators=[uid_validator]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    address = models.TextField(_("address"), blank=True)
    invoice_address = models.TextField(_("invoicing address"), blank=True)
    members = models.ManyToManyField(
        User, through="OrganisationMember", related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class OrganisationMember(models.Model):
    """A person acting for an organisation; a manager can invite colleagues."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="org_memberships")
    is_manager = models.BooleanField(_("manager"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="org_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Role(models.TextChoices):
    MUNICIPALITY_ADMIN = "municipality_admin", _("Municipality administrator")
    PERMIT_OFFICER = "permit_officer", _("Permit officer")
    SERVICE_REVIEWER = "service_reviewer", _("Service reviewer")
    AGENDA_MODERATOR = "agenda_moderator", _("Agenda moderator")
    MOBILITY_ANALYST = "mobility_analyst", _("Mobility analyst")
    FINANCE = "finance", _("Finance officer")
    HELP_COORDINATOR = "help_coordinator", _("Neighbourhood help coordinator")


class Membership(TenantModel):
    """A role held by a person in one town; a reviewer's role names the department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        "tenants.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
    )

    url_kwarg = "membership_id"

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user", "role", "department"], name="membership_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "user", "role"],
                condition=models.Q(department__isnull=True),
                name="membership_unique_without_department",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role="service_reviewer", department__isnull=False)
                    | ~models.Q(role="service_reviewer")
                ),
                name="reviewer_has_department",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_role_display()
        return f"{label} ({self.department})" if self.department_id else str(label)


class OrganisationInvitation(TimeStampedModel):
    """A manager's invitation for a colleague to join an organisation; usable once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
