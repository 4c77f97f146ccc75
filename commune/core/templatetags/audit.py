"""`{% load audit %}{% audit_trail obj %}`: a record's history, for its town's admins only."""

from django import template

from commune.core.audit import action_label, trail_for, trail_visible_to

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """`{{ entry.action|audit_action }}`: the action in words, in the reader's language."""
    return action_label(action)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a key that is not a field (e.g. "status_note") keeps its own name
        return name.replace("_", " ")


@register.inclusion_tag("core/audit_trail.html", takes_context=True)
def audit_trail(context, obj):
    """Render the trail of `obj` when the viewer may see it; nothing at all otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not trail_visible_to(user=user, obj=obj):
        return {"visible": False}
    entries = [
        {
            "entry": entry,
            "changes": [
                (_label(obj.__class__, name), before, after)
                for name, before, after in entry.changes()
            ],
        }
        for entry in trail_for(obj)
    ]
    return {"visible": True, "entries": entries}
