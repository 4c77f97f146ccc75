"""Tenant scoping: every query on a town-owned model runs inside exactly one municipality.

A query made outside a scope raises ScopeError instead of silently returning every town's rows
(the approach of pretix's django-scopes). Requests for /<town>/... are scoped by
TownMiddleware; tasks and commands scope themselves with `scope(municipality)`; the few places
that legitimately see all towns (platform admin, backup) say so with `scopes_disabled()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

_ALL = object()
_current: ContextVar[Any] = ContextVar("commune_tenant_scope", default=None)


class ScopeError(RuntimeError):
    """A town-owned model was queried with no municipality in scope."""


@contextmanager
def scope(municipality) -> Iterator[None]:
    token = _current.set(municipality)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    token = _current.set(_ALL)
    try:
        yield
    finally:
        _current.reset(token)


def activate(municipality):
    """Enter a scope and return the token for `deactivate` (for middleware)."""
    return _current.set(municipality)


def deactivate(token) -> None:
    _current.reset(token)


def current_municipality():
    value = _current.get()
    return None if value is _ALL else value


class TenantManager(models.Manager):
    """The default manager of every town-owned model: filters by the scope, or raises."""

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        active = _current.get()
        if active is None:
            raise ScopeError(
                f"{self.model.__name__} was queried outside a municipality scope; wrap the "
                "code in tenants.scoping.scope(municipality)."
            )
        if active is _ALL:
            return queryset
        return queryset.filter(municipality_id=active.pk)
