from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "commune.accounts"
    label = "accounts"
    verbose_name = _("Accounts")


class CommuneAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (second factor, tenant scopes disabled)."""

    default = False  # listed explicitly in INSTALLED_APPS; AccountsConfig stays the default

    default_site = "commune.accounts.admin_site.CommuneAdminSite"
