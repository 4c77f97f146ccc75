from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "commune.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Imported here, not above: Django reads apps.py before any model is loaded.
        from commune.core.audit import actions_register, trail_rule_register  # noqa: PLC0415

        from .access import audit_trail_visible  # noqa: PLC0415

        trail_rule_register(audit_trail_visible)
        actions_register(
            {
                "register": _("account registered"),
                "verify_email": _("e-mail address verified"),
                "invite": _("colleague invited"),
                "join": _("invitation accepted"),
                "remove_member": _("member removed"),
                "enrol_second_factor": _("second factor set up"),
                "set_language": _("language changed"),
                "staff_create": _("staff account created"),
                "role_grant": _("role granted"),
                "role_revoke": _("role revoked"),
            }
        )


class CommuneAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (second factor, tenant scopes disabled)."""

    default = False  # listed explicitly in INSTALLED_APPS; AccountsConfig stays the default

    default_site = "commune.accounts.admin_site.CommuneAdminSite"
