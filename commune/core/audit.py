"""The audit trail's one door: `record()` after every state change or staff action."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, ready to store as before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def record(
    *,
    actor,
    obj: models.Model,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    comment: str = "",
) -> AuditEntry:
    """Append one entry for `obj`. `actor` is a user, or None for the system itself."""
    municipality_id = getattr(obj, "municipality_id", None)
    if obj.__class__.__name__ == "Municipality":
        municipality_id = obj.pk
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        municipality_id=municipality_id,
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "système"),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_label=str(obj)[:255],
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        comment=comment,
    )


def trail_for(obj: models.Model):
    """Entries for one record, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    ).select_related("actor")


TrailRule = Callable[..., bool]
_trail_rule: TrailRule | None = None


def trail_rule_register(rule: TrailRule) -> None:
    """Who may read a record's trail, `rule(user=..., obj=...)`: set by the access choke point
    (accounts) from its ready(), since core knows neither roles nor towns."""
    global _trail_rule
    _trail_rule = rule


def trail_visible_to(*, user, obj: models.Model) -> bool:
    """Whether `user` may read the trail of `obj`; nobody may while no rule is registered."""
    return _trail_rule is not None and _trail_rule(user=user, obj=obj)


_action_labels: dict[str, str] = {}


def actions_register(labels: dict[str, str]) -> None:
    """Apps name their audit actions in readable words (lazy translations), from ready()."""
    _action_labels.update(labels)


def action_label(action: str) -> str:
    """The readable, translated name of an action code; the code itself when unnamed."""
    label = _action_labels.get(action)
    return str(label) if label is not None else action.replace("_", " ").replace("-", " ")
