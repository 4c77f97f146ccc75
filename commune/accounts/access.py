"""The one choke point for staff access: who holds which role in which town."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from commune.tenants import scoping
from commune.tenants.models import Municipality

from .models import Membership, Role


def roles_in(user, municipality) -> set[str]:
    """The roles `user` holds in `municipality` (empty for anonymous users)."""
    if not user.is_authenticated or municipality is None:
        return set()
    cache = user.__dict__.setdefault("_commune_roles", {})
    if municipality.pk not in cache:
        with scoping.scope(municipality):
            cache[municipality.pk] = set(
                Membership.objects.filter(user=user).values_list("role", flat=True)
            )
    return cache[municipality.pk]


def has_role(user, municipality, *roles: str) -> bool:
    held = roles_in(user, municipality)
    return bool(held & set(roles)) if roles else bool(held)


def audit_trail_visible(*, user, obj) -> bool:
    """Only the admins of the record's town, and platform admins, see its audit trail
    (registered with core.audit from AccountsConfig.ready)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    town = obj if isinstance(obj, Municipality) else getattr(obj, "municipality", None)
    return town is not None and has_role(user, town, Role.MUNICIPALITY_ADMIN)


def is_staff_somewhere(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    with scoping.scopes_disabled():
        return Membership.objects.filter(user=user).exists()


def reviewer_departments(user, municipality) -> list[int]:
    with scoping.scope(municipality):
        return list(
            Membership.objects.filter(user=user, role=Role.SERVICE_REVIEWER).values_list(
                "department_id", flat=True
            )
        )


def two_factor_url(next_url: str) -> str:
    """The second-factor page, coming back to `next_url` once passed."""
    return f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}"


def staff_required(*roles: str) -> Callable:
    """View decorator: the user holds one of `roles` in the request's town (any role if none
    given) and has passed the second factor. Anonymous → login; no role at all in this town
    (a citizen, a company, another town's staff) → 403, never the second-factor page, which
    does not concern them and would send them straight back here; the town's staff → the
    second factor first, then 403 if their roles do not fit."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user, town = request.user, request.municipality
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(user, town):
                raise PermissionDenied
            if not user.is_verified():
                return redirect(two_factor_url(request.get_full_path()))
            if not has_role(user, town, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.commune_roles = roles
        return wrapped

    return decorator


def axes_username(request, credentials: dict | None = None) -> str:
    """The login name django-axes counts failures for: the e-mail, trimmed and lower-cased,
    so that 'Marie@…' and 'marie@…' share one counter."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return (value or "").strip().lower()
