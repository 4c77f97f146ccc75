"""`{% load audit %}{% audit_trail obj %}`: a record's history, for its town's admins only.
Values are shown as the reader knows them: a status by its label, yes or no, a number and a
date in the reader's language, a list by its items; an emptied value as "—"."""

import datetime as dt
import decimal

from django import template
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from commune.core.audit import action_label, trail_for, trail_visible_to

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """`{{ entry.action|audit_action }}`: the action in words, in the reader's language."""
    return action_label(action)


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # a key that is not a field (e.g. "status_note")
        return None


def _label(model, name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None else name.replace("_", " ")


def _parsed(field, value: str):
    """A date or a moment stored as ISO text, for a field of that type (else the text)."""
    try:
        if isinstance(field, models.DateTimeField):
            moment = dt.datetime.fromisoformat(value)
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
        if isinstance(field, models.DateField):
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (ValueError, TypeError):
        pass
    return value


def shown(field, value):
    """`value` (as audit.snapshot stored it) as the trail shows it; None for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if field is not None and field.choices and not isinstance(value, list | dict):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(shown(None, item) or "—") for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {shown(None, item) or '—'}" for key, item in value.items())
    if isinstance(field, models.DecimalField) and isinstance(value, str | int | float):
        try:
            amount = decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            return value
        return formats.number_format(
            amount, field.decimal_places, use_l10n=True, force_grouping=True
        )
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, str):
        return _parsed(field, value)
    return value


@register.inclusion_tag("core/audit_trail.html", takes_context=True)
def audit_trail(context, obj):
    """Render the trail of `obj` when the viewer may see it; nothing at all otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not trail_visible_to(user=user, obj=obj):
        return {"visible": False}
    entries = [{"entry": entry, "changes": _changes(obj, entry)} for entry in trail_for(obj)]
    return {"visible": True, "entries": entries}


def _changes(obj, entry) -> list[tuple[str, object, object]]:
    """(label, before, after) of each field that changed as the reader sees it (a value
    emptied from [] to nothing did not)."""
    changes = []
    for name, before, after in entry.changes():
        field = _field(obj.__class__, name)
        pair = shown(field, before), shown(field, after)
        if pair[0] != pair[1]:
            changes.append((_label(obj.__class__, name), *pair))
    return changes
