"""The platform admin (/admin/): verified platform admins only, seeing every town."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from commune.tenants import scoping

from .access import two_factor_url


class CommuneAdminSite(OTPAdminSite):
    """Requires a superuser who passed the second factor. Logging in goes through our own
    pages (password, then TOTP); the views run with tenant scopes disabled so the admin can
    list every town's rows."""

    name = "admin"
    site_header = "commune — administration de la plateforme"

    def __init__(self, name: str = "admin"):
        super().__init__(name)

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser and user.is_verified())

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_superuser):
            raise PermissionDenied  # a town's staff, a citizen: never the platform admin
        if user.is_authenticated and not user.is_verified():
            return redirect(two_factor_url(target))
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def unscoped(request, *args, **kwargs):
            with scoping.scopes_disabled():
                response = inner(request, *args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
            return response

        return unscoped
